package sweeps

import (
	"flag"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
	"github.com/legolab/legolab/internal/schematest"
	"github.com/legolab/legolab/scenarios"
)

var update = flag.Bool("update", false, "rewrite sweep.schema.json")

const schemaFile = "sweep.schema.json"

// generateSchema reflects the JSON Schema of the sweep file format from
// File and Param, then adds the rules validation enforces that the types
// cannot say: the required keys, the design names, the minimums.
func generateSchema(t testing.TB) []byte {
	t.Helper()
	r := schematest.Reflector(reflect.TypeFor[File](), schematest.Comments(t, "sweep.go"))
	s := r.Reflect(&File{})
	s.ID = "https://github.com/legolab/legolab/sweeps/sweep.schema.json"
	s.Title = "legolab sweep file"
	prop := func(def, key string) *jsonschema.Schema { return schematest.Prop(t, s, def, key) }
	num := schematest.Num
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
	return schematest.Encode(t, s)
}

// TestSchema keeps sweep.schema.json in step with the types, and checks
// that it names every key a sweep file may set and requires the keys
// Parse requires.
func TestSchema(t *testing.T) {
	got := generateSchema(t)
	schematest.Golden(t, got, schemaFile, "go test ./sweeps -run TestSchema -update", *update)
	schematest.NamesKeys(t, got, schemaFile, reflect.TypeFor[File](), reflect.TypeFor[Param](), reflect.TypeFor[scenarios.Expect]())
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
