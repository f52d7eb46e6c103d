package agents

import (
	"math"
	"sort"
)

// Builders arrive as a Bass (1969) point process amplified by visible
// composition and, in the manner of the Generalized Bass Model (Bass,
// Krishnan & Jain 1994), by the incentives on offer:
//
//	λ(t) = (p + q_eff·N/M)·(M − N)·x(t),  q_eff = q·(1 + η·c(t)),
//	x(t) = 1 + w_y·Y(t),  Y(t) = Σ_p pool_p(t) / (A(t) + 1)
//
// with N the builders arrived so far, M the market potential, c(t) the
// composed share of live apps, p, q converted from per year to per day,
// w_y the choice's yield_weight, pool_p the builder incentive pool of p
// (k$/day) and A the live apps. Y is the market-wide incentive a newcomer
// can expect, diluted by every app already sharing it; without builder
// incentives x ≡ 1 and the process is Bass amplified by composition.
//
// Arrivals are drawn exactly by thinning (Lewis & Shedler 1979): candidates
// at the bound λ̄ = (p + q(1 + η·c̄)N/M)(M − N)·x(t₀), fixed when the
// candidate is scheduled at t₀, each accepted with probability λ(t)/λ̄.
// c̄ = min(1, c(t₀) + thinMargin) is the composed share at t₀ plus a margin.
// Between events x only falls (emissions decay, apps accrue) and c, N stay
// put, so λ ≤ λ̄ holds as long as no event raises c above c̄ or raises x.
// The events that can (an app's start or death, a launch, a builder share
// or emissions switching on) redraw the pending candidate, which the
// memoryless exponential allows, when λ now exceeds its bound. A candidate
// that stands keeps the streams of a variant
// whose pools are still 0 equal to those of one without incentives (common
// random numbers). With η = 0 and no incentives every candidate is
// accepted and the process is the stochastic Bass diffusion, whose mean
// follows M·F(t).

// thinMargin is the margin of the composed share in the thinning bound. A
// larger margin rejects more candidates (the acceptance ratio is at least
// 1/(1 + η·thinMargin)); a smaller one redraws more often, each redraw one
// exponential draw.
const thinMargin = 0.05

// scheduleArrival schedules the next candidate arrival, if any builder is
// left in the market, and supersedes any pending one.
func (m *Model) scheduleArrival() {
	m.arrGen++
	m.arrBound = m.arrivalBound()
	if m.arrBound <= 0 {
		m.arrBound = 0 // no candidate pending
		return
	}
	m.eng.After(m.rArr.ExpFloat64()/m.arrBound, prioArrival, m.actArrival, int64(m.arrGen))
}

// arrivalBound is the thinning bound λ̄ at the current time, 0 when no
// builder is left in the market.
func (m *Model) arrivalBound() float64 {
	left := m.mPot - float64(m.nBuilders)
	if left <= 0 {
		return 0
	}
	n := float64(m.nBuilders)
	// amp is 1 + max(η, 0)·c̄. With max(η, 0) = +0 it is 1 + 0·c̄ = 1 for
	// any finite c̄, so c̄ is not computed.
	amp := 1.0
	if m.etaPos != 0 {
		c := 1.0
		if !m.looseThinning {
			c = min(1, m.composedShareLive()+thinMargin) // as math.Min: both finite
		}
		amp = 1 + m.etaPos*c
	}
	return (m.pDay + m.qDay*amp*n/m.mPot) * (m.mPot - n) * m.incentiveFactor()
}

// redrawArrival reschedules the pending candidate after an event that may
// have raised the incentive factor x(t), when it did raise the bound above
// the pending candidate's. Otherwise the pending bound still holds and the
// candidate stands: redrawing it anyway would consume arrival draws and
// break common random numbers with a variant whose incentives are off (as
// an app's death, or a launch, while every builder pool is still 0).
func (m *Model) redrawArrival() {
	if m.incentives && m.boundExceeded() {
		m.scheduleArrival()
	}
}

// appsChanged redraws the pending candidate after an app's death changed
// the composed share c(t) and, with builder incentives, x(t), when the
// pending bound no longer holds. cFell says the death did not raise c: the
// app was composed ((C−1)/(A−1) ≤ C/A, and correctly rounded division keeps
// the order) or no live app is (c stays 0). Without incentives λ then did
// not rise either (each of its operations is monotone in c, with
// nonnegative factors), and λ ≤ λ̄ held after the previous event (every
// event that raises N or c checks or redraws), so the check is skipped.
func (m *Model) appsChanged(cFell bool) {
	if m.incentives || (m.eta > 0 && !m.looseThinning && (!cFell || m.checkDeaths)) {
		if m.boundExceeded() {
			m.scheduleArrival()
		}
	}
}

