package metrics

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/legolab/legolab/scenarios"
)

// The detector family is the structural uncertainty of the Lego moment
// (issue 12): the same per-run series judged by several reasonable rules.
// It is frozen here, so that a report's "robust under 90% of the members"
// means the same thing from one release to the next; change it only with a
// note in docs/model.md. Its members, in this order:
//
//  1. the window rule of DetectLego on the 3×3×3 grid of thresholds
//     (G, c*, s*) = (growth_min·a, composability_min·b,
//     composed_share_min·c) with a, b, c each in WindowMultipliers
//     ({2/3, 1, 3/2}, symmetric on a log scale), G clamped to ≥ 1 and c*, s*
//     to ≤ 1; window_days and min_composed_per_window as in the scenario;
//     G varies slowest and s* fastest, so member 13 is the scenario's own
//     window rule;
//  2. the logistic-inflection rule of DetectLego with the scenario's W,
//     G and min_composed_per_window;
//  3. the Poisson PELT change-point rule (DetectPELT) on composed arrivals
//     per sample interval.
//
// All of them read only days, composability_index, builders_cum and
// composed_cum, which every replication already records, so the family
// costs no extra simulation.

// WindowMultipliers are the frozen multipliers of the window rule's
// thresholds G, c* and s* in the detector family.
var WindowMultipliers = [3]float64{2.0 / 3, 1, 1.5}

// windowMultiplierNames spells WindowMultipliers in member names.
var windowMultiplierNames = [3]string{"2/3", "1", "3/2"}

// Detector is one member of the detector family.
type Detector struct {
	// Name identifies the member, e.g. "window G×1 c*×2/3 s*×3/2",
	// "logistic" or "pelt".
	Name string
	// Kind is "window", "logistic" or "pelt".
	Kind string
	// Rule holds the member's thresholds: the scenario's rule with G, c*
	// and s* scaled for a window member, Rule "logistic" for the logistic
	// one. The PELT member uses its GrowthMin as the rate ratio R and
	// WindowDays and MinComposedPerWindow as its size guard; its Rule
	// field is "pelt", which DetectLego does not accept (call DetectPELT).
	Rule scenarios.Lego
}

// Detection is one member's verdict on one run, as DetectLego returns it:
// the day of the Lego moment and true, or the horizon and false.
type Detection struct {
	Day     float64
	Reached bool
}

// DetectorFamily returns the members of the family for the scenario's
// lego rule, in the documented order.
func DetectorFamily(rule scenarios.Lego) []Detector {
	fam := make([]Detector, 0, familySize)
	for a := range WindowMultipliers {
		for b := range WindowMultipliers {
			for c := range WindowMultipliers {
				fam = append(fam, Detector{Kind: "window", Rule: windowRule(rule, a, b, c),
					Name: fmt.Sprintf("window G×%s c*×%s s*×%s", windowMultiplierNames[a], windowMultiplierNames[b], windowMultiplierNames[c])})
			}
		}
	}
	lr := rule
	lr.Rule = "logistic"
	fam = append(fam, Detector{Name: "logistic", Kind: "logistic", Rule: lr})
	pr := rule
	pr.Rule = "pelt"
	fam = append(fam, Detector{Name: "pelt", Kind: "pelt", Rule: pr})
	return fam
}

// The family's size and its members' places: the window grid, then the
// logistic and PELT rules.
const (
	windowMembers = len(WindowMultipliers) * len(WindowMultipliers) * len(WindowMultipliers)
	logisticIndex = windowMembers
	peltIndex     = windowMembers + 1
	familySize    = windowMembers + 2
)

// windowRule is the window member with multipliers WindowMultipliers[a],
// [b] and [c] on G, c* and s*.
func windowRule(rule scenarios.Lego, a, b, c int) scenarios.Lego {
	r := rule
	r.Rule = "window"
	r.GrowthMin = math.Max(1, rule.GrowthMin*WindowMultipliers[a])
	r.ComposabilityMin = math.Min(1, rule.ComposabilityMin*WindowMultipliers[b])
	r.ComposedShareMin = math.Min(1, rule.ComposedShareMin*WindowMultipliers[c])
	return r
}

