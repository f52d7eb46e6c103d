package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// prccData draws n runs of p = 3 parameters U(0, 1) and the monotone
// response y = exp(3·x0 − 2·x1 + 0·x2 + σε), ε ~ N(0, 1): PRCC must be
// positive for x0, negative for x1 and zero for x2.
func prccData(rng *rand.Rand, n int, sigma float64) ([][]float64, []float64) {
	x := make([][]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = []float64{rng.Float64(), rng.Float64(), rng.Float64()}
		y[i] = math.Exp(3*x[i][0] - 2*x[i][1] + sigma*rng.NormFloat64())
	}
	return x, y
}

// TestPRCCSigns checks the sign/zero structure on one data set of n = 300.
// With these effects the population PRCCs are about +0.9 and −0.8, so the
// p-value of x0 and x1 under 1e-10 fails with negligible probability; the
// null x2 has p uniform on (0, 1), so asserting p > 0.001 fails with
// probability 0.001.
func TestPRCCSigns(t *testing.T) {
	x, y := prccData(rand.New(rand.NewPCG(7, 1)), 300, 0.5)
	res, err := PartialRankCorrelation(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; !(r.Coef > 0.5 && r.P < 1e-10 && r.Lo > 0) {
		t.Errorf("x0: got %+v; want a clearly positive PRCC", r)
	}
	if r := res[1]; !(r.Coef < -0.5 && r.P < 1e-10 && r.Hi < 0) {
		t.Errorf("x1: got %+v; want a clearly negative PRCC", r)
	}
	if r := res[2]; !(r.P > 0.001 && r.Lo < 0 && r.Hi > 0) {
		t.Errorf("x2: got %+v; want a PRCC indistinguishable from 0", r)
	}
	for j, r := range res {
		if !(r.Lo <= r.Coef && r.Coef <= r.Hi) || r.N != 300 {
			t.Errorf("x%d: interval [%g, %g] around %g, N %d", j, r.Lo, r.Hi, r.Coef, r.N)
		}
	}
}

// TestPRCCNullCalibration checks the p-value of the null parameter x2 over
// R = 400 data sets of n = 60: it must fall below 0.05 in at most the
// count that Binomial(400, 0.05) exceeds with probability 0.001 (and the
// lower side likewise), so a correctly calibrated test fails with
// probability ≤ 0.002.
func TestPRCCNullCalibration(t *testing.T) {
	const R, n = 400, 60
	rng := rand.New(rand.NewPCG(7, 2))
	rejected := 0
	for range R {
		x, y := prccData(rng, n, 1)
		res, err := PartialRankCorrelation(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if res[2].P < 0.05 {
			rejected++
		}
	}
	// Not rejected ~ Binomial(R, 0.95); rejected ~ Binomial(R, 0.05).
	if kept := R - rejected; kept < minCount(R, 0.95, 0.001) {
		t.Errorf("null rejected in %d of %d data sets at 5%%; want at most %d", rejected, R, R-minCount(R, 0.95, 0.001))
	}
	if rejected < minCount(R, 0.05, 0.001) {
		t.Errorf("null rejected in %d of %d data sets at 5%%; want at least %d", rejected, R, minCount(R, 0.05, 0.001))
	}
}

// TestPRCCCensored truncates the response at its 60th percentile, as a
// horizon that censors 40% of runs, and ranks on min(T, τ) (Truncated):
// the sign structure survives (same thresholds and rates as TestPRCCSigns).
func TestPRCCCensored(t *testing.T) {
	x, y := prccData(rand.New(rand.NewPCG(7, 3)), 300, 0.5)
	tau := Quantile(sortedCopy(y), 0.6)
	reached := make([]bool, len(y))
	censored := 0
	for i, v := range y {
		reached[i] = v <= tau
		if !reached[i] {
			censored++
		}
	}
	if censored < 100 {
		t.Fatalf("only %d censored runs; the test wants about 120", censored)
	}
	res, err := PartialRankCorrelation(x, Truncated(y, reached, tau))
	if err != nil {
		t.Fatal(err)
	}
	if !(res[0].Coef > 0.3 && res[0].P < 1e-10) || !(res[1].Coef < -0.3 && res[1].P < 1e-10) || !(res[2].P > 0.001) {
		t.Errorf("censored: got %+v; want +, −, 0", res)
	}
}

func sortedCopy(v []float64) []float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s
}

// prccResidual is the definition of PRCC, computed the long way: regress
// the ranks of x_j and of y on the other ranks plus an intercept (QR least
// squares) and correlate the residuals.
func prccResidual(x [][]float64, y []float64, j int) float64 {
	n, p := len(x), len(x[0])
	col := func(k int) []float64 {
		c := make([]float64, n)
		for i := range c {
			c[i] = x[i][k]
		}
		return Ranks(c)
	}
	design := mat.NewDense(n, p, nil)
	rhs := mat.NewDense(n, 2, nil)
	rj, ry := col(j), Ranks(y)
	for i := range n {
		design.Set(i, 0, 1)
		c := 1
		for k := range p {
			if k != j {
				design.Set(i, c, col(k)[i])
				c++
			}
		}
		rhs.Set(i, 0, rj[i])
		rhs.Set(i, 1, ry[i])
	}
	var qr mat.QR
	qr.Factorize(design)
	var coef, fit mat.Dense
	if err := qr.SolveTo(&coef, false, rhs); err != nil {
		panic(err)
	}
	fit.Mul(design, &coef)
	ex, ey := make([]float64, n), make([]float64, n)
	for i := range n {
		ex[i] = rhs.At(i, 0) - fit.At(i, 0)
		ey[i] = rhs.At(i, 1) - fit.At(i, 1)
	}
	return stat.Correlation(ex, ey, nil)
}

// TestPRCCMatchesResiduals checks the one-factorisation formula against the
// residual definition on random data with ties and a correlated pair.
func TestPRCCMatchesResiduals(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 4))
	const n = 80
	x := make([][]float64, n)
	y := make([]float64, n)
	for i := range x {
		a := rng.Float64()
		x[i] = []float64{a, a + 0.3*rng.Float64(), math.Floor(4 * rng.Float64()), rng.NormFloat64()}
		y[i] = math.Floor(10 * (x[i][0] - x[i][2]/4 + 0.5*rng.Float64())) // ties in y too
	}
	res, err := PartialRankCorrelation(x, y)
	if err != nil {
		t.Fatal(err)
	}
	for j := range x[0] {
		if want := prccResidual(x, y, j); math.Abs(res[j].Coef-want) > 1e-9 {
			t.Errorf("x%d: PRCC %.12f; want %.12f by residuals", j, res[j].Coef, want)
		}
	}
	// A constant outcome has no association.
	flat := make([]float64, n)
	if res, err := PartialRankCorrelation(x, flat); err != nil || res[0].Coef != 0 || res[0].P != 1 {
		t.Errorf("constant y: got %+v, %v; want Coef 0, P 1", res[0], err)
	}
}

