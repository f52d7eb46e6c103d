package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cliCalibration is a quick calibration of examples/bass.toml.
const cliCalibration = `name = "bass-cli"
scenario = "bass.toml"
start = "2015-01-01"
cutoff = "2017-06-30"
free = ["builders.q_per_year"]
[abc]
particles = 30
max_generations = 3
[[series]]
name = "builders"
observable = "builders_cum"
transform = "log1p"
discrepancy = 0.05
[[series.points]]
date = "2016-01-01"
value = 32
source = "synthetic"
[[series.points]]
date = "2017-01-01"
value = 84
source = "synthetic"
[[series.points]]
date = "2018-01-01"
value = 152
source = "synthetic"
`

func writeCalibrationFiles(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile("../../examples/bass.toml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "bass.toml"), b, 0o644)
	p := filepath.Join(dir, "cal.toml")
	os.WriteFile(p, []byte(src), 0o644)
	return p
}

func TestCalibrateCLI(t *testing.T) {
	path := writeCalibrationFiles(t, cliCalibration)
	root := t.TempDir()
	one := filepath.Join(root, "one")
	code, stdout, stderr := sweepCLI(context.Background(), "calibrate", path, "--out", one, "--jobs", "1")
	if code != 0 {
		t.Fatalf("calibrate: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Calibration bass-cli: bass.toml, 30 particles", "builders.q_per_year", "ε by generation:", "builders 2018-01-01: 152, PIT"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	two := filepath.Join(root, "two")
	if code, _, stderr := sweepCLI(context.Background(), "calibrate", path, "--out", two, "--jobs", "2", "-q"); code != 0 {
		t.Fatalf("calibrate --jobs 2: exit %d: %s", code, stderr)
	}
	for _, name := range []string{"posterior.csv", "generations.csv", "predictive.csv", "summary.json", "checkpoint.json", "calibration.toml", ".legolab.json"} {
		a, _ := os.ReadFile(filepath.Join(one, name))
		b, _ := os.ReadFile(filepath.Join(two, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between --jobs 1 and --jobs 2", name)
		}
	}
	if code, _, stderr := sweepCLI(context.Background(), "calibrate", path, "--out", one); code != 1 || !strings.Contains(stderr, "--resume") {
		t.Errorf("second run into a calibration folder: exit %d, %q; want 1 and the hint", code, stderr)
	}
	// Ctrl-C before the first generation: exit 130 and the hint; --resume
	// then starts afresh (no checkpoint yet) and matches.
	cut := filepath.Join(root, "cut")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, stderr = sweepCLI(ctx, "calibrate", path, "--out", cut)
	if code != 130 || !strings.Contains(stderr, "--resume") {
		t.Fatalf("interrupted: exit %d, %q; want 130 and the resume hint", code, stderr)
	}
	if code, _, stderr := sweepCLI(context.Background(), "calibrate", path, "--out", cut, "--resume", "-q"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(one, "posterior.csv"))
	b, _ := os.ReadFile(filepath.Join(cut, "posterior.csv"))
	if !bytes.Equal(a, b) {
		t.Error("resumed posterior.csv differs")
	}
	if code, stdout, stderr := sweepCLI(context.Background(), "validate", path); code != 0 || !strings.Contains(stdout, "cal.toml: ok") {
		t.Errorf("validate: exit %d, %q %q", code, stdout, stderr)
	}
	bad := writeCalibrationFiles(t, strings.Replace(cliCalibration, "discrepancy = 0.05", "", 1))
	if code, _, stderr := sweepCLI(context.Background(), "validate", bad); code != 1 || !strings.Contains(stderr, "series[0].discrepancy: required") {
		t.Errorf("validate a bad calibration: exit %d, %q", code, stderr)
	}
}

func TestCalibrateUsageErrors(t *testing.T) {
	path := writeCalibrationFiles(t, cliCalibration)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"calibrate"}, 2, "accepts 1 arg"},
		{[]string{"calibrate", path, "extra"}, 2, "accepts 1 arg"},
		{[]string{"calibrate", path, "--resume", "--force"}, 2, "exclude each other"},
		{[]string{"calibrate", path, "--jobs", "x"}, 2, "invalid argument"},
		{[]string{"calibrate", path, "--bogus"}, 2, "unknown flag"},
		{[]string{"calibrate", "--list", "x"}, 2, "unknown command"},
		{[]string{"calibrate", path, "--jobs", "0"}, 1, "--jobs must be at least 1"},
		{[]string{"calibrate", path, "--sbc", "0"}, 1, "--sbc must be at least 1"},
		{[]string{"calibrate", path, "--sbc", "3", "--resume"}, 2, "--sbc does not resume"},
		{[]string{"calibrate", "no-such-calibration"}, 1, "no calibration file or built-in calibration named"},
	} {
		code, _, stderr := sweepCLI(context.Background(), c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
	if code, stdout, _ := sweepCLI(context.Background(), "calibrate", "--list"); code != 0 || stdout == "" {
		t.Errorf("--list: exit %d, %q", code, stdout)
	}
}

// TestCalibrateSBCCLI runs a two-history SBC of the quick calibration: the
// verdict line, the table and the files (the verdict itself is left to
// lab's TestCalibrateSBCBass; two histories decide nothing).
func TestCalibrateSBCCLI(t *testing.T) {
	path := writeCalibrationFiles(t, strings.Replace(cliCalibration, "max_generations = 3", "max_generations = 2", 1))
	out := filepath.Join(t.TempDir(), "sbc")
	code, stdout, stderr := sweepCLI(context.Background(), "calibrate", "--sbc", "2", path, "--out", out, "--jobs", "2")
	if code != 0 {
		t.Fatalf("--sbc: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"SBC bass-cli: ", "builders.q_per_year", "rank histogram", "Stop rules: max_generations 2"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, name := range []string{"sbc.csv", "sbc.json", "calibration.toml", ".legolab.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	if code, _, stderr := sweepCLI(context.Background(), "calibrate", "--sbc", "2", path, "--out", out); code != 1 || !strings.Contains(stderr, "--force") {
		t.Errorf("second --sbc into the folder: exit %d, %q; want 1 and a --force hint", code, stderr)
	}
}
