package lab

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkCalibrateSimulate times one lean simulation of
// examples/calibrate-bass.toml (θ applied to the scenario, the model run
// to the seven fitted yearly days, builders_cum read there) against a
// full lab.Replicate and a summary one (ReplicateOptions.Summary) of the
// same scenario at the same θ (sampled every 30 days over ten years):
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
	spec, err := c.File.Spec.WithTheta(c.theta(theta))
	if err != nil {
		b.Fatal(err)
	}
	for _, summary := range []bool{false, true} {
		name := "replicate"
		if summary {
			name = "replicate-summary"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := Replicate(ctx, spec, "base", i, 1, ReplicateOptions{Summary: summary}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
