package observe

import (
	"context"
	"testing"

	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/scenarios"
)

// BenchmarkCollectorSample times a replication's worth of samples (the 523
// of deai-2025's ten years sampled weekly) by a new full collector, on the
// both variant's model at day 2000: the observation and recording a run
// does per replication, without the model's own work.
func BenchmarkCollectorSample(b *testing.B) {
	deai, err := scenarios.Builtin("deai-2025")
	if err != nil {
		b.Fatal(err)
	}
	spec, err := deai.Variant("both")
	if err != nil {
		b.Fatal(err)
	}
	m, err := agents.New(spec, 1, 0, agents.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := m.RunUntil(context.Background(), 2000); err != nil {
		b.Fatal(err)
	}
	samples := len(SampleDays(spec))
	b.ReportAllocs()
	for b.Loop() {
		c := NewCollector(spec, m, samples)
		for range samples {
			c.Sample()
		}
		_ = c.Values()
	}
}
