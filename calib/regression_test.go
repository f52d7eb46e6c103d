package calib

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/legolab/legolab/stats"
)

// TestRegressionAdjustGaussian: θ ~ N(0, 10²), x ~ N(θ, 1), observed x = 2,
// so the posterior is N(2·100/101, 100/101). E[θ | x] is linear and the
// residual homoscedastic, the case where Beaumont et al.'s (2002) adjustment
// is exact at any tolerance: after only 3 generations (ε still wide, the
// raw ABC variance inflated) the adjusted mean and variance match the
// closed form within 4 Monte Carlo sds (false-failure probability below
// 1e-4 per check).
func TestRegressionAdjustGaussian(t *testing.T) {
	p := Problem{
		Prior: Independent{{Name: "theta", Dist: stats.Normal{Mu: 0, Sigma: 10, Min: math.Inf(-1), Max: math.Inf(1)}}},
		Simulator: func(_ context.Context, th []float64, r *rand.Rand) ([]float64, error) {
			return []float64{th[0] + r.NormFloat64()}, nil
		},
		Targets: []Target{{Name: "x", Value: 2, Kind: Point}},
	}
	res, err := Run(context.Background(), p, Settings{Particles: 2000, MaxGenerations: 3, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	wantMean, wantVar := 2*100.0/101, 100.0/101
	rawVar := res.Final.Var()[0]
	adj, w, err := res.Final.RegressionAdjust(p.Targets)
	if err != nil {
		t.Fatal(err)
	}
	mean, ess2 := 0.0, 0.0
	for i, th := range adj {
		mean += w[i] * th[0]
		ess2 += w[i] * w[i]
	}
	v := 0.0
	for i, th := range adj {
		v += w[i] * (th[0] - mean) * (th[0] - mean)
	}
	ess := 1 / ess2
	t.Logf("raw var %.3f, adjusted mean %.3f var %.3f (exact %.3f, %.3f), ESS %.0f", rawVar, mean, v, wantMean, wantVar, ess)
	if rawVar < 1.5*wantVar {
		t.Errorf("raw ABC variance %v; want it inflated (> 1.5 × %v) at this ε, or the test shows nothing", rawVar, wantVar)
	}
	if math.Abs(mean-wantMean) > 4*math.Sqrt(wantVar/ess) {
		t.Errorf("adjusted mean %v; want %v ± %v", mean, wantMean, 4*math.Sqrt(wantVar/ess))
	}
	if math.Abs(v-wantVar) > 4*wantVar*math.Sqrt(2/ess) {
		t.Errorf("adjusted variance %v; want %v ± %v", v, wantVar, 4*wantVar*math.Sqrt(2/ess))
	}
}
