package outdir

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Links planted inside an owned folder after the command checked it (the
// checks refuse links; these tests plant them in between): no write and
// no delete may follow them, out of the folder or within it.

// plantedFolder returns an owned run folder holding plots/a.svg and
// checkpoint.jsonl, and a folder outside it holding a.svg, b.txt and
// victim.jsonl, which nothing must touch.
func plantedFolder(t *testing.T) (dir, outside string) {
	t.Helper()
	root := t.TempDir()
	dir, outside = filepath.Join(root, "run"), filepath.Join(root, "outside")
	for _, d := range []string{filepath.Join(dir, "plots"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for p, s := range map[string]string{
		filepath.Join(dir, "plots", "a.svg"):      "mine",
		filepath.Join(dir, "checkpoint.jsonl"):    "{}\n",
		filepath.Join(outside, "a.svg"):           "theirs",
		filepath.Join(outside, "b.txt"):           "theirs",
		filepath.Join(outside, "victim.jsonl"):    "theirs, do not truncate\n",
		filepath.Join(outside, ".a.svg.tmp-1234"): "theirs",
	} {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteManifest(dir, &Manifest{Kind: KindRun, Files: []string{"plots/a.svg", "checkpoint.jsonl"}}); err != nil {
		t.Fatal(err)
	}
	return dir, outside
}

// plant replaces dir/name by a symbolic link to target.
func plant(t *testing.T, dir, name, target string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.Rename(p, p+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// untouched checks that outside holds exactly what plantedFolder put there.
func untouched(t *testing.T, what, outside string) {
	t.Helper()
	entries, err := os.ReadDir(outside)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != ".a.svg.tmp-1234 a.svg b.txt victim.jsonl" {
		t.Errorf("%s: the folder outside holds %s; want it untouched", what, got)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "victim.jsonl")); string(b) != "theirs, do not truncate\n" {
		t.Errorf("%s: victim.jsonl is %q", what, b)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "a.svg")); string(b) != "theirs" {
		t.Errorf("%s: a.svg is %q", what, b)
	}
}

func wantLinkRefused(t *testing.T, what string, err error) {
	t.Helper()
	var no *NotOwnedError
	if !errors.As(err, &no) {
		t.Errorf("%s through a planted link: err = %v; want a NotOwnedError", what, err)
	}
}

func TestInRefusesPlantedLinks(t *testing.T) {
	write := func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }
	for _, tc := range []struct {
		name string
		// target of the link that replaces plots/ ("" for the outside
		// folder); a link within the folder is refused too.
		target string
	}{
		{"plots/ to outside", ""},
		{"plots/ to a folder inside", "inner"},
	} {
		dir, outside := plantedFolder(t)
		in, err := OpenIn(dir) // the command has checked and opened the folder
		if err != nil {
			t.Fatal(err)
		}
		target := outside
		if tc.target != "" {
			target = tc.target
			if err := os.Mkdir(filepath.Join(dir, tc.target), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		plant(t, dir, "plots", target)
		wantLinkRefused(t, tc.name+": write", in.WriteFile("plots/a.svg", write))
		wantLinkRefused(t, tc.name+": write of a new chart", in.WriteFile("plots/new.svg", write))
		wantLinkRefused(t, tc.name+": remove", in.Remove("plots/a.svg"))
		_, err = in.list("plots")
		wantLinkRefused(t, tc.name+": list", err)
		if err := RemoveStaleTemp(dir); err != nil {
			t.Errorf("%s: RemoveStaleTemp: %v", tc.name, err)
		}
		untouched(t, tc.name, outside)
		if tc.target != "" {
			if entries, _ := os.ReadDir(filepath.Join(dir, tc.target)); len(entries) != 0 {
				t.Errorf("%s: wrote %d files through the link", tc.name, len(entries))
			}
		}
		in.Close()
	}
}

func TestInRefusesPlantedFileLinks(t *testing.T) {
	dir, outside := plantedFolder(t)
	in, err := OpenIn(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	plant(t, dir, "checkpoint.jsonl", filepath.Join(outside, "victim.jsonl"))
	_, err = in.OpenAppend("checkpoint.jsonl")
	wantLinkRefused(t, "append", err)
	wantLinkRefused(t, "truncate", in.Truncate("checkpoint.jsonl", 0))
	_, err = in.ReadFile("checkpoint.jsonl")
	wantLinkRefused(t, "read", err)
	// Writing a file replaces the link itself (rename), never its target;
	// removing one removes the link.
	if err := in.WriteFile("checkpoint.jsonl", func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "checkpoint.jsonl")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("after the write, checkpoint.jsonl is %v (%v); want a regular file", fi, err)
	}
	untouched(t, "a file link", outside)

	// A link to a file inside the folder is refused as well.
	plant(t, dir, "checkpoint.jsonl", "plots/a.svg")
	_, err = in.OpenAppend("checkpoint.jsonl")
	wantLinkRefused(t, "append (link inside)", err)
	wantLinkRefused(t, "truncate (link inside)", in.Truncate("checkpoint.jsonl", 0))
	if b, _ := os.ReadFile(filepath.Join(dir, "plots", "a.svg")); string(b) != "mine" {
		t.Errorf("plots/a.svg is %q after a refused truncate", b)
	}
}

// TestRemoveOwnedRefusesPlantedLink: Empty checks the folder, then
// removes its manifest's files; a plots/ replaced by a link to another
// folder in between used to make it delete that folder's a.svg.
func TestRemoveOwnedRefusesPlantedLink(t *testing.T) {
	dir, outside := plantedFolder(t)
	m, err := CheckReplace(dir, KindRun)
	if err != nil {
		t.Fatal(err)
	}
	plant(t, dir, "plots", outside)
	if err := os.Remove(filepath.Join(dir, "plots.moved", "a.svg")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "plots.moved")); err != nil {
		t.Fatal(err)
	}
	wantLinkRefused(t, "removing the owned files", removeOwned(dir, m, false))
	untouched(t, "removeOwned", outside)
}

// TestInFollowsTheGivenPath: the folder's own path may be a link the user
// gave (legolab report out/latest); only links inside it are refused.
func TestInFollowsTheGivenPath(t *testing.T) {
	dir, _ := plantedFolder(t)
	latest := filepath.Join(filepath.Dir(dir), "latest")
	if err := os.Symlink(dir, latest); err != nil {
		t.Fatal(err)
	}
	in, err := OpenIn(latest)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if err := in.WriteFile("plots/b.svg", func(w io.Writer) error { _, err := io.WriteString(w, "b"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "plots", "b.svg")); err != nil || string(b) != "b" {
		t.Errorf("plots/b.svg = %q, %v; want it written in the folder the link names", b, err)
	}
}
