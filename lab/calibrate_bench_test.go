package lab

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// BenchmarkCalibrateSimulate times one lean simulation of
// examples/calibrate-bass.toml (θ applied to the scenario, the model run
// to the seven fitted yearly days, builders_cum read there) against a
// full lab.Replicate and a summary one (ReplicateOptions.Summary) of the
// same scenario at the same θ (sampled every 30 days over ten years),
// and θ's application alone (Spec.WithTheta: clone and validate), which
// the lean simulation includes and the replications do not:
//
//	go test ./lab/ -run '^$' -bench CalibrateSimulate -benchtime 200x
func BenchmarkCalibrateSimulate(b *testing.B) {
	c, err := OpenCalibration("../examples/calibrate-bass.toml")
	if err != nil {
		b.Fatal(err)
	}
	theta := []float64{0.02, 0.45, 1500}
	ctx := context.Background()
	b.Run("lean", func(b *testing.B) {
		b.ReportAllocs()
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			if _, err := c.Simulate(ctx, theta, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("with-theta", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.File.Spec.WithTheta(c.theta(theta)); err != nil {
				b.Fatal(err)
			}
		}
	})
	spec, err := c.File.Spec.WithTheta(c.theta(theta))
	if err != nil {
		b.Fatal(err)
	}
	benchReplicateModes(b, ctx, spec, "base")
}

// deaiCalibration fits one prior of deai-2025's hub variant to yearly
// points of observable (values are placeholders: a benchmark only runs
// the simulator).
func deaiCalibration(b *testing.B, observable string) *Calibration {
	b.Helper()
	src := `name = "bench"
scenario = "deai-2025"
variant = "hub"
start = "2025-07-01"
cutoff = "2035-07-01"
free = ["protocols.Bittensor.serves.data"]
[[series]]
name = "s"
observable = "` + observable + `"
transform = "log1p"
discrepancy = 0.1
[[series.points]]
date = "2026-07-01"
value = 1
source = "bench"
[[series.points]]
date = "2028-07-01"
value = 1
source = "bench"
[[series.points]]
date = "2030-07-01"
value = 1
source = "bench"
[[series.points]]
date = "2035-06-01"
value = 1
source = "bench"
`
	c, err := ReadCalibration([]byte(src), "bench.toml")
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkCalibrateSimulateDeai is BenchmarkCalibrateSimulate on
// deai-2025's hub variant (weekly samples over ten years): the lean
// simulation read at four dates to the horizon, of a counts-only
// observable (builders_cum, read with ObserveCounts) and of one that needs
// the full observation (hub_share), θ's application alone, and Replicate
// in full and summary modes at the same θ:
//
//	go test ./lab/ -run '^$' -bench CalibrateSimulateDeai -benchtime 30x -cpu 1
func BenchmarkCalibrateSimulateDeai(b *testing.B) {
	ctx := context.Background()
	for _, obs := range []string{"builders_cum", "hub_share"} {
		c := deaiCalibration(b, obs)
		b.Run("lean-"+obs, func(b *testing.B) {
			b.ReportAllocs()
			r := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				if _, err := c.Simulate(ctx, []float64{0.5}, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	c := deaiCalibration(b, "builders_cum")
	b.Run("with-theta", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.File.Spec.WithTheta(c.theta([]float64{0.5})); err != nil {
				b.Fatal(err)
			}
		}
	})
	spec, err := c.File.Spec.WithTheta(c.theta([]float64{0.5}))
	if err != nil {
		b.Fatal(err)
	}
	benchReplicateModes(b, ctx, spec, "hub")
}

// benchReplicateModes times Replicate on one variant of spec as a full
// replication ("replicate") and as a summary one ("replicate-summary").
func benchReplicateModes(b *testing.B, ctx context.Context, spec *scenarios.Spec, variant string) {
	for _, summary := range []bool{false, true} {
		name := "replicate"
		if summary {
			name = "replicate-summary"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := Replicate(ctx, spec, variant, i, 1, ReplicateOptions{Summary: summary}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
