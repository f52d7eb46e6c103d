// Package schematest holds what the JSON Schema tests of legolab's three
// file formats (scenarios, sweeps, calibrations) share: descriptions from
// the Go doc comments, a property lookup, the encoding, the golden-file
// check and the check that the schema names every key. Only tests import
// it.
package schematest

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
)

// Comments returns the doc comments of the types ("Type") and struct
// fields ("Type.Field") declared in the Go file at path, one paragraph
// each, with a field's leading Go name replaced by its TOML key.
func Comments(t testing.TB, path string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, sp := range g.Specs {
			ts := sp.(*ast.TypeSpec)
			doc := ts.Doc
			if doc == nil {
				doc = g.Doc
			}
			out[ts.Name.Name] = Paragraph(doc.Text())
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, fl := range st.Fields.List {
				for _, n := range fl.Names {
					text := Paragraph(fl.Doc.Text())
					if key := tomlKey(fl.Tag); key != "" && key != "-" {
						if rest, ok := strings.CutPrefix(text, n.Name+" "); ok {
							text = "`" + key + "` " + rest
						}
					}
					out[ts.Name.Name+"."+n.Name] = text
				}
			}
		}
	}
	return out
}

func tomlKey(tag *ast.BasicLit) string {
	if tag == nil {
		return ""
	}
	s, _ := strconv.Unquote(tag.Value)
	key, _, _ := strings.Cut(reflect.StructTag(s).Get("toml"), ",")
	return key
}

// Paragraph joins s's lines and collapses its runs of white space.
func Paragraph(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Reflector returns a reflector that names properties by their TOML keys
// and describes the types of pkg (the package of root, the format's top
// type) and their fields by comments, as Comments returns them.
func Reflector(root reflect.Type, comments map[string]string) *jsonschema.Reflector {
	return &jsonschema.Reflector{
		FieldNameTag:               "toml",
		RequiredFromJSONSchemaTags: true,
		LookupComment: func(typ reflect.Type, field string) string {
			if typ.PkgPath() != root.PkgPath() {
				return ""
			}
			if field == "" {
				return comments[typ.Name()]
			}
			return comments[typ.Name()+"."+field]
		},
	}
}

// Prop returns the property key of the definition def in s.
func Prop(t testing.TB, s *jsonschema.Schema, def, key string) *jsonschema.Schema {
	t.Helper()
	d := s.Definitions[def]
	if d == nil {
		t.Fatalf("no definition %s", def)
	}
	p, ok := d.Properties.Get(key)
	if !ok {
		t.Fatalf("no property %s.%s", def, key)
	}
	return p
}

// Num is x as a JSON number, for a schema's bounds.
func Num(x int64) json.Number { return json.Number(strconv.FormatInt(x, 10)) }

// Encode returns s as indented JSON, with no HTML escapes.
func Encode(t testing.TB, s *jsonschema.Schema) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Golden compares got with the file at path, or rewrites the file when
// update is set. rerun is the command that rewrites it, for the message
// (e.g. "go test ./sweeps -run TestSchema -update").
func Golden(t testing.TB, got []byte, path, rerun string, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run %s)", err, rerun)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run %s", path, rerun)
	}
}

// NamesKeys checks that the schema got (named file in messages) has, in
// the definition of each of types, a property for every exported field
// with a TOML key, and none named after a field without one.
func NamesKeys(t testing.TB, got []byte, file string, types ...reflect.Type) {
	t.Helper()
	var doc struct {
		Defs map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	for _, typ := range types {
		def, ok := doc.Defs[typ.Name()]
		if !ok {
			t.Errorf("%s: no definition of %s", file, typ.Name())
			continue
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if !f.IsExported() || key == "-" || key == "" {
				if _, ok := def.Properties[f.Name]; ok {
					t.Errorf("%s: %s.%s is not a key but is in the schema", file, typ.Name(), f.Name)
				}
				continue
			}
			if _, ok := def.Properties[key]; !ok {
				t.Errorf("%s: no property %s in %s", file, key, typ.Name())
			}
		}
	}
}
