package lab

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
)

// BenchmarkEnsemble runs whole ensembles of the built-in deai-2025 (every
// variant, 10 replications each, data files without the report) with one
// and two workers, reporting the wall time per replication; the ratio of
// the two is the parallel speed-up.
func BenchmarkEnsemble(b *testing.B) {
	spec, err := scenarios.Open(scenarios.Default)
	if err != nil {
		b.Fatal(err)
	}
	const runs = 10
	for _, jobs := range []int{1, 2} {
		b.Run(fmt.Sprintf("%s/jobs=%d", scenarios.Default, jobs), func(b *testing.B) {
			root := b.TempDir()
			reps := 0
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				e, err := NewEnsemble(spec, nil, runs, 1)
				if err != nil {
					b.Fatal(err)
				}
				e.Jobs = jobs
				if _, err := e.Run(context.Background(), &DirSink{Dir: filepath.Join(root, fmt.Sprint(i))}); err != nil {
					b.Fatal(err)
				}
				reps += runs * len(e.Variants)
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(reps), "ms/replication")
		})
	}
}

// BenchmarkEnsembleOverhead measures what the ensemble adds to the model
// per replication — reordering, aggregation into fans and sketches,
// runs.csv, and writing the outputs — with a replication function that
// hands back copies of eight precomputed deai-2025 replications in turn.
func BenchmarkEnsembleOverhead(b *testing.B) {
	spec, canned := cannedReplications(b)
	for _, runs := range []int{200, 2000} {
		b.Run(fmt.Sprintf("runs=%d", runs), func(b *testing.B) {
			root := b.TempDir()
			reps := 0
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				e, err := NewEnsemble(spec, nil, runs, 1)
				if err != nil {
					b.Fatal(err)
				}
				e.Jobs = 2
				e.Replicate = canned
				if _, err := e.Run(context.Background(), &DirSink{Dir: filepath.Join(root, fmt.Sprint(i))}); err != nil {
					b.Fatal(err)
				}
				reps += runs * len(e.Variants)
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/float64(reps), "µs/replication")
		})
	}
}

// BenchmarkEnsembleOutputs measures what a run of deai-2025's four
// variants spends after its replications, writing its outputs: 20 canned
// replications per variant at the file's values, as
// BenchmarkEnsembleOverhead (series.csv is as large as the default run's,
// 8 MB, whatever the runs), and a report of canned files the sizes of the
// default run's (report.html 1.1 MB, report.md, fifteen charts of ~100 kB,
// one PNG), so the time is mostly the data files and every file's commit
// (fsync, rename, fsync of its folder).
func BenchmarkEnsembleOutputs(b *testing.B) {
	spec, canned := cannedReplications(b)
	files := []reports.File{{Name: "report.html", Data: make([]byte, 1_100_000)}, {Name: "report.md", Data: make([]byte, 29_000)}}
	for i := range 15 {
		files = append(files, reports.File{Name: fmt.Sprintf("plots/chart-%d.svg", i), Data: make([]byte, 100_000)})
	}
	files = append(files, reports.File{Name: "plots/chart-0.png", Data: make([]byte, 105_000)})
	root := b.TempDir()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		e, err := NewEnsemble(spec, nil, 20, 1)
		if err != nil {
			b.Fatal(err)
		}
		e.Jobs, e.Fixed = 2, true
		e.Replicate = canned
		e.Report = func(*reports.Data) ([]reports.File, error) { return files, nil }
		if _, err := e.Run(context.Background(), &DirSink{Dir: filepath.Join(root, fmt.Sprint(i))}); err != nil {
			b.Fatal(err)
		}
	}
}

// cannedReplications returns the default scenario and a replication
// function that hands back copies of eight precomputed deai-2025
// replications in turn, so that a benchmark times the ensemble alone.
func cannedReplications(b *testing.B) (*scenarios.Spec, func(context.Context, *scenarios.Spec, string, int, uint64, io.Writer, bool) (*metrics.Replication, error)) {
	b.Helper()
	spec, err := scenarios.Open(scenarios.Default)
	if err != nil {
		b.Fatal(err)
	}
	var protos [8]*metrics.Replication
	for i := range protos {
		if protos[i], err = Replicate(context.Background(), spec, "base", i, 1, ReplicateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	return spec, func(_ context.Context, _ *scenarios.Spec, variant string, index int, seed uint64, _ io.Writer, _ bool) (*metrics.Replication, error) {
		r := *protos[index%len(protos)]
		r.Variant, r.Index, r.Seed = variant, index, seed
		return &r, nil
	}
}
