package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

func TestSketchExactSmall(t *testing.T) {
	for _, tc := range []struct {
		name string
		xs   []float64
		q    []float64
		want []float64
	}{
		{"one", []float64{7}, []float64{0, 0.3, 1}, []float64{7, 7, 7}},
		{"three", []float64{3, 1, 2}, []float64{0, 0.25, 0.5, 0.75, 1}, []float64{1, 1.5, 2, 2.5, 3}},
		// type 7: h = 0.1·(5−1) = 0.4 → 10 + 0.4·(20−10).
		{"five", []float64{50, 10, 40, 20, 30}, []float64{0.1, 0.9}, []float64{14, 46}},
		{"ties", []float64{2, 2, 2, 5}, []float64{0.5, 1}, []float64{2, 5}},
	} {
		s := NewSketch()
		for _, x := range tc.xs {
			s.Add(x)
		}
		for i, q := range tc.q {
			if got := s.Quantile(q); math.Abs(got-tc.want[i]) > 1e-12 {
				t.Errorf("%s: Quantile(%v) = %v; want %v", tc.name, q, got, tc.want[i])
			}
		}
		if s.Count() != len(tc.xs) {
			t.Errorf("%s: Count %d; want %d", tc.name, s.Count(), len(tc.xs))
		}
		sum := 0.0
		for _, x := range tc.xs {
			sum += x
		}
		if got, want := s.Mean(), sum/float64(len(tc.xs)); math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: Mean %v; want %v", tc.name, got, want)
		}
	}
	e := NewSketch()
	if !math.IsNaN(e.Quantile(0.5)) || !math.IsNaN(e.Mean()) || e.Count() != 0 {
		t.Errorf("empty: got %v %v %d; want NaN NaN 0", e.Quantile(0.5), e.Mean(), e.Count())
	}
}

// TestSketchExactToCap checks that up to SketchCap values, alone or merged, quantiles equal
// the type-7 order statistics.
func TestSketchExactToCap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	xs := make([]float64, SketchCap)
	a, b := NewSketch(), NewSketch()
	for i := range xs {
		xs[i] = rng.NormFloat64()
		if i < 1000 {
			a.Add(xs[i])
		} else {
			b.Add(xs[i])
		}
	}
	a.Merge(b)
	sorted := slices.Sorted(slices.Values(xs))
	for _, q := range []float64{0, 0.01, 0.05, 0.3333, 0.5, 0.95, 1} {
		if got, want := a.Quantile(q), Quantile(sorted, q); got != want {
			t.Errorf("Quantile(%v): got %v; want %v", q, got, want)
		}
	}
	if a.Size() != SketchCap || a.Count() != SketchCap {
		t.Errorf("Size, Count: got %d %d; want %d %d", a.Size(), a.Count(), SketchCap, SketchCap)
	}
}

// rankError returns the distance from q to the ranks [F_n(x−), F_n(x)] that x holds in
// sorted, a single rank unless x is tied.
func rankError(sorted []float64, x, q float64) float64 {
	n := float64(len(sorted))
	lo := float64(sort.SearchFloat64s(sorted, x)) / n
	hi := float64(sort.Search(len(sorted), func(i int) bool { return sorted[i] > x })) / n
	return max(lo-q, q-hi, 0)
}

