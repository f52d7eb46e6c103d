package agents

import (
	"math"
	"slices"

	"github.com/legolab/legolab/internal/portable"
)

// Observation is what an observer reads of the model at one instant. Per
// dimension slices are indexed like Spec.Dimensions, per hub slices like
// Spec.Hubs. Observe fills it without changing the model's dynamics (it
// only refreshes derived caches such as the interop graph's union–find)
// and draws no random numbers.
type Observation struct {
	Day float64
	// Composability is the composability index (see Composability).
	Composability float64
	// AppsLive, ComposedLive and FullStackLive count live apps, those using
	// ≥ 2 distinct protocols, and those whose protocol legs cover every
	// dimension.
	AppsLive, ComposedLive, FullStackLive int
	// BuildersCum counts builders arrived (one app each); ComposedCum the
	// composed apps ever built.
	BuildersCum, ComposedCum int
	// OutsideShare is the share of live app legs served by the outside
	// option.
	OutsideShare float64
	// LargestShare is the usage-weighted (1 + live links) share of the
	// largest interop component; Components the number of components
	// among live protocols.
	LargestShare float64
	Components   int
	// Bridges counts bilateral bridges between live protocols.
	Bridges int
	// HubShare is the share of live protocols in at least one launched hub.
	HubShare float64
	// LiveProtocols counts launched, not exited protocols.
	LiveProtocols int
	// Money, cumulative, k$: token emissions valued at their price,
	// emissions offered to builders, adoption subsidies, fees paid by apps
	// to protocols, and fees paid to hubs.
	EmissionsCum, IncentivesCum, SubsidiesCum, FeesCum, HubFeesCum float64
	// Exploits counts hub exploits.
	Exploits int
	// HHI is the Herfindahl–Hirschman index of live links per dimension
	// (0 when a dimension has no usage); LiveStandards the number of
	// distinct standards live protocols speak per dimension.
	HHI           []float64
	LiveStandards []int
	// HubMembers counts each hub's members.
	HubMembers []int
	// Adopters counts the live protocols that speak, on at least one
	// dimension, a standard offered by another protocol (standards.offered_by):
	// the de facto standard's adopters, its offerers excluded; 0 when nothing
	// is offered. A subnet count is this count (docs/model.md, Observation
	// operators).
	Adopters int
	// ProtocolLinks counts the live app legs served by protocols (not by the
	// outside option): the positions of capital a value-locked proxy counts.
	ProtocolLinks int
}

// Observe fills o with the model's state at its current time. What depends
// on the interop structure only (bridges, hub share, live standards,
// adopters: see structureGen) it computes once per structure.
func (m *Model) Observe(o *Observation) {
	now := m.Now()
	o.Day = now
	oc := &m.ciScratch.obs
	gen := m.structureGen()
	if oc.gen != gen {
		oc.refresh(m)
		oc.gen = gen
	}
	o.Composability = m.composability(gen)
	o.AppsLive, o.ComposedLive, o.FullStackLive = m.appsLive, m.composedLive, m.fullStackLive
	o.BuildersCum, o.ComposedCum = m.nBuilders, m.composedCum
	o.OutsideShare = 0
	if n := m.protoLinks + m.outsideLinks; n > 0 {
		o.OutsideShare = float64(m.outsideLinks) / float64(n)
	}
	o.Components, o.LargestShare, _ = m.componentsAt(gen)
	o.Bridges = oc.bridges
	o.LiveProtocols = len(m.live)
	o.HubShare = 0
	if len(m.live) > 0 {
		o.HubShare = float64(oc.inHub) / float64(len(m.live))
	}
	o.EmissionsCum, o.IncentivesCum = 0, 0
	if len(oc.emit) != len(m.prot) {
		oc.emit = make([]emitCache, len(m.prot))
	}
	for p := range m.prot {
		pr := &m.prot[p]
		o.EmissionsCum += pr.emitCum
		o.IncentivesCum += pr.incentCum
		// The open segment since the last flush, computed without
		// flushing. Without emissions it is price·0, a zero whose sign
		// cannot change the sums (never −0: they start at +0) unless the
		// price is not finite (NaN): skipped then.
		if pr.launched && !pr.exited && now > pr.emitT && (pr.token.EmissionPerDay != 0 || math.IsNaN(pr.price*0)) {
			v := pr.price * oc.emit[p].integral(pr, pr.emitT, now)
			o.EmissionsCum += v
			o.IncentivesCum += v * pr.builderShare(pr.emitT)
		}
	}
	o.SubsidiesCum = m.subsidyCum + m.subsidyRate*(now-m.subsidyT)
	o.FeesCum = m.feesCum + m.spec.Builders.FeePerDay*float64(m.protoLinks)*(now-m.feeT)
	o.HubFeesCum = m.hubFeesCum
	o.Exploits = m.exploits
	o.HHI = resize(o.HHI, m.nDim)
	o.LiveStandards = resizeInt(o.LiveStandards, m.nDim)
	// composability above made m.ciScratch's slots those of the current
	// structure: by dimension, the live protocols serving it, in the order
	// of m.live, which are the only ones with links there.
	s := &m.ciScratch
	for d := range m.nDim {
		o.HHI[d] = m.hhiOf(d, s.slots[s.start[d]:s.start[d+1]])
	}
	//lint:ignore S1001 a copy of so few is a memmove call: a loop is cheaper
	for d, n := range oc.liveStandards {
		o.LiveStandards[d] = n
	}
	o.HubMembers = resizeInt(o.HubMembers, m.nHub)
	for h := range m.hubs {
		o.HubMembers[h] = m.hubs[h].members
	}
	o.Adopters = oc.adopters
	o.ProtocolLinks = m.protoLinks
}

