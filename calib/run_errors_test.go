package calib

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/legolab/legolab/stats"
)

func TestSimulatorErrorStopsRun(t *testing.T) {
	boom := errors.New("boom")
	p := Problem{
		Prior: Independent{{Name: "x", Dist: stats.Uniform{Min: 0, Max: 1}}},
		Simulator: func(_ context.Context, th []float64, _ *rand.Rand) ([]float64, error) {
			if th[0] > 0.9 {
				return nil, boom
			}
			return []float64{th[0]}, nil
		},
		Targets: []Target{{Value: 0.5, Kind: Point}},
	}
	_, err := Run(context.Background(), p, Settings{Particles: 50, Seed: 1})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "generation 0") {
		t.Errorf("error %v; want boom wrapped with its generation", err)
	}
	p.Simulator = func(context.Context, []float64, *rand.Rand) ([]float64, error) { return []float64{1, 2}, nil }
	if _, err := Run(context.Background(), p, Settings{Particles: 50}); err == nil || !strings.Contains(err.Error(), "2 summaries for 1 targets") {
		t.Errorf("error %v; want the summary count mismatch", err)
	}
}

// TestNonFiniteSummariesReject checks that NaN summaries reject the attempt
// (and are counted as simulations) instead of entering the population.
func TestNonFiniteSummariesReject(t *testing.T) {
	p := Problem{
		Prior: Independent{{Name: "x", Dist: stats.Uniform{Min: 0, Max: 1}}},
		Simulator: func(_ context.Context, th []float64, _ *rand.Rand) ([]float64, error) {
			if th[0] < 0.3 {
				return []float64{math.NaN()}, nil
			}
			return []float64{th[0]}, nil
		},
		Targets: []Target{{Value: 0.5, Kind: Point}},
	}
	res, err := Run(context.Background(), p, Settings{Particles: 100, MaxGenerations: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range res.Final.Particles {
		if th[0] < 0.3 {
			t.Fatalf("particle %v has a NaN summary", th)
		}
	}
	// Every attempt of generation 0 is simulated, whole batches of 100 (the
	// last one's attempts past the 100th acceptance included).
	if g := res.Final.History[0]; g.Acceptance >= 0.9 || g.Simulations < g.Attempts || g.Simulations%100 != 0 {
		t.Errorf("generation 0 acceptance %v with %d sims for %d attempts; want about 0.7, whole batches covering the attempts", g.Acceptance, g.Simulations, g.Attempts)
	}
}

func TestRunCancelled(t *testing.T) {
	p, _ := bassProblem(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, p, Settings{Particles: 50}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v; want context.Canceled", err)
	}
}

// TestAnalogTargets turns the Bittensor rows into targets and checks the
// censored distance: a model at or above each cap matches the capped rows.
func TestAnalogTargets(t *testing.T) {
	obs := []Observation{
		{Series: "s", Value: 32, Kind: Capped},
		{Series: "s", Value: 118, Kind: Approx},
	}
	ts := []Target{TargetOf(obs[0], Log1p, 0.1), TargetOf(obs[1], Log1p, 0.2)}
	d := &Distance{Targets: ts, Scales: []float64{1, 1}}
	if got := d.Of([]float64{40, 118}); got != 0 {
		t.Errorf("model above the cap: distance %v; want 0", got)
	}
	if got, want := d.Of([]float64{20, 118}), math.Log1p(32)-math.Log1p(20); math.Abs(got-want) > 1e-12 {
		t.Errorf("model below the cap: distance %v; want %v", got, want)
	}
}
