package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/reports/reportstest"
)

// legolabReport runs `legolab report` in-process.
func legolabReport(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), append([]string{"report"}, args...), &o, &e)
	return code, o.String(), e.String()
}

func TestReportRegenerates(t *testing.T) {
	dir := t.TempDir()
	d := reportstest.New(reportstest.Options{
		Scenario: "cli", Horizon: 1460, Runs: 60, Seed: 3, Protocols: 10,
		Observables: []string{"composability_index", "hub_share"},
		Variants:    []reportstest.Variant{{Name: "hub", Rate: 1.0 / 400}, {Name: "defacto", Rate: 1.0 / 900}},
	})
	if err := reportstest.WriteDir(dir, d); err != nil {
		t.Fatal(err)
	}
	// A chart of an earlier report that this one does not make (in the
	// manifest, so legolab's), and a file that legolab did not write.
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plots/fan-gone.svg"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	markFolder(t, dir, outdir.KindRun)
	for _, name := range []string{"plots/notes.txt", "plots/mine.svg"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := legolabReport(dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, filepath.Join(dir, "report.html")) || !strings.Contains(stdout, "charts)") {
		t.Errorf("stdout does not name the report:\n%s", stdout)
	}
	// The files are those reports.Files makes from the saved data.
	read, err := reports.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := reports.Files(read)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range want {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if !bytes.Equal(got, f.Data) {
			t.Errorf("%s differs from what reports.Files renders", f.Name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "plots", "fan-gone.svg")); !os.IsNotExist(err) {
		t.Errorf("stale chart plots/fan-gone.svg: got err %v; want it removed", err)
	}
	for _, name := range []string{"notes.txt", "mine.svg"} {
		if _, err := os.Stat(filepath.Join(dir, "plots", name)); err != nil {
			t.Errorf("plots/%s, which legolab did not write, was touched: %v", name, err)
		}
	}
	// No temporary file is left behind.
	err = filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if strings.Contains(filepath.Base(p), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// markFolder writes a manifest of kind into dir listing every regular file
// now under it, as if legolab had written them.
func markFolder(t *testing.T, dir, kind string) {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err == nil {
		err = outdir.WriteManifest(dir, &outdir.Manifest{Kind: kind, Files: files})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestReportErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no folder", nil, 2, "accepts 1 arg"},
		{"two folders", []string{"a", "b"}, 2, "accepts 1 arg"},
		{"missing folder", []string{filepath.Join(empty, "nope")}, 1, "no such file"},
		{"not a run folder", []string{empty}, 1, outdir.ManifestFile},
	} {
		code, _, stderr := legolabReport(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d mentioning %q", tc.name, code, stderr, tc.code, tc.want)
		}
	}
}

// TestReportSweepFolder checks that `legolab report` on a sweep folder
// rewrites the sweep's report, byte for byte as the sweep wrote it, and
// refuses a shard folder with a pointer to merge.
func TestReportSweepFolder(t *testing.T) {
	withFake(t, &cliFake{})
	path := writeCLIFiles(t)
	root := t.TempDir()
	dir := filepath.Join(root, "sweep")
	if code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	want := map[string][]byte{}
	for _, name := range []string{"report.md", "report.html"} {
		want[name] = mustRead(t, filepath.Join(dir, name))
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	// A chart of an older report (in the manifest) is removed.
	stale := filepath.Join(dir, "plots", "sensitivity-1.png")
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := outdir.UpdateManifest(dir, []string{"plots/sensitivity-1.png"}, nil); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := sweepCLI(context.Background(), "report", dir)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, filepath.Join(dir, "report.html")) || !strings.Contains(stdout, "charts)") {
		t.Errorf("stdout %q; want the files written", stdout)
	}
	for name, w := range want {
		if got := mustRead(t, filepath.Join(dir, name)); !bytes.Equal(got, w) {
			t.Errorf("regenerated %s differs from the sweep's", name)
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a stale chart was left in plots/")
	}

	shard := filepath.Join(root, "shard")
	if code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--shard", "1/2", "--out", shard, "--quiet", "--no-report"); code != 0 {
		t.Fatalf("shard: exit %d: %s", code, stderr)
	}
	code, _, stderr = sweepCLI(context.Background(), "report", shard)
	if code != 1 || !strings.Contains(stderr, "shard 1/2 of a sweep") || !strings.Contains(stderr, "legolab merge") {
		t.Errorf("report on a shard: exit %d, stderr %q; want 1 and a pointer to merge", code, stderr)
	}
}