// observeCache is what Observe derives from one interop structure.
type observeCache struct {
	gen           uint64 // the structure generation (structureGen) it is for; 0: none
	bridges       int    // bridges between live protocols
	inHub         int    // live protocols in at least one launched hub
	liveStandards []int  // liveStandards(d) by dimension
	adopters      int    // adopters()

	emit []emitCache // by protocol: its open emission segment (any structure)
}

// emitCache is emissionIntegral(t0, t1) for one protocol and one t0 (the
// start of its open emission segment, emitT, which changes only at a
// flush) as t1 grows from one observation to the next: the halving
// segments before the one t1 falls in are complete, and their sum the same
// at every later t1, so it is kept (prefix) with the next segment's start,
// halving index, level and, with decay, e^{−k·a} at its start. integral
// then adds the last segment as emissionIntegral's loop does, with the same
// operations on the same values: the same bits, which TestEmitCache checks.
type emitCache struct {
	ok        bool
	t0, start float64 // the t0 (after max with the emission start) and emission start it is for
	n         float64 // the halving index of the first segment not in prefix
	a         float64 // its start (emission age)
	level     float64 // its level, E·2^−n
	ea        float64 // e^{−k·a}, with decay
	prefix    float64 // the complete segments before it, summed in order from 0
}

// integral returns pr.emissionIntegral(t0, t1).
func (c *emitCache) integral(pr *protocol, t0, t1 float64) float64 {
	tk := &pr.token
	if tk.EmissionPerDay == 0 {
		return 0
	}
	t0 = math.Max(t0, pr.emitStart)
	if t1 <= t0 {
		return 0
	}
	k := tk.DecayPerYear / daysPerYear
	a1 := t1 - pr.emitStart
	if !c.ok || c.t0 != t0 || c.start != pr.emitStart || a1 < c.a {
		a0 := t0 - pr.emitStart
		*c = emitCache{ok: true, t0: t0, start: pr.emitStart, a: a0, level: tk.EmissionPerDay}
		if tk.HalvingDays > 0 {
			c.n = math.Floor(a0 / tk.HalvingDays)
			c.level = tk.EmissionPerDay * math.Exp2(-c.n)
		}
		if k != 0 {
			c.ea = portable.Exp(-k * c.a)
		}
	}
	// seg is emissionIntegral's ∫_{a}^{a1} level·e^{−k s} ds from c's
	// segment start a, ea being e^{−k a}; it also returns e^{−k a1}.
	seg := func(a1, level float64) (float64, float64) {
		if k == 0 {
			return level * (a1 - c.a), 0
		}
		e1 := portable.Exp(-k * a1)
		return level * (c.ea - e1) / k, e1
	}
	if tk.HalvingDays <= 0 {
		v, _ := seg(a1, c.level)
		return v
	}
	for c.n < 1100 {
		end := (c.n + 1) * tk.HalvingDays
		if end >= a1 {
			break
		}
		v, e1 := seg(end, c.level)
		c.prefix += v
		c.a, c.ea = end, e1
		c.n++
		c.level = tk.EmissionPerDay * math.Exp2(-c.n)
	}
	if c.a < a1 && c.n < 1100 {
		v, _ := seg(a1, c.level)
		return c.prefix + v
	}
	return c.prefix
}

