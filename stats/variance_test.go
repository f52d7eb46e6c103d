package stats

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// binomLowerTail returns P(X < k) for X ~ Binomial(n, p), for choosing a
// coverage-count threshold with a stated false-failure rate.
func binomLowerTail(n int, p float64, k int) float64 {
	s := 0.0
	for x := 0; x < k; x++ {
		lg, _ := math.Lgamma(float64(n + 1))
		l1, _ := math.Lgamma(float64(x + 1))
		l2, _ := math.Lgamma(float64(n - x + 1))
		s += math.Exp(lg - l1 - l2 + float64(x)*math.Log(p) + float64(n-x)*math.Log1p(-p))
	}
	return s
}

// minCount returns the largest k with P(Binomial(n, p) < k) ≤ alpha: a count
// below it fails the test with probability at most alpha when the true rate
// is p.
func minCount(n int, p, alpha float64) int {
	k := 0
	for k < n && binomLowerTail(n, p, k+1) <= alpha {
		k++
	}
	return k
}

// meanSE returns the mean of v and its standard error.
func meanSE(v []float64) (m, se float64) {
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	ss := 0.0
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(v)-1) / float64(len(v)))
}

// TestDecomposeVarianceNormal plants Y = a·θ + ε with θ ~ N(0, 1) and
// ε ~ N(0, σ²): Var_θ(E[Y|θ]) = a², E_θ[Var(Y|θ)] = σ². Over R data sets the
// mean of each unbiased estimate must lie within 3.5 standard errors of its
// true value (false-failure rate 4.7e-4 each, normal approximation of a
// mean of R = 200), and the F interval, exact here, must cover the true
// share in at least minCount(R, 0.95, 0.001) of them (false-failure rate
// ≤ 0.001).
func TestDecomposeVarianceNormal(t *testing.T) {
	const (
		n, K, R  = 200, 5, 200
		a, sigma = 0.6, 1.0
	)
	wantB, wantW := a*a, sigma*sigma
	wantShare := wantB / (wantB + wantW)
	rng := rand.New(rand.NewPCG(12, 1))
	var bs, ws []float64
	covered := 0
	for range R {
		y := make([][]float64, n)
		for i := range y {
			mu := a * rng.NormFloat64()
			y[i] = make([]float64, K)
			for k := range y[i] {
				y[i][k] = mu + sigma*rng.NormFloat64()
			}
		}
		vs, err := DecomposeVariance(y)
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, vs.BetweenRaw)
		ws = append(ws, vs.Within)
		if vs.ShareLo <= wantShare && wantShare <= vs.ShareHi {
			covered++
		}
	}
	for _, c := range []struct {
		name string
		v    []float64
		want float64
	}{{"between", bs, wantB}, {"within", ws, wantW}} {
		m, se := meanSE(c.v)
		if math.Abs(m-c.want) > 3.5*se {
			t.Errorf("%s: mean estimate %.4f ± %.4f; want %.4f", c.name, m, se, c.want)
		}
	}
	t.Logf("F interval covered the share in %d of %d data sets", covered, R)
	if k := minCount(R, 0.95, 0.001); covered < k {
		t.Errorf("F interval covered the share %.3f in %d of %d data sets; want ≥ %d", wantShare, covered, R, k)
	}
}

