package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// processorDependent are the functions of package math whose results
// depend on the processor (math.Exp takes another path on amd64 without
// FMA, and these call it): internal/portable has the ones legolab uses.
var processorDependent = map[string]string{
	"Exp": "portable.Exp", "Pow": "portable.Pow", "Erfc": "portable.Erfc", "Tanh": "portable.Tanh",
	"Erf": "", "Sinh": "", "Cosh": "", "Gamma": "",
}

// gonumAllowed are the distuv names legolab may still use: their methods
// it calls (UnitNormal.Quantile, Beta.LogProb) use only math.Log,
// math.Sqrt and math.Lgamma, the same bits on every amd64 processor. The
// test cannot see which method is called: a new call on them needs
// checking by hand.
var gonumAllowed = map[string]bool{"UnitNormal": true, "Beta": true}

// TestNoProcessorDependentMath checks that no code of the module, tests
// aside, calls those functions of package math: every output must have
// the same bits on every amd64 processor (docs/outputs.md, "Across
// machines"), nor gonum's distributions and special functions, which call
// them (but for gonumAllowed). The end-to-end check is cmd/legolab's
// TestSameBytesWithoutFMA.
func TestNoProcessorDependentMath(t *testing.T) {
	root := "../.."
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "testdata" || path == filepath.Join(root, "internal", "portable") || path == filepath.Join(root, "deploy") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		names := map[string]string{} // the name a file gives each package below
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			switch path {
			case "math", "gonum.org/v1/gonum/stat/distuv", "gonum.org/v1/gonum/mathext":
				name := path[strings.LastIndex(path, "/")+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				names[name] = path
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			at, name := fset.Position(sel.Pos()), sel.Sel.Name
			switch names[x.Name] {
			case "math":
				if use, bad := processorDependent[name]; bad {
					hint := "add it to internal/portable"
					if use != "" {
						hint = "use " + use
					}
					t.Errorf("%s: math.%s depends on the processor; %s", at, name, hint)
				}
			case "gonum.org/v1/gonum/stat/distuv":
				if !gonumAllowed[name] {
					t.Errorf("%s: distuv.%s: gonum's distributions call math.Exp and math.Pow; use internal/portable's", at, name)
				}
			case "gonum.org/v1/gonum/mathext":
				t.Errorf("%s: mathext.%s: gonum's special functions call math.Exp and math.Pow; use internal/portable's", at, name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
