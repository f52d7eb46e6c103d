package calib

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// gammaPrior is Gamma(shape A, rate B), the conjugate prior of a Poisson mean.
type gammaPrior struct{ A, B float64 }

func (g gammaPrior) dist(r *rand.Rand) distuv.Gamma {
	d := distuv.Gamma{Alpha: g.A, Beta: g.B}
	if r != nil {
		d.Src = r
	}
	return d
}
func (g gammaPrior) Rand(r *rand.Rand) float64 { return g.dist(r).Rand() }
func (g gammaPrior) LogPdf(x float64) float64 {
	if !(x > 0) {
		return math.Inf(-1)
	}
	return g.dist(nil).LogProb(x)
}

// poissonProblem is n Poisson(λ) counts summarised by their sum, the
// sufficient statistic, with a Gamma prior: the posterior is
// Gamma(A + S, B + n).
func poissonProblem(prior gammaPrior, n, sum int) Problem {
	return Problem{
		Prior: Independent{{Name: "lambda", Dist: prior}},
		Simulator: func(_ context.Context, th []float64, r *rand.Rand) ([]float64, error) {
			s := 0
			for range n {
				s += poisson(r, th[0])
			}
			return []float64{float64(s)}, nil
		},
		Targets: []Target{{Name: "sum", Value: float64(sum), Kind: Point, Transform: Identity}},
	}
}

// TestExactPosteriorPoissonGamma compares ABC-SMC with the closed-form
// Gamma posterior. The summary is discrete, so ε reaches 0 and the ABC
// posterior becomes the exact one; the remaining error is Monte Carlo, with
// sd sqrt(Var/ESS) for the mean and about Var·sqrt(2/ESS) for the variance
// (a near-normal posterior). The tolerances are 4 of those sds: a false
// failure has probability below 1e-4 per check at a random seed.
func TestExactPosteriorPoissonGamma(t *testing.T) {
	for _, k := range []KernelKind{KernelStandard, KernelOLCM} {
		t.Run(string(k), func(t *testing.T) { exactPoissonGamma(t, k) })
	}
}

