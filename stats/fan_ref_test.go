package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refFan is Fan as it was before its update was sped up (main at fb5e822),
// kept verbatim so that TestFanMatchesReference can assert the faster
// code computes the same bits.
type refFan struct {
	h   [fanMarkers]float64
	pos [fanMarkers]float64
	n   int
	sum float64
}

// add is the former Fan.add.
func (f *refFan) add(x float64) {
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
	h, p := &f.h, &f.pos
	// Find the cell of x, widening the extremes, and move up the markers
	// above it.
	switch {
	case x < h[0]:
		h[0] = x
		for i := 1; i < fanMarkers; i++ {
			p[i]++
		}
	case x >= h[fanMarkers-1]:
		h[fanMarkers-1] = x
		p[fanMarkers-1]++
	default:
		k := 1
		for x >= h[k] {
			k++
		}
		for i := k; i < fanMarkers; i++ {
			p[i]++
		}
	}
	// Move each interior marker that is a position or more away from its
	// desired position 1 + (n−1)q by one position, if it does not run
	// into a neighbour.
	nm1 := float64(f.n - 1)
	for i := 1; i < fanMarkers-1; i++ {
		d := 1 + nm1*fanMarkerQ[i] - p[i]
		var s float64
		switch {
		case d >= 1 && p[i+1]-p[i] > 1:
			s = 1
		case d <= -1 && p[i-1]-p[i] < -1:
			s = -1
		default:
			continue
		}
		// Between equal neighbours (ties, common in counts) the marker's
		// height cannot change: only its position moves.
		if hm, h0, hp := h[i-1], h[i], h[i+1]; hm != hp {
			nm, n0, np := p[i-1], p[i], p[i+1]
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
		p[i] += s
	}
}

// quantiles is the former Fan.Quantiles.
func (f *refFan) quantiles() [5]float64 {
	var q [5]float64
	switch {
	case f.n == 0:
		for i := range q {
			q[i] = math.NaN()
		}
	case f.n < fanMarkers:
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

// fanStreams returns the test streams: normal, uniform, heavy-tailed and
// skewed values, small and large counts with many ties (as counts are),
// runs of zeros then growth (a counter that starts late), constant
// streams, signed zeros, sorted and reverse-sorted streams and values
// that differ in their last bit.
func fanStreams(rng *rand.Rand) [][]float64 {
	var out [][]float64
	gen := []func(i int) float64{
		func(int) float64 { return rng.NormFloat64() },
		func(int) float64 { return rng.Float64() },
		func(int) float64 { return math.Exp(3 * rng.NormFloat64()) },
		func(int) float64 { return -math.Log(rng.Float64()) * 1e6 },
		func(int) float64 { return float64(rng.IntN(3)) },
		func(int) float64 { return float64(rng.IntN(12)) },
		func(int) float64 { return float64(rng.IntN(1000)) },
		func(i int) float64 {
			if rng.IntN(100) < 70 {
				return 0
			}
			return float64(rng.IntN(1 + i/10))
		},
		func(int) float64 { return 7 },
		func(int) float64 { return []float64{0, math.Copysign(0, -1)}[rng.IntN(2)] },
		func(i int) float64 { return float64(i) },
		func(i int) float64 { return -float64(i) },
		func(int) float64 { return 1 + float64(rng.IntN(4))*0x1p-52 },
		func(int) float64 { return math.Round(rng.NormFloat64()*4) / 4 },
	}
	for _, n := range []int{0, 1, 3, 6, 7, 8, 13, 50, 200, 1000, 5000} {
		for _, g := range gen {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = g(i)
			}
			out = append(out, xs)
		}
	}
	// Mixtures: each value from a generator picked at random.
	for range 200 {
		xs := make([]float64, 1+rng.IntN(3000))
		for i := range xs {
			xs[i] = gen[rng.IntN(len(gen))](i)
		}
		out = append(out, xs)
	}
	return out
}

// sameFan fails unless f holds exactly what the reference holds: the same
// count, sum, heights and positions, bit for bit.
func sameFan(t *testing.T, name string, f *Fan, r *refFan) {
	t.Helper()
	if f.Count() != r.n || math.Float64bits(f.sum) != math.Float64bits(r.sum) {
		t.Fatalf("%s: count %d sum %v; reference %d %v", name, f.Count(), f.sum, r.n, r.sum)
	}
	for i := range fanMarkers {
		if math.Float64bits(f.h[i]) != math.Float64bits(r.h[i]) {
			t.Fatalf("%s after %d values: marker %d height %v; reference %v", name, r.n, i, f.h[i], r.h[i])
		}
	}
	if r.n >= fanMarkers {
		for i := range fanMarkers {
			if got := f.position(i); got != r.pos[i] {
				t.Fatalf("%s after %d values: marker %d position %v; reference %v", name, r.n, i, got, r.pos[i])
			}
		}
	}
	q, rq := f.Quantiles(), r.quantiles()
	for i := range q {
		if math.Float64bits(q[i]) != math.Float64bits(rq[i]) {
			t.Fatalf("%s: quantile %d %v; reference %v", name, i, q[i], rq[i])
		}
	}
	if m, rm := f.Mean(), r.sum/float64(r.n); r.n > 0 && math.Float64bits(m) != math.Float64bits(rm) {
		t.Fatalf("%s: mean %v; reference %v", name, m, rm)
	}
}

// TestFanMatchesReference: Fan, fed one value at a time and through
// AddEach, holds exactly the reference's state after every value of 2,000
// streams of up to 5,000 values (see fanStreams). Deterministic.
func TestFanMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	for s, xs := range fanStreams(rng) {
		var f Fan
		var r refFan
		for i, x := range xs {
			f.Add(x)
			r.add(x)
			if i < 20 || i%97 == 0 || i == len(xs)-1 {
				sameFan(t, "stream", &f, &r)
			}
		}
		_ = s
	}
	// AddEach on fans of one count, and of mixed counts.
	for _, n := range []int{3, 7, 8, 40, 1000} {
		const width = 50
		fans, refs := make([]Fan, width), make([]refFan, width)
		for step := range n {
			xs := make([]float64, width)
			for i := range xs {
				xs[i] = math.Round(rng.NormFloat64() * float64(1+i%5))
				if step%(1+i%9) != 0 && i > 0 {
					xs[i] = xs[i-1]
				}
			}
			if step == n/2 {
				fans[width/2].Add(1) // one fan one value ahead
				refs[width/2].add(1)
			}
			AddEach(fans, xs)
			for i, x := range xs {
				refs[i].add(x)
			}
			for i := range fans {
				sameFan(t, fmt.Sprintf("AddEach fan %d", i), &fans[i], &refs[i])
			}
		}
	}
}

// TestAddEachFlatFans: AddEach's shortcut for flat fans (all values equal
// so far, see AddEach) leaves each fan exactly as the reference does, for
// fans that stay flat at different values, flat fans of ±0 whose maximum
// takes the sign of the last zero, fans that stop being flat at random
// steps, and a flat fan one value ahead of the others, whose positions are
// another count's. Deterministic.
func TestAddEachFlatFans(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	const width, steps = 60, 400
	negZero := math.Copysign(0, -1)
	leave := make([]int, width) // the step at which fan i stops being flat
	for i := range leave {
		leave[i] = steps
		if i%3 == 2 {
			leave[i] = rng.IntN(steps)
		}
	}
	fans, refs := make([]Fan, width), make([]refFan, width)
	fans[width-1].Add(5) // one value ahead of the others
	refs[width-1].add(5)
	for step := range steps {
		xs := make([]float64, width)
		for i := range xs {
			switch {
			case i == width-1:
				xs[i] = 5
			case step >= leave[i]:
				xs[i] = math.Round(rng.NormFloat64() * 3)
			case i%3 == 1:
				xs[i] = []float64{0, negZero}[rng.IntN(2)]
			default:
				xs[i] = float64(i % 4)
			}
		}
		AddEach(fans, xs)
		for i, x := range xs {
			refs[i].add(x)
			sameFan(t, fmt.Sprintf("step %d fan %d", step, i), &fans[i], &refs[i])
		}
	}
}

// TestAddEachPanics: AddEach adds nothing when a value is not finite or
// the lengths differ, and panics on a fan that holds MaxFanCount values.
func TestAddEachPanics(t *testing.T) {
	for _, xs := range [][]float64{{1, math.NaN()}, {math.Inf(1), 2}, {1}} {
		fans := make([]Fan, 2)
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AddEach(%v) did not panic", xs)
				}
			}()
			AddEach(fans, xs)
		}()
		if fans[0].Count() != 0 || fans[1].Count() != 0 {
			t.Errorf("AddEach(%v) added values before panicking", xs)
		}
	}
	full := []Fan{{n: MaxFanCount}}
	defer func() {
		if recover() == nil || full[0].Count() != MaxFanCount {
			t.Errorf("AddEach on a full fan did not panic, or added: count %d", full[0].Count())
		}
	}()
	AddEach(full, []float64{1})
}

