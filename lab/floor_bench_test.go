package lab

import (
	"context"
	"fmt"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// bassReduction is the model's Bass reduction: one protocol and one app type,
// so no app can be composed and interop is off, with the parameters of
// sim's BenchmarkBareBass floor (M = 2000, p = 0.03, q = 0.38 per year,
// 365-day app lifetimes, ten years sampled weekly, default choice weights).
// eta is the composability amplification, which cannot act here (the
// composed share stays 0) but sets the thinning bound.
func bassReduction(b testing.TB, eta float64) *scenarios.Spec {
	b.Helper()
	spec, err := scenarios.Parse("bass.toml", []byte(fmt.Sprintf(`
name = "bass"
horizon_days = 3652.5
dimensions = ["x"]
[builders]
market_potential = 2000
p_per_year = 0.03
q_per_year = 0.38
composability_amplification = %g
app_lifetime_days = 365
[[protocols]]
name = "solo"
serves = { x = 1.0 }
[[app_types]]
name = "single"
needs = ["x"]
`, eta)))
	if err != nil {
		b.Fatal(err)
	}
	return spec
}

// BenchmarkFloor times lab.Replicate on the Bass reduction (with η = 0 and
// the default η = 2) and on deai-2025 (its variants in turn), one
// replication per b.N iteration, each case also as a summary replication
// (ReplicateOptions.Summary, the sweeps' mode). Compare it with sim's BenchmarkBareBass
// (the floor) and BenchmarkBareHeap, run in the same invocation:
//
//	go test -run '^$' -bench 'BareHeap|BareBass|Floor' ./sim/ ./lab/
//
// Targets (issue 15): bass ≤ 1.3× BareBass; deai-2025 ≤ 2.5 ms.
func BenchmarkFloor(b *testing.B) {
	deai, err := scenarios.Builtin("deai-2025")
	if err != nil {
		b.Fatal(err)
	}
	var deaiSpecs []*scenarios.Spec
	var deaiNames []string
	for _, v := range deai.VariantNames() {
		s, err := deai.Variant(v)
		if err != nil {
			b.Fatal(err)
		}
		deaiSpecs = append(deaiSpecs, s)
		deaiNames = append(deaiNames, v)
	}
	cases := []struct {
		name  string
		specs []*scenarios.Spec
		vars  []string
	}{
		{"bass-eta=0", []*scenarios.Spec{bassReduction(b, 0)}, []string{"base"}},
		{"bass-eta=2", []*scenarios.Spec{bassReduction(b, 2)}, []string{"base"}},
		{"deai-2025", deaiSpecs, deaiNames},
	}
	for _, c := range cases {
		for _, summary := range []bool{false, true} {
			name := c.name
			if summary {
				name += "-summary"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				var events uint64
				var buf Buffers // reused, as an ensemble reuses the memory of released replications
				i := 0
				cpu := cpuTime()
				for b.Loop() {
					k := i % len(c.specs)
					r, err := Replicate(context.Background(), c.specs[k], c.vars[k], i, 1, ReplicateOptions{Summary: summary, Reuse: &buf})
					if err != nil {
						b.Fatal(err)
					}
					events += r.Events
					i++
				}
				reportCPU(b, cpu, i)
				b.ReportMetric(float64(events)/float64(i), "events/replication")
			})
		}
	}
}