// boundExceeded reports whether the pending candidate's bound no longer
// holds after an event. λ only falls between events, so the bound holds
// until the next one exactly when λ(now) ≤ λ̄. The loose bound of before
// issue 15 redrew when the recomputed bound exceeded the pending one, a
// stricter test kept so that its streams stay reachable.
func (m *Model) boundExceeded() bool {
	if m.looseThinning {
		return m.arrivalBound() > m.arrBound
	}
	return m.arrivalRate() > m.arrBound
}

// arrivalRate is λ(t). With η = ±0 its amplification 1 + η·c is 1 for
// any c, and c is not computed.
func (m *Model) arrivalRate() float64 {
	n := float64(m.nBuilders)
	amp := 1.0
	if m.eta != 0 {
		amp = 1 + m.eta*m.composedShareLive()
	}
	return (m.pDay + m.qDay*amp*n/m.mPot) * (m.mPot - n) * m.incentiveFactor()
}

// incentiveFactor is x(t) = 1 + yield_weight·Σ pool / (live apps + 1).
func (m *Model) incentiveFactor() float64 {
	if !m.incentives { // which implies yield_weight ≠ 0
		return 1
	}
	return m.incentiveSum()
}

// incentiveSum is incentiveFactor with incentives on, kept apart so that
// incentiveFactor inlines.
func (m *Model) incentiveSum() float64 {
	sum := 0.0
	for _, p := range m.emitters {
		if m.isLive(int(p)) {
			sum += m.pool(int(p))
		}
	}
	return 1 + m.spec.Choice.YieldWeight*sum/float64(m.appsLive+1)
}

// composedShareLive is the composed share of live apps, c(t).
func (m *Model) composedShareLive() float64 {
	if m.appsLive == 0 {
		return 0
	}
	return float64(m.composedLive) / float64(m.appsLive)
}

func (m *Model) onArrival(gen int64) {
	if uint32(gen) != m.arrGen {
		return // superseded by a redraw
	}
	u := m.rArr.Float64()
	// With η = 0 and no incentives λ(t) is the bound's very expression on
	// the same N (only an arrival changes N), so u·λ̄ ≤ λ̄ = λ for u < 1
	// and the candidate is accepted without computing λ.
	if (m.eta == 0 && !m.incentives) || u*m.arrBound <= m.arrivalRate() {
		m.nBuilders++
		m.buildApp()
	}
	m.scheduleArrival()
}

// drawType draws an app type by weight.
func (m *Model) drawType() int {
	u := m.rArr.Float64() * m.typeCum[len(m.typeCum)-1]
	if len(m.typeCum) == 1 {
		return 0 // the draw is made all the same: it is on the arrivals stream
	}
	return cumIndex(m.typeCum, u)
}

// cumIndex returns the first index i of the cumulative weights cum (not
// decreasing) with cum[i] > u, or the last index if none: by a linear scan
// for a few types, a binary search for many.
func cumIndex(cum []float64, u float64) int {
	if len(cum) <= 8 {
		i := 0
		for i < len(cum)-1 && cum[i] <= u {
			i++
		}
		return i
	}
	i := sort.SearchFloat64s(cum, u)
	if i >= len(cum) {
		i = len(cum) - 1
	}
	for cum[i] <= u && i < len(cum)-1 {
		i++
	}
	return i
}

