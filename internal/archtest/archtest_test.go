package archtest

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/legolab/legolab"

// rank orders the project packages from the core (low) to the consumers (high). A package
// may import only packages of a strictly lower rank; packages of one rank are independent.
// A package not listed (a new one) must be added here, so the test fails on it.
var rank = map[string]int{
	"stats":        0,
	"sim":          0,
	"scenarios":    1,
	"calib":        1, // ABC-SMC core: imports stats only (rank 1 because a package may import only lower ranks)
	"agents":       2,
	"sweeps":       2, // sweep files and designs (scenarios below it; metrics, reports, lab above)
	"calibrations": 2, // calibration files (scenarios, calib and data below it; lab above)
	"data":         0, // the embedded analogs.csv; imports nothing
	"metrics":      3,
	"reports":      4,
	"lab":          5,
	"cmd":          6,
}

// pkg is what go list says of one package.
type pkg struct {
	ImportPath   string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// list returns every package of the module, with its direct imports and all dependencies.
func list(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages")
	}
	return pkgs
}

// top returns the first path element of a project package below the module ("lab" for
// module/lab, "cmd" for module/cmd/legolab), and false for a package outside the module.
func top(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, module+"/")
	if !ok {
		return "", false
	}
	first, _, _ := strings.Cut(rest, "/")
	return first, true
}

// projectDeps returns the project packages among deps.
func projectDeps(deps []string) []string {
	var out []string
	for _, d := range deps {
		if _, ok := top(d); ok {
			out = append(out, d)
		}
	}
	return out
}

func find(t *testing.T, pkgs []pkg, path string) pkg {
	t.Helper()
	i := slices.IndexFunc(pkgs, func(p pkg) bool { return p.ImportPath == path })
	if i < 0 {
		t.Fatalf("package %s not found", path)
	}
	return pkgs[i]
}

// TestCoreImportsNoProjectPackage checks that stats and sim depend, directly or not, on no
// package of the module: stdlib (and gonum for stats) only, but for stats's
// internal/portable, a leaf on package math alone.
func TestCoreImportsNoProjectPackage(t *testing.T) {
	pkgs := list(t)
	leaf := module + "/internal/portable"
	if deps := projectDeps(find(t, pkgs, leaf).Deps); len(deps) > 0 {
		t.Errorf("internal/portable depends on project packages %v; want none", deps)
	}
	for _, name := range []string{"stats", "sim"} {
		p := find(t, pkgs, module+"/"+name)
		deps := projectDeps(p.Deps)
		if name == "stats" {
			deps = slices.DeleteFunc(deps, func(d string) bool { return d == leaf })
		}
		if len(deps) > 0 {
			t.Errorf("%s depends on project packages %v; want none", name, deps)
		}
	}
}

// TestNoUpwardImports checks that every import of a project package, tests included, points
// to a package of lower rank, or stays inside its own tree (lab/x importing lab).
func TestNoUpwardImports(t *testing.T) {
	for _, p := range list(t) {
		from, _ := top(p.ImportPath)
		rf, ok := rank[from]
		if !ok {
			if from == "internal" {
				continue // this package and other internal helpers sit outside the layers
			}
			t.Errorf("package %s has no rank in archtest; add it to rank", p.ImportPath)
			continue
		}
		imports := slices.Concat(p.Imports, p.TestImports, p.XTestImports)
		for _, imp := range imports {
			to, ok := top(imp)
			if !ok || to == from {
				continue
			}
			rt, ok := rank[to]
			if !ok {
				if to == "internal" {
					continue
				}
				t.Errorf("%s imports %s, which has no rank in archtest", p.ImportPath, imp)
				continue
			}
			if rt >= rf {
				t.Errorf("%s imports %s: %s (rank %d) must not import %s (rank %d)", p.ImportPath, imp, from, rf, to, rt)
			}
		}
	}
}

// TestReportsNeverSeeTheModel checks that reports renders results only: it never depends on
// the engine or the model.
func TestReportsNeverSeeTheModel(t *testing.T) {
	for _, p := range list(t) {
		if from, _ := top(p.ImportPath); from != "reports" {
			continue
		}
		for _, d := range projectDeps(p.Deps) {
			if to, _ := top(d); to == "sim" || to == "agents" {
				t.Errorf("%s depends on %s (its project imports: %v); reports must render results only", p.ImportPath, d, projectDeps(p.Imports))
			}
		}
	}
}