// TestSketchRankError checks, on 100,000 values from several distributions, added in one
// stream or merged from shards, that the 5/25/50/75/95% quantiles are within 1% of rank
// (and the 0.1/99.9% within 0.1%), with bounded size.
func TestSketchRankError(t *testing.T) {
	const n = 100_000
	dists := []struct {
		name string
		draw func(*rand.Rand) float64
	}{
		{"normal", func(r *rand.Rand) float64 { return r.NormFloat64() }},
		{"exponential", func(r *rand.Rand) float64 { return r.ExpFloat64() * 69.3 }},
		{"lognormal", func(r *rand.Rand) float64 { return math.Exp(2 * r.NormFloat64()) }},
		{"discrete", func(r *rand.Rand) float64 { return float64(r.IntN(7)) }},
		{"sorted ramp", nil},
	}
	for _, d := range dists {
		rng := rand.New(rand.NewPCG(42, 43))
		xs := make([]float64, n)
		for i := range xs {
			if d.draw == nil {
				xs[i] = float64(i)
			} else {
				xs[i] = d.draw(rng)
			}
		}
		sorted := slices.Sorted(slices.Values(xs))
		one := NewSketch()
		for _, x := range xs {
			one.Add(x)
		}
		merged := NewSketch()
		for shard := range 10 {
			s := NewSketch()
			for _, x := range xs[shard*n/10 : (shard+1)*n/10] {
				s.Add(x)
			}
			merged.Merge(s)
		}
		for _, sk := range []struct {
			name string
			s    *Sketch
		}{{"stream", one}, {"merged", merged}} {
			if sk.s.Count() != n {
				t.Errorf("%s %s: Count %d; want %d", d.name, sk.name, sk.s.Count(), n)
			}
			if sz := sk.s.Size(); sz > SketchCap+sketchDelta+1 {
				t.Errorf("%s %s: Size %d; want <= %d", d.name, sk.name, sz, SketchCap+sketchDelta+1)
			}
			worst := 0.0
			for _, tc := range []struct{ q, tol float64 }{
				{0.001, 0.001}, {0.05, 0.01}, {0.25, 0.01}, {0.5, 0.01}, {0.75, 0.01}, {0.95, 0.01}, {0.999, 0.001},
			} {
				e := rankError(sorted, sk.s.Quantile(tc.q), tc.q)
				if e > tc.tol {
					t.Errorf("%s %s: rank error at q=%v: got %v; want <= %v", d.name, sk.name, tc.q, e, tc.tol)
				}
				worst = max(worst, e/tc.tol)
			}
			t.Logf("%s %s: size %d, worst rank error %.2f of tolerance", d.name, sk.name, sk.s.Size(), worst)
			if sk.s.Quantile(0) != sorted[0] || sk.s.Quantile(1) != sorted[n-1] {
				t.Errorf("%s %s: extremes %v %v; want %v %v", d.name, sk.name, sk.s.Quantile(0), sk.s.Quantile(1), sorted[0], sorted[n-1])
			}
		}
	}
}

func TestSketchBoundedAndDeterministic(t *testing.T) {
	a, b := NewSketch(), NewSketch()
	rng := rand.New(rand.NewPCG(8, 9))
	maxSize := 0
	for range 300_000 {
		x := rng.NormFloat64()
		a.Add(x)
		b.Add(x)
		maxSize = max(maxSize, a.Size())
		if a.Count()%50_000 == 0 {
			a.Quantile(0.5) // queries must not change the state
		}
	}
	if limit := SketchCap + sketchDelta + 1; maxSize > limit {
		t.Errorf("max Size: got %d; want <= %d", maxSize, limit)
	}
	for _, q := range []float64{0.01, 0.5, 0.99} {
		if qa, qb := a.Quantile(q), b.Quantile(q); math.Float64bits(qa) != math.Float64bits(qb) {
			t.Errorf("Quantile(%v): same input gave %v and %v", q, qa, qb)
		}
	}
	a.Merge(a) // self merge doubles every value's weight
	if a.Count() != 600_000 || math.Abs(a.Quantile(0.5)-b.Quantile(0.5)) > 0.02 {
		t.Errorf("self merge: Count %d median %v; want 600000, ~%v", a.Count(), a.Quantile(0.5), b.Quantile(0.5))
	}
}

func TestSketchPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(*Sketch)
	}{
		{"NaN", func(s *Sketch) { s.Add(math.NaN()) }},
		{"Inf", func(s *Sketch) { s.Add(math.Inf(1)) }},
		{"q > 1", func(s *Sketch) { s.Quantile(1.5) }},
		{"q NaN", func(s *Sketch) { s.Quantile(math.NaN()) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f(NewSketch())
		}()
	}
}

// BenchmarkSketchAdd measures one Add, amortising the compressions, on a fresh sketch (the
// exact phase and first compressions) and on one already holding 10⁶ values.
func BenchmarkSketchAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, 1<<16)
	for i := range xs {
		xs[i] = rng.NormFloat64()
	}
	for _, warm := range []int{0, 1_000_000} {
		b.Run(fmt.Sprintf("warm=%d", warm), func(b *testing.B) {
			s := NewSketch()
			for i := range warm {
				s.Add(xs[i&(len(xs)-1)])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				s.Add(xs[i&(len(xs)-1)])
			}
		})
	}
}