// buildApp is one builder's decision: an app type, then a provider per
// needed dimension, then the integrations, then the app's life.
func (m *Model) buildApp() {
	t := m.drawType()
	needs := m.types[t].needs
	m.chosen = m.chosen[:0]
	if m.tr != nil {
		m.tr.choices = m.tr.choices[:0]
	}
	for i, d := range needs {
		m.chosen = append(m.chosen, m.chooseProvider(d, needs[:i], m.chosen))
	}
	// Plan the integrations between distinct protocols, each pair by the
	// cheapest route, in leg order.
	pairs := m.pairs[:0]
	total := 0.0
	for i, c := range m.chosen {
		if c < 0 || firstIndex(m.chosen[:i], c) >= 0 {
			continue
		}
		for j := 0; j < i; j++ {
			e := m.chosen[j]
			if e < 0 || e == c || firstIndex(m.chosen[:j], e) >= 0 {
				continue
			}
			cost, kind, h := m.routeCached(int(c), needs[i], int(e), needs[j])
			pairs = append(pairs, plannedPair{a: c, b: e, kind: kind, hub: h, cost: cost})
			total += cost
		}
	}
	m.pairs = pairs
	outcome := "built"
	if total > m.spec.Integration.MaxStackCost {
		// No affordable stack: the builder goes to the outside option.
		for i := range m.chosen {
			m.chosen[i] = -1
		}
		outcome = "unaffordable"
	}
	// Carry out the integrations. A bespoke integration succeeds with
	// probability (1 − f)·√(o_a·o_b); on failure the builder drops the
	// later-chosen protocol for the outside option; on success it leaves a
	// bilateral bridge.
	for k := range pairs {
		if outcome != "built" {
			break // the planned routes stay for the trace; none is built
		}
		pp := &pairs[k]
		a, b := pp.a, pp.b
		if firstIndex(m.chosen, a) < 0 || firstIndex(m.chosen, b) < 0 {
			continue // one side was dropped by an earlier failure
		}
		switch pp.kind {
		case routeBespoke:
			prob := (1 - m.spec.Integration.BespokeFailureProb) * math.Sqrt(m.prot[a].open*m.prot[b].open)
			ok := m.rChoice.Float64() < prob
			if ok {
				m.addBridge(int(a), int(b))
			} else {
				for i := range m.chosen {
					if m.chosen[i] == a {
						m.chosen[i] = -1
					}
				}
			}
			if m.tr != nil {
				m.traceIntegration(a, b, prob, ok)
			}
		case routeHub:
			m.hubFeesCum += m.hubs[pp.hub].fee
			m.hubs[pp.hub].routes++
		}
	}
	m.startApp(t, outcome, total)
}

// plannedPair is an integration buildApp plans: protocols a and b (a
// chosen after b) joined by a route of the kind, through the hub for a
// hub route, at the cost.
type plannedPair struct {
	a, b      int32
	kind, hub int8
	cost      float64
}

// firstIndex returns the index of v in s, or -1.
func firstIndex(s []int32, v int32) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// chooseProvider draws the provider of dimension d for an app whose earlier
// legs (dimensions prevDims) chose prev: multinomial logit over a
// consideration set of at most k live providers, sampled without
// replacement in O(k) (Floyd's algorithm), plus the outside option (-1).
//
//	U_i = w_q·quality + w_y·yield + w_n·ln(1 + apps_i) − w_c·cost_i,  P_i ∝ e^{β U_i}
//
// cost_i is the cost of integrating i with the distinct protocols already
// chosen, and yield_i = pool_i/(apps_i + 1) the share of i's builder
// incentive pool the app would get; both are 0 if the app already uses i
// (no integration needed, and an app shares a pool once). The outside
// option has utility
// outside_utility (raised by regulation shocks).
func (m *Model) chooseProvider(d int, prevDims []int, prev []int32) int32 {
	ch := &m.spec.Choice
	m.choices++
	list := m.providers[d]
	n := len(list)
	k := ch.ConsiderationSet
	// With k ≥ n every provider is considered, in list order, and no draw
	// is made: the list is read in place (the trace wants a copy).
	sel := list
	if k < n {
		m.sel = m.sel[:0]
		for j := n - k; j < n; j++ {
			t := int32(m.rChoice.IntN(j + 1))
			if indexOfPos(m.sel, t) >= 0 {
				t = int32(j)
			}
			m.sel = append(m.sel, t)
		}
		for i, pos := range m.sel {
			m.sel[i] = list[pos]
		}
		sel = m.sel
	} else if m.tr != nil {
		m.sel = append(m.sel[:0], list...)
	}
	// The distinct protocols already chosen, once for every candidate.
	if ch.CostWeight != 0 {
		m.distinctPrev(prevDims, prev)
	}
	m.util = m.util[:0]
	best := m.outsideUtil
	for _, c := range sel {
		pr := &m.prot[c]
		u := m.qualityTerm[int(c)*m.nDim+d] + ch.NetworkWeight*pr.lnApps
		if firstIndex(prev, c) < 0 {
			// A protocol this app already uses adds no integration cost
			// and no second share of its incentive pool.
			if ch.YieldWeight != 0 {
				if pr.hasPool {
					u += ch.YieldWeight * m.pool(int(c)) / float64(pr.appsOn+1)
				} else {
					// pool is exactly +0, so the term is w_y·0/(apps+1) =
					// w_y·0: ±0 by the weight's sign, as computed.
					u += m.yieldZero
				}
			}
			if ch.CostWeight != 0 {
				cost := 0.0 // costToPrev's sum of no route (first legs)
				if len(m.prevP) == 1 && m.routeCache != nil {
					// costToPrev of one route, current in the cache.
					if r := &m.routeCache[(int(c)*m.nDim+d)*m.nProt*m.nDim+int(m.prevP[0])*m.nDim+m.prevD[0]]; r.epoch == m.routeEpoch {
						cost += r.cost
					} else {
						cost = m.costToPrev(int(c), d)
					}
				} else if len(m.prevP) > 0 {
					cost = m.costToPrev(int(c), d)
				}
				u -= ch.CostWeight * cost
			}
		}
		m.util = append(m.util, u)
		if u > best {
			best = u // utilities are finite: no NaN, and ±0 weigh alike
		}
	}
	if m.tr != nil {
		m.traceChoice(d)
	}
	// Logit draw, shifted by the maximum for numerical safety (logit.go).
	r := m.rChoice.Float64()
	if cap(m.weights) < len(m.util) {
		m.weights = make([]float64, len(m.util), cap(m.util))
	}
	m.weights = m.weights[:len(m.util)]
	i, ok := fastPick(m.weights, m.util, ch.Beta, m.outsideUtil, best, r)
	if !ok {
		i = exactPick(m.util, ch.Beta, m.outsideUtil, best, r)
	}
	pick := int32(-1)
	if i >= 0 {
		pick = sel[i]
	}
	if m.tr != nil {
		m.traceChoiceEnd(pick)
	}
	return pick
}