// refresh computes c for the current structure. Hub membership and hub
// launches bump routeEpoch (so does a bridge, a standard switch), and the
// speaker counts change only at a launch, an exit or a standard switch.
func (c *observeCache) refresh(m *Model) {
	c.bridges = 0
	for _, br := range m.bridgeList {
		if m.isLive(int(br[0])) && m.isLive(int(br[1])) {
			c.bridges++
		}
	}
	c.inHub = 0
	for _, p := range m.live {
		if m.prot[p].members&m.launched != 0 {
			c.inHub++
		}
	}
	c.liveStandards = resizeInt(c.liveStandards, m.nDim)
	for d := range m.nDim {
		c.liveStandards[d] = m.liveStandards(d)
	}
	c.adopters = m.adopters()
}

// structureKey identifies the interop structure a structureGen generation
// stands for.
type structureKey struct {
	gen   uint64
	epoch uint32
	live  []int32
}

// structureGen returns the generation of the current interop structure: a
// number that changes whenever the structure may have, so that what is
// derived from the structure alone can be kept while it stays the same.
// The structure is the live protocols (in m.live's order) and their
// standards, hub memberships, bridges and the hubs' states; every change of
// the last four bumps m.routeEpoch (routesChanged: a standard switch, a
// bridge, a hub's launch, suspension or resumption, a hub join or
// departure; the dimensions served, verification mechanisms, costs and hub
// fees are fixed), so the structure is the same while routeEpoch and the
// live list are. The speaker counts of standards and the interop graph's
// union–find change only with the structure too. The weights (link
// counts) are not part of it.
func (m *Model) structureGen() uint64 {
	k := &m.ciScratch.key
	if k.gen == 0 || k.epoch != m.routeEpoch || !slices.Equal(k.live, m.live) {
		k.gen++
		k.epoch = m.routeEpoch
		k.live = append(k.live[:0], m.live...)
	}
	return k.gen
}

// adopters counts the live protocols speaking, on some served dimension, a
// standard that another protocol offers. It reads the standards only, in
// O(live protocols × dimensions).
func (m *Model) adopters() int {
	if !m.stdOn {
		return 0
	}
	n := 0
	for _, p32 := range m.live {
		p := int(p32)
		for d := range m.nDim {
			s := m.std[p*m.nDim+d]
			if s >= 0 && m.stdOfferer[s] >= 0 && int(m.stdOfferer[s]) != p {
				n++
				break
			}
		}
	}
	return n
}

// ObserveCounts fills only o.Day, o.Composability and the app counters
// (AppsLive, ComposedLive, FullStackLive, BuildersCum, ComposedCum) with
// the model's state at its current time, leaving the other fields as they
// were: the Lego detector's inputs, at a fraction of Observe's cost (no
// interop components, money or per-dimension scans). The fields it fills
// are those Observe would.
func (m *Model) ObserveCounts(o *Observation) {
	m.ObserveApps(o)
	o.Composability = m.Composability()
}

