package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// The distribution checks below test n draws against the exact CDF with
// KS and fail when its p-value is below sampleAlpha = 1e-4: a correct
// sampler fails a check with probability 1e-4 at a fresh seed; the seeds
// are fixed, so the tests are deterministic.
const sampleAlpha = 1e-4

func ksOK(t *testing.T, name string, xs []float64, cdf func(float64) float64) {
	t.Helper()
	if d, p := KS(xs, cdf); p < sampleAlpha {
		t.Errorf("%s: KS distance %.4f, p = %.2g; want p ≥ %g", name, d, p, sampleAlpha)
	}
}

type sampler interface {
	Rand(r *rand.Rand) float64
}

func draws(s sampler, seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 99))
	out := make([]float64, n)
	for i := range out {
		out[i] = s.Rand(r)
	}
	return out
}

// phi and q are Φ and 1 − Φ from erfc, each exact on its own tail, written
// here from the formula rather than taken from the code under test.
func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
func q(z float64) float64   { return 0.5 * math.Erfc(z/math.Sqrt2) }

// truncNormalCDF is the exact CDF of N(mu, sd²) on [lo, hi], evaluated on
// the side of the mean the window lies on.
func truncNormalCDF(mu, sd, lo, hi float64) func(float64) float64 {
	a, b := (lo-mu)/sd, (hi-mu)/sd
	return func(x float64) float64 {
		z := math.Min(math.Max((x-mu)/sd, a), b)
		if a > 0 {
			return (q(a) - q(z)) / (q(a) - q(b))
		}
		return (phi(z) - phi(a)) / (phi(b) - phi(a))
	}
}

func TestSamplersKS(t *testing.T) {
	const n = 20000
	inf := math.Inf(1)
	cases := []struct {
		name string
		s    sampler
		cdf  func(float64) float64
	}{
		{"uniform[2,5]", Uniform{2, 5}, func(x float64) float64 { return math.Min(math.Max((x-2)/3, 0), 1) }},
		{"loguniform[10,100]", LogUniform{10, 100}, func(x float64) float64 { return math.Log10(x / 10) }},
		{"normal(3,2)", Normal{3, 2, -inf, inf}, func(x float64) float64 { return phi((x - 3) / 2) }},
		{"normal(0.4,0.2)[0,1]", Normal{0.4, 0.2, 0, 1}, truncNormalCDF(0.4, 0.2, 0, 1)},
		{"normal(0.1,0.05)[0.5,1]", Normal{0.1, 0.05, 0.5, 1}, truncNormalCDF(0.1, 0.05, 0.5, 1)},
		{"normal(0.9,0.05)[0,0.4]", Normal{0.9, 0.05, 0, 0.4}, truncNormalCDF(0.9, 0.05, 0, 0.4)},
		{"normal(0,1)[0,inf]", Normal{0, 1, 0, inf}, truncNormalCDF(0, 1, 0, inf)},
		{"normal(0,1)[6,7]", Normal{0, 1, 6, 7}, truncNormalCDF(0, 1, 6, 7)},
		{"lognormal(1,0.5)", LogNormal{1, 0.5, 0, inf}, func(x float64) float64 { return phi((math.Log(x) - 1) / 0.5) }},
		{"lognormal(1,0.5)[2,4]", LogNormal{1, 0.5, 2, 4}, func(x float64) float64 {
			return truncNormalCDF(1, 0.5, math.Log(2), math.Log(4))(math.Log(x))
		}},
		{"beta(2,5)", Beta{2, 5, 0, 1}, distuv.Beta{Alpha: 2, Beta: 5}.CDF},
		{"beta(1.2,4)[0.05,1]", Beta{1.2, 4, 0.05, 1}, func(x float64) float64 { return distuv.Beta{Alpha: 1.2, Beta: 4}.CDF((x - 0.05) / 0.95) }},
		{"beta(0.5,0.5)", Beta{0.5, 0.5, 0, 1}, func(x float64) float64 { return 2 / math.Pi * math.Asin(math.Sqrt(x)) }},
		{"beta(0.3,2)", Beta{0.3, 2, 0, 1}, distuv.Beta{Alpha: 0.3, Beta: 2}.CDF},
		{"triangular(0,1,4)", Triangular{0, 1, 4}, func(x float64) float64 {
			if x <= 1 {
				return x * x / 4
			}
			return 1 - (4-x)*(4-x)/12
		}},
		{"triangular(0,0,1)", Triangular{0, 0, 1}, func(x float64) float64 { return 1 - (1-x)*(1-x) }},
	}
	for i, c := range cases {
		ksOK(t, c.name, draws(c.s, uint64(i+1), n), c.cdf)
	}
}