func indexOfPos(s []int32, v int32) int { return firstIndex(s, v) }

// distinctPrev lists the distinct protocols of prev, each with the
// dimension of its first leg, in leg order, in m.prevP and m.prevD.
func (m *Model) distinctPrev(prevDims []int, prev []int32) {
	m.prevP, m.prevD = m.prevP[:0], m.prevD[:0]
	for j, e := range prev {
		if e < 0 || firstIndex(prev[:j], e) >= 0 {
			continue
		}
		m.prevP = append(m.prevP, e)
		m.prevD = append(m.prevD, prevDims[j])
	}
}

// costToPrev is the cost of joining candidate c (on dimension d) to the
// distinct protocols already chosen, as distinctPrev listed them: the
// routes' costs summed in leg order, from 0.
//
// It reads current route cache entries itself (routeCached does not
// inline), from the row of c's slot.
func (m *Model) costToPrev(c, d int) float64 {
	sum := 0.0
	if m.routeCache == nil {
		for j, e := range m.prevP {
			cost, _, _ := m.route(c, d, int(e), m.prevD[j])
			sum += cost
		}
		return sum
	}
	row := (c*m.nDim + d) * m.nProt * m.nDim
	for j, e := range m.prevP {
		var cost float64
		if r := &m.routeCache[row+int(e)*m.nDim+m.prevD[j]]; r.epoch == m.routeEpoch {
			cost = r.cost
		} else {
			cost, _, _ = m.routeFill(c, d, int(e), m.prevD[j])
		}
		sum += cost
	}
	return sum
}

// startApp records a new app of type t on the legs in m.chosen and
// schedules its death. outcome and stackCost (the planned integrations'
// total cost) are for the trace.
func (m *Model) startApp(t int, outcome string, stackCost float64) {
	m.flushFees()
	var slot int32
	if n := len(m.free); n > 0 {
		slot = m.free[n-1]
		m.free = m.free[:n-1]
	} else {
		slot = int32(len(m.apps))
		m.apps = append(m.apps, app{})
		for range m.legsPerApp {
			m.legs = append(m.legs, -1)
		}
	}
	a := &m.apps[slot]
	a.gen++
	a.typ = int32(t)
	a.nLegs = uint8(len(m.chosen))
	a.alive = true
	legs := m.legs[int(slot)*m.legsPerApp:][:len(m.chosen)]
	//lint:ignore S1001 a few legs: a loop beats a call of memmove
	for i, p := range m.chosen {
		legs[i] = p
	}
	covered, distinct := m.linksChanged(legs, m.types[t].needs, +1)
	a.composed = distinct >= 2
	a.fullStack = covered == m.allDims
	m.appsLive++
	if a.composed {
		m.composedLive++
		m.composedCum++
	}
	if a.fullStack {
		m.fullStackLive++
	}
	if m.tr != nil {
		m.traceApp(slot, outcome, stackCost)
	}
	if m.lifeMean > 0 {
		life := m.rLife.ExpFloat64() * m.lifeMean
		m.eng.After(life, prioDeath, m.actDeath, deathArg(slot, a.gen))
	}
}

