package metrics

import "math"

// FanQuantiles are the quantiles of every fan chart, in the order of
// SeriesPoint's P05 ... P95 fields.
var FanQuantiles = [5]float64{0.05, 0.25, 0.5, 0.75, 0.95}

// fanMarkers is the number of P² markers for the five FanQuantiles: the
// minimum, the maximum, each quantile and a marker midway between
// neighbours (2m+3 for m quantiles).
const fanMarkers = 2*len(FanQuantiles) + 3

// fanMarkerQ are the probabilities the markers track: 0, then for each
// quantile the midpoint below it and the quantile itself, then the midpoint
// above the last one, then 1.
var fanMarkerQ = func() [fanMarkers]float64 {
	var q [fanMarkers]float64
	prev := 0.0
	for i, p := range FanQuantiles {
		q[2*i+1] = (prev + p) / 2
		q[2*i+2] = p
		prev = p
	}
	q[fanMarkers-2] = (prev + 1) / 2
	q[fanMarkers-1] = 1
	return q
}()

// Fan estimates the mean and the five FanQuantiles of a stream of values
// in constant memory: the P² algorithm (Jain & Chlamtac 1985) extended to
// several quantiles (Raatikainen 1987), thirteen markers whose heights are
// adjusted by piecewise-parabolic interpolation as values arrive. It keeps
// 224 bytes whatever the number of values and no pointers, so an ensemble
// can hold one per variant, observable and sample day (tens of thousands)
// and 20,000 replications cost what 200 do. Up to thirteen values the
// quantiles are exact (type 7, as Sketch); beyond, they are estimates whose
// error shrinks as values accumulate, ample for a fan chart. Final outcomes
// use Sketch, exact to 4,096 values. The same sequence of values gives
// bit-identical results. The zero value is an empty Fan.
type Fan struct {
	h   [fanMarkers]float64 // marker heights (the first n values, sorted, while n < fanMarkers)
	pos [fanMarkers]float64 // marker positions, 1-based ranks (integers)
	n   int
	sum float64
}

// Add adds one value. It panics on a NaN or infinite value.
func (f *Fan) Add(x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		panic("metrics: fan value must be finite")
	}
	f.add(x)
}

// add is Add for a value known to be finite.
func (f *Fan) add(x float64) {
	f.sum += x
	if f.n < fanMarkers {
		// Insertion into the sorted prefix.
		i := f.n
		for i > 0 && f.h[i-1] > x {
			f.h[i] = f.h[i-1]
			i--
		}
		f.h[i] = x
		f.n++
		if f.n == fanMarkers {
			for j := range f.pos {
				f.pos[j] = float64(j + 1)
			}
		}
		return
	}
	f.n++
	// Find the cell k with h[k] <= x < h[k+1], widening the extremes, and
	// move up the markers above it.
	var k int
	switch {
	case x < f.h[0]:
		f.h[0] = x
		k = 0
	case x >= f.h[fanMarkers-1]:
		f.h[fanMarkers-1] = x
		k = fanMarkers - 2
	default:
		for k < fanMarkers-2 && x >= f.h[k+1] {
			k++
		}
	}
	for i := k + 1; i < fanMarkers; i++ {
		f.pos[i]++
	}
	n := float64(f.n)
	for i := 1; i < fanMarkers-1; i++ {
		d := 1 + (n-1)*fanMarkerQ[i] - f.pos[i]
		if (d >= 1 && f.pos[i+1]-f.pos[i] > 1) || (d <= -1 && f.pos[i-1]-f.pos[i] < -1) {
			s := 1.0
			if d < 0 {
				s = -1
			}
			// Between equal neighbours (ties, common in counts) the
			// marker's height cannot change: only its position moves.
			if f.h[i-1] != f.h[i+1] {
				h := f.parabolic(i, s)
				if !(f.h[i-1] < h && h < f.h[i+1]) {
					h = f.linear(i, s)
				}
				f.h[i] = h
			}
			f.pos[i] += s
		}
	}
}

// parabolic is the P² piecewise-parabolic prediction of marker i moved by
// s = ±1 positions.
func (f *Fan) parabolic(i int, s float64) float64 {
	hm, h0, hp := f.h[i-1], f.h[i], f.h[i+1]
	nm, n0, np := f.pos[i-1], f.pos[i], f.pos[i+1]
	return h0 + s/(np-nm)*((n0-nm+s)*(hp-h0)/(np-n0)+(np-n0-s)*(h0-hm)/(n0-nm))
}

// linear is the fallback linear prediction when the parabola would break
// the markers' order.
func (f *Fan) linear(i int, s float64) float64 {
	j := i + int(s)
	return f.h[i] + s*(f.h[j]-f.h[i])/(f.pos[j]-f.pos[i])
}

// Count returns the number of values added.
func (f *Fan) Count() int { return f.n }

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
	case f.n < fanMarkers:
		for i, p := range FanQuantiles {
			q[i] = quantile7(f.h[:f.n], p)
		}
	default:
		for i := range q {
			q[i] = f.h[2*i+2]
		}
	}
	return q
}

// quantile7 is the type-7 quantile (Hyndman & Fan) of sorted, non-empty xs:
// linear interpolation at rank q(n−1).
func quantile7(xs []float64, q float64) float64 {
	h := q * float64(len(xs)-1)
	i := int(h)
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}
