package calibrations

import (
	"flag"
	"math"
	"reflect"
	"testing"

	"github.com/invopop/jsonschema"
	"github.com/legolab/legolab/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite calibration.schema.json")

const schemaFile = "calibration.schema.json"

// generateSchema reflects the JSON Schema of the calibration file format
// from File, ABC, Series and Point, then adds what the types cannot say:
// dates as strings, the ranges Parse enforces, the defaults.
func generateSchema(t testing.TB) []byte {
	t.Helper()
	r := schematest.Reflector(reflect.TypeFor[File](), schematest.Comments(t, "calibration.go"))
	s := r.Reflect(&File{})
	s.ID = "https://github.com/legolab/legolab/calibrations/calibration.schema.json"
	s.Title = "legolab calibration file"
	prop := func(def, key string) *jsonschema.Schema { return schematest.Prop(t, s, def, key) }
	num := schematest.Num
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
	return schematest.Encode(t, s)
}

// TestSchema keeps calibration.schema.json in step with the types, and
// checks that it names every key a calibration file may set.
func TestSchema(t *testing.T) {
	got := generateSchema(t)
	schematest.Golden(t, got, schemaFile, "go test ./calibrations -run TestSchema -update", *update)
	schematest.NamesKeys(t, got, schemaFile, reflect.TypeFor[File](), reflect.TypeFor[ABC](), reflect.TypeFor[Series](), reflect.TypeFor[Point]())
}