// ObserveApps is ObserveCounts without the composability index: it fills
// only o.Day and the app counters, in O(1), for a collector that reads the
// index (Composability) only on the days it needs it.
func (m *Model) ObserveApps(o *Observation) {
	o.Day = m.Now()
	o.AppsLive, o.ComposedLive, o.FullStackLive = m.appsLive, m.composedLive, m.fullStackLive
	o.BuildersCum, o.ComposedCum = m.nBuilders, m.composedCum
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func resizeInt64(s []int64, n int) []int64 {
	if cap(s) < n {
		return make([]int64, n)
	}
	return s[:n]
}

func resizeInt(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// hhi is Σ s_p² over the protocols' shares of live links on dimension d.
func (m *Model) hhi(d int) float64 {
	tot := m.linksDim[d]
	if tot == 0 {
		return 0
	}
	h := 0.0
	for _, p := range m.live {
		if u := m.usageDim[int(p)*m.nDim+d]; u > 0 {
			s := float64(u) / float64(tot)
			h += s * s
		}
	}
	return h
}

// hhiOf is hhi(d) summed over the slots of d only (ciSide: the live
// protocols serving d, in the order of m.live), the others having no links
// on d: the same terms in the same order.
func (m *Model) hhiOf(d int, slots []ciSlot) float64 {
	tot := m.linksDim[d]
	if tot == 0 {
		return 0
	}
	h := 0.0
	for i := range slots {
		if u := m.usageDim[slots[i].u]; u > 0 {
			s := float64(u) / float64(tot)
			h += s * s
		}
	}
	return h
}

// liveStandards counts the distinct standards spoken on d by live
// protocols, from the speaker counts.
func (m *Model) liveStandards(d int) int {
	n := 0
	for s := range m.stdNames {
		if m.speakers[s*m.nDim+d] > 0 {
			n++
		}
	}
	return n
}

// Composability returns the composability index: over the dimension pairs
// that some app type joins, the share of (protocol on one dimension,
// different protocol on the other) pairs of live protocols that an existing
// route joins at a cost of at most lego.compose_cost_max, each pair weighted
// by (1 + links_a,da)·(1 + links_b,db):
//
//	CI = Σ_J Σ_{a≠b} w_a w_b 1[route(a,b) ≤ c_max] / Σ_J Σ_{a≠b} w_a w_b
//
// Routes counted are existing ones (shared standard, bridge, usable hub);
// a bespoke integration is a prospect, not a route. The sum is exact and
// costs O(J·(P·K + B)) rather than O(P²): the complement (pairs with no
// cheap route) is the pairs with different standards and disjoint usable
// hub sets and no bridge; disjoint-hub pairs are summed by grouping
// protocols by hub set (K distinct sets) and by (standard, hub set), and
// bridge pairs are then subtracted one by one.
//
// Every weight is an integer (1 + a link count), so every term and partial
// sum of the index is an integer; Composability sums them exactly in int64
// (pairs one by one when few, grouped as above when many) and divides once.
// While every partial sum stays below 2⁵³ that is what the float64 sums of
// composabilityFloat (the grouped algorithm in float64, as it was first
// written) hold too, in whatever order they are added, so the index has the
// same bits; past 2⁵³ (a bound checked on the way) Composability returns
// composabilityFloat's.
//
// Which pairs have a cheap route depends on the interop structure only (the
// live protocols and their standards, usable hubs and bridges), not on the
// weights; the structure changes at a few events, the weights at nearly
// every one. Composability keeps what it derives from the structure (the
// slots, and for each join pair tested pair by pair the lists of self
// pairs and of pairs with no cheap route) while the structure stays the
// same (structureGen), refreshing only the weights; and since every weight
// is ≥ 1, whether the index is 0 (no pair has a cheap route), 1 (every
// pair has one) or in between is a property of the structure too, which it
// remembers after an exact computation, returning 0 or 1 without summing.
func (m *Model) Composability() float64 { return m.composability(m.structureGen()) }

// composability is Composability, gen being structureGen().
func (m *Model) composability(gen uint64) float64 {
	s := &m.ciScratch
	same := s.gen == gen
	if same && s.class != ciUnknown && m.ciWeightsSmall() {
		if s.class == ciOne {
			return 1
		}
		return 0
	}
	ci, exact, num, den, anyBad := m.composabilityExact(same)
	if exact {
		switch {
		case den <= 0 || num == 0:
			s.class = ciZero
		case !anyBad:
			s.class = ciOne
		}
	}
	return ci
}

// The class of a structure's composability index, as far as known.
const (
	ciUnknown int8 = iota // not learnt, or strictly between 0 and 1
	ciZero                // 0 whatever the weights
	ciOne                 // 1 whatever the weights
)

// ciWeightsSmall reports whether the current weights are small enough that
// Composability sums them exactly (no composabilityFloat fallback, whose
// float64 sums need not give exactly 0 or 1): every side's total weight is
// at most L = live protocols + protocol links, so wa·wb ≤ L² per join pair.
func (m *Model) ciWeightsSmall() bool {
	L := int64(len(m.live)) + int64(m.protoLinks)
	return L < ciExactMax && L < 1<<26 && L*L <= (1<<53-1)/int64(max(len(m.joinPairs), 1))
}

// composabilityExact is Composability computed, on the structure s was
// built for when same (only the weights refreshed), else on a structure
// built anew: the index, whether it was summed exactly in int64 (false
// when it is composabilityFloat's), and then its numerator and
// denominator and whether some join pair had pairs with no cheap route.
func (m *Model) composabilityExact(same bool) (ci float64, exact bool, num, den int64, anyBad bool) {
	cmax := m.spec.Lego.ComposeCostMax
	in := &m.spec.Integration
	useStd := in.SameStandardCost <= cmax
	useBridge := in.BridgeCost <= cmax
	var cheapHubs uint64
	for h := range m.hubs {
		if m.hubs[h].fee <= cmax {
			cheapHubs |= 1 << h
		}
	}
	s := &m.ciScratch
	if !same {
		s.build(m, useStd, useBridge, cheapHubs)
	}
	// The weights, and each dimension's total (exact integer sums: in
	// any order the same).
	s.wsum = resizeInt64(s.wsum, m.nDim)
	for d := range m.nDim {
		var sum int64
		slots := s.slots[s.start[d]:s.start[d+1]]
		for i := range slots {
			w := 1 + int64(m.usageDim[slots[i].u])
			slots[i].w = w
			sum += w
		}
		s.wsum[d] = sum
	}
	var bound int64
	for j, jp := range m.joinPairs {
		da, db := jp[0], jp[1]
		if s.start[da] == s.start[da+1] {
			continue // no slot on da
		}
		wa, wb := s.wsum[da], s.wsum[db]
		// The exactness guard: every partial sum below is at most the
		// running sum of wa·wb over the join pairs.
		if wa >= ciExactMax || wb >= ciExactMax {
			return m.composabilityFloat(), false, 0, 0, false
		}
		if bound += wa * wb; bound >= 1<<53 {
			return m.composabilityFloat(), false, 0, 0, false
		}
		var wself, bad int64
		if at := s.pairsAt[j]; at[0] >= 0 {
			// Tested pair by pair when the structure was built: the self
			// pairs, then the pairs with no cheap route, bridges included.
			for _, pr := range s.pairs[at[0]:at[1]] {
				wself += s.slots[pr[0]].w * s.slots[pr[1]].w
			}
			for _, pr := range s.pairs[at[1]:at[2]] {
				bad += s.slots[pr[0]].w * s.slots[pr[1]].w
			}
		} else {
			a, b := s.slots[s.start[da]:s.start[da+1]], s.slots[s.start[db]:s.start[db+1]]
			wself, bad = s.grouped(a, b, useStd)
			for _, br := range s.bridges {
				x, y := int(br[0]), int(br[1])
				bad -= m.ciBadPair(x, da, y, db, useStd, cheapHubs)
				bad -= m.ciBadPair(y, da, x, db, useStd, cheapHubs)
			}
		}
		total := wa*wb - wself
		if total <= 0 {
			continue
		}
		num += total - bad
		den += total
		anyBad = anyBad || bad != 0
	}
	if den <= 0 {
		return 0, true, num, den, anyBad
	}
	ci = float64(num) / float64(den)
	if ci < 0 {
		ci = 0 // never, with exact sums; composabilityFloat's guard
	}
	return ci, true, num, den, anyBad
}

// build derives from the current interop structure, generation
// s.key.gen (structureGen), what Composability sums over, with the current
// weights, and forgets the class.
func (s *composabilityScratch) build(m *Model, useStd, useBridge bool, cheapHubs uint64) {
	s.gen, s.class = s.key.gen, ciUnknown
	s.bridges = s.bridges[:0]
	if useBridge {
		for _, br := range m.bridgeList {
			if m.isLive(int(br[0])) && m.isLive(int(br[1])) {
				s.bridges = append(s.bridges, br)
			}
		}
	}
	// The slots of each dimension, in the order of m.live.
	s.slots = s.slots[:0]
	s.start = s.start[:0]
	for d := range m.nDim {
		s.start = append(s.start, int32(len(s.slots)))
		s.slots = m.ciSide(s.slots, d, cheapHubs)
	}
	s.start = append(s.start, int32(len(s.slots)))
	// The pairs of each join pair with few enough of them: a pair with no
	// cheap route has different standards (or standards not counted),
	// disjoint cheap usable hub sets and no bridge between live protocols
	// (bridges counted), the one the grouped sums subtract.
	s.pairs = s.pairs[:0]
	s.pairsAt = s.pairsAt[:0]
	for _, jp := range m.joinPairs {
		a0, a1 := s.start[jp[0]], s.start[jp[0]+1]
		b0, b1 := s.start[jp[1]], s.start[jp[1]+1]
		if int(a1-a0)*int(b1-b0) > ciDirectMax {
			s.pairsAt = append(s.pairsAt, [3]int32{-1, -1, -1})
			continue
		}
		at := [3]int32{int32(len(s.pairs))}
		for i := a0; i < a1; i++ {
			for k := b0; k < b1; k++ {
				if s.slots[i].p == s.slots[k].p {
					s.pairs = append(s.pairs, [2]int32{i, k})
				}
			}
		}
		at[1] = int32(len(s.pairs))
		for i := a0; i < a1; i++ {
			x := &s.slots[i]
			for k := b0; k < b1; k++ {
				y := &s.slots[k]
				switch {
				case x.p == y.p:
				case useStd && x.std == y.std, x.mask&y.mask != 0:
				case useBridge && m.hasBridge(int(x.p), int(y.p)):
				default:
					s.pairs = append(s.pairs, [2]int32{i, k})
				}
			}
		}
		at[2] = int32(len(s.pairs))
		s.pairsAt = append(s.pairsAt, at)
	}
}

// ciExactMax bounds the total weight of one side of a join pair for the
// exact int64 sums of Composability: below it wa·wb < 2⁵² cannot overflow.
// A variable so that a test can force the float64 fallback.
var ciExactMax int64 = 1 << 26

// ciDirectMax is the number of (slot on da, slot on db) pairs up to which
// Composability tests each pair, rather than grouping protocols by hub set
// and standard: a variable so that a test can force either path.
var ciDirectMax = 256

// composabilityScratch is Composability's scratch space, reused by every
// call so that an observation allocates nothing once warm, and what it
// derives from one interop structure. The f* fields are
// composabilityFloat's. It also holds the structure's key (structureGen)
// and what Observe and components keep of a structure.
type composabilityScratch struct {
	key  structureKey
	obs  observeCache
	comp componentCache

	gen   uint64 // the structure generation the fields below are for; 0: none
	class int8   // ciUnknown, ciZero or ciOne

	slots   []ciSlot   // the live protocols serving each dimension, dimension by dimension
	start   []int32    // dimension d's slots are slots[start[d]:start[d+1]]
	wsum    []int64    // by dimension: its slots' total weight
	bridges [][2]int32 // bridges between live protocols
	// Join pair j tested pair by pair (pairsAt[j][0] ≥ 0): its self pairs
	// (slot indices) are pairs[pairsAt[j][0]:pairsAt[j][1]], its pairs
	// with no cheap route pairs[pairsAt[j][1]:pairsAt[j][2]]. Grouped:
	// pairsAt[j] is all -1.
	pairs   [][2]int32
	pairsAt [][3]int32

	masks   []uint64 // grouped: distinct hub sets on da
	maskW   []int64  // grouped: their total weight
	acc     []int64  // grouped: weight by (standard, hub set) on da
	touched []int32  // grouped: the acc cells to clear

	fMasks   []uint64
	fMaskW   []float64
	fAcc     []float64
	fTouched []int32
}

// ciSlot is a live protocol serving one dimension of a join pair: its
// standard there, its cheap usable hubs, its weight 1 + links there and
// the index of those links in m.usageDim.
type ciSlot struct {
	p    int32
	std  int32
	mask uint64
	w    int64
	u    int32
}

// ciSide appends to s the live protocols serving d, in the order of m.live.
func (m *Model) ciSide(s []ciSlot, d int, cheapHubs uint64) []ciSlot {
	for _, p32 := range m.live {
		p := int(p32)
		if m.prot[p].serves&(1<<d) == 0 {
			continue
		}
		u := p*m.nDim + d
		s = append(s, ciSlot{p: p32, std: m.std[u], mask: m.usableHubs(p) & cheapHubs, w: 1 + int64(m.usageDim[u]), u: int32(u)})
	}
	return s
}

// grouped returns the self-pair weight and the weight of pairs with no
// cheap route but a possible bridge (different standards, or standards not
// counted, and disjoint cheap hub sets) between the slots a and b, in
// O((|a| + |b|)·K) for K distinct hub sets on a: the algorithm of
// composabilityFloat, in int64.
func (s *composabilityScratch) grouped(a, b []ciSlot, useStd bool) (wself, bad int64) {
	s.masks, s.maskW = s.masks[:0], s.maskW[:0]
	for _, x := range a {
		i := indexU64(s.masks, x.mask)
		if i < 0 {
			i = len(s.masks)
			s.masks = append(s.masks, x.mask)
			s.maskW = append(s.maskW, 0)
		}
		s.maskW[i] += x.w
	}
	K := len(s.masks)
	nStd := 0
	if useStd {
		for _, x := range a {
			nStd = max(nStd, int(x.std)+1)
		}
		for _, y := range b {
			nStd = max(nStd, int(y.std)+1)
		}
	}
	if need := nStd * K; cap(s.acc) < need {
		s.acc = make([]int64, need)
	}
	acc := s.acc[:nStd*K]
	s.touched = s.touched[:0]
	if useStd {
		for _, x := range a {
			j := int(x.std)*K + indexU64(s.masks, x.mask)
			if acc[j] == 0 {
				s.touched = append(s.touched, int32(j))
			}
			acc[j] += x.w
		}
	}
	var disjoint, sameStd int64
	for _, y := range b {
		for i, mk := range s.masks {
			if mk&y.mask != 0 {
				continue
			}
			disjoint += y.w * s.maskW[i]
			if useStd {
				sameStd += y.w * acc[int(y.std)*K+i]
			}
		}
	}
	// The pairs (p, p) of a protocol serving both dimensions: in wself,
	// and out of disjoint and sameStd, where they are when p has no cheap
	// usable hub (and, for sameStd, speaks one standard on both).
	for _, x := range a {
		for _, y := range b {
			if x.p != y.p {
				continue
			}
			wself += x.w * y.w
			if x.mask == 0 {
				disjoint -= x.w * y.w
				if useStd && x.std == y.std {
					sameStd -= x.w * y.w
				}
			}
			break
		}
	}
	for _, j := range s.touched {
		acc[j] = 0
	}
	return wself, disjoint - sameStd
}

// ciBadPair is badPair in int64: w_x·w_y when x serves da and y serves db
// and the pair has no cheap route other than their bridge, else 0.
func (m *Model) ciBadPair(x, da, y, db int, useStd bool, cheapHubs uint64) int64 {
	if m.prot[x].serves&(1<<da) == 0 || m.prot[y].serves&(1<<db) == 0 {
		return 0
	}
	if useStd && m.std[x*m.nDim+da] == m.std[y*m.nDim+db] {
		return 0
	}
	if m.usableHubs(x)&m.usableHubs(y)&cheapHubs != 0 {
		return 0
	}
	return (1 + int64(m.usageDim[x*m.nDim+da])) * (1 + int64(m.usageDim[y*m.nDim+db]))
}

// composabilityFloat is the composability index summed in float64 by the
// grouped algorithm: Composability's reference, and its fallback when the
// sums could leave the integers float64 holds exactly.
func (m *Model) composabilityFloat() float64 {
	cmax := m.spec.Lego.ComposeCostMax
	in := &m.spec.Integration
	useStd := in.SameStandardCost <= cmax
	useBridge := in.BridgeCost <= cmax
	var cheapHubs uint64
	for h := range m.hubs {
		if m.hubs[h].fee <= cmax {
			cheapHubs |= 1 << h
		}
	}
	mask := func(p int) uint64 { return m.usableHubs(p) & cheapHubs }
	num, den := 0.0, 0.0
	nStd := len(m.stdNames)
	for _, jp := range m.joinPairs {
		da, db := jp[0], jp[1]
		// Pass 1: hub-set groups and (standard, hub set) groups on da.
		m.ciScratch.fMasks = m.ciScratch.fMasks[:0]
		m.ciScratch.fMaskW = m.ciScratch.fMaskW[:0]
		wa, wself := 0.0, 0.0
		for _, p32 := range m.live {
			p := int(p32)
			if m.prot[p].serves&(1<<da) == 0 {
				continue
			}
			w := 1 + float64(m.usageDim[p*m.nDim+da])
			wa += w
			mk := mask(p)
			i := indexU64(m.ciScratch.fMasks, mk)
			if i < 0 {
				i = len(m.ciScratch.fMasks)
				m.ciScratch.fMasks = append(m.ciScratch.fMasks, mk)
				m.ciScratch.fMaskW = append(m.ciScratch.fMaskW, 0)
			}
			m.ciScratch.fMaskW[i] += w
		}
		if wa == 0 {
			continue
		}
		K := len(m.ciScratch.fMasks)
		if need := nStd * K; cap(m.ciScratch.fAcc) < need {
			m.ciScratch.fAcc = make([]float64, need)
		}
		acc := m.ciScratch.fAcc[:nStd*K]
		m.ciScratch.fTouched = m.ciScratch.fTouched[:0]
		if useStd {
			for _, p32 := range m.live {
				p := int(p32)
				if m.prot[p].serves&(1<<da) == 0 {
					continue
				}
				j := int(m.std[p*m.nDim+da])*K + indexU64(m.ciScratch.fMasks, mask(p))
				if acc[j] == 0 {
					m.ciScratch.fTouched = append(m.ciScratch.fTouched, int32(j))
				}
				acc[j] += 1 + float64(m.usageDim[p*m.nDim+da])
			}
		}
		// Pass 2 over db.
		wb, disjoint, sameStd := 0.0, 0.0, 0.0
		for _, p32 := range m.live {
			p := int(p32)
			if m.prot[p].serves&(1<<db) == 0 {
				continue
			}
			w := 1 + float64(m.usageDim[p*m.nDim+db])
			wb += w
			mk := mask(p)
			s := int(m.std[p*m.nDim+db])
			for i, x := range m.ciScratch.fMasks {
				if x&mk != 0 {
					continue
				}
				disjoint += w * m.ciScratch.fMaskW[i]
				if useStd {
					sameStd += w * acc[s*K+i]
				}
			}
			if m.prot[p].serves&(1<<da) != 0 {
				w2 := 1 + float64(m.usageDim[p*m.nDim+da])
				wself += w * w2
				// The pair (p, p) is in "disjoint" when p has no usable
				// hub, and in "sameStd" when it speaks one standard on
				// both dimensions; remove it.
				if mk == 0 {
					disjoint -= w * w2
					if useStd && m.std[p*m.nDim+da] == m.std[p*m.nDim+db] {
						sameStd -= w * w2
					}
				}
			}
		}
		for _, j := range m.ciScratch.fTouched {
			acc[j] = 0
		}
		bad := disjoint - sameStd
		if useBridge {
			for _, br := range m.bridgeList {
				x, y := int(br[0]), int(br[1])
				if !m.isLive(x) || !m.isLive(y) {
					continue
				}
				bad -= m.badPair(x, da, y, db, useStd, mask)
				bad -= m.badPair(y, da, x, db, useStd, mask)
			}
		}
		total := wa*wb - wself
		if total <= 0 {
			continue
		}
		num += total - bad
		den += total
	}
	if den <= 0 {
		return 0
	}
	ci := num / den
	if ci < 0 {
		ci = 0 // rounding
	}
	return ci
}

// badPair returns w_x·w_y when x serves da and y serves db and the pair has
// no cheap route other than their bridge, else 0.
func (m *Model) badPair(x, da, y, db int, useStd bool, mask func(int) uint64) float64 {
	if m.prot[x].serves&(1<<da) == 0 || m.prot[y].serves&(1<<db) == 0 {
		return 0
	}
	if useStd && m.std[x*m.nDim+da] == m.std[y*m.nDim+db] {
		return 0
	}
	if mask(x)&mask(y) != 0 {
		return 0
	}
	return (1 + float64(m.usageDim[x*m.nDim+da])) * (1 + float64(m.usageDim[y*m.nDim+db]))
}

func indexU64(s []uint64, v uint64) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// GraphNode is one live protocol of the interop graph.
type GraphNode struct {
	Name      string
	Dimension string
	Usage     float64
}

// GraphEdge is one interop route between nodes A and B (indices into the
// node list); Kind is "standard", "hub" or "bridge", and Hub the hub's
// name for Kind "hub" ("" otherwise).
type GraphEdge struct {
	A, B int
	Kind string
	Hub  string
}

// Graph returns the interop graph among live protocols. Shared standards and
// hub memberships are drawn as stars (each speaker or member linked to the
// first one in protocol order), so a standard shared by n protocols gives
// n−1 edges rather than n(n−1)/2; bridges are listed as they are.
func (m *Model) Graph() ([]GraphNode, []GraphEdge) {
	idx := make([]int, m.nProt)
	var nodes []GraphNode
	for p := range m.prot {
		idx[p] = -1
		if !m.isLive(p) {
			continue
		}
		idx[p] = len(nodes)
		nodes = append(nodes, GraphNode{Name: m.prot[p].name, Dimension: m.spec.Dimensions[m.prot[p].mainDim], Usage: float64(m.prot[p].usage)})
	}
	var edges []GraphEdge
	first := make([]int, len(m.stdNames))
	for i := range first {
		first[i] = -1
	}
	for p := range m.prot {
		if idx[p] < 0 {
			continue
		}
		seen := map[int32]bool{}
		for d := range m.nDim {
			s := m.std[p*m.nDim+d]
			if s < 0 || seen[s] {
				continue
			}
			seen[s] = true
			if first[s] < 0 {
				first[s] = p
			} else {
				edges = append(edges, GraphEdge{A: idx[first[s]], B: idx[p], Kind: "standard"})
			}
		}
	}
	for h := range m.hubs {
		f := -1
		for p := range m.prot {
			if idx[p] < 0 || m.prot[p].members&(1<<h) == 0 || m.coverMask[m.prot[p].verif]&(1<<h) == 0 {
				continue
			}
			if f < 0 {
				f = p
			} else {
				edges = append(edges, GraphEdge{A: idx[f], B: idx[p], Kind: "hub", Hub: m.hubs[h].name})
			}
		}
	}
	for _, br := range m.bridgeList {
		a, b := idx[br[0]], idx[br[1]]
		if a >= 0 && b >= 0 {
			edges = append(edges, GraphEdge{A: a, B: b, Kind: "bridge"})
		}
	}
	return nodes, edges
}