func TestRanks(t *testing.T) {
	got := Ranks([]float64{3, 1, 3, 2, 3})
	want := []float64{4, 1, 4, 2, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Ranks: got %v; want %v", got, want)
		}
	}
}

func TestTruncated(t *testing.T) {
	got := Truncated([]float64{10, 50, 30, 100}, []bool{true, true, false, true}, 40)
	want := []float64{10, 40, 40, 40}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Truncated: got %v; want %v", got, want)
		}
	}
}

func TestPRCCErrors(t *testing.T) {
	ok := [][]float64{{1, 2}, {2, 1}, {3, 5}, {4, 3}, {5, 4}}
	for _, c := range []struct {
		name string
		x    [][]float64
		y    []float64
		want string
	}{
		{"length", ok, []float64{1, 2}, "5 rows of parameters, 2 outcomes"},
		{"too few", ok[:4], []float64{1, 2, 3, 4}, "need at least 5"},
		{"ragged", [][]float64{{1, 2}, {2}, {3, 5}, {4, 3}, {5, 4}}, []float64{1, 2, 3, 4, 5}, "run 1 has 1"},
		{"constant", [][]float64{{1, 2}, {1, 1}, {1, 5}, {1, 3}, {1, 4}}, []float64{1, 2, 3, 4, 5}, "parameter 0 is constant"},
		{"nan", ok, []float64{1, 2, math.NaN(), 4, 5}, "y[2] is NaN"},
		{"collinear", [][]float64{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}}, []float64{1, 2, 3, 4, 5}, "collinear"},
	} {
		_, err := PartialRankCorrelation(c.x, c.y)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v; want one containing %q", c.name, err, c.want)
		}
	}
}
