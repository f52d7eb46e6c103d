package lab

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := WriteFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "one"); return err }); err != nil {
		t.Fatal(err)
	}
	// A failing write leaves the previous file as it was, and no temporary.
	boom := errors.New("boom")
	err := WriteFileAtomic(path, func(w io.Writer) error {
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
	d, err := StageDir(filepath.Join(t.TempDir(), "out"), false)
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
	for _, name := range []string{".r.tmp-2946254648", ".r.tmp-1", ".r.tmp-abc", ".rr.tmp-5", ".r.old-7", "r.tmp-9"} {
		if err := os.MkdirAll(filepath.Join(parent, name, "plots"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A file of that shape is not a staging folder.
	if err := os.WriteFile(filepath.Join(parent, ".r.tmp-77"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := StageDir(filepath.Join(parent, "r"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	for name, want := range map[string]bool{
		".r.tmp-2946254648": false, ".r.tmp-1": false,
		".r.tmp-abc": true, ".rr.tmp-5": true, ".r.old-7": true, "r.tmp-9": true, ".r.tmp-77": true,
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
