package stats

import "math"

// FanQuantiles are the quantiles of every fan chart, in the order of
// SeriesPoint's P05 ... P95 fields.
var FanQuantiles = [5]float64{0.05, 0.25, 0.5, 0.75, 0.95}

// fanMarkers is the number of P² markers: the minimum, each of the five
// FanQuantiles and the maximum.
const fanMarkers = len(FanQuantiles) + 2

// AddEach's update is written out for seven markers: this fails to
// compile for another number.
var _ = [1]struct{}{}[fanMarkers-7]

// fanMarkerQ are the probabilities the markers track.
var fanMarkerQ = func() [fanMarkers]float64 {
	var q [fanMarkers]float64
	copy(q[1:], FanQuantiles[:])
	q[fanMarkers-1] = 1
	return q
}()

// Fan estimates the mean and the five FanQuantiles of a stream of values
// in constant memory with the P² algorithm (Jain & Chlamtac 1985): seven
// markers — the minimum, one per quantile and the maximum, as in P²'s
// histogram mode but at unequal probabilities — whose heights follow
// piecewise-parabolic interpolation as values arrive. It keeps 96 bytes
// whatever the number of values and no pointers, so an ensemble can hold
// one per variant, observable and sample day (tens of thousands) and
// 20,000 replications cost what 200 do. The extended P² with a midpoint
// marker between neighbours (Raatikainen 1987, 2m+3 markers) is about 1.5
// times as accurate but 2.5 times as slow, and the aggregation of series
// runs on one goroutine for every replication. Up to six values the
// quantiles are exact (type 7, as Sketch); beyond, they are estimates whose
// mean rank error is about 1% at 200 values, 0.5% at 1,000 — well under
// the sampling error of a quantile — ample for a fan chart. Final outcomes
// use Sketch, exact to 4,096 values. The same sequence of values gives
// bit-identical results. A Fan holds up to MaxFanCount values. The zero
// value is an empty Fan.
type Fan struct {
	h   [fanMarkers]float64 // marker heights (the first n values, sorted, while n < fanMarkers)
	sum float64
	// Marker positions, 1-based ranks, and the count, 32-bit: an
	// ensemble's fans (megabytes) are all read and written for every
	// replication, and 96 bytes a fan rather than 128 made that a seventh
	// faster (BenchmarkEnsembleAdd).
	pos [fanMarkers]int32
	n   int32
}

// MaxFanCount is the most values a Fan holds.
const MaxFanCount = math.MaxInt32

// Add adds one value. It panics on a NaN or infinite value.
func (f *Fan) Add(x float64) {
	one := [1]Fan{*f}
	AddEach(one[:], []float64{x})
	*f = one[0]
}

// AddEach adds xs[i] to fans[i] for every i, as fans[i].Add(xs[i]) does,
// faster when the fans hold the same number of values (the fans of an
// ensemble's sample days and observables, which every replication feeds
// one value each). It panics, adding nothing, if a value is NaN or
// infinite or the lengths differ, and panics if a fan already holds
// MaxFanCount values.
func AddEach(fans []Fan, xs []float64) {
	if len(fans) != len(xs) {
		panic("stats: AddEach: as many values as fans needed")
	}
	if !AllFinite(xs) {
		panic("stats: fan value must be finite")
	}
	// The update is written out here rather than in a method: the call
	// was a tenth of its time.
	var st fanStep
	for c, x := range xs {
		// The update of fan f with x. The positions are whole numbers,
		// kept as ints: every float operation on them (the differences
		// and the P² formula) sees the same float64 values as it did on
		// float positions, exactly converted, so the heights are the same
		// bits as P²'s on float positions. st is the step to f.n+1 values
		// when st.n says so, and is made that step otherwise.
		f := &fans[c]
		if f.n == MaxFanCount {
			panic("stats: a Fan holds at most MaxFanCount values")
		}
		f.sum += x
		if int(f.n) < fanMarkers {
			// Insertion into the sorted prefix.
			at := f.n
			for at > 0 && f.h[at-1] > x {
				f.h[at] = f.h[at-1]
				at--
			}
			f.h[at] = x
			f.n++
			if int(f.n) == fanMarkers {
				for j := range f.pos {
					f.pos[j] = int32(j + 1)
				}
			}
			continue
		}
		f.n++
		if st.n != f.n {
			st.set(f.n)
		}
		h, p := &f.h, &f.pos
		// A flat fan, whose values have all been equal (its minimum is its
		// maximum) and x equal to them too, takes the update below with
		// every comparison true and no height written but the maximum's:
		// its positions after n values are the same for every flat fan
		// (they started at 1 ... 7 with the seventh value), so the first
		// flat fan of this n computes them and the others copy them. A
		// quarter of a default run's updates are of flat fans (observables
		// that stay zero in a variant, the early days).
		flat := x == h[0] && x == h[fanMarkers-1]
		if flat && st.flatN == f.n {
			h[fanMarkers-1] = x // as the update's x ≥ maximum does: a −0 after +0s
			*p = st.flatPos
			continue
		}
		// Find the cell of x, widening the extremes, and move up the markers
		// above it. The heights are sorted, so the markers x is at or
		// above are h[0..k−1], k = 1 + #{j in 1..5: x ≥ h[j]}, in every
		// case: 1 below the minimum, 6 at or above the maximum. Counted
		// and applied without branches: which cell a value falls in is
		// the least predictable choice of the update.
		if x < h[0] {
			h[0] = x
		}
		if x >= h[fanMarkers-1] {
			h[fanMarkers-1] = x
		}
		k := 1 + b2i(x >= h[1]) + b2i(x >= h[2]) + b2i(x >= h[3]) + b2i(x >= h[4]) + b2i(x >= h[5])
		p[1] += b2i(k <= 1)
		p[2] += b2i(k <= 2)
		p[3] += b2i(k <= 3)
		p[4] += b2i(k <= 4)
		p[5] += b2i(k <= 5)
		p[6]++
		// Move each interior marker that is a position or more away from its
		// desired position 1 + (n−1)q by one position, if it does not run
		// into a neighbour.
		for i := 1; i < fanMarkers-1; i++ {
			var s float64
			switch {
			case p[i] < st.floor[i] && p[i+1]-p[i] > 1:
				s = 1
			case p[i] > st.ceil[i] && p[i-1]-p[i] < -1:
				s = -1
			default:
				continue
			}
			// Between equal neighbours (ties, common in counts) the marker's
			// height cannot change: only its position moves.
			if hm, h0, hp := h[i-1], h[i], h[i+1]; hm != hp {
				nm, n0, np := float64(p[i-1]), float64(p[i]), float64(p[i+1])
				// The piecewise-parabolic (P²) prediction, or the linear one
				// when the parabola would break the markers' order.
				y := h0 + s/(np-nm)*((n0-nm+s)*(hp-h0)/(np-n0)+(np-n0-s)*(h0-hm)/(n0-nm))
				if !(hm < y && y < hp) {
					if s > 0 {
						y = h0 + (hp-h0)/(np-n0)
					} else {
						y = h0 - (hm-h0)/(nm-n0)
					}
				}
				h[i] = y
			}
			p[i] += int32(s)
		}
		if flat {
			st.flatN, st.flatPos = f.n, *p
		}
	}
}