// windowed is what the window rule compares on one sample day t: the
// composability index, the composed apps n(t−W, t] and all apps N(t−W, t],
// and the composed apps n(t−2W, t−W] of the window before.
type windowed struct{ t, comp, cur, apps, prev float64 }

// familyScratch is DetectFamily's working memory, reused through
// familyScratchPool.
type familyScratch struct {
	ws, pass []windowed
}

var familyScratchPool = sync.Pool{New: func() any { return new(familyScratch) }}

// DetectFamily evaluates every member of DetectorFamily(rule) on one run's
// series (as for DetectLego) in one pass: the windowed counts the window
// rule compares are computed once per sample day and shared by the 27
// window members, each of which returns exactly what DetectLego returns
// with its thresholds. out[k] is member k's verdict. It panics if the
// series lengths differ (a programming error).
func DetectFamily(days, composability, appsCum, composedCum []float64, rule scenarios.Lego) []Detection {
	return detectFamily(days, composability, appsCum, composedCum, rule, nil)
}

// detectFamily is DetectFamily, whose PELT member memo answers when not nil.
func detectFamily(days, composability, appsCum, composedCum []float64, rule scenarios.Lego, memo *PELTMemo) []Detection {
	n := len(days)
	if len(composability) != n || len(appsCum) != n || len(composedCum) != n {
		panic(fmt.Sprintf("metrics: DetectFamily: series lengths differ (days %d, composability %d, apps %d, composed %d)",
			n, len(composability), len(appsCum), len(composedCum)))
	}
	out := make([]Detection, familySize)
	if n == 0 {
		return out
	}
	horizon := days[n-1]
	for k := range out {
		out[k] = Detection{Day: horizon}
	}
	W := rule.WindowDays
	if W <= 0 || math.IsNaN(W) {
		return out
	}
	sc := familyScratchPool.Get().(*familyScratch)
	defer familyScratchPool.Put(sc)
	// The window rule's quantities per sample day, from the first day it
	// looks at (see DetectLego).
	// The days looked back to, t − W and t − 2W, only increase, so two
	// cursors replace interpolate's binary searches.
	ws := sc.ws[:0]
	var back, back2 interpCursor
	for i, t := range days {
		if t < days[0]+2*W-1e-9 {
			continue
		}
		cw, aw := back.at2(days, composedCum, appsCum, t-W)
		ws = append(ws, windowed{t: t, comp: composability[i], cur: composedCum[i] - cw,
			apps: appsCum[i] - aw, prev: cw - back2.at(days, composedCum, t-2*W)})
	}
	sc.ws = ws
	// The members' thresholds, and the loosest of each.
	var rules [windowMembers]scenarios.Lego
	for a := range WindowMultipliers {
		for b := range WindowMultipliers {
			for c := range WindowMultipliers {
				rules[(a*len(WindowMultipliers)+b)*len(WindowMultipliers)+c] = windowRule(rule, a, b, c)
			}
		}
	}
	minG, minC, minS := rules[0].GrowthMin, rules[0].ComposabilityMin, rules[0].ComposedShareMin
	for _, r := range rules[1:] {
		minG, minC, minS = math.Min(minG, r.GrowthMin), math.Min(minC, r.ComposabilityMin), math.Min(minS, r.ComposedShareMin)
	}
	// The days on which the loosest thresholds pass, in order: a day on
	// which a member passes is one of them (c* ≥ minC, s* ≥ minS, and
	// G·prev ≥ minG·prev when prev ≥ 0; a negative prev is let through),
	// so each member's first passing day is its first passing one here.
	pass := sc.pass[:0]
	for _, w := range ws {
		if w.comp >= minC && w.apps > 0 && w.cur/w.apps >= minS && w.cur >= rule.MinComposedPerWindow &&
			(w.prev < 0 || w.cur >= minG*w.prev) {
			pass = append(pass, w)
		}
	}
	sc.pass = pass
	for k, r := range rules {
		for _, w := range pass {
			if w.comp >= r.ComposabilityMin && w.apps > 0 && w.cur/w.apps >= r.ComposedShareMin &&
				w.cur >= r.MinComposedPerWindow && w.cur >= r.GrowthMin*w.prev {
				out[k] = Detection{Day: w.t, Reached: true}
				break
			}
		}
	}
	// The logistic rule's look-back days t − W only increase too.
	lr := rule
	lr.Rule = "logistic"
	var cur interpCursor
	day, ok := detectLogistic(days, composedCum, lr, func(s []float64, t float64) float64 { return cur.at(days, s, t) })
	out[logisticIndex] = Detection{Day: day, Reached: ok}
	pr := rule
	pr.Rule = "pelt"
	if memo != nil {
		day, ok = memo.DetectPELT(days, composedCum, pr)
	} else {
		day, ok = DetectPELT(days, composedCum, pr)
	}
	out[peltIndex] = Detection{Day: day, Reached: ok}
	return out
}

