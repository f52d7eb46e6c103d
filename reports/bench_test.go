package reports_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/legolab/legolab/metrics"
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

// BenchmarkWriteSeries writes series.csv for a default run's shape: four
// variants, 32 observables, 524 sample days (67,072 rows, ~8 MB).
func BenchmarkWriteSeries(b *testing.B) {
	start := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	var pts []metrics.SeriesPoint
	x := 0.0
	for _, v := range []string{"siloed", "hub", "defacto", "both"} {
		for k := range 32 {
			for d := range 524 {
				x += 0.0137
				pts = append(pts, metrics.SeriesPoint{Variant: v, Day: float64(7 * d), Metric: fmt.Sprintf("metric_%d", k),
					Mean: x / 3, P05: x / 7, P25: x / 5, P50: x / 3, P75: x, P95: x * 1.7})
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := reports.WriteSeries(io.Discard, start, pts); err != nil {
			b.Fatal(err)
		}
	}
}
