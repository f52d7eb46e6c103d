package calib

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/legolab/legolab/internal/portable"
	"github.com/legolab/legolab/stats"
)

// Bass is a cheap stand-in simulator for validating the calibration: the
// Bass (1969) diffusion with θ = (p, q, M), observed as yearly adopter
// counts with Poisson noise. It stands for the model's Bass reduction,
// which a later session substitutes; nothing of the model is in it.
//
// The cumulative adopted fraction at time t (years) is
//
//	F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p) e^{−(p+q)t})
//
// (Bass 1969, eq. 8), so year y's expected adopters are λ_y = M (F(y) −
// F(y−1)), and the history is n_y ~ Poisson(λ_y), y = 1 … Years.
type Bass struct {
	Years int // length of the history; default 10
}

func (b Bass) years() int {
	if b.Years <= 0 {
		return 10
	}
	return b.Years
}

// BassPrior is the prior of the stand-in: p ~ LogUniform(0.005, 0.05)
// (innovation), q ~ Uniform(0.2, 0.8) (imitation), M ~ LogUniform(200,
// 5000) (market size, adopters): ranges of the diffusion literature's
// fits (Sultan, Farley & Lehmann 1990: mean p ≈ 0.03, q ≈ 0.38).
func BassPrior() Independent {
	return Independent{
		{Name: "p", Dist: stats.LogUniform{Min: 0.005, Max: 0.05}},
		{Name: "q", Dist: stats.Uniform{Min: 0.2, Max: 0.8}},
		{Name: "M", Dist: stats.LogUniform{Min: 200, Max: 5000}},
	}
}

// Mean is the deterministic expected yearly adopters λ_1 … λ_Years at θ.
func (b Bass) Mean(theta []float64) []float64 {
	p, q, m := theta[0], theta[1], theta[2]
	F := func(t float64) float64 {
		e := portable.Exp(-(p + q) * t)
		return (1 - e) / (1 + q/p*e)
	}
	out := make([]float64, b.years())
	prev := 0.0
	for y := range out {
		f := F(float64(y + 1))
		out[y] = m * (f - prev)
		prev = f
	}
	return out
}

// Simulate is a Simulator: one Poisson history at θ.
func (b Bass) Simulate(_ context.Context, theta []float64, r *rand.Rand) ([]float64, error) {
	if len(theta) != 3 {
		return nil, fmt.Errorf("calib: bass: θ has %d values; want (p, q, M)", len(theta))
	}
	lam := b.Mean(theta)
	for i, l := range lam {
		lam[i] = float64(poisson(r, l))
	}
	return lam, nil
}

// Targets are the point targets of a history, compared on the log1p scale
// (they are counts) with no model discrepancy: the stand-in is the model.
func (b Bass) Targets(history []float64) []Target {
	ts := make([]Target, len(history))
	for i, v := range history {
		ts[i] = Target{Name: fmt.Sprintf("year%d", i+1), Value: v, Kind: Point, Transform: Log1p}
	}
	return ts
}

// poisson draws Poisson(lam): by multiplying uniforms below 10, and by
// Hörmann's (1993) transformed rejection with squeeze (PTRS) above, as
// numpy does.
func poisson(r *rand.Rand, lam float64) int {
	if !(lam > 0) {
		return 0
	}
	if lam < 10 {
		l := portable.Exp(-lam)
		k, p := 0, r.Float64()
		for p > l {
			k++
			p *= r.Float64()
		}
		return k
	}
	slam, loglam := math.Sqrt(lam), math.Log(lam)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lam + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -lam+k*loglam-lg {
			return int(k)
		}
	}
}

// Reduce maps a yearly history n_1 … n_T to three summaries: the total
// Σ n_y (mostly M·F(T)), the mean adoption year Σ y·n_y / Σ n_y (mostly
// p + q: how fast the curve rises), and the first year's n_1 (mostly M·p).
// Three summaries for three parameters let ε shrink much further than ten
// noisy yearly counts do (ABC's tolerance cannot fall below the noise of
// the summaries it compares, and that floor grows with their number), so
// the ABC posterior approaches p(θ | summaries). The mean year is 0 for an
// empty history.
func (b Bass) Reduce(history []float64) []float64 {
	total, wsum := 0.0, 0.0
	for i, n := range history {
		total += n
		wsum += float64(i+1) * n
	}
	mean := 0.0
	if total > 0 {
		mean = wsum / total
	}
	return []float64{total, mean, history[0]}
}

// SimulateReduced is a Simulator of the three Reduce summaries.
func (b Bass) SimulateReduced(ctx context.Context, theta []float64, r *rand.Rand) ([]float64, error) {
	h, err := b.Simulate(ctx, theta, r)
	if err != nil {
		return nil, err
	}
	return b.Reduce(h), nil
}

// ReducedTargets are the point targets of reduced summaries: the total and
// the first year's count on the log1p scale, the mean year as it is.
func (b Bass) ReducedTargets(s []float64) []Target {
	return []Target{
		{Name: "total", Value: s[0], Kind: Point, Transform: Log1p},
		{Name: "mean_year", Value: s[1], Kind: Point, Transform: Identity},
		{Name: "first_year", Value: s[2], Kind: Point, Transform: Log1p},
	}
}