// PELTMemo remembers DetectPELT's verdicts on the last peltMemoSize series
// it segmented, so that a run whose replications share their composed
// arrivals segments each series once: the variants of one replication index
// run on common random numbers, and where a variant changes nothing that
// touches composition (a hub no one joins, a standard no one adopts) its
// series is the other's, bit for bit — in a prior-predictive run of
// deai-2025, about one series in four that has arrivals. A verdict is a
// function of the days, the series and the rule alone, so an answer from
// the memo is exactly DetectPELT's. The zero value is empty; it is safe
// for concurrent use.
type PELTMemo struct {
	mu      sync.Mutex
	entries [peltMemoSize]peltMemoEntry
	next    int // the entry to overwrite next
}

// peltMemoSize is the number of series a PELTMemo keeps: room for every
// replication an ensemble has in flight (its reorder window of a few
// indices times the variants), as the series that repeat are those of one
// replication index.
const peltMemoSize = 32

// peltMemoEntry is one remembered verdict, on copies of its series.
type peltMemoEntry struct {
	hash      uint64 // seriesHash of cum
	days, cum []float64
	rule      scenarios.Lego
	day       float64
	reached   bool
}

// DetectPELT returns DetectPELT(days, composedCum, rule), from the memo
// when it holds the same days, series (bit for bit) and rule.
func (m *PELTMemo) DetectPELT(days, composedCum []float64, rule scenarios.Lego) (float64, bool) {
	// A series without arrivals is answered at once: not worth an entry.
	if len(days) != len(composedCum) || !hasArrivals(composedCum) {
		return DetectPELT(days, composedCum, rule)
	}
	h := seriesHash(composedCum)
	m.mu.Lock()
	for i := range m.entries {
		if e := &m.entries[i]; e.hash == h && e.rule == rule && sameBits(e.cum, composedCum) && sameBits(e.days, days) {
			day, reached := e.day, e.reached
			m.mu.Unlock()
			return day, reached
		}
	}
	m.mu.Unlock()
	day, reached := DetectPELT(days, composedCum, rule)
	m.mu.Lock()
	e := &m.entries[m.next]
	m.next = (m.next + 1) % peltMemoSize
	e.hash, e.rule, e.day, e.reached = h, rule, day, reached
	e.days = append(e.days[:0], days...)
	e.cum = append(e.cum[:0], composedCum...)
	m.mu.Unlock()
	return day, reached
}

