package outdir

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "one"); return err }); err != nil {
		t.Fatal(err)
	}
	// A failing write leaves the previous file as it was, and no temporary.
	boom := errors.New("boom")
	err := WriteFile(path, func(w io.Writer) error {
		io.WriteString(w, "two, half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v; want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Errorf("content %q; want the previous %q", b, "one")
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v (%v); want 0644", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d entries; want only f.txt", len(entries))
	}
}

func TestDirPath(t *testing.T) {
	d, err := Stage(filepath.Join(t.TempDir(), "out"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	for _, bad := range []string{"", "../x", "/etc/passwd", "plots/../../x"} {
		if _, err := d.Path(bad); err == nil {
			t.Errorf("Path(%q) accepted a name outside the directory", bad)
		}
	}
	p, err := d.Path("plots/km.svg")
	if err != nil || p != filepath.Join(d.Staging, "plots", "km.svg") {
		t.Errorf("Path(plots/km.svg) = %q, %v", p, err)
	}
	if fi, err := os.Stat(filepath.Dir(p)); err != nil || !fi.IsDir() {
		t.Errorf("plots/ not created: %v", err)
	}
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.Staging); !errors.Is(err, os.ErrNotExist) {
		t.Error("Abort left the staging directory")
	}
}

// TestStageDirRemovesStaleStaging checks that staging a target removes the
// staging folders a killed run of the same target left, and nothing else.
func TestStageDirRemovesStaleStaging(t *testing.T) {
	parent := t.TempDir()
	for _, name := range []string{".r.tmp-2946254648", ".r.tmp-1", ".r.tmp-abc", ".rr.tmp-5", ".r.old-x7", "r.tmp-9"} {
		if err := os.MkdirAll(filepath.Join(parent, name, "plots"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A file of that shape is not a staging folder.
	if err := os.WriteFile(filepath.Join(parent, ".r.tmp-77"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Stage(filepath.Join(parent, "r"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	for name, want := range map[string]bool{
		".r.tmp-2946254648": false, ".r.tmp-1": false,
		".r.tmp-abc": true, ".rr.tmp-5": true, ".r.old-x7": true, "r.tmp-9": true, ".r.tmp-77": true,
	} {
		_, err := os.Stat(filepath.Join(parent, name))
		if got := err == nil; got != want {
			t.Errorf("%s: exists %v; want %v", name, got, want)
		}
	}
	if _, err := os.Stat(d.Staging); err != nil {
		t.Errorf("the new staging folder: %v", err)
	}
}

// TestRemoveStaleTemp checks that a sweep folder's temporary files from a
// killed writer go, and its outputs stay.
func TestRemoveStaleTemp(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{ // name: kept
		"points.csv": true, ".points.csv.tmp-123": false, "plots/.heatmap.png.tmp-9": false,
		"plots/heatmap.png": true, ".notes.tmp-x": true, "checkpoint.jsonl": true, ".tmp-5": true,
	}
	for name := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveStaleTemp(dir); err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if got := err == nil; got != want {
			t.Errorf("%s: exists %v; want %v", name, got, want)
		}
	}
}

// TestStageRecoversOld checks that a kill between Commit's two renames
// loses nothing: the next Stage puts the previous results back, and a copy
// left beside a target that is in place is removed (only its manifest's
// files; a copy without a manifest is never deleted).
func TestStageRecoversOld(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "r")
	old := filepath.Join(parent, ".r.old-123")
	if err := os.MkdirAll(old, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, "summary.json"), []byte("prev"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteManifest(old, &Manifest{Kind: KindRun, Files: []string{"summary.json"}}); err != nil {
		t.Fatal(err)
	}
	d, err := Stage(target, Options{Force: true, Kind: KindRun})
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if b, err := os.ReadFile(filepath.Join(target, "summary.json")); err != nil || string(b) != "prev" {
		t.Errorf("restored summary.json: %q, %v; want %q", b, err, "prev")
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old copy is still there: %v", err)
	}
	// With the target in place, a leftover copy is removed.
	left := filepath.Join(parent, ".r.old-9")
	if err := os.MkdirAll(filepath.Join(left, "plots"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(left, "plots", "a.svg"), []byte("x"), 0o644)
	if err := WriteManifest(left, &Manifest{Kind: KindRun, Files: []string{"plots/a.svg"}}); err != nil {
		t.Fatal(err)
	}
	foreignCopy := filepath.Join(parent, ".r.old-10")
	os.MkdirAll(foreignCopy, 0o755)
	os.WriteFile(filepath.Join(foreignCopy, "mine.txt"), []byte("x"), 0o644)
	d, err = Stage(target, Options{Force: true, Kind: KindRun})
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the leftover copy is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(foreignCopy, "mine.txt")); err != nil {
		t.Errorf("a copy without a manifest was deleted: %v", err)
	}
	// Nor is such a copy put back in place of a missing target.
	os.RemoveAll(target)
	d, err = Stage(target, Options{Kind: KindRun})
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a copy without a manifest was restored as %s: %v", target, err)
	}
}

// TestCommitOwnership checks that replacing a folder keeps none of the
// files its manifest lists, that a folder without a manifest, of another
// kind or holding files the manifest does not list is refused and left
// whole, and that the new folder carries a manifest of what was staged.
func TestCommitOwnership(t *testing.T) {
	target := filepath.Join(t.TempDir(), "r")
	write := func(names ...string) {
		for _, name := range names {
			p := filepath.Join(target, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("checkpoint.jsonl", "plots/old.svg")
	var owned *NotOwnedError
	if _, err := Stage(target, Options{Force: true, Kind: KindSweep}); !errors.As(err, &owned) || !strings.Contains(err.Error(), "no "+ManifestFile) {
		t.Fatalf("Stage without a manifest: err %v; want a *NotOwnedError naming it", err)
	}
	if err := WriteManifest(target, &Manifest{Kind: KindSweep, Files: []string{"checkpoint.jsonl", "plots/old.svg"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Stage(target, Options{Force: true, Kind: KindRun}); !errors.As(err, &owned) || !strings.Contains(err.Error(), "a sweep folder, not a run folder") {
		t.Fatalf("Stage of another kind: err %v", err)
	}
	if _, err := Stage(target, Options{Kind: KindSweep}); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("Stage without force: err %v; want ErrNotEmpty", err)
	}
	write("whatever.txt")
	if _, err := Stage(target, Options{Force: true, Kind: KindSweep}); !errors.As(err, &owned) || !strings.Contains(err.Error(), "did not write (whatever.txt)") {
		t.Fatalf("Stage over a foreign file: err %v", err)
	}
	if err := os.Remove(filepath.Join(target, "whatever.txt")); err != nil {
		t.Fatal(err)
	}
	d, err := Stage(target, Options{Force: true, Kind: KindSweep, Version: "v"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"checkpoint.jsonl", "plots/new.svg", "checkpoint.jsonl"} {
		if err := d.WriteFile(name, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := strings.Join(d.Names(), ","), "checkpoint.jsonl,plots/new.svg"; got != want {
		t.Errorf("Names %s; want %s", got, want)
	}
	// A foreign file appearing after Stage is caught at Commit.
	write("late.txt")
	if err := d.Commit(); err == nil || !strings.Contains(err.Error(), "late.txt") {
		t.Fatalf("Commit over a foreign file: err %v", err)
	}
	os.Remove(filepath.Join(target, "late.txt"))
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	var got []string
	filepath.WalkDir(target, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(target, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return err
	})
	if g, want := strings.Join(got, ","), ManifestFile+",checkpoint.jsonl,plots/new.svg"; g != want {
		t.Errorf("files after Commit: %s; want %s", g, want)
	}
	m, err := ReadManifest(target)
	if err != nil || m.Kind != KindSweep || m.Version != "v" || strings.Join(m.Files, ",") != "checkpoint.jsonl,plots/new.svg" {
		t.Errorf("manifest after Commit: %+v, %v", m, err)
	}
}
