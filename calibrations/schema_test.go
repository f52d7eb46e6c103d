package calibrations

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
)

var update = flag.Bool("update", false, "rewrite calibration.schema.json")

const schemaFile = "calibration.schema.json"

// fieldComments returns the doc comments of calibration.go's fields by
// "Type.Field", one paragraph each, the Go name replaced by the TOML key.
func fieldComments(t testing.TB) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "calibration.go", nil, parser.ParseComments)
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

// generateSchema reflects the JSON Schema of the calibration file format
// from File, ABC, Series and Point, then adds what the types cannot say:
// dates as strings, the ranges Parse enforces, the defaults.
func generateSchema(t testing.TB) []byte {
	t.Helper()
	comments := fieldComments(t)
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
	s.ID = "https://github.com/legolab/legolab/calibrations/calibration.schema.json"
	s.Title = "legolab calibration file"
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
	for _, k := range [][2]string{{"File", "start"}, {"File", "cutoff"}, {"Point", "date"}} {
		p := prop(k[0], k[1])
		desc := p.Description
		*p = jsonschema.Schema{Type: "string", Format: "date", Description: desc}
	}
	seed := prop("File", "seed")
	seed.Minimum, seed.Maximum, seed.Default = num(0), num(math.MaxInt64), 1
	one, most := uint64(1), uint64(MaxSeries)
	prop("File", "series").MinItems, prop("File", "series").MaxItems = &one, &most
	prop("File", "free").MinItems = &one
	p := prop("ABC", "particles")
	p.Minimum, p.Maximum = num(2), num(MaxParticles)
	p = prop("ABC", "max_generations")
	p.Minimum, p.Maximum = num(1), num(MaxGenerations)
	p = prop("ABC", "max_simulations")
	p.Minimum, p.Maximum = num(2), num(MaxSimulations)
	prop("ABC", "alpha").ExclusiveMinimum, prop("ABC", "alpha").ExclusiveMaximum = num(0), num(1)
	prop("ABC", "min_acceptance").ExclusiveMinimum, prop("ABC", "min_acceptance").Maximum = num(0), num(1)
	prop("ABC", "min_eps_decrease").ExclusiveMinimum, prop("ABC", "min_eps_decrease").ExclusiveMaximum = num(0), num(1)
	sc := prop("Series", "scale")
	sc.ExclusiveMinimum, sc.Default = num(0), 1
	prop("Point", "kind").Default = "point"
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSchema keeps calibration.schema.json in step with the types, and
// checks that it names every key a calibration file may set.
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
		t.Fatalf("%v (run go test ./calibrations -run TestSchema -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./calibrations -run TestSchema -update", schemaFile)
	}
	var doc struct {
		Defs map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[File](), reflect.TypeFor[ABC](), reflect.TypeFor[Series](), reflect.TypeFor[Point]()} {
		def := doc.Defs[typ.Name()]
		for i := range typ.NumField() {
			f := typ.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if !f.IsExported() || key == "-" || key == "" {
				if _, ok := def.Properties[f.Name]; ok {
					t.Errorf("%s: %s.%s is not a key but is in the schema", schemaFile, typ.Name(), f.Name)
				}
				continue
			}
			if _, ok := def.Properties[key]; !ok {
				t.Errorf("%s: no property %s in %s", schemaFile, key, typ.Name())
			}
		}
	}
}
