package lab

import (
	"context"
	"runtime"
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

// BenchmarkMillionApps is the scale target: 1,000 protocols (scale-1000)
// and 1,000,000 builders, each building one app, all of them alive at the
// horizon (app_lifetime_days = 0). Target: under 30 s and 1 GiB. It reports
// the runtime's peak memory obtained from the OS (MB-sys).
func BenchmarkMillionApps(b *testing.B) {
	spec, err := scenarios.Builtin("scale-1000")
	if err != nil {
		b.Fatal(err)
	}
	if err := spec.Apply([]string{"builders.market_potential=1000000", "builders.app_lifetime_days=0"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var apps float64
	for b.Loop() {
		r, err := Replicate(context.Background(), spec, "base", 0, spec.Seed, ReplicateOptions{})
		if err != nil {
			b.Fatal(err)
		}
		apps = r.Final[len(r.Final)-1]
		for k, n := range r.Names {
			if n == "apps_live" {
				apps = r.Final[k]
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(apps, "apps-live")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MB-sys")
}
