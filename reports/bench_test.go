package reports_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/reports/reportstest"
)

// BenchmarkFiles renders the whole report of an ensemble of 1,000 runs
// per variant: the acceptance bar is 2 s for the four-variant case.
func BenchmarkFiles(b *testing.B) {
	for _, nv := range []int{1, 4} {
		variants := []reportstest.Variant{
			{Name: "baseline", Rate: 1.0 / 4000, Delay: 300}, {Name: "hub", Rate: 1.0 / 900, Delay: 250},
			{Name: "defacto", Rate: 1.0 / 1600, Delay: 200}, {Name: "both", Rate: 1.0 / 800, Delay: 150},
		}[:nv]
		d := reportstest.New(reportstest.Options{Scenario: "bench", Horizon: 3650, Runs: 1000, Seed: 1,
			Protocols: 134, Variants: variants})
		b.Run(fmt.Sprintf("runs=1000/variants=%d", nv), func(b *testing.B) {
			b.ReportAllocs()
			bytes := 0
			start := time.Now()
			for b.Loop() {
				files, err := reports.Files(d)
				if err != nil {
					b.Fatal(err)
				}
				bytes = 0
				for _, f := range files {
					bytes += len(f.Data)
				}
			}
			b.ReportMetric(float64(bytes)/1e6, "MB/report")
			b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/report")
		})
	}
}
