package agents

import (
	"math/bits"
	"slices"
	"sort"
)

// Integration routes between two protocols, cheapest first under the
// default costs.
const (
	routeSame     int8 = iota // the same protocol: free
	routeStandard             // both sides speak the same interface standard
	routeBridge               // an existing bilateral bridge
	routeHub                  // both members of a live hub covering both verifications
	routeBespoke              // a new bespoke integration
)

var routeNames = [...]string{"same", "standard", "bridge", "hub", "bespoke"}

func trailingZeros(x uint64) int { return bits.TrailingZeros64(x) }

func pairKey(a, b int) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

// route returns the cheapest route joining protocol a on dimension da with
// protocol b on dimension db: its cost (k$), kind and, for a hub route, the
// hub. The bespoke route is always available; its cost is the bespoke cost
// plus the verification-translation and settlement costs of the pair.
func (m *Model) route(a, da, b, db int) (float64, int8, int8) {
	if a == b {
		return 0, routeSame, -1
	}
	in := &m.spec.Integration
	pa, pb := &m.prot[a], &m.prot[b]
	best := in.BespokeCost + m.verifCost[pa.verif*m.nVerif+pb.verif] + m.settleCost[pa.incent*m.nIncent+pb.incent]
	kind, hub := routeBespoke, int8(-1)
	if in.SameStandardCost < best && m.std[a*m.nDim+da] == m.std[b*m.nDim+db] {
		best, kind = in.SameStandardCost, routeStandard
	}
	if in.BridgeCost < best && m.hasBridge(a, b) {
		best, kind = in.BridgeCost, routeBridge
	}
	for mask := m.usableHubs(a) & m.usableHubs(b); mask != 0; mask &= mask - 1 {
		h := trailingZeros(mask)
		if f := m.hubs[h].fee; f < best {
			best, kind, hub = f, routeHub, int8(h)
		}
	}
	return best, kind, hub
}

// maxRouteSlots bounds the protocol×dimension slots for which routes are
// cached: the cache holds one entry per ordered pair of slots, 16 bytes
// each (48 slots: 36 KB).
const maxRouteSlots = 48

// routeEntry is a cached route and the epoch it was computed in.
type routeEntry struct {
	epoch uint32
	kind  int8
	hub   int8
	cost  float64
}

// setupRoutes allocates the route cache when the scenario is small enough.
func (m *Model) setupRoutes() {
	m.routeEpoch = 1 // a zero entry is stale
	if s := m.nProt * m.nDim; s <= maxRouteSlots {
		m.routeCache = make([]routeEntry, s*s)
	}
}

// routeCached is route, remembered until the next event that can change a
// route: a standard switch, a bridge, a hub's launch, suspension or
// resumption, a hub join or departure (routesChanged). route reads nothing
// else that changes during a run (verification and settlement mechanisms,
// cost matrices, integration costs and hub fees are fixed), so a current
// entry holds the very values route would return.
//
// The current entry is returned inline (routeCached inlines); routeFill
// does the rest.
func (m *Model) routeCached(a, da, b, db int) (float64, int8, int8) {
	if m.routeCache != nil {
		if e := &m.routeCache[(a*m.nDim+da)*m.nProt*m.nDim+b*m.nDim+db]; e.epoch == m.routeEpoch {
			return e.cost, e.kind, e.hub
		}
	}
	return m.routeFill(a, da, b, db)
}

// routeFill is routeCached without a current entry: it computes the route
// and, with a cache, stores it.
func (m *Model) routeFill(a, da, b, db int) (float64, int8, int8) {
	cost, kind, hub := m.route(a, da, b, db)
	if m.routeCache != nil {
		m.routeCache[(a*m.nDim+da)*m.nProt*m.nDim+b*m.nDim+db] = routeEntry{epoch: m.routeEpoch, kind: kind, hub: hub, cost: cost}
	}
	return cost, kind, hub
}

// routesChanged makes every cached route stale.
func (m *Model) routesChanged() { m.routeEpoch++ }

// usableHubs is the set of hubs through which p can route now: p is a
// member, the hub is launched and not suspended, and it covers p's
// verification mechanism.
func (m *Model) usableHubs(p int) uint64 {
	return m.prot[p].members & m.liveHubs & m.coverMask[m.prot[p].verif]
}

func (m *Model) hasBridge(a, b int) bool {
	if len(m.bridges) == 0 {
		return false
	}
	_, ok := m.bridges[pairKey(a, b)]
	return ok
}

// addBridge records a bilateral bridge left by a successful bespoke
// integration and joins the two protocols in the interop graph.
func (m *Model) addBridge(a, b int) {
	if m.bridges == nil {
		m.bridges = make(map[uint64]struct{})
	}
	k := pairKey(a, b)
	if _, ok := m.bridges[k]; ok {
		return
	}
	m.bridges[k] = struct{}{}
	m.routesChanged()
	m.bridgeList = append(m.bridgeList, [2]int32{int32(a), int32(b)})
	m.ufUnion(a, b)
}

// AddBridge adds a bilateral bridge between protocols a and b, as a
// successful bespoke integration would. It exists for validation (random
// bilateral integration graphs) and panics on bad indices.
func (m *Model) AddBridge(a, b int) {
	if a < 0 || b < 0 || a >= m.nProt || b >= m.nProt || a == b {
		panic("agents: AddBridge: bad protocol indices")
	}
	m.addBridge(a, b)
}

