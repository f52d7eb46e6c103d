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

// TestNoProcessorDependentMath checks that no code of the module, tests
// aside, calls those functions of package math: every output must have
// the same bits on every amd64 processor (docs/outputs.md, "Across
// machines"). Calls into gonum, which may make them, are outside
// what this test sees; the end-to-end check is cmd/legolab's
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
		math := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"math"` {
				math = "math"
				if imp.Name != nil {
					math = imp.Name.Name
				}
			}
		}
		if math == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == math {
				if use, bad := processorDependent[sel.Sel.Name]; bad {
					hint := "add it to internal/portable"
					if use != "" {
						hint = "use " + use
					}
					t.Errorf("%s: math.%s depends on the processor; %s", fset.Position(sel.Pos()), sel.Sel.Name, hint)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