// The issue-10 bug: normal(0.1, 0.05) on [0.5, 1] by rejection gave the
// clamp value 0.5 in 1,000 of 1,000 draws. By inverse CDF every draw lies
// in the window and they are spread as the truncated CDF says (8σ above
// the mean the window is nearly exponential with rate 8/σ: its median is
// about 0.5 + σ·ln 2 / 8 ≈ 0.5043).
func TestNormalFarTruncation(t *testing.T) {
	d := Normal{0.1, 0.05, 0.5, 1}
	xs := draws(d, 7, 1000)
	at := 0
	for _, x := range xs {
		if x < 0.5 || x > 1 {
			t.Fatalf("draw %v outside [0.5, 1]", x)
		}
		if x == 0.5 {
			at++
		}
	}
	if at > 0 {
		t.Errorf("%d of 1000 draws are exactly 0.5; want 0", at)
	}
	cdf := truncNormalCDF(0.1, 0.05, 0.5, 1)
	if got := cdf(d.Quantile(0.5)); math.Abs(got-0.5) > 1e-9 {
		t.Errorf("CDF(median) = %v; want 0.5", got)
	}
	for _, p := range []float64{1e-9, 0.1, 0.5, 0.9, 1 - 1e-9} {
		if got := d.CDF(d.Quantile(p)); math.Abs(got-p) > 1e-9 {
			t.Errorf("CDF(Quantile(%v)) = %v", p, got)
		}
	}
}

// Beyond 37σ Φ underflows; the log-space branch must still follow the
// truncated density. The exact CDF on [40, 41] comes from Simpson's rule
// on the scaled density exp(−(t² − 40²)/2).
func TestNormalBeyondUnderflow(t *testing.T) {
	const lo, hi = 40.0, 41.0
	dens := func(x float64) float64 { return math.Exp(-(x*x - lo*lo) / 2) }
	simpson := func(a, b float64) float64 {
		const m = 2000
		h := (b - a) / m
		s := dens(a) + dens(b)
		for i := 1; i < m; i++ {
			w := 2.0
			if i%2 == 1 {
				w = 4
			}
			s += w * dens(a+float64(i)*h)
		}
		return s * h / 3
	}
	total := simpson(lo, hi)
	cdf := func(x float64) float64 { return simpson(lo, math.Min(math.Max(x, lo), hi)) / total }
	for _, d := range []Normal{{0, 1, lo, hi}, {0, 1, -hi, -lo}} {
		xs := draws(d, 3, 2000)
		if d.Min < 0 {
			for i := range xs {
				xs[i] = -xs[i]
			}
		}
		ksOK(t, fmt.Sprintf("%+v", d), xs, cdf)
	}
}

// The issue-10 bug: at a = b = 0.001 both gamma variates underflow to 0 in
// about 22% of draws and X/(X+Y) was then exactly 0.5. Beta(0.001, 0.001)
// puts nearly all its mass within 0.01 of its ends, half at each. Checks:
// no draw is exactly 0.5 (probability 0); the count of draws farther than
// 0.01 from both ends, and the count below 0.5, each match their exact
// binomial expectation within 4.4 standard deviations (false failure about
// 1e-5 each, normal approximation).
func TestBetaTinyShapes(t *testing.T) {
	const n = 10000
	d := Beta{0.001, 0.001, 0, 1}
	exact := distuv.Beta{Alpha: 0.001, Beta: 0.001}
	pInner := exact.CDF(0.99) - exact.CDF(0.01)
	xs := draws(d, 5, n)
	low, inner, half := 0, 0, 0
	for _, x := range xs {
		if !(x >= 0 && x <= 1) {
			t.Fatalf("draw %v outside [0, 1]", x)
		}
		if x < 0.5 {
			low++
		}
		if x > 0.01 && x < 0.99 {
			inner++
		}
		if x == 0.5 {
			half++
		}
	}
	if half > 0 {
		t.Errorf("%d of %d draws are exactly 0.5; want 0", half, n)
	}
	check := func(what string, got int, p float64) {
		mean, sd := n*p, math.Sqrt(n*p*(1-p))
		if math.Abs(float64(got)-mean) > 4.4*sd {
			t.Errorf("%s: %d of %d draws; want %.1f ± %.1f", what, got, n, mean, 4.4*sd)
		}
	}
	check("in (0.01, 0.99)", inner, pInner)
	check("below 0.5", low, 0.5)
}