// TestFanStep: fanStep's integer bounds decide exactly what the former
// float gap d = 1 + (n−1)q − p decided (d ≥ 1, d ≤ −1) for every marker,
// for every count up to 20,000 and counts up to MaxFanCount, and positions
// around the desired one.
func TestFanStep(t *testing.T) {
	var st fanStep
	check := func(n int) {
		st.set(int32(n))
		nm1 := float64(n - 1)
		for i := 1; i < fanMarkers-1; i++ {
			c := int(nm1 * fanMarkerQ[i])
			for p := max(1, c-3); p <= c+5; p++ {
				d := 1 + nm1*fanMarkerQ[i] - float64(p)
				if (p < int(st.floor[i])) != (d >= 1) || (p > int(st.ceil[i])) != (d <= -1) {
					t.Fatalf("n %d marker %d position %d: floor %d ceil %d; d = %v", n, i, p, st.floor[i], st.ceil[i], d)
				}
			}
		}
	}
	for n := fanMarkers; n <= 20000; n++ {
		check(n)
	}
	rng := rand.New(rand.NewPCG(15, 2))
	for range 100000 {
		check(fanMarkers + rng.IntN(MaxFanCount-fanMarkers+1))
	}
	check(MaxFanCount)
}

// TestAllFinite: AllFinite is false exactly when one value is NaN or
// ±Inf, wherever it is, for every length to 20 (the eight-wide blocks and
// the tail), with finite values of every kind around it.
func TestAllFinite(t *testing.T) {
	finite := []float64{0, math.Copysign(0, -1), 1, -2.5, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 1e300}
	for n := range 21 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = finite[i%len(finite)]
		}
		if !AllFinite(xs) {
			t.Fatalf("AllFinite(%v) = false", xs)
		}
		for i := range xs {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				ys := slices.Clone(xs)
				ys[i] = bad
				if AllFinite(ys) {
					t.Fatalf("AllFinite(%v) = true", ys)
				}
			}
		}
	}
}

// BenchmarkAllFinite times AllFinite on a series of deai-2025's 523
// sample days.
func BenchmarkAllFinite(b *testing.B) {
	xs := make([]float64, 523)
	for i := range xs {
		xs[i] = 1.5 * float64(i)
	}
	for b.Loop() {
		if !AllFinite(xs) {
			b.Fatal("not finite")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/value")
}
