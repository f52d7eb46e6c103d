package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// tQuantile975 returns the 97.5% quantile of Student's t with nu degrees of freedom by
// bisection on its CDF, the density (Γ((ν+1)/2)/(√(νπ)Γ(ν/2)))·(1+x²/ν)^(−(ν+1)/2)
// integrated by Simpson's rule, so the test does not trust gonum or the code under test.
func tQuantile975(nu float64) float64 {
	lg1, _ := math.Lgamma((nu + 1) / 2)
	lg2, _ := math.Lgamma(nu / 2)
	c := math.Exp(lg1-lg2) / math.Sqrt(nu*math.Pi)
	pdf := func(x float64) float64 { return c * math.Pow(1+x*x/nu, -(nu+1)/2) }
	cdf := func(x float64) float64 { // for x >= 0
		const m = 4000
		h := x / m
		sum := pdf(0) + pdf(x)
		for i := 1; i < m; i++ {
			w := 2.0
			if i%2 == 1 {
				w = 4
			}
			sum += w * pdf(float64(i)*h)
		}
		return 0.5 + sum*h/3
	}
	lo, hi := 0.0, 20.0
	for range 60 {
		mid := (lo + hi) / 2
		if cdf(mid) < 0.975 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func TestStudentT975(t *testing.T) {
	for _, df := range []int{1, 2, 4, 8, 24, 100} {
		want := tQuantile975(float64(df))
		if df == 1 {
			want = math.Tan(math.Pi * (0.975 - 0.5)) // Cauchy, exactly
		}
		if got := StudentT975(df); math.Abs(got-want) > 1e-6*want {
			t.Errorf("df=%d: t = %.10f; want %.10f", df, got, want)
		}
	}
}

// TestMeanCI checks the interval against mean ± t·s/√n computed here, and that it is wider
// than the normal one by t/z: 5% at 25 points and 18% at 9, which the z interval it
// replaces was too narrow by.
func TestMeanCI(t *testing.T) {
	for _, c := range []struct {
		n        int
		minRatio float64
	}{{25, 1.05}, {9, 1.17}, {2, 6.4}} {
		xs := make([]float64, c.n)
		for i := range xs {
			xs[i] = float64(i*i%7) + 0.5*float64(i)
		}
		mean, ss := 0.0, 0.0
		for _, x := range xs {
			mean += x
		}
		mean /= float64(c.n)
		for _, x := range xs {
			ss += (x - mean) * (x - mean)
		}
		se := math.Sqrt(ss / float64(c.n-1) / float64(c.n))
		tq := tQuantile975(float64(c.n - 1))
		gm, lo, hi := MeanCI(xs)
		if math.Abs(gm-mean) > 1e-12 || math.Abs(lo-(mean-tq*se)) > 1e-6 || math.Abs(hi-(mean+tq*se)) > 1e-6 {
			t.Errorf("n=%d: MeanCI = %v [%v, %v]; want %v [%v, %v]", c.n, gm, lo, hi, mean, mean-tq*se, mean+tq*se)
		}
		if r := (hi - lo) / (2 * z975 * se); r < c.minRatio {
			t.Errorf("n=%d: interval %.4f times the normal one; want at least %.2f", c.n, r, c.minRatio)
		}
	}
	if m, lo, hi := MeanCI([]float64{3}); m != 3 || !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("one value: MeanCI = %v [%v, %v]; want 3 [NaN, NaN]", m, lo, hi)
	}
	if m, _, _ := MeanCI(nil); !math.IsNaN(m) {
		t.Errorf("no values: mean %v; want NaN", m)
	}
}

// TestMeanCICoverage draws 20,000 samples of 5 standard normals: the t interval must cover
// the true mean 0 in 95% of them, within 4 binomial standard errors (±0.0062), a
// false-failure rate of 6·10⁻⁵. The normal interval covers about 88% at n = 5, so this test
// fails on it.
func TestMeanCICoverage(t *testing.T) {
	const reps, n = 20000, 5
	rng := rand.New(rand.NewPCG(5, 5))
	xs := make([]float64, n)
	hits := 0
	for range reps {
		for i := range xs {
			xs[i] = rng.NormFloat64()
		}
		if _, lo, hi := MeanCI(xs); lo <= 0 && 0 <= hi {
			hits++
		}
	}
	cov := float64(hits) / reps
	if tol := 4 * math.Sqrt(0.95*0.05/reps); math.Abs(cov-0.95) > tol {
		t.Errorf("coverage %.4f; want 0.95 ± %.4f", cov, tol)
	}
}

// TestMainEffects checks the correlation ratio on a full 3×2 factorial grid of
// y = a_i + b_j, whose first-order shares are Var(a)/(Var(a)+Var(b)) and Var(b)/(…) exactly,
// and a third factor that does not matter (share 0).
func TestMainEffects(t *testing.T) {
	a := []float64{0, 1, 5}
	b := []float64{-2, 2}
	var y []float64
	level := make([][]int, 3)
	for i, ai := range a {
		for j, bj := range b {
			y = append(y, ai+bj)
			level[0] = append(level[0], i)
			level[1] = append(level[1], j)
			level[2] = append(level[2], 0)
		}
	}
	variance := func(xs []float64) float64 {
		m := 0.0
		for _, x := range xs {
			m += x
		}
		m /= float64(len(xs))
		v := 0.0
		for _, x := range xs {
			v += (x - m) * (x - m)
		}
		return v / float64(len(xs))
	}
	va, vb := variance(a), variance(b)
	want := []float64{va / (va + vb), vb / (va + vb), 0}
	got, err := MainEffects(y, level)
	if err != nil {
		t.Fatal(err)
	}
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-12 {
			t.Errorf("factor %d: η² = %v; want %v", j, got[j], want[j])
		}
	}
	for _, c := range []struct {
		name string
		y    []float64
		want string
	}{{"one point", []float64{1}, "at least 2 points"}, {"constant", []float64{2, 2, 2}, "variance is zero"}} {
		lv := [][]int{make([]int, len(c.y))}
		_, err := MainEffects(c.y, lv)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "stats: ") {
			t.Errorf("%s: error %v; want one saying %q", c.name, err, c.want)
		}
		if errors.Unwrap(err) != nil {
			t.Errorf("%s: error wraps %v; want a plain error", c.name, errors.Unwrap(err))
		}
	}
}
