package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunForecastFlags checks the prior-predictive flags: a run of a
// scenario with priors prints the forecast and relabels the CIs as Monte
// Carlo precision, --fixed prints the table as before, and --inner must
// divide --runs.
func TestRunForecastFlags(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join("..", "..", "examples", "priors.toml")
	code, stdout, stderr := legolab(context.Background(), "run", file, "--runs", "4", "--inner", "2", "--jobs", "2", "--out", filepath.Join(root, "p"), "--no-report", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"95% MC precision", "Prior-predictive forecast: 2 θ draws of 6 priors × 2 replications each", "predictive 5–95%", "variance due to θ", "Leading pathway:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, stderr = legolab(context.Background(), "run", file, "--runs", "4", "--fixed", "--out", filepath.Join(root, "f"), "--no-report", "--quiet")
	if code != 0 {
		t.Fatalf("--fixed: exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "Prior-predictive") || strings.Contains(stdout, "MC precision") || !strings.Contains(stdout, "[95% CI]") {
		t.Errorf("--fixed stdout is not the plain table:\n%s", stdout)
	}
	code, _, stderr = legolab(context.Background(), "run", file, "--runs", "5", "--inner", "2", "--out", filepath.Join(root, "bad"), "--quiet")
	if code != 1 || !strings.Contains(stderr, "not a multiple of --inner (2)") {
		t.Errorf("--runs 5 --inner 2: exit %d, stderr %q; want 1 and the reason", code, stderr)
	}
	code, _, stderr = legolab(context.Background(), "run", file, "--inner", "0", "--out", filepath.Join(root, "bad0"), "--quiet")
	if code != 1 || !strings.Contains(stderr, "--inner must be at least 1") {
		t.Errorf("--inner 0: exit %d, stderr %q", code, stderr)
	}
}

// TestRunInnerFromScenario checks that a scenario's inner is the default K:
// deai-2025 sets inner = 2, so a plain run splits the variance, --inner 1
// overrides it, and a --runs it does not divide is refused naming it.
func TestRunInnerFromScenario(t *testing.T) {
	root := t.TempDir()
	code, stdout, stderr := legolab(context.Background(), "run", "--runs", "4", "--variant", "hub", "--out", filepath.Join(root, "d"), "--no-report", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "2 θ draws of") || !strings.Contains(stdout, "× 2 replications each") || !strings.Contains(stdout, "variance due to θ") {
		t.Errorf("a plain run of deai-2025 does not run 2 replications per θ:\n%s", stdout)
	}
	code, stdout, stderr = legolab(context.Background(), "run", "--runs", "4", "--inner", "1", "--variant", "hub", "--out", filepath.Join(root, "k1"), "--no-report", "--quiet")
	if code != 0 || !strings.Contains(stdout, "4 θ draws of") {
		t.Errorf("--inner 1: exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	code, _, stderr = legolab(context.Background(), "run", "--runs", "5", "--out", filepath.Join(root, "bad"), "--quiet")
	if code != 1 || !strings.Contains(stderr, "not a multiple of the scenario's inner (2)") {
		t.Errorf("--runs 5: exit %d, stderr %q; want 1 and the reason", code, stderr)
	}
}
