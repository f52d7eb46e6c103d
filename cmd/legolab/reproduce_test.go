package main

import (
	"context"
	"encoding/csv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
)

// TestReproduceSweepPoint follows docs/sweeps.md, Seeds: a point's
// replications are reproduced by `legolab run SCENARIO --set KEY=VALUE
// --seed SEED --runs R`, with the seed from --plan. It picks a point whose
// seed is ≥ 2^63 (about half are), which run used to refuse after
// computing, and checks every lego_day and final observable of runs.csv
// against the sweep's own replications, as runs.csv formats them.
func TestReproduceSweepPoint(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tiny.toml"), []byte(cliScenario), 0o644)
	sweep := filepath.Join(dir, "s.toml")
	os.WriteFile(sweep, []byte(`name = "repro"
scenario = "tiny.toml"
design = "lhs"
samples = 4
replications = 2
seed = 11
[[params]]
key = "hubs.interlink.adapter_cost"
min = 5
max = 80
`), 0o644)
	type key struct {
		seed    uint64
		variant string
		index   int
	}
	var mu sync.Mutex
	got := map[key]*metrics.Replication{}
	sweepReplicate = func(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, _ io.Writer, _ bool) (*metrics.Replication, error) {
		rep, err := lab.Replicate(ctx, spec, variant, index, seed, lab.ReplicateOptions{})
		if err == nil {
			mu.Lock()
			got[key{seed, variant, index}] = rep
			mu.Unlock()
		}
		return rep, err
	}
	t.Cleanup(func() { sweepReplicate = nil })
	if code, _, stderr := sweepCLI(context.Background(), "sweep", sweep, "--out", filepath.Join(dir, "o"), "-q", "--no-report", "--jobs", "1"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	code, plan, stderr := sweepCLI(context.Background(), "sweep", sweep, "--plan")
	if code != 0 {
		t.Fatalf("--plan: exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(plan)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var seed uint64
	var value string
	for _, r := range recs[1:] {
		s, err := strconv.ParseUint(r[2], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if s > math.MaxInt64 {
			seed, value = s, r[3]
			break
		}
	}
	if seed == 0 {
		t.Fatal("no point seed ≥ 2^63 among the plan's; pick another sweep seed")
	}
	out := filepath.Join(dir, "point")
	if code, _, stderr := sweepCLI(context.Background(), "run", filepath.Join(dir, "tiny.toml"),
		"--set", "hubs.interlink.adapter_cost="+value, "--seed", strconv.FormatUint(seed, 10), "--runs", "2", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("run of the point: exit %d: %s", code, stderr)
	}
	f, err := os.Open(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	if len(rows) != 1+2*2 {
		t.Fatalf("runs.csv has %d rows, want 4 replications", len(rows)-1)
	}
	for _, r := range rows[1:] {
		index, _ := strconv.Atoi(r[1])
		rep := got[key{seed, r[0], index}]
		if rep == nil {
			t.Fatalf("runs.csv row %v: the sweep ran no such replication at seed %d", r[:3], seed)
		}
		want := ""
		if rep.Reached {
			want = reports.FormatFloat(rep.LegoDay)
		}
		if r[3] != want {
			t.Errorf("%s replication %d: lego_day %q, the sweep's %q", r[0], index, r[3], want)
		}
		for k, name := range rep.Names {
			col := -1
			for c, h := range head {
				if h == name {
					col = c
				}
			}
			if col < 0 {
				continue
			}
			if w := reports.FormatFloat(rep.Final[k]); r[col] != w {
				t.Errorf("%s replication %d: %s = %q, the sweep's %q", r[0], index, name, r[col], w)
			}
		}
	}
}
