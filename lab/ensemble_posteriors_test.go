package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
)

// postOnPriors is examples/priors.toml carrying a two-particle posterior
// over two of its priors' keys.
func postOnPriors(t *testing.T, runs int) *scenarios.Spec {
	t.Helper()
	spec := loadPriors(t, runs)
	p, err := scenarios.ReadPosterior("cal/posterior.csv", []byte("generation,particle,weight,distance,hubs.interlink.adapter_cost,builders.q_per_year\n3,0,0.25,0.1,15,0.25\n3,1,0.75,0.2,60,0.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.CarryPosterior("cal/posterior.csv", p, "test posterior"); err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestPosteriorJobsIdentical: a run drawing keys from a posterior writes
// the same bytes for --jobs 1 and 2, every run's carried keys are one
// particle's (never a mix), and the summary says where they came from.
func TestPosteriorJobsIdentical(t *testing.T) {
	const runs, inner = 8, 2
	var files [2]*MemorySink
	for i, jobs := range []int{1, 2} {
		e, err := NewEnsemble(postOnPriors(t, runs), nil, runs, 5)
		if err != nil {
			t.Fatal(err)
		}
		e.Jobs, e.Inner, e.Version = jobs, inner, "test"
		e.Report = func(d *reports.Data) ([]reports.File, error) { return reports.Render(d, reports.Options{}) }
		files[i], _ = runMem(t, e)
	}
	for _, name := range files[0].Names() {
		if !bytes.Equal(files[0].File(name), files[1].File(name)) {
			t.Errorf("%s differs between --jobs 1 and --jobs 2", name)
		}
	}
	var sum metrics.Summary
	if err := json.Unmarshal(files[0].File(reports.SummaryFile), &sum); err != nil {
		t.Fatal(err)
	}
	f := sum.Forecast
	if f == nil || len(f.Posteriors) != 1 {
		t.Fatalf("forecast posteriors: %+v", f)
	}
	fp := f.Posteriors[0]
	wantKeys := []string{"hubs.interlink.adapter_cost", "builders.q_per_year"}
	if !slices.Equal(fp.Keys, wantKeys) || !slices.Equal(fp.ReplacedPriors, wantKeys) || !slices.Equal(fp.Variants, []string{"siloed", "hub"}) || fp.Reason != "test posterior" || fp.Particles != 2 {
		t.Errorf("posterior use %+v", fp)
	}
	ai, qi := slices.Index(f.Keys, wantKeys[0]), slices.Index(f.Keys, wantKeys[1])
	if ai < 0 || qi < 0 {
		t.Fatalf("keys %v lack the carried ones", f.Keys)
	}
	_, rows, err := reports.ReadRuns(bytes.NewReader(files[0].File(reports.RunsFile)))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		a, q := r.Theta[ai], r.Theta[qi]
		if !(a == "15" && q == "0.25" || a == "60" && q == "0.5") {
			t.Errorf("run %s/%d: adapter cost %s with q %s is no particle", r.Variant, r.Replication, a, q)
		}
	}
	for _, name := range []string{"report.md", "report.html"} {
		// Markdown escapes the key paths' punctuation.
		if b := files[0].File(name); !bytes.Contains(b, []byte("θ for 2 keys (hubs")) || !bytes.Contains(b, []byte("drawn from posterior cal")) || !bytes.Contains(b, []byte("(test posterior)")) {
			t.Errorf("%s does not say where θ came from", name)
		}
	}
}

// postSweepScenario carries a two-particle posterior over p and q; the
// sweep varies q, so only p comes from the particles.
const postSweepScenario = sweepScenario + `
[builders]
p_per_year = 0.03
[[posteriors]]
from = "post.csv"
keys = { "builders.p_per_year" = "builders.p_per_year", "builders.q_per_year" = "builders.q_per_year" }
reason = "test"
`

// TestSweepPosterior: a sweep over a scenario carrying a posterior draws
// the unswept carried keys from the particles, lets the swept key
// override it, and writes the same bytes for --jobs 1 and 2 and for 3
// shards merged.
func TestSweepPosterior(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"tiny.toml":  postSweepScenario,
		"post.csv":   "generation,particle,weight,distance,builders.p_per_year,builders.q_per_year\n1,0,0.25,0,0.011,0.9\n1,1,0.75,0,0.047,0.95\n",
		"sweep.toml": lhsSweep,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "sweep.toml")
	root := t.TempDir()
	f := newPriorFake()
	whole := filepath.Join(root, "whole")
	if _, err := openPriorSweep(t, path, f, whole, 2).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for q := range f.qs {
		if q >= 0.9 {
			t.Errorf("q = %g drawn from the posterior although the sweep varies it", q)
		}
	}
	if len(f.ps) != 2 || !f.ps[0.011] || !f.ps[0.047] {
		t.Errorf("p took %v; want the two particles' 0.011 and 0.047", f.ps)
	}
	want := readAll(t, whole, sweepCompared...)
	one := filepath.Join(root, "jobs1")
	if _, err := openPriorSweep(t, path, newPriorFake(), one, 1).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "jobs=1", readAll(t, one, sweepCompared...), want)
	var shards []string
	for k := 1; k <= 3; k++ {
		d := filepath.Join(root, fmt.Sprintf("shard-%d", k))
		s := openPriorSweep(t, path, newPriorFake(), d, 2)
		s.Shard = Shard{Index: k, Count: 3}
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, d)
	}
	merged := filepath.Join(root, "merged")
	if _, err := MergeSweep([]string{shards[2], shards[0], shards[1]}, merged, true, false); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "merged", readAll(t, merged, sweepCompared...), want)
}

// TestPosteriorFrequenciesThroughTheThetaStream draws θ as a run does
// (Ensemble.theta, the ThetaStream of (seed, θ index)) for 4,000 θ
// indices: particle 0 (weight 0.25) must come up n·0.25 ± 5 sd times, sd =
// sqrt(n·0.25·0.75) ≈ 27.4; a correct sampler fails that with probability
// about 5.7e-7 over seeds. The variants of one θ index share the particle.
func TestPosteriorFrequenciesThroughTheThetaStream(t *testing.T) {
	const n = 4000
	e, err := NewEnsemble(postOnPriors(t, n), nil, n, 5)
	if err != nil {
		t.Fatal(err)
	}
	e.Inner = 2 // replications r and r+1 share θ index r/2
	first := 0
	for th := range n {
		var a [2]any
		for v := range e.Variants {
			for _, d := range e.theta(v, 2*th) {
				if d.Key == "hubs.interlink.adapter_cost" {
					a[v] = d.Value
				}
			}
			if !slices.Equal(e.theta(v, 2*th), e.theta(v, 2*th+1)) {
				t.Fatalf("θ index %d: the inner replications differ", th)
			}
		}
		if a[0] != a[1] {
			t.Fatalf("θ index %d: siloed drew adapter cost %v, hub %v", th, a[0], a[1])
		}
		if a[0] == 15.0 {
			first++
		}
	}
	sd := math.Sqrt(n * 0.25 * 0.75)
	if math.Abs(float64(first)-n*0.25) > 5*sd {
		t.Errorf("particle 0 in %d of %d θ draws; want %v ± %.0f", first, n, n*0.25, 5*sd)
	}
}
