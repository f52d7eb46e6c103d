package lab

import (
	"context"
	"testing"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
)

// The prior-predictive overhead benchmarks (issue 12: drawing θ adds ≤ 2%
// to a replication). Compare BenchmarkThetaApply, what a replication of a
// prior-predictive run does more (draw θ from its stream, apply it with
// WithTheta, evaluate the detector family), with BenchmarkReplicateCentral,
// one replication of examples/priors.toml's hub variant:
//
//	go test ./lab -run '^$' -bench 'ThetaApply|ReplicateCentral|FamilyOf' -benchtime 200x

func priorsBench(b *testing.B) (*Ensemble, int) {
	b.Helper()
	spec, err := scenarios.Load("../examples/priors.toml")
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEnsemble(spec, nil, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	return e, len(e.Variants) - 1
}

func BenchmarkThetaApply(b *testing.B) {
	e, v := priorsBench(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		t := e.Variants[v].Sampler.Draw(sim.NewStream(1, uint64(i), sim.StreamID(ThetaStream)))
		if _, err := e.Variants[v].Spec.WithTheta(t); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFamilyOf(b *testing.B) {
	e, v := priorsBench(b)
	rep, err := Replicate(context.Background(), e.Variants[v].Spec, "hub", 0, 1, ReplicateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		metrics.FamilyOf(rep, e.Scenario.Lego, e.Scenario.HorizonDays)
	}
}

func BenchmarkReplicateCentral(b *testing.B) {
	e, v := priorsBench(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Replicate(context.Background(), e.Variants[v].Spec, "hub", i, 1, ReplicateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEstimatedEvents is the work estimate `legolab run` makes before
// the default run starts (LongRunWarning): deai-2025's four variants over
// its first 32 θ draws, each scenario made by WithTheta.
func BenchmarkEstimatedEvents(b *testing.B) {
	spec, err := scenarios.Open(scenarios.Default)
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEnsemble(spec, nil, spec.Runs, spec.Seed)
	if err != nil {
		b.Fatal(err)
	}
	e.Inner = max(spec.Inner, 1)
	b.ReportAllocs()
	for b.Loop() {
		e.EstimatedEvents()
	}
}