// AllFinite reports whether no value of xs is NaN or infinite.
func AllFinite(xs []float64) bool {
	// x−x is +0 for a finite x and NaN for ±Inf and NaN, and a sum of
	// such terms is NaN exactly when one is: one test per eight values
	// (independent subtractions, a balanced sum), 0.5 ns a value here
	// rather than 0.85 with a test per value.
	i := 0
	for ; i+8 <= len(xs); i += 8 {
		s := xs[i : i+8 : i+8]
		if ((s[0]-s[0])+(s[1]-s[1]))+((s[2]-s[2])+(s[3]-s[3]))+
			(((s[4]-s[4])+(s[5]-s[5]))+((s[6]-s[6])+(s[7]-s[7]))) != 0 {
			return false
		}
	}
	for _, x := range xs[i:] {
		if x-x != 0 {
			return false
		}
	}
	return true
}

// fanStep is the part of P²'s update that depends on the number of values
// alone, shared by fans that hold as many: for the update that brings a
// fan to n values, the desired positions D = 1 + (n−1)q of the interior
// markers, rounded down and up.
//
// They decide exactly what P²'s gap d = D − p (in floats, p the marker's
// whole position) decides: D ≥ 1 is a multiple of its ulp ≥ 2⁻⁵², so is
// the real D − p, which therefore rounds to ≥ 1 exactly when D − p ≥ 1,
// that is when p < ⌊D⌋, and to ≤ −1 exactly when D − p ≤ −1, when p > ⌈D⌉.
type fanStep struct {
	n           int32 // the number of values the bounds are for; 0 for none yet
	floor, ceil [fanMarkers]int32
	// The positions of a flat fan (see AddEach) after flatN values; flatN
	// is 0 for none yet.
	flatN   int32
	flatPos [fanMarkers]int32
}

// set makes st the step to n values.
func (st *fanStep) set(n int32) {
	st.n = n
	nm1 := float64(n - 1)
	for i := 1; i < fanMarkers-1; i++ {
		D := 1 + nm1*fanMarkerQ[i] // as the former d = 1 + (n−1)q − p rounded it
		fl := int32(D)             // D ≥ 1: truncation is the floor
		st.floor[i], st.ceil[i] = fl, fl
		if float64(fl) != D {
			st.ceil[i]++
		}
	}
}

// position is marker i's position as a float64, as the update reads it.
func (f *Fan) position(i int) float64 { return float64(f.pos[i]) }

// Count returns the number of values added.
func (f *Fan) Count() int { return int(f.n) }

// Mean returns the mean of the values added; NaN if none.
func (f *Fan) Mean() float64 {
	if f.n == 0 {
		return math.NaN()
	}
	return f.sum / float64(f.n)
}

// Quantiles returns the estimates of the five FanQuantiles; NaNs if no
// value was added.
func (f *Fan) Quantiles() [5]float64 {
	var q [5]float64
	switch {
	case f.n == 0:
		for i := range q {
			q[i] = math.NaN()
		}
	case int(f.n) < fanMarkers:
		for i, p := range FanQuantiles {
			q[i] = Quantile(f.h[:f.n], p)
		}
	default:
		for i := range q {
			q[i] = f.h[i+1]
		}
	}
	return q
}

// b2i is 1 for true, 0 for false (a SETcc, not a branch).
func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
