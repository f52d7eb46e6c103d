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