// ln1pTable holds math.Log1p(n) for small n, built with math.Log1p itself
// so that a lookup gives the very same bits.
var ln1pTable = func() []float64 {
	t := make([]float64, 1<<12)
	for n := range t {
		t[n] = math.Log1p(float64(n))
	}
	return t
}()

// ln1p returns ln(1 + n) for n ≥ 0, exactly as math.Log1p(float64(n)).
func ln1p(n int) float64 {
	if uint(n) < uint(len(ln1pTable)) {
		return ln1pTable[n]
	}
	return math.Log1p(float64(n))
}

// linksChanged updates, by delta (+1 or -1), the usage counters of the
// links of an app's legs (legs[i] the provider of dimension needs[i], -1
// for the outside option), and the live apps of its distinct protocols
// with their cached ln(1 + apps), the network term of the choice utility.
// It returns the mask of dimensions the app's protocols cover and the
// number of its distinct protocols.
func (m *Model) linksChanged(legs []int32, needs []int, delta int32) (covered uint64, distinct int) {
	nDim := m.nDim
	links := 0
	for i, p := range legs {
		if p < 0 {
			continue
		}
		links++
		d := needs[i]
		covered |= 1 << (uint(d) & 63) // d < MaxDimensions = 64
		pd := int(p)*nDim + d
		m.usageDim[pd] += delta
		pr := &m.prot[p]
		pr.usage += int(delta)
		m.linksDim[d] += int(delta)
		if s := m.std[pd]; s >= 0 {
			m.stdUsage[int(s)*nDim+d] += delta
		}
		for mask := pr.members; mask != 0; mask &= mask - 1 {
			m.hubs[trailingZeros(mask)].usage += int(delta)
		}
		if firstIndex(legs[:i], p) < 0 {
			distinct++
			pr.appsOn += int(delta)
			pr.lnApps = ln1p(pr.appsOn)
		}
	}
	m.protoLinks += links * int(delta)
	m.outsideLinks += (len(legs) - links) * int(delta)
	return covered, distinct
}

// deathArg packs an app's slot and generation into the argument of its
// death event: in 24 bits, which the engine keeps in the event itself,
// while both fit in 12; else as slot | gen<<32, at least 2^32 as a uint64
// since the generation is at least 1, which the engine keeps in a side
// table.
func deathArg(slot int32, gen uint32) int64 {
	if slot < 1<<12 && gen < 1<<12 {
		return int64(gen)<<12 | int64(slot)
	}
	return int64(slot) | int64(gen)<<32
}

// deathSlot unpacks the argument of deathArg.
func deathSlot(arg int64) (slot int32, gen uint32) {
	if uint64(arg) < 1<<32 {
		return int32(arg & (1<<12 - 1)), uint32(arg >> 12)
	}
	return int32(arg & 0xFFFFFFFF), uint32(arg >> 32)
}

func (m *Model) onDeath(arg int64) {
	slot, gen := deathSlot(arg)
	a := &m.apps[slot]
	if !a.alive || a.gen != gen {
		return
	}
	m.endApp(slot)
}

// endApp removes a live app and its links.
func (m *Model) endApp(slot int32) {
	m.flushFees()
	a := &m.apps[slot]
	legs := m.legs[int(slot)*m.legsPerApp : int(slot)*m.legsPerApp+int(a.nLegs)]
	m.linksChanged(legs, m.types[a.typ].needs, -1)
	m.appsLive--
	if a.composed {
		m.composedLive--
	}
	if a.fullStack {
		m.fullStackLive--
	}
	a.alive = false
	m.free = append(m.free, slot)
	if m.tr != nil {
		m.trace1("app_end", int(slot))
	}
	m.appsChanged(a.composed || m.composedLive == 0)
}

// flushFees integrates fees paid since the last change of the link counts.
func (m *Model) flushFees() {
	now := m.Now()
	dt := now - m.feeT
	if dt > 0 {
		b := &m.spec.Builders
		m.feesCum += b.FeePerDay * float64(m.protoLinks) * dt
		m.outsideFeesCum += b.OutsideFeePerDay * float64(m.outsideLinks) * dt
	}
	m.feeT = now
}
