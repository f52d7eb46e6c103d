package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/reports"
)

// TestCheckPartialRun checks that check warns about an interrupted run's
// folder on stderr and still evaluates its assertions.
func TestCheckPartialRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := legolab(context.Background(), "run", smallScenario, "--runs", "3", "--out", out, "--no-report", "--quiet"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	// Mark the folder as an interrupted run's: 2 of 3 replications.
	path := filepath.Join(out, reports.SummaryFile)
	var s map[string]any
	if err := json.Unmarshal(mustRead(t, path), &s); err != nil {
		t.Fatal(err)
	}
	s["partial"], s["completed"] = true, 2
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	toml := filepath.Join(out, reports.ScenarioFile)
	src := append(mustRead(t, toml), "\n[[expect]]\nassert = \"p_by_horizon(hub) >= 0\"\n"...)
	if err := os.WriteFile(toml, src, 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := legolab(context.Background(), "check", out)
	if code != 0 {
		t.Errorf("exit %d; want 0 (the assertion holds): %s", code, stderr)
	}
	if want := "warning: " + out + " is a partial run (2 of 3 replications)"; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q; want %q", stderr, want)
	}
	if !strings.Contains(stdout, "PASS  p_by_horizon(hub) >= 0") || !strings.Contains(stdout, "1 of 1 assertions pass") {
		t.Errorf("stdout %q; want the assertion evaluated", stdout)
	}
}

// TestCheckCompleteRunNoWarning checks that a complete run gets no warning.
func TestCheckCompleteRunNoWarning(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := legolab(context.Background(), "run", smallScenario, "--runs", "2", "--out", out, "--no-report", "--quiet"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	code, _, stderr := legolab(context.Background(), "check", out)
	if code != 0 || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
}