// TestDecomposeVarianceBinary plants Y ~ Bernoulli(θ), θ ~ U(lo, hi):
// Var_θ(E[Y|θ]) = (hi−lo)²/12 and E_θ[θ(1−θ)] = E[θ] − E[θ]² − Var θ.
// The mean estimates must lie within 3.5 standard errors of the truth
// (false-failure rate 4.7e-4 each), and the group bootstrap interval must
// cover the true share in at least minCount(R, 0.90, 0.001) of R data sets:
// a percentile bootstrap is not exact, so this asserts coverage of at least
// 90%, failing with probability ≤ 0.001 if it is.
func TestDecomposeVarianceBinary(t *testing.T) {
	const (
		n, K, R, B = 200, 5, 100, 200
		lo, hi     = 0.1, 0.9
	)
	wantB := (hi - lo) * (hi - lo) / 12
	mean := (lo + hi) / 2
	wantW := mean - mean*mean - wantB
	wantShare := wantB / (wantB + wantW)
	rng := rand.New(rand.NewPCG(12, 2))
	boot := rand.New(rand.NewPCG(12, 3))
	var bs, ws []float64
	covered, coveredF := 0, 0
	for range R {
		y := make([][]float64, n)
		for i := range y {
			p := lo + (hi-lo)*rng.Float64()
			y[i] = make([]float64, K)
			for k := range y[i] {
				if rng.Float64() < p {
					y[i][k] = 1
				}
			}
		}
		vs, err := DecomposeVariance(y)
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, vs.BetweenRaw)
		ws = append(ws, vs.Within)
		l, h := BootstrapShare(y, 0.95, B, boot)
		if l <= wantShare && wantShare <= h {
			covered++
		}
		if vs.ShareLo <= wantShare && wantShare <= vs.ShareHi {
			coveredF++
		}
	}
	for _, c := range []struct {
		name string
		v    []float64
		want float64
	}{{"between", bs, wantB}, {"within", ws, wantW}} {
		m, se := meanSE(c.v)
		if math.Abs(m-c.want) > 3.5*se {
			t.Errorf("%s: mean estimate %.4f ± %.4f; want %.4f", c.name, m, se, c.want)
		}
	}
	t.Logf("bootstrap interval covered the share in %d of %d data sets (F interval, not asserted: %d)", covered, R, coveredF)
	if k := minCount(R, 0.90, 0.001); covered < k {
		t.Errorf("bootstrap interval covered the share %.3f in %d of %d data sets; want ≥ %d", wantShare, covered, R, k)
	}
}

// TestDecomposeVarianceExact checks the arithmetic on a hand-sized design.
func TestDecomposeVarianceExact(t *testing.T) {
	// Group means 1 and 3, grand mean 2; SSB = 2·(1+1) = 4 over 1 df;
	// SSW = (1+1)+(1+1) = 4 over 2 df. MSB = 4, MSW = 2, Between = 1.
	vs, err := DecomposeVariance([][]float64{{0, 2}, {2, 4}})
	if err != nil {
		t.Fatal(err)
	}
	if vs.MSB != 4 || vs.MSW != 2 || vs.Between != 1 || vs.Within != 2 || math.Abs(vs.Share-1.0/3) > 1e-15 || vs.Mean != 2 {
		t.Errorf("got %+v; want MSB 4, MSW 2, Between 1, Within 2, Share 1/3, Mean 2", vs)
	}
	if !(vs.ShareLo <= vs.Share && vs.Share <= vs.ShareHi) {
		t.Errorf("interval [%g, %g] does not hold the estimate %g", vs.ShareLo, vs.ShareHi, vs.Share)
	}
	// Identical groups: all variance is within, the raw between estimate is
	// negative and the share clamps to 0.
	vs, _ = DecomposeVariance([][]float64{{0, 2}, {0, 2}})
	if vs.BetweenRaw >= 0 || vs.Between != 0 || vs.Share != 0 {
		t.Errorf("identical groups: got %+v; want BetweenRaw < 0, Between 0, Share 0", vs)
	}
}

func TestDecomposeVarianceErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		y    [][]float64
		want string
	}{
		{"one group", [][]float64{{1, 2}}, "at least 2 θ groups"},
		{"one replication", [][]float64{{1}, {2}}, "at least 2 inner"},
		{"unbalanced", [][]float64{{1, 2}, {1, 2, 3}}, "group 1 has 3"},
		{"nan", [][]float64{{1, 2}, {1, math.NaN()}}, "y[1][1]"},
	} {
		_, err := DecomposeVariance(c.y)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v; want one containing %q", c.name, err, c.want)
		}
	}
}
