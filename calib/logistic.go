package calib

import (
	"errors"
	"fmt"
	"math"

	"github.com/legolab/legolab/internal/portable"
)

// Logistic is a logistic-growth curve y(t) = K / (1 + exp(−R·(t − T0))) fitted to
// positive observations by least squares on log y (FitLogistic): the plain baseline the
// DeFi out-of-sample test scores legolab against (docs/model.md, Pre-registered
// out-of-sample tests). Sigma is the residual standard deviation on the log scale,
// sqrt(SSR / (N − 3)), which makes the fit a predictive distribution: log y(t) ~
// N(log Curve(t), Sigma²).
type Logistic struct {
	K, R, T0 float64 // carrying capacity (y's unit), rate (1/t's unit), midpoint (t's unit)
	Sigma    float64 // residual sd of log y
	SSR      float64 // sum of squared log residuals at the fit
	N        int     // observations fitted
}

// Curve returns K / (1 + exp(−R·(t − T0))).
func (l Logistic) Curve(t float64) float64 { return l.K / (1 + portable.Exp(-l.R*(t-l.T0))) }

// PIT returns the probability integral transform of obs at t under the fit's predictive
// distribution: Φ((log obs − log Curve(t)) / Sigma).
func (l Logistic) PIT(t, obs float64) float64 {
	z := (math.Log(obs) - math.Log(l.Curve(t))) / l.Sigma
	return portable.UnitNormalCDF(z)
}

// CRPS returns the continuous ranked probability score, on the log scale, of the fit's
// predictive N(μ, σ²) (μ = log Curve(t), σ = Sigma) at log obs, in closed form (Gneiting &
// Raftery 2007): σ·(z·(2Φ(z) − 1) + 2φ(z) − 1/√π), z = (log obs − μ)/σ.
func (l Logistic) CRPS(t, obs float64) float64 {
	return crpsNormal(math.Log(obs), math.Log(l.Curve(t)), l.Sigma)
}

func crpsNormal(x, mu, sigma float64) float64 {
	z := (x - mu) / sigma
	phi := portable.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
	cdf := portable.UnitNormalCDF(z)
	return sigma * (z*(2*cdf-1) + 2*phi - 1/math.Sqrt(math.Pi))
}

// FitLogistic fits a Logistic to (t[i], y[i]) by minimising Σ (log y_i − log Curve(t_i))².
// For given (R, T0) the best log K is the mean of log y_i + log(1 + exp(−R·(t_i − T0))), so
// the search is over (log R, T0) only, within R·span ∈ [0.01, 100] (span = t_max − t_min)
// and T0 ∈ [t_min − 2·span, t_max + 5·span]: a fixed 60 × 60 grid, then twelve 21 × 21
// grids zooming in on the best point so far. At the upper end of T0 the curve is an exponential, so a fit at that
// bound says the data show no saturation. Deterministic: no random numbers, the same inputs give the same fit. It
// needs at least 4 observations (3 parameters and a residual), all y > 0 and finite, and
// distinct times.
func FitLogistic(t, y []float64) (Logistic, error) {
	if len(t) != len(y) {
		return Logistic{}, fmt.Errorf("calib: FitLogistic: %d times and %d values", len(t), len(y))
	}
	n := len(t)
	if n < 4 {
		return Logistic{}, fmt.Errorf("calib: FitLogistic: %d observations; need at least 4 (3 parameters and a residual)", n)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	ly := make([]float64, n)
	for i := range t {
		if math.IsNaN(t[i]) || math.IsInf(t[i], 0) {
			return Logistic{}, fmt.Errorf("calib: FitLogistic: time %d is %g", i, t[i])
		}
		if !(y[i] > 0) || math.IsInf(y[i], 0) {
			return Logistic{}, fmt.Errorf("calib: FitLogistic: value %d is %g; need a finite value > 0", i, y[i])
		}
		ly[i] = math.Log(y[i])
		lo, hi = math.Min(lo, t[i]), math.Max(hi, t[i])
	}
	span := hi - lo
	if span == 0 {
		return Logistic{}, errors.New("calib: FitLogistic: every observation has the same time")
	}
	// logK returns the profiled log K and the SSR at (log R, T0).
	logK := func(lr, t0 float64) (float64, float64) {
		r := portable.Exp(lr)
		s := 0.0
		off := make([]float64, n)
		for i := range t {
			off[i] = softplus(-r * (t[i] - t0)) // log(1 + exp(−r(t − t0)))
			s += ly[i] + off[i]
		}
		a := s / float64(n)
		ssr := 0.0
		for i := range t {
			e := ly[i] - (a - off[i])
			ssr += e * e
		}
		return a, ssr
	}
	lrLo, lrHi := math.Log(0.01/span), math.Log(100/span)
	t0Lo, t0Hi := lo-2*span, hi+5*span
	const g = 60
	best := math.Inf(1)
	var bx [2]float64
	for i := range g {
		lr := lrLo + (lrHi-lrLo)*float64(i)/(g-1)
		for j := range g {
			t0 := t0Lo + (t0Hi-t0Lo)*float64(j)/(g-1)
			if _, s := logK(lr, t0); s < best {
				best, bx = s, [2]float64{lr, t0}
			}
		}
	}
	// Zoom: a 21 × 21 grid around the best point, its half-widths a quarter
	// of the previous ones, 12 times (the cell shrinks 4^12-fold).
	wr, wt := (lrHi-lrLo)/(g-1), (t0Hi-t0Lo)/(g-1)
	for range 12 {
		c := bx
		for i := -10; i <= 10; i++ {
			lr := math.Min(math.Max(c[0]+wr*float64(i)/10, lrLo), lrHi)
			for j := -10; j <= 10; j++ {
				t0 := math.Min(math.Max(c[1]+wt*float64(j)/10, t0Lo), t0Hi)
				if _, s := logK(lr, t0); s < best {
					best, bx = s, [2]float64{lr, t0}
				}
			}
		}
		wr, wt = wr/4, wt/4
	}
	lr, t0 := bx[0], bx[1]
	a, ssr := logK(lr, t0)
	return Logistic{K: portable.Exp(a), R: portable.Exp(lr), T0: t0, SSR: ssr, Sigma: math.Sqrt(ssr / float64(n-3)), N: n}, nil
}

// softplus is log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(portable.Exp(x))
}