func exactPoissonGamma(t *testing.T, kernel KernelKind) {
	prior := gammaPrior{A: 3, B: 0.5}
	r := rand.New(rand.NewPCG(1, 2))
	const n, lambda = 10, 4.0
	sum := 0
	for range n {
		sum += poisson(r, lambda)
	}
	postA, postB := prior.A+float64(sum), prior.B+n
	wantMean, wantVar := postA/postB, postA/(postB*postB)

	// α = 0.25, not the default 0.5: the distance is discrete (|ΔS|/scale),
	// and once more than half the accepted sums are off by exactly 1 the
	// median stays at that ε, so the run would stop (min_eps_decrease) at
	// |ΔS| ≤ 1 instead of reaching the exact match.
	var errs []float64 // |var − exact| / exact per generation
	res, err := Run(context.Background(), poissonProblem(prior, n, sum), Settings{
		Particles: 1000, MaxGenerations: 15, Seed: 7, Workers: 2, Alpha: 0.25, Kernel: kernel,
		Checkpoint: func(st *State) error {
			errs = append(errs, math.Abs(st.Var()[0]-wantVar)/wantVar)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	fin := res.Final
	last := fin.History[len(fin.History)-1]
	t.Logf("stop %s after %d generations, %d simulations; eps %v; ESS %.0f; var errors %.3f",
		res.Stop, len(fin.History), fin.Simulations, last.Eps, res.ESS(), errs)
	if last.Eps != 0 {
		t.Errorf("final eps = %v; want 0 (the discrete summary matched exactly)", last.Eps)
	}
	ess := res.ESS()
	if gotMean := fin.Mean()[0]; math.Abs(gotMean-wantMean) > 4*math.Sqrt(wantVar/ess) {
		t.Errorf("posterior mean = %v; want %v ± %v", gotMean, wantMean, 4*math.Sqrt(wantVar/ess))
	}
	if gotVar := fin.Var()[0]; math.Abs(gotVar-wantVar) > 4*wantVar*math.Sqrt(2/ess) {
		t.Errorf("posterior variance = %v; want %v ± %v", gotVar, wantVar, 4*wantVar*math.Sqrt(2/ess))
	}
	// As ε shrinks the variance error falls: the prior's (generation 0) is
	// large, the final one within the tolerance above.
	if errs[0] < 1 || errs[len(errs)-1] > 4*math.Sqrt(2/ess) {
		t.Errorf("variance errors by generation %v; want the first > 1 and the last <= %v", errs, 4*math.Sqrt(2/ess))
	}
	if res.Stop != StopMinEpsDecrease {
		t.Errorf("stop = %s; want %s (eps reached 0)", res.Stop, StopMinEpsDecrease)
	}
}

func bassProblem(seed uint64) (Problem, []float64) {
	b := Bass{Years: 10}
	truth := []float64{0.02, 0.45, 1500}
	x, _ := b.Simulate(context.Background(), truth, rand.New(rand.NewPCG(seed, 99)))
	return Problem{Prior: BassPrior(), Simulator: b.Simulate, Targets: b.Targets(x)}, truth
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWorkersAndResumeSameBytes checks that the result is byte-identical
// for 1 and 3 workers, and after resuming from every generation's
// checkpoint decoded from JSON.
func TestWorkersAndResumeSameBytes(t *testing.T) {
	for _, k := range []KernelKind{KernelStandard, KernelOLCM} {
		t.Run(string(k), func(t *testing.T) { sameBytes(t, k) })
	}
}

func sameBytes(t *testing.T, kernel KernelKind) {
	p, _ := bassProblem(3)
	base := Settings{Particles: 100, MaxGenerations: 5, Seed: 11, Batch: 64, Kernel: kernel}
	var checkpoints [][]byte
	var progress []Generation
	s1 := base
	s1.Workers = 1
	s1.Checkpoint = func(st *State) error {
		checkpoints = append(checkpoints, marshal(t, st))
		return nil
	}
	s1.Progress = func(g Generation) { progress = append(progress, g) }
	r1, err := Run(context.Background(), p, s1)
	if err != nil {
		t.Fatal(err)
	}
	want := marshal(t, r1)
	if len(progress) != len(r1.Final.History) || len(checkpoints) != len(progress) {
		t.Errorf("%d progress calls, %d checkpoints; want %d each", len(progress), len(checkpoints), len(r1.Final.History))
	}
	s3 := base
	s3.Workers = 3
	r3, err := Run(context.Background(), p, s3)
	if err != nil {
		t.Fatal(err)
	}
	if got := marshal(t, r3); !bytes.Equal(got, want) {
		t.Errorf("workers=3 result differs from workers=1")
	}
	for g, cp := range checkpoints {
		var st State
		if err := json.Unmarshal(cp, &st); err != nil {
			t.Fatal(err)
		}
		sr := base
		sr.Workers = 2
		sr.Resume = &st
		rr, err := Run(context.Background(), p, sr)
		if err != nil {
			t.Fatal(err)
		}
		if got := marshal(t, rr); !bytes.Equal(got, want) {
			t.Errorf("resumed from generation %d: result differs from the uninterrupted run", g)
		}
	}
}

func TestStopRules(t *testing.T) {
	p, _ := bassProblem(5)
	cases := []struct {
		name string
		s    Settings
		want StopRule
	}{
		{"max generations", Settings{Particles: 50, MaxGenerations: 3}, StopMaxGenerations},
		{"budget", Settings{Particles: 50, MaxGenerations: 50, MaxSimulations: 600, Batch: 50}, StopBudget},
		{"min acceptance", Settings{Particles: 50, MaxGenerations: 50, MinAcceptance: 0.4, Alpha: 0.2}, StopMinAcceptance},
		{"min eps decrease", Settings{Particles: 50, MaxGenerations: 50, MinEpsDecrease: 0.6, Alpha: 0.5}, StopMinEpsDecrease},
	}
	for _, c := range cases {
		c.s.Seed = 1
		res, err := Run(context.Background(), p, c.s)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if res.Stop != c.want {
			t.Errorf("%s: stop %s; want %s", c.name, res.Stop, c.want)
		}
		if c.s.MaxSimulations > 0 && res.Final.Simulations > c.s.MaxSimulations {
			t.Errorf("%s: %d simulations; budget %d", c.name, res.Final.Simulations, c.s.MaxSimulations)
		}
	}
}

func TestRunRejectsBadSettings(t *testing.T) {
	p, _ := bassProblem(5)
	p.Targets[2].Discrepancy = -1
	_, err := Run(context.Background(), p, Settings{Alpha: 1.5, Particles: 1})
	for _, w := range []string{"settings.alpha", "settings.particles", "targets[2] (year3).discrepancy"} {
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(w)) {
			t.Errorf("error %v; want it to name %s", err, w)
		}
	}
}