// hasArrivals reports whether cum ever increases, as DetectPELT counts
// arrivals.
func hasArrivals(cum []float64) bool {
	for i := 1; i < len(cum); i++ {
		if cum[i]-cum[i-1] > 0 {
			return true
		}
	}
	return false
}

// seriesHash is an FNV-1a-style hash of xs's bits, which tells most
// different series apart before they are compared.
func seriesHash(xs []float64) uint64 {
	h := uint64(14695981039346656037)
	for _, x := range xs {
		h = (h ^ math.Float64bits(x)) * 1099511628211
	}
	return h
}

// DetectPELT is the change-point member of the detector family. It
// segments the composed arrivals per sample interval, x_i =
// composedCum[i+1] − composedCum[i] over (days[i], days[i+1]] of length
// L_i, into stretches of constant Poisson rate by PELT (Killick, Fearnhead
// & Eckley 2012), minimising
//
//	Σ_segments −2·(S·log(S/E) − S) + β·(number of changes),
//
// the Poisson deviance of each segment at its maximum-likelihood rate S/E
// (S its arrivals, E its days), with the BIC-like penalty β = 2·log m for m
// intervals (each change adds a location and a rate). The Lego moment is
// the first change point, in time order, at least window_days after the
// first sample (the first window is the baseline) that starts a segment
// whose rate
//
//	(a) is at least growth_min (R) times both the pooled rate of all
//	    arrivals before the change and the rate of every earlier segment
//	    lasting window_days: an explosion beyond any earlier regime, so
//	    that the recovery from a chance dip does not count, and
//	(b) fills a window: rate·window_days ≥ min_composed_per_window;
//
// its day is the sample day on which that segment starts. (a) compares
// with more than the previous segment because a plain "first change with
// ratio ≥ R" fired on the recovery from chance dips in 1–2% of planted
// series. A chance burst of ratio ≥ R that lasts a few weeks still counts
// (it is one, at the family's thresholds); the tests state how often.
// Being an offline segmentation, it dates the change with hindsight of the
// whole series, typically earlier than the window rule, which fires once
// the growth is evident. It returns the
// horizon and false when no change qualifies. Decreases of composedCum
// (which a collector never records) count as no arrivals. It panics if the
// series lengths differ.
func DetectPELT(days, composedCum []float64, rule scenarios.Lego) (day float64, reached bool) {
	n := len(days)
	if len(composedCum) != n {
		panic(fmt.Sprintf("metrics: DetectPELT: series lengths differ (days %d, composed %d)", n, len(composedCum)))
	}
	if n == 0 {
		return 0, false
	}
	horizon := days[n-1]
	m := n - 1
	if m < 2 {
		return horizon, false
	}
	sc := peltScratchPool.Get().(*peltScratch)
	defer peltScratchPool.Put(sc)
	sc.grow(m + 1)
	// Prefix sums of arrivals and exposure.
	cs, ce := sc.cs[:m+1], sc.ce[:m+1]
	cs[0], ce[0] = 0, 0
	for i := range m {
		cs[i+1] = cs[i] + math.Max(0, composedCum[i+1]-composedCum[i])
		ce[i+1] = ce[i] + math.Max(0, days[i+1]-days[i])
	}
	// Without arrivals every segment's rate is 0 whatever the segmentation,
	// and a change needs a rate > 0: none qualifies (a third of a
	// prior-predictive run's series, where a variant never composes).
	if cs[m] == 0 {
		return horizon, false
	}
	last := sc.segment(m)
	// Segment starts in time order.
	starts := sc.starts[:0]
	for t := m; t > 0; t = last[t] {
		starts = append(starts, last[t])
	}
	slices.Reverse(starts) // last[t] < t: the walk visits them in decreasing order
	bounds := append(starts, m)
	sc.starts = bounds
	rate := func(k int) float64 {
		s, t := bounds[k], bounds[k+1]
		if E := ce[t] - ce[s]; E > 0 {
			return (cs[t] - cs[s]) / E
		}
		return 0
	}
	long := func(k int) bool { return days[bounds[k+1]]-days[bounds[k]] >= rule.WindowDays-1e-9 }
	// bar is R times the highest of the pooled rate of everything before
	// the change and the rates of the earlier segments lasting a window.
	longPeak := 0.0
	for k := 1; k+1 < len(bounds); k++ {
		if long(k - 1) {
			longPeak = math.Max(longPeak, rate(k-1))
		}
		b := bounds[k]
		if days[b] < days[0]+rule.WindowDays-1e-9 || ce[b] <= 0 {
			continue
		}
		r := rate(k)
		if r > 0 && r*rule.WindowDays >= rule.MinComposedPerWindow && r >= rule.GrowthMin*math.Max(longPeak, cs[b]/ce[b]) {
			return days[b], true
		}
	}
	return horizon, false
}

