package lab

import (
	"context"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// BenchmarkReplication runs one replication of every variant of every
// built-in scenario and reports ms/replication, events/replication and
// allocations. Targets (2-core machine): deai-2025 ≤ 50 ms per replication.
func BenchmarkReplication(b *testing.B) {
	for _, name := range []string{"deai-2025", "subnets-128", "scale-1000", "defi-2017"} {
		base, err := scenarios.Builtin(name)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		for _, v := range base.VariantNames() {
			spec, err := base.Variant(v)
			if err != nil {
				b.Fatalf("%s/%s: %v", name, v, err)
			}
			b.Run(name+"/"+v, func(b *testing.B) {
				b.ReportAllocs()
				var events uint64
				i := 0
				for b.Loop() {
					r, err := Replicate(context.Background(), spec, v, i, spec.Seed, ReplicateOptions{})
					if err != nil {
						b.Fatal(err)
					}
					events += r.Events
					i++
				}
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(i), "ms/replication")
				b.ReportMetric(float64(events)/float64(i), "events/replication")
			})
		}
	}
}
