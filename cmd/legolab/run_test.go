package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
)

const smallScenario = "testdata/small.toml"

// legolab runs the command line in-process and returns its exit status,
// stdout and stderr.
func legolab(ctx context.Context, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRunSameBytesForAnyJobs(t *testing.T) {
	runs := "200"
	if testing.Short() {
		runs = "40"
	}
	root := t.TempDir()
	var first string
	for _, jobs := range []string{"1", "2"} {
		out := filepath.Join(root, "jobs"+jobs)
		code, stdout, stderr := legolab(context.Background(), "run", smallScenario, "--runs", runs, "--seed", "7", "--jobs", jobs, "--out", out, "--no-report", "--quiet")
		if code != 0 {
			t.Fatalf("jobs=%s: exit %d: %s", jobs, code, stderr)
		}
		if !strings.Contains(stdout, "small: "+runs+" runs per variant, seed 7") || !strings.Contains(stdout, "siloed") {
			t.Errorf("jobs=%s: stdout lacks the table:\n%s", jobs, stdout)
		}
		if stderr != "" {
			t.Errorf("jobs=%s: --quiet wrote to stderr: %q", jobs, stderr)
		}
		if first == "" {
			first = out
			continue
		}
		for _, name := range []string{reports.SummaryFile, reports.RunsFile, reports.SeriesFile, reports.GraphsFile, reports.ScenarioFile} {
			if !bytes.Equal(mustRead(t, filepath.Join(out, name)), mustRead(t, filepath.Join(first, name))) {
				t.Errorf("%s differs between --jobs 1 and --jobs %s", name, jobs)
			}
		}
	}
	// The folder alone reproduces the run.
	again := filepath.Join(root, "again")
	if code, _, stderr := legolab(context.Background(), "run", filepath.Join(first, reports.ScenarioFile), "--out", again, "--no-report", "--quiet"); code != 0 {
		t.Fatalf("rerun from scenario.toml: exit %d: %s", code, stderr)
	}
	for _, name := range []string{reports.RunsFile, reports.SeriesFile} {
		if !bytes.Equal(mustRead(t, filepath.Join(again, name)), mustRead(t, filepath.Join(first, name))) {
			t.Errorf("%s differs when re-run from the folder's scenario.toml", name)
		}
	}
}

func TestRunUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int // 2 for a malformed command line, 1 for a bad value
		want string
	}{
		{"runs-zero", []string{"--runs", "0"}, 1, "--runs must be at least 1"},
		{"runs-word", []string{"--runs", "many"}, 2, "invalid argument"},
		{"jobs-zero", []string{"--jobs", "0"}, 1, "--jobs must be at least 1"},
		{"horizon-negative", []string{"--horizon", "-5"}, 1, "--horizon must be a number of days in (0, 36525]"},
		{"unknown-flag", []string{"--bogus"}, 2, "unknown flag"},
		{"two-scenarios", []string{smallScenario, smallScenario}, 2, "accepts at most 1 arg"},
		{"unknown-variant", []string{"--variant", "nope"}, 1, "--variant nope: scenario small has no such variant (it has siloed, hub)"},
		{"bad-set", []string{"--set", "builders.nope=1"}, 1, "--set: builders.nope"},
		{"set-out-of-range", []string{"--set", "protocols.A.openness=1.7"}, 1, "--set: protocols.A.openness: must be in [0, 1], got 1.7"},
		{"set-without-value", []string{"--set", "horizon_days"}, 2, "expected KEY=VALUE"},
	}
	for _, c := range cases {
		args := append([]string{"run"}, c.args...)
		if c.name != "two-scenarios" {
			args = append(args, smallScenario)
		}
		args = append(args, "--out", filepath.Join(t.TempDir(), "out"))
		code, _, stderr := legolab(context.Background(), args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, stderr, c.code, c.want)
		}
		if hint := strings.Contains(stderr, "for usage"); hint != (c.code == 2) {
			t.Errorf("%s: usage hint %v in %q; want it only for exit 2", c.name, hint, stderr)
		}
	}
}

