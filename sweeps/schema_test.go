package sweeps

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
	"github.com/legolab/legolab/scenarios"
)

var update = flag.Bool("update", false, "rewrite sweep.schema.json")

const schemaFile = "sweep.schema.json"

// fileComments returns the doc comments of sweep.go's fields by
// "Type.Field", one paragraph each, the Go name replaced by the TOML key.
func fileComments(t testing.TB) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "sweep.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return false
		}
		for _, fl := range st.Fields.List {
			for _, name := range fl.Names {
				text := strings.Join(strings.Fields(fl.Doc.Text()), " ")
				if fl.Tag != nil {
					tag, _ := strconv.Unquote(fl.Tag.Value)
					key, _, _ := strings.Cut(reflect.StructTag(tag).Get("toml"), ",")
					if rest, ok := strings.CutPrefix(text, name.Name+" "); ok && key != "" && key != "-" {
						text = "`" + key + "` " + rest
					}
				}
				out[ts.Name.Name+"."+name.Name] = text
			}
		}
		return false
	})
	return out
}

// generateSchema reflects the JSON Schema of the sweep file format from
// File and Param, then adds the rules validation enforces that the types
// cannot say: the required keys, the design names, the minimums.
func generateSchema(t testing.TB) []byte {
	t.Helper()
	comments := fileComments(t)
	r := &jsonschema.Reflector{
		FieldNameTag:               "toml",
		RequiredFromJSONSchemaTags: true,
		LookupComment: func(typ reflect.Type, field string) string {
			if typ.PkgPath() != reflect.TypeFor[File]().PkgPath() || field == "" {
				return ""
			}
			return comments[typ.Name()+"."+field]
		},
	}
	s := r.Reflect(&File{})
	s.ID = "https://github.com/legolab/legolab/sweeps/sweep.schema.json"
	s.Title = "legolab sweep file"
	prop := func(def, key string) *jsonschema.Schema {
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
	num := func(x int64) json.Number { return json.Number(strconv.FormatInt(x, 10)) }
	// params is not required: a csv design's come from its file.
	s.Definitions["File"].Required = []string{"scenario", "design"}
	s.Definitions["Param"].Required = []string{"key"}
	design := prop("File", "design")
	for _, name := range DesignNames() {
		design.Enum = append(design.Enum, name)
	}
	prop("File", "samples").Minimum = num(1)
	prop("File", "trajectories").Minimum = num(2)
	prop("File", "levels").Minimum = num(2)
	prop("File", "bootstrap").Minimum = num(0)
	rep := prop("File", "replications")
	rep.Minimum, rep.Default = num(1), 20
	seed := prop("File", "seed")
	seed.Minimum, seed.Maximum, seed.Default = num(0), num(math.MaxInt64), 1
	prop("File", "scramble").Default = true
	one := uint64(1)
	prop("File", "params").MinItems = &one
	prop("Param", "scale").Enum = []any{"linear", "log"}
	prop("Param", "type").Enum = []any{"real", "int"}
	prop("Param", "levels").Minimum = num(2)
	prop("Param", "values").Items = &jsonschema.Schema{AnyOf: []*jsonschema.Schema{{Type: "number"}, {Type: "string"}, {Type: "boolean"}}}
	prop("Param", "values").MinItems = &one
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSchema keeps sweep.schema.json in step with the types, and checks
// that it names every key a sweep file may set and requires the keys
// Parse requires.
func TestSchema(t *testing.T) {
	got := generateSchema(t)
	if *update {
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v (run go test ./sweeps -run TestSchema -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./sweeps -run TestSchema -update", schemaFile)
	}
	var doc struct {
		Defs map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Required   []string                   `json:"required"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[File](), reflect.TypeFor[Param](), reflect.TypeFor[scenarios.Expect]()} {
		def := doc.Defs[typ.Name()]
		for i := range typ.NumField() {
			f := typ.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if !f.IsExported() || key == "-" || key == "" {
				continue
			}
			if _, ok := def.Properties[key]; !ok {
				t.Errorf("%s: no property %s in %s", schemaFile, key, typ.Name())
			}
		}
	}
	// Each required key: a sweep file without it is refused.
	full := "name = \"s\"\nscenario = \"deai-2025\"\ndesign = \"grid\"\n[[params]]\nkey = \"builders.bass_q\"\nmin = 0.1\nmax = 0.5\nlevels = 3\n"
	if _, err := Parse([]byte(full), ""); err != nil {
		t.Fatalf("the complete sweep is refused: %v", err)
	}
	for _, c := range []struct{ key, line string }{
		{"scenario", "scenario = \"deai-2025\"\n"}, {"design", "design = \"grid\"\n"},
	} {
		if _, err := Parse([]byte(strings.Replace(full, c.line, "", 1)), ""); err == nil {
			t.Errorf("a sweep without %s is accepted, but the schema requires it", c.key)
		}
	}
	// The designs the schema names are those Parse accepts.
	for _, name := range DesignNames() {
		if !strings.Contains(string(got), strconv.Quote(name)) {
			t.Errorf("%s does not name the design %s", schemaFile, name)
		}
	}
}