// With both shapes ≥ 1 the sampler keeps the population draws of earlier
// versions: the same uniforms in the same order, divided directly.
func TestBetaDirectPath(t *testing.T) {
	r1 := rand.New(rand.NewPCG(1, 2))
	r2 := rand.New(rand.NewPCG(1, 2))
	for range 100 {
		gx := gammaVariate(r1, 2)
		gy := gammaVariate(r1, 5)
		want := 0.05 + 0.95*(gx/(gx+gy))
		if got := (Beta{2, 5, 0.05, 1}).Rand(r2); got != want {
			t.Fatalf("Rand = %v; want %v", got, want)
		}
	}
}

func TestQuantileInvertsCDF(t *testing.T) {
	inf := math.Inf(1)
	type qc interface {
		Quantile(float64) float64
		CDF(float64) float64
	}
	for _, d := range []qc{
		Uniform{1, 3}, LogUniform{0.1, 1000}, Normal{5, 2, -inf, inf}, Normal{5, 2, 0, inf},
		Normal{0.1, 0.05, 0.5, 1}, Normal{0.9, 0.05, 0, 0.4}, LogNormal{2, 1, 0, inf}, LogNormal{2, 1, 1, 10},
		Beta{2, 5, 0, 10}, Beta{0.5, 0.5, 0, 1}, Triangular{0, 2, 3},
	} {
		for _, p := range []float64{0.01, 0.25, 0.5, 0.75, 0.99} {
			if got := d.CDF(d.Quantile(p)); math.Abs(got-p) > 1e-7 {
				t.Errorf("%T%+v: CDF(Quantile(%v)) = %v", d, d, p, got)
			}
		}
	}
}

func TestNormalMass(t *testing.T) {
	n := Normal{Mu: 0.1, Sigma: 0.5}
	want := phi(1.8) - phi(-0.2)
	if got := n.Mass(0, 1); math.Abs(got-want) > 1e-12 {
		t.Errorf("Mass(0, 1) = %v; want %v", got, want)
	}
	// In the upper tail the mass keeps its relative precision.
	if got, want := (Normal{Sigma: 1}).Mass(9, 10), q(9)-q(10); math.Abs(got/want-1) > 1e-9 {
		t.Errorf("Mass(9, 10) = %v; want %v", got, want)
	}
}

// Choice frequencies against the weights by a chi-square statistic with
// 3 degrees of freedom; 21.1 is its 1e-4 upper quantile (false failure
// 1e-4 at a fresh seed).
func TestChoice(t *testing.T) {
	w := []float64{1, 2, 3, 4}
	c := Choice{Weights: w}
	r := rand.New(rand.NewPCG(11, 12))
	const n = 40000
	counts := make([]float64, len(w))
	for range n {
		counts[c.Rand(r)]++
	}
	chi := 0.0
	for i, x := range counts {
		e := n * w[i] / 10
		chi += (x - e) * (x - e) / e
	}
	if chi > 21.1 {
		t.Errorf("chi-square %.2f with counts %v; want < 21.1", chi, counts)
	}
}

func ExampleNormal() {
	r := rand.New(rand.NewPCG(1, 2))
	d := Normal{Mu: 0.1, Sigma: 0.05, Min: 0.5, Max: 1}
	fmt.Printf("median %.4f, a draw %.4f\n", d.Quantile(0.5), d.Rand(r))
	// Output: median 0.5042, a draw 0.5069
}

// Shapes far below any float64 reciprocal still give values at the ends,
// each end about half the time (4.4 standard deviations: false failure
// about 1e-5).
func TestBetaAbsurdShapes(t *testing.T) {
	const n = 4000
	xs := draws(Beta{1e-310, 1e-310, 0, 1}, 9, n)
	low := 0
	for _, x := range xs {
		if x != 0 && x != 1 {
			t.Fatalf("draw %v; want 0 or 1", x)
		}
		if x == 0 {
			low++
		}
	}
	if math.Abs(float64(low)-n/2) > 4.4*math.Sqrt(n/4.0) {
		t.Errorf("%d of %d at 0; want about half", low, n)
	}
}