// TestRunHorizonTooLong checks that a horizon past the limit gets one
// error naming the limit, not the consequences of the bad horizon.
func TestRunHorizonTooLong(t *testing.T) {
	code, _, stderr := legolab(context.Background(), "run", smallScenario, "--horizon", "1e9", "--runs", "3", "--out", filepath.Join(t.TempDir(), "out"))
	want := "legolab: --horizon must be a number of days in (0, 36525] (100 years), got 1e+09\n"
	if code != 1 || stderr != want {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
}

func TestRunBadScenario(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("name = \"bad\"\nhorizon_days = 730\nruns = \"many\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := legolab(context.Background(), "run", bad, "--out", filepath.Join(dir, "out"))
	if code != 1 || !strings.Contains(stderr, bad+":3:1: runs:") {
		t.Errorf("exit %d, stderr %q; want 1 and the position %s:3:1", code, stderr, bad)
	}
	code, _, stderr = legolab(context.Background(), "run", "no-such-builtin", "--out", filepath.Join(dir, "out"))
	if code != 1 || !strings.Contains(stderr, "no-such-builtin") {
		t.Errorf("unknown built-in: exit %d, stderr %q; want 1", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("a failed run created its output folder")
	}
}

func TestRunForce(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	args := []string{"run", smallScenario, "--runs", "5", "--out", out, "--no-report", "--quiet"}
	if code, _, stderr := legolab(context.Background(), args...); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	code, _, stderr := legolab(context.Background(), args...)
	if code != 1 || !strings.Contains(stderr, "exists and is not empty; use --force to replace it") {
		t.Errorf("second run: exit %d, stderr %q; want 1 and a hint at --force", code, stderr)
	}
	if code, _, stderr := legolab(context.Background(), append(args, "--force", "--seed", "9")...); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	var s metrics.Summary
	if err := json.Unmarshal(mustRead(t, filepath.Join(out, reports.SummaryFile)), &s); err != nil || s.Seed != 9 {
		t.Errorf("after --force: seed %d (%v); want the new run's 9", s.Seed, err)
	}
}

func TestRunJSONAndTrace(t *testing.T) {
	dir := t.TempDir()
	out, trace := filepath.Join(dir, "out"), filepath.Join(dir, "trace.jsonl")
	code, stdout, stderr := legolab(context.Background(), "run", smallScenario, "--runs", "4", "--out", out, "--json", "--trace", trace, "--no-report", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := mustRead(t, filepath.Join(out, reports.SummaryFile)); stdout != string(want) {
		t.Errorf("--json printed something other than summary.json")
	}
	f, err := os.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("trace line %d is not JSON: %s", lines, sc.Text())
		}
	}
	if lines == 0 {
		t.Error("empty trace")
	}
}

func TestRunWithReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := legolab(context.Background(), "run", smallScenario, "--runs", "10", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"report.html", "report.md"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("no %s: %v", name, err)
		}
	}
	if !strings.Contains(stdout, "Leading:") && !strings.Contains(stdout, "No pathway leads") {
		t.Errorf("no headline in:\n%s", stdout)
	}
	if !strings.Contains(stderr, "Results in "+out) {
		t.Errorf("stderr %q; want where the results are", stderr)
	}
}

func TestRunInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	// Far more runs than finish before the cancel: the result is partial.
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	code, stdout, stderr := legolab(ctx, "run", smallScenario, "--runs", "20000", "--jobs", "2", "--out", out, "--no-report")
	if code != 130 {
		t.Fatalf("exit %d; want 130: %s", code, stderr)
	}
	d, err := reports.ReadDir(out)
	if err != nil {
		t.Skipf("nothing finished before the interruption on this machine: %v", err)
	}
	s := d.Summary
	if !s.Partial || s.Completed < 1 || s.Completed >= 20000 || len(d.Runs) != 2*s.Completed {
		t.Errorf("partial %v, completed %d, %d rows; want partial with 2 rows per completed run", s.Partial, s.Completed, len(d.Runs))
	}
	if !strings.Contains(stdout, "interrupted after") || !strings.Contains(stderr, "Interrupted: wrote partial results") {
		t.Errorf("stdout %q stderr %q; want the partial table and a note", stdout, stderr)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left %s behind", e.Name())
		}
	}
}