// peltCost is PELT's segment cost, the Poisson deviance −2·(S·log(S/E) − S)
// of S arrivals in E days at their maximum-likelihood rate (0 for an empty
// segment). Both ways of segmenting below call it, so they share its bits.
func peltCost(S, E float64) float64 {
	if S <= 0 || E <= 0 {
		return 0
	}
	return -2 * (S*math.Log(S/E) - S)
}

// peltScratch is DetectPELT's working memory, reused through
// peltScratchPool so that a replication's detector family allocates none.
type peltScratch struct {
	cs, ce, F  []float64 // prefix sums of arrivals and exposure; optimal cost
	last       []int     // last[t]: the last change of the optimal segmentation of 0..t
	cand, next []int     // PELT's candidates for the last change
	vals       []float64 // F[s] + C(s, t) per candidate, or its estimate
	starts     []int     // the optimal segmentation's starts, then m
}

var peltScratchPool = sync.Pool{New: func() any { return new(peltScratch) }}

// grow makes every slice hold at least n elements.
func (sc *peltScratch) grow(n int) {
	if cap(sc.cs) >= n {
		return
	}
	sc.cs, sc.ce, sc.F = make([]float64, n), make([]float64, n), make([]float64, n)
	sc.last, sc.cand, sc.next = make([]int, n), make([]int, 0, n), make([]int, 0, n)
	sc.vals, sc.starts = make([]float64, n), make([]int, 0, n+1)
}

// segment runs PELT on the prefix sums sc.cs, sc.ce of m intervals and
// returns last, from which the optimal segmentation is read back. It takes
// the bounded path when every prefix sum is a whole number the logarithm
// table covers (a replication's counts and days always are) and the
// exact one otherwise; both give the same last (and the same F) bit for bit.
func (sc *peltScratch) segment(m int) []int {
	cs, ce := sc.cs[:m+1], sc.ce[:m+1]
	if cs[m] <= lnIntMax && ce[m] <= lnIntMax && wholeNumbers(cs) && wholeNumbers(ce) {
		return sc.segmentBounded(m, lnInts(int(max(cs[m], ce[m]))))
	}
	return sc.segmentExact(m)
}

