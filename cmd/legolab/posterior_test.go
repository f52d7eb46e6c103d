package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/internal/outdir"
)

// calibrationFolder writes a marked calibration folder holding posterior.
func calibrationFolder(t *testing.T, dir, posterior string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := []string{}
	if posterior != "" {
		if err := os.WriteFile(filepath.Join(dir, posteriorFile), []byte(posterior), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, posteriorFile)
	}
	if err := outdir.WriteManifest(dir, &outdir.Manifest{Kind: outdir.KindCalibration, Files: files}); err != nil {
		t.Fatal(err)
	}
}

const cliPosterior = "generation,particle,weight,distance,hubs.interlink.adapter_cost,builders.q_per_year\n2,0,0.25,0.1,15,0.25\n2,1,0.75,0.2,60,0.5\n"

// TestRunPosterior: run --posterior DIR draws the folder's keys from its
// particles, says so, writes the same bytes for --jobs 1 and 2, and
// refuses a folder that is not a calibration's, one without
// posterior.csv, and keys the scenario lacks.
func TestRunPosterior(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join("..", "..", "examples", "priors.toml")
	cal := filepath.Join(root, "cal")
	calibrationFolder(t, cal, cliPosterior)
	var outs [2]string
	for i, jobs := range []string{"1", "2"} {
		outs[i] = filepath.Join(root, "o"+jobs)
		code, stdout, stderr := legolab(context.Background(), "run", file, "--runs", "4", "--inner", "2", "--jobs", jobs, "--posterior", cal, "--out", outs[i], "--quiet")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		want := "θ for 2 keys (hubs.interlink.adapter_cost, builders.q_per_year) drawn from posterior " + filepath.Join(cal, "posterior.csv") + " (given with --posterior " + cal + ")."
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, name := range []string{"summary.json", "runs.csv", "series.csv", "scenario.toml", "report.md"} {
		if a, b := string(mustRead(t, filepath.Join(outs[0], name))), string(mustRead(t, filepath.Join(outs[1], name))); a != b {
			t.Errorf("%s differs between --jobs 1 and 2", name)
		}
	}
	if s := string(mustRead(t, filepath.Join(outs[0], "summary.json"))); !strings.Contains(s, `"replaced_priors"`) || !strings.Contains(s, `"given with --posterior `) {
		t.Errorf("summary.json does not record the posterior:\n%s", s)
	}
	// The run's scenario.toml carries the posterior: it reruns alone.
	code, _, stderr := legolab(context.Background(), "run", filepath.Join(outs[0], "scenario.toml"), "--jobs", "1", "--out", filepath.Join(root, "again"), "--quiet", "--no-report")
	if code != 0 {
		t.Fatalf("rerunning scenario.toml: exit %d: %s", code, stderr)
	}
	if a, b := mustRead(t, filepath.Join(outs[0], "runs.csv")), mustRead(t, filepath.Join(root, "again", "runs.csv")); string(a) != string(b) {
		t.Errorf("rerunning scenario.toml gives other runs")
	}
	// A changed posterior.csv is refused by the recorded digest.
	if err := os.WriteFile(filepath.Join(cal, posteriorFile), []byte(strings.Replace(cliPosterior, ",60,", ",61,", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = legolab(context.Background(), "run", filepath.Join(outs[0], "scenario.toml"), "--out", filepath.Join(root, "changed"), "--quiet", "--no-report")
	if code != 1 || !strings.Contains(stderr, "the posterior changed since this scenario recorded it") {
		t.Errorf("rerun after the posterior changed: exit %d, stderr %q", code, stderr)
	}
	calibrationFolder(t, cal, cliPosterior)

	notCal := filepath.Join(root, "notcal")
	if err := os.MkdirAll(notCal, 0o755); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(root, "empty")
	calibrationFolder(t, empty, "")
	lacks := filepath.Join(root, "lacks")
	calibrationFolder(t, lacks, "generation,particle,weight,distance,hubs.ibc.join_incentive\n0,0,1,0,5\n")
	bad := filepath.Join(root, "bad")
	calibrationFolder(t, bad, strings.Replace(cliPosterior, "0.75", "0.5", 1))
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not a calibration folder", []string{"--posterior", notCal}, 1, "refusing to use " + notCal + ": it has no .legolab.json"},
		{"a run folder", []string{"--posterior", outs[0]}, 1, "it is a run folder, not a calibration folder"},
		{"no such folder", []string{"--posterior", filepath.Join(root, "nope")}, 1, "no such folder"},
		{"no posterior.csv", []string{"--posterior", empty}, 1, "the calibration folder has no posterior.csv yet"},
		{"keys the scenario lacks", []string{"--posterior", lacks}, 1, "has keys that scenario priors lacks: hubs.ibc.join_incentive"},
		{"weights not summing to 1", []string{"--posterior", bad}, 1, "posterior.csv: weight: the weights sum to 0.75, not 1"},
		{"with --fixed", []string{"--posterior", cal, "--fixed"}, 2, "--posterior and --fixed exclude each other"},
	} {
		args := append([]string{"run", file, "--runs", "2", "--out", filepath.Join(root, "x"), "--quiet"}, c.args...)
		code, _, stderr := legolab(context.Background(), args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, stderr, c.code, c.want)
		}
	}
}

// TestRunPosteriorFromCalibrate: the folder legolab calibrate writes is
// one run --posterior reads (examples/calibrate-bass.toml, shortened).
func TestRunPosteriorFromCalibrate(t *testing.T) {
	if testing.Short() {
		t.Skip("calibrates")
	}
	root := t.TempDir()
	src := string(mustRead(t, filepath.Join("..", "..", "examples", "calibrate-bass.toml")))
	bass, err := filepath.Abs(filepath.Join("..", "..", "examples", "bass.toml"))
	if err != nil {
		t.Fatal(err)
	}
	src = strings.NewReplacer(`scenario = "bass.toml"`, `scenario = "`+bass+`"`, "particles = 200", "particles = 30", "max_generations = 12", "max_generations = 2").Replace(src)
	file := filepath.Join(root, "cal.toml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cal := filepath.Join(root, "cal")
	if code, _, stderr := legolab(context.Background(), "calibrate", file, "--out", cal, "--quiet"); code != 0 {
		t.Fatalf("calibrate: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := legolab(context.Background(), "run", bass, "--posterior", cal, "--runs", "4", "--inner", "2", "--out", filepath.Join(root, "o"), "--quiet", "--no-report")
	if code != 0 {
		t.Fatalf("run --posterior: exit %d: %s", code, stderr)
	}
	if want := "θ for 3 keys (builders.p_per_year, builders.q_per_year, builders.market_potential) drawn from posterior"; !strings.Contains(stdout, want) || !strings.Contains(stdout, "calibration bass of") {
		t.Errorf("stdout lacks %q and the calibration's name:\n%s", want, stdout)
	}
}

// TestSweepPosterior: sweep --posterior DIR carries the posterior into the
// base scenario the sweep records (scenario.toml), and a resume without
// it is refused as another computation.
func TestSweepPosterior(t *testing.T) {
	root := t.TempDir()
	for name, text := range map[string]string{
		"tiny.toml": cliScenario,
		"s.toml":    "name = \"sp\"\nscenario = \"tiny.toml\"\ndesign = \"lhs\"\nsamples = 4\nreplications = 2\nseed = 5\n[[params]]\nkey = \"hubs.interlink.adapter_cost\"\nmin = 5\nmax = 80\n",
	} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cal := filepath.Join(root, "cal")
	calibrationFolder(t, cal, cliPosterior)
	out := filepath.Join(root, "o")
	code, _, stderr := legolab(context.Background(), "sweep", filepath.Join(root, "s.toml"), "--posterior", cal, "--out", out, "-q", "--no-report")
	if code != 0 {
		t.Fatalf("sweep --posterior: exit %d: %s", code, stderr)
	}
	if sc := string(mustRead(t, filepath.Join(out, "scenario.toml"))); !strings.Contains(sc, "[[posteriors]]") || !strings.Contains(sc, "sha256 = ") {
		t.Errorf("the sweep's scenario.toml does not carry the posterior:\n%s", sc)
	}
	code, _, stderr = legolab(context.Background(), "sweep", filepath.Join(root, "s.toml"), "--out", out, "--resume", "-q", "--no-report")
	if code == 0 {
		t.Errorf("resume without --posterior: exit 0; want it refused")
	}
	if !strings.Contains(stderr, "scenario") {
		t.Errorf("resume without --posterior: %s; want the scenario named as what differs", stderr)
	}
	code, _, stderr = legolab(context.Background(), "sweep", filepath.Join(root, "s.toml"), "--posterior", cal, "--out", out, "--resume", "-q", "--no-report")
	if code != 0 {
		t.Errorf("resume with --posterior: exit %d: %s", code, stderr)
	}
}

// TestScenariosPriorsShowsPosteriors: scenarios priors marks the keys a
// posterior carries and names the posterior with its reason.
func TestScenariosPriorsShowsPosteriors(t *testing.T) {
	dir := t.TempDir()
	src := string(mustRead(t, filepath.Join("..", "..", "examples", "priors.toml")))
	i := strings.Index(src, "[[variants]]")
	src = src[:i] + "[[posteriors]]\nfrom = \"post.csv\"\nkeys = { \"hubs.interlink.adapter_cost\" = \"hub.adapter_cost\" }\nreason = \"shared with IBC\"\n\n" + src[i:]
	for name, text := range map[string]string{"sc.toml": src, "post.csv": cliPosterior} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := legolab(context.Background(), "scenarios", "priors", filepath.Join(dir, "sc.toml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"replaces loguniform [13, 120]", "from " + filepath.Join(dir, "post.csv"), "posterior " + filepath.Join(dir, "post.csv") + " (2 particles, ESS 2): hubs.interlink.adapter_cost; shared with IBC"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}