func TestRunPrintsWarnings(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "warn.toml")
	src := `name = "warn"
horizon_days = 200
[builders]
market_potential = 50
[[protocols]]
name = "A"
serves = { model = 0.8 }
[[hubs]]
name = "h"
adapter_cost = 100
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := legolab(context.Background(), "run", file, "--runs", "2", "--no-report", "--out", filepath.Join(dir, "out"))
	if code != 0 {
		t.Fatalf("exit %d; want 0 (a warning does not stop a run): %s", code, stderr)
	}
	want := file + ": warning: hubs.h.join_incentive:"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}

// TestPrintTableLeftTruncated prints one note per variant with
// left-truncated runs, naming the day 2W the detector first sees, and none
// when no run is flagged.
func TestPrintTableLeftTruncated(t *testing.T) {
	s := &metrics.Summary{
		Scenario: "s", Runs: 40, Seed: 1, HorizonDays: 3650, Start: "2025-01-01",
		Lego: metrics.LegoRule{Rule: "window", WindowDays: 90},
		Variants: []metrics.VariantSummary{
			{Name: "hub", Lego: metrics.LegoSummary{Reached: 10, Censored: 30}},
			{Name: "defacto", Lego: metrics.LegoSummary{Reached: 20, Censored: 20, LeftTruncated: 3}},
			{Name: "one", Lego: metrics.LegoSummary{Reached: 20, Censored: 20, LeftTruncated: 1}},
		},
	}
	var buf bytes.Buffer
	printTable(&buf, s)
	out := buf.String()
	for _, want := range []string{
		"note: 3 runs of defacto are left-truncated: composed before day 180, when the detector can first see an explosion (docs/model.md)\n",
		"note: 1 run of one is left-truncated: composed before day 180,",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "note: "); n != 2 {
		t.Errorf("%d notes; want 2 (hub has none):\n%s", n, out)
	}
	for i := range s.Variants {
		s.Variants[i].Lego.LeftTruncated = 0
	}
	buf.Reset()
	printTable(&buf, s)
	if strings.Contains(buf.String(), "left-truncated") {
		t.Errorf("a note with no run flagged:\n%s", buf.String())
	}
}

// TestUsageErrorsByType checks that a malformed command line exits 2
// through the usage error's type, not its message: an unknown subcommand
// (with cobra's suggestion), too many arguments, an unknown flag; and that
// an error that merely reads like one (a scenario file named "unknown
// command") exits 1.
func TestUsageErrorsByType(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frob"}, 2, `unknown command "frob" for "legolab"`},
		{[]string{"rnu"}, 2, "Did you mean this?\n\trun"},
		{[]string{"version", "extra"}, 2, "unknown command"},
		{[]string{"validate", "unknown command.toml"}, 1, "unknown command.toml"},
		{[]string{"validate", "--bogus"}, 2, "unknown flag"},
		{nil, 0, ""},
	} {
		code, _, stderr := legolab(context.Background(), c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// TestRunReportSameBytesForAnyJobs checks that the whole run folder, the
// report rendered from memory included, is byte-identical under --jobs 1
// and --jobs 3 (more workers than charts in flight on a small machine),
// that the report is the one `legolab report` makes from the folder, and
// what --png adds: a PNG beside every SVG, report.md linking them.
func TestRunReportSameBytesForAnyJobs(t *testing.T) {
	root := t.TempDir()
	folder := func(out string, args ...string) map[string][]byte {
		t.Helper()
		args = append([]string{"run", smallScenario, "--runs", "12", "--seed", "3", "--out", out, "--quiet"}, args...)
		if code, _, stderr := legolab(context.Background(), args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return readTree(t, out)
	}
	one := folder(filepath.Join(root, "jobs1"), "--jobs", "1")
	three := folder(filepath.Join(root, "jobs3"), "--jobs", "3")
	if len(one) != len(three) {
		t.Errorf("--jobs 1 wrote %d files, --jobs 3 %d", len(one), len(three))
	}
	svgs := 0
	for name, data := range one {
		if !bytes.Equal(three[name], data) {
			t.Errorf("%s differs between --jobs 1 and --jobs 3", name)
		}
		if strings.HasSuffix(name, ".svg") {
			svgs++
		}
		if strings.HasSuffix(name, ".png") && name != "plots/"+reports.HeadlineChart+".png" {
			t.Errorf("%s written without --png", name)
		}
	}
	if svgs < 3 || one["plots/"+reports.HeadlineChart+".png"] == nil || one[reports.HTMLFile] == nil {
		t.Fatalf("%d SVGs, headline PNG %v, report.html %v; want a report", svgs, one["plots/"+reports.HeadlineChart+".png"] != nil, one[reports.HTMLFile] != nil)
	}

	// `legolab report` rewrites the same report from the folder.
	dir := filepath.Join(root, "jobs1")
	if code, _, stderr := legolabReport(dir); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	for name, data := range readTree(t, dir) {
		if !bytes.Equal(one[name], data) {
			t.Errorf("%s rewritten by legolab report differs from the run's", name)
		}
	}

	withPNG := folder(filepath.Join(root, "png"), "--jobs", "2", "--png")
	if len(withPNG) != len(one)+svgs-1 {
		t.Errorf("--png wrote %d files; want %d: a PNG for each of %d charts", len(withPNG), len(one)+svgs-1, svgs)
	}
	for name, data := range one {
		// report.md links other files, and the manifest lists them.
		if name != reports.MarkdownFile && name != outdir.ManifestFile && !bytes.Equal(withPNG[name], data) {
			t.Errorf("%s differs with --png", name)
		}
		if base, ok := strings.CutSuffix(name, ".svg"); ok {
			if withPNG[base+".png"] == nil {
				t.Errorf("--png: %s.png missing", base)
			}
			if !bytes.Contains(withPNG[reports.MarkdownFile], []byte("("+base+".png)")) {
				t.Errorf("--png: report.md does not link %s.png", base)
			}
		}
	}
}

// readTree reads every file under dir, by slash-separated relative name.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)] = mustRead(t, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestCPUProfile checks the hidden --cpuprofile flag: a run writes a
// profile (gzip-compressed protobuf, as go tool pprof reads), and the help
// does not list the flag.
func TestCPUProfile(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := legolab(context.Background(), "run", smallScenario, "--runs", "4", "--out", out, "--no-report", "--quiet", "--cpuprofile", prof); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b := mustRead(t, prof); len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("profile starts % x; want a gzip stream", b[:min(len(b), 2)])
	}
	for _, args := range [][]string{{"--help"}, {"run", "--help"}} {
		_, stdout, _ := legolab(context.Background(), args...)
		if strings.Contains(stdout, "cpuprofile") {
			t.Errorf("%v lists --cpuprofile", args)
		}
	}
	if code, _, stderr := legolab(context.Background(), "version", "--cpuprofile", filepath.Join(t.TempDir(), "no", "such", "dir", "p")); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("unwritable profile: exit %d, %q; want 1 naming the problem", code, stderr)
	}
}