// wholeNumbers reports whether every x is a whole number (not NaN or ±Inf).
func wholeNumbers(xs []float64) bool {
	for _, x := range xs {
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// segmentExact is PELT as Killick et al. (2012) state it: F[t] the least
// penalised cost of the intervals 0..t−1, the candidate s minimising
// F[s] + C(s, t) + β its last change (ties to the earliest), and the
// pruning that drops s once F[s] + C(s, t) > F[t].
func (sc *peltScratch) segmentExact(m int) []int {
	cs, ce, F, last := sc.cs[:m+1], sc.ce[:m+1], sc.F[:m+1], sc.last[:m+1]
	vals := sc.vals[:m+1]
	beta := 2 * math.Log(float64(m))
	F[0], last[0] = -beta, 0
	cand, next := append(sc.cand[:0], 0), sc.next[:0]
	for t := 1; t <= m; t++ {
		best, arg := math.Inf(1), -1
		for c, s := range cand { // increasing s: ties go to the earliest
			v := F[s] + peltCost(cs[t]-cs[s], ce[t]-ce[s])
			vals[c] = v
			if v+beta < best {
				best, arg = v+beta, s
			}
		}
		F[t], last[t] = best, arg
		next = next[:0]
		for c, s := range cand {
			// PELT pruning (Killick et al. 2012, Theorem 3.1, K = 0 for a
			// log-likelihood cost): a dropped s can never again be the
			// last change. Within a stretch of constant rate nothing is
			// pruned, so a run with few changes costs O(m²) cost
			// evaluations.
			if vals[c] <= F[t] {
				next = append(next, s)
			}
		}
		cand, next = append(next, t), cand
	}
	sc.cand, sc.next = cand, next
	return last
}

// segmentBounded computes exactly what segmentExact computes with few
// logarithms. Its argument: each step of PELT only compares the values
// v = F[s] + C(s, t) of its candidates, with one another (the least, on
// v + β) and with F[t] (the pruning), and a kept candidate lies within β
// of the least (v ≤ F[t] = min v + β), but candidates are rarely within a
// rounding error of each other. So each v is first estimated, a ≈ v, from
// a table of ln k for whole k, ln(S/E) ≈ ln S − ln E (no division, no
// logarithm), with |a − v| ≤ δ; only the candidates that the estimates
// cannot place are computed exactly, by the same peltCost: the least and
// any within δ-and-rounding of it, and the rare one within δ of F[t] when
// it is pruned. Every comparison comes out as segmentExact's, so F and
// last are the same bits.
//
// The bound: with u = 2⁻⁵³, math.Log within 1 ulp, S, E ≥ 1 whole and
// Λ = 1 + ln S + ln E, both the exact v (S/E rounded, its logarithm, four
// more roundings) and the estimate a (two tabled logarithms, their
// difference, four roundings) are within 40u·(S·Λ + |F[s]|) of the real
// F[s] − 2·(S·ln(S/E) − S). A step bounds that for all its candidates at
// once, S ≤ cs[t], E ≤ ce[t], |F[s]| ≤ max |F|, and takes δ = 2⁻⁴⁰·(…):
// over 100 times the error, and over 2¹⁰ ulps of any a, which absorbs the
// rounding of a ± δ. A candidate whose a exceeds the least a by more than
// 2δ + 2⁻⁴⁰·(|least a| + β + δ) has v greater than the least v by more
// than 2⁻⁵¹·|least v + β|, so its v + β rounds strictly above the least
// one's: it can neither be nor tie the least.
func (sc *peltScratch) segmentBounded(m int, ln []float64) []int {
	const rel = 0x1p-40
	cs, ce, F, last := sc.cs[:m+1], sc.ce[:m+1], sc.F[:m+1], sc.last[:m+1]
	A := sc.vals[:m+1] // a per candidate, in cand's order
	beta := 2 * math.Log(float64(m))
	F[0], last[0] = -beta, 0
	cand := append(sc.cand[:0], 0)
	maxF := beta // max |F[s]| over s < t
	for t := 1; t <= m; t++ {
		St, Et := cs[t], ce[t]
		d := rel * (St*(1+ln[int(St)]+ln[int(Et)]) + maxF)
		// The estimates, and the least two. This loop is most of the
		// work: it calls nothing, so that its values stay in registers.
		amin, second, imin := math.Inf(1), math.Inf(1), 0
		A := A[:len(cand)]
		for c, s := range cand {
			S, E, f := St-cs[s], Et-ce[s], F[s]
			a := f // C = 0: exact
			if S > 0 && E > 0 {
				a = f - 2*(S*(ln[int(S)]-ln[int(E)])-S)
			}
			A[c] = a
			if a < second {
				if a < amin {
					amin, second, imin = a, amin, c
				} else {
					second = a
				}
			}
		}
		// The least v + β, ties to the earliest (cand is increasing),
		// among the candidates that can reach it: usually the one with
		// the least a alone.
		reach := amin + 2*d + rel*(math.Abs(amin)+beta+d)
		best, arg := math.Inf(1), -1
		if second > reach {
			s := cand[imin]
			best, arg = F[s]+peltCost(St-cs[s], Et-ce[s])+beta, s
		} else {
			for c, s := range cand {
				if A[c] <= reach {
					if v := F[s] + peltCost(St-cs[s], Et-ce[s]); v+beta < best {
						best, arg = v+beta, s
					}
				}
			}
		}
		F[t], last[t] = best, arg
		if math.Abs(best) > maxF {
			maxF = math.Abs(best)
		}
		// segmentExact's pruning: keep s iff its v ≤ F[t], which its
		// estimate decides unless it is within δ of F[t].
		dropAbove, checkAbove := best+d, best-d
		j := 0
		for c, s := range cand {
			if a := A[c]; a > checkAbove && (a > dropAbove || F[s]+peltCost(St-cs[s], Et-ce[s]) > best) {
				continue
			}
			cand[j] = s
			j++
		}
		cand = append(cand[:j], t)
	}
	sc.cand = cand
	return last
}

// lnIntMax is the largest whole number lnInts tabulates: a series with
// more arrivals or days than this takes segmentExact.
const lnIntMax = 1<<20 - 1

// lnTable holds ln k for k = 1, ..., len − 1, and 0 for k = 0 (which
// segmentBounded reads only as a bound's ln cs[t] or ln ce[t] when that is 0),
// grown on demand and shared by every goroutine: a table once published is
// never written, and one built by a racing goroutine has the same values.
var lnTable atomic.Pointer[[]float64]

// lnInts returns a table of ln k (math.Log) for whole k ≤ at least n.
func lnInts(n int) []float64 {
	for {
		p := lnTable.Load()
		if p != nil && len(*p) > n {
			return *p
		}
		size := 1 << 12
		for size <= n {
			size *= 2
		}
		t := make([]float64, size)
		for k := 1; k < size; k++ {
			t[k] = math.Log(float64(k))
		}
		if lnTable.CompareAndSwap(p, &t) {
			return t
		}
	}
}

// interpCursor is interpolate for days t that never decrease from one call
// to the next: it walks to the sample interval instead of searching for
// it, and returns exactly what interpolate returns.
type interpCursor struct{ i int }

// seek moves to the smallest i with days[i] ≥ t (as sort.SearchFloat64s).
func (c *interpCursor) seek(days []float64, t float64) int {
	for c.i < len(days) && days[c.i] < t {
		c.i++
	}
	return c.i
}

// at is interpolate(days, s, t).
func (c *interpCursor) at(days, s []float64, t float64) float64 {
	n := len(days)
	if t <= days[0] {
		return s[0]
	}
	if t >= days[n-1] {
		return s[n-1]
	}
	i := c.seek(days, t)
	if days[i] == t {
		return s[i]
	}
	t0, t1 := days[i-1], days[i]
	return s[i-1] + (s[i]-s[i-1])*(t-t0)/(t1-t0)
}

// at2 is (interpolate(days, s, t), interpolate(days, u, t)).
func (c *interpCursor) at2(days, s, u []float64, t float64) (float64, float64) {
	n := len(days)
	if t <= days[0] {
		return s[0], u[0]
	}
	if t >= days[n-1] {
		return s[n-1], u[n-1]
	}
	i := c.seek(days, t)
	if days[i] == t {
		return s[i], u[i]
	}
	t0, t1 := days[i-1], days[i]
	return s[i-1] + (s[i]-s[i-1])*(t-t0)/(t1-t0), u[i-1] + (u[i]-u[i-1])*(t-t0)/(t1-t0)
}