// The interop graph is kept as a union–find over P protocol nodes, one node
// per standard and one per hub: speaking a standard joins the protocol to
// the standard's node, hub membership (when the hub covers the protocol's
// verification) joins it to the hub's node, a bridge joins two protocols.
// Additions are unions, O(α(n)); removals (exits, standard switches away
// from a shared standard, hub departures) are rare and only mark the
// structure dirty: it is rebuilt in O(P + standards + hubs + bridges) when
// next read, never per sample unless something was removed.

func (m *Model) stdNode(s int32) int { return m.nProt + int(s) }
func (m *Model) hubNode(h int) int   { return m.nProt + len(m.stdNames) + h }

func (m *Model) ufInit() {
	n := m.nProt + len(m.stdNames) + len(m.hubs)
	if cap(m.uf) < n {
		m.uf = make([]int32, n)
		m.ufSize = make([]int32, n)
	}
	m.uf = m.uf[:n]
	m.ufSize = m.ufSize[:n]
	for i := range m.uf {
		m.uf[i] = int32(i)
		m.ufSize[i] = 1
	}
}

func (m *Model) ufFind(x int) int {
	for int(m.uf[x]) != x {
		m.uf[x] = m.uf[m.uf[x]] // path halving
		x = int(m.uf[x])
	}
	return x
}

func (m *Model) ufUnion(a, b int) {
	if m.ufDirty {
		return // rebuilt from scratch when next read
	}
	if m.uf == nil {
		m.ufInit()
	}
	ra, rb := m.ufFind(a), m.ufFind(b)
	if ra == rb {
		return
	}
	if m.ufSize[ra] < m.ufSize[rb] {
		ra, rb = rb, ra
	}
	m.uf[rb] = int32(ra)
	m.ufSize[ra] += m.ufSize[rb]
}

// ufRebuild recomputes the union–find from the live protocols' standards,
// hub memberships and bridges.
func (m *Model) ufRebuild() {
	m.ufDirty = false
	m.ufInit()
	for _, p32 := range m.live {
		p := int(p32)
		for d := range m.nDim {
			if s := m.std[p*m.nDim+d]; s >= 0 {
				m.ufUnion(p, m.stdNode(s))
			}
		}
		for mask := m.prot[p].members & m.coverMask[m.prot[p].verif]; mask != 0; mask &= mask - 1 {
			m.ufUnion(p, m.hubNode(trailingZeros(mask)))
		}
	}
	for _, br := range m.bridgeList {
		if m.isLive(int(br[0])) && m.isLive(int(br[1])) {
			m.ufUnion(int(br[0]), int(br[1]))
		}
	}
}

// components returns the number of connected components among live
// protocols, the usage-weighted share (weight 1 + live links) of the
// largest one, and the plain node share of the largest one. Which live
// protocol is in which component, and so the count and the node share,
// depend on the interop structure only (structureGen): they are kept in
// m.ciScratch.comp while it stays the same, and only the weights summed.
func (m *Model) components() (count int, weighted, nodes float64) {
	return m.componentsAt(m.structureGen())
}

// componentsAt is components, gen being structureGen().
func (m *Model) componentsAt(gen uint64) (count int, weighted, nodes float64) {
	if len(m.live) == 0 {
		return 0, 0, 0
	}
	c := &m.ciScratch.comp
	if c.gen != gen {
		c.build(m)
		c.gen = gen
	}
	if c.count == 1 {
		// The one component's weight is the total, summed in the same
		// order: the shares are exactly 1.
		return 1, 1, 1
	}
	// Each component's weight is summed over its protocols in the order of
	// m.live, as the total is.
	w := c.w[:c.count]
	clear(w)
	total := 0.0
	for i, p32 := range m.live {
		x := 1 + float64(m.prot[p32].usage)
		w[c.comp[i]] += x
		total += x
	}
	bestW := 0.0
	for _, x := range w {
		if x > bestW {
			bestW = x
		}
	}
	return c.count, bestW / total, c.bestN / float64(len(m.live))
}

// componentCache is what components keeps of one interop structure.
type componentCache struct {
	gen   uint64    // the structure generation it is for; 0: none
	comp  []int32   // the component of m.live[i], numbered from 0 in order of first appearance
	count int       // the number of components
	bestN float64   // the largest component's number of protocols
	w     []float64 // scratch: the components' weights
	ids   []int32   // scratch: the component of each union–find root, or -1
}

// build numbers the components of the live protocols in the union–find
// (rebuilt first if a removal made it stale).
func (c *componentCache) build(m *Model) {
	if m.ufDirty || m.uf == nil {
		m.ufRebuild()
	}
	n := len(m.uf)
	if cap(c.ids) < n {
		c.ids = make([]int32, n)
	}
	ids := c.ids[:n]
	for i := range ids {
		ids[i] = -1
	}
	c.comp = c.comp[:0]
	c.count = 0
	for _, p32 := range m.live {
		r := m.ufFind(int(p32))
		if ids[r] < 0 {
			ids[r] = int32(c.count)
			c.count++
		}
		c.comp = append(c.comp, ids[r])
	}
	c.w = resize(c.w, c.count)
	clear(c.w)
	for _, k := range c.comp {
		c.w[k]++
	}
	c.bestN = 0
	for _, x := range c.w {
		c.bestN = max(c.bestN, x)
	}
}

// LargestComponent returns the share of live protocols in the largest
// component of the interop graph (unweighted) and the number of components.
func (m *Model) LargestComponent() (share float64, components int) {
	count, _, nodes := m.components()
	return nodes, count
}

// sortedKeys returns the keys of a string-keyed map in order.
func sortedKeys[V any](mp map[string]V) []string {
	keys := make([]string, 0, len(mp))
	for k := range mp {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedInts(s []int) []int {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
