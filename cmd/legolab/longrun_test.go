package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// longScenario has one protocol and 5,000,000 builders: about 1.5e7
// events a replication, so 100 runs take about 25 min on one core.
const longScenario = `name = "long"
runs = 100
[[protocols]]
name = "A"
serves = { data = 0.5 }
[builders]
market_potential = 5e6
`

// TestRunWarnsLongRun: a run that would take hours started without a
// word. Now the up-front estimate says so on stderr, one line with the
// events and the time, and the run starts all the same (here on a
// cancelled context, so that it stops at once: exit 130).
func TestRunWarnsLongRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "long.toml")
	if err := os.WriteFile(file, []byte(longScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, stderr := legolab(ctx, "run", file, "--jobs", "1", "--out", filepath.Join(dir, "out"))
	if code != 130 {
		t.Errorf("exit %d; want 130 (started, then interrupted): %s", code, stderr)
	}
	events := 100 * scenarios.EventsPerBuilder * 5e6
	minutes := events / scenarios.EventsPerSecond / 60
	want := fmt.Sprintf("legolab: warning: this will take a while: 100 runs × 1 variant is about 1,500,000,000 events, ~%.0f min at 1,000,000 events/s a core on 1 core", minutes)
	if line, _, _ := strings.Cut(stderr, "\n"); !strings.HasPrefix(line, want) {
		t.Errorf("first stderr line %q; want it to start %q", line, want)
	}
	if n := strings.Count(stderr, "take a while"); n != 1 {
		t.Errorf("%d warnings; want 1", n)
	}
	// --quiet says nothing; a small run does not warn.
	if _, _, stderr := legolab(ctx, "run", file, "--jobs", "1", "--quiet", "--out", filepath.Join(dir, "q")); strings.Contains(stderr, "take a while") {
		t.Errorf("--quiet warned: %q", stderr)
	}
	if _, _, stderr := legolab(ctx, "run", smallScenario, "--out", filepath.Join(dir, "small")); strings.Contains(stderr, "take a while") {
		t.Errorf("a small run warned: %q", stderr)
	}
}

// TestSweepWarnsLongRun: the same for a sweep, whose estimate sums every
// point still to compute (64 points × 4 replications × 2 variants of a
// scenario of 2,000,000 builders: about 51 min on one core); a resumed,
// finished sweep has nothing left and does not warn.
func TestSweepWarnsLongRun(t *testing.T) {
	withFake(t, &cliFake{})
	dir := t.TempDir()
	big := strings.Replace(cliScenario, "[[hubs]]", "[builders]\nmarket_potential = 2e6\n[[hubs]]", 1)
	os.WriteFile(filepath.Join(dir, "tiny.toml"), []byte(big), 0o644)
	path := filepath.Join(dir, "s.toml")
	os.WriteFile(path, []byte(cliSweep), 0o644)
	out := filepath.Join(dir, "out")
	code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--out", out, "--jobs", "1", "--no-report")
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	// The builders' events, plus a few thousand from the hub's reviews.
	builders := 64 * 4 * 2 * scenarios.EventsPerBuilder * 2e6
	m := regexp.MustCompile(`legolab: warning: this will take a while: 64 points × 4 replications × 2 variants is about ([0-9,]+) events, ~([0-9]+) min at 1,000,000 events/s a core on 1 core`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("stderr %q; want the long-run warning", stderr)
	}
	got, _ := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
	if got < builders || got > builders*1.001 {
		t.Errorf("estimate %s events; want the builders' %.0f and at most 0.1%% more", m[1], builders)
	}
	if want := fmt.Sprintf("%.0f", got/scenarios.EventsPerSecond/60); m[2] != want {
		t.Errorf("~%s min; want %s", m[2], want)
	}
	_, _, stderr = sweepCLI(context.Background(), "sweep", path, "--out", out, "--jobs", "1", "--no-report", "--resume")
	if strings.Contains(stderr, "take a while") {
		t.Errorf("a finished sweep's resume warned: %q", stderr)
	}
}
