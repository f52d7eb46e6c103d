package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// TestCheckQuiet checks that the quiet check (checkQuiet, which builds no
// key paths) finds a problem exactly when checkBase does, and then returns
// checkBase's problems, on every file of testdata/bad that decodes cleanly
// (their check problems are of every kind: ranges, references, duplicates,
// distributions, sizes) and on the built-ins, valid and with each numeric
// prior's key set far out of range.
func TestCheckQuiet(t *testing.T) {
	full := func(s *Spec) problems {
		ck := &checker{s: s, named: map[string]bool{}}
		ck.checkBase()
		return ck.ps
	}
	compare := func(name string, s *Spec) bool {
		want := full(s)
		got := checkQuiet(s)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: checkQuiet gives %v; checkBase %v", name, got, want)
		}
		return len(want) > 0
	}
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/bad files: %v", err)
	}
	invalid := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var root map[string]any
		if toml.Unmarshal(data, &root) != nil {
			continue
		}
		s, d := decodeSpec(root)
		if len(d.probs) > 0 || len(d.failed) > 0 {
			continue // the decoder's problems: not what checkQuiet sees
		}
		if compare(f, s) {
			invalid++
		}
	}
	if invalid < 20 {
		t.Errorf("only %d testdata/bad files fail checkBase: the test lost its cases", invalid)
	}
	out := 0
	for _, name := range BuiltinNames() {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if compare(name, thetaClone(s)) {
			t.Errorf("%s: checkBase finds problems in a valid built-in", name)
		}
		for i, pr := range s.Priors {
			if pr.Dist == "choice" {
				continue
			}
			for _, x := range []float64{-1e9, 1e9} {
				c := thetaClone(s)
				if len(setValue(c, pr.Key, x)) > 0 {
					continue
				}
				if compare(fmt.Sprintf("%s: priors[%d] %s = %g", name, i, pr.Key, x), c) {
					out++
				}
			}
		}
	}
	t.Logf("%d testdata/bad files and %d out-of-range priors fail checkBase", invalid, out)
	if out == 0 {
		t.Error("no out-of-range prior value fails checkBase: the test lost those cases")
	}
}
