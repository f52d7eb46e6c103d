package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BadFile is a scenario file of testdata/bad with the problems it must
// produce: one "# want: TEXT" comment per problem, TEXT a substring of the
// problem as Error formats it without the file name ("LINE:COL: path: msg").
type badFile struct {
	name  string
	path  string
	wants []string
}

func readBadFiles(t testing.TB) []badFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "bad", "*.toml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no bad files: %v", err)
	}
	var out []badFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b := badFile{name: strings.TrimSuffix(filepath.Base(p), ".toml"), path: p}
		for _, line := range strings.Split(string(data), "\n") {
			if w, ok := strings.CutPrefix(line, "# want: "); ok {
				b.wants = append(b.wants, w)
			}
		}
		if len(b.wants) == 0 {
			t.Fatalf("%s: no # want lines", p)
		}
		out = append(out, b)
	}
	return out
}

func TestBadFiles(t *testing.T) {
	bad := readBadFiles(t)
	if len(bad) < 40 {
		t.Errorf("%d bad files; want at least 40", len(bad))
	}
	for _, b := range bad {
		_, err := Load(b.path)
		if err == nil {
			t.Errorf("%s: loaded without error", b.name)
			continue
		}
		errs := Errors(err)
		var got []string
		for _, e := range errs {
			if e.File != b.path {
				t.Errorf("%s: error names file %q; want %q", b.name, e.File, b.path)
			}
			got = append(got, strings.TrimPrefix(e.Error(), b.path+":"))
		}
		if len(got) != len(b.wants) {
			t.Errorf("%s: %d problems; want %d:\n  got:  %s\n  want: %s", b.name, len(got), len(b.wants), strings.Join(got, "\n        "), strings.Join(b.wants, "\n        "))
			continue
		}
		// Each want matches its own problem, in file order.
		for i, w := range b.wants {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: problem %d = %q; want it to contain %q", b.name, i, got[i], w)
			}
		}
	}
}
