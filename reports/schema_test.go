package reports_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
	"github.com/legolab/legolab/internal/schematest"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/reports/reportstest"
)

// The JSON Schemas of the summary.json of a run and of a sweep, shipped
// beside the package and regenerated with
// go test ./reports -run TestSummarySchemas -update.
var summarySchemas = []struct {
	file, id, title string
	v               any
}{
	{"summary.schema.json", "https://github.com/legolab/legolab/reports/summary.schema.json", "legolab run summary.json", &metrics.Summary{}},
	{"sweep-summary.schema.json", "https://github.com/legolab/legolab/reports/sweep-summary.schema.json", "legolab sweep summary.json", &metrics.SweepSummary{}},
}

func summarySchema(t *testing.T, id, title string, v any) []byte {
	t.Helper()
	r := &jsonschema.Reflector{
		// Every field is written (omitempty ones aside), and readers
		// refuse unknown ones, as ReadSummary does.
		RequiredFromJSONSchemaTags: false,
		AllowAdditionalProperties:  false,
	}
	s := r.Reflect(v)
	s.ID, s.Title = jsonschema.ID(id), title
	// A seed is an unsigned 64-bit integer.
	for _, def := range s.Definitions {
		if p, ok := def.Properties.Get("seed"); ok {
			p.Minimum, p.Maximum = json.Number("0"), json.Number("18446744073709551615")
		}
	}
	return schematest.Encode(t, s)
}

// TestSummarySchemas keeps the shipped schemas in step with the types and
// checks them against a summary.json this package writes: every key it
// writes is a property of the schema, and every required property is
// written.
func TestSummarySchemas(t *testing.T) {
	for _, c := range summarySchemas {
		got := summarySchema(t, c.id, c.title, c.v)
		schematest.Golden(t, got, c.file, "go test ./reports -run TestSummarySchemas -update", *update)
	}
	// A summary.json as written, against the run schema, one level deep
	// into each object type.
	d := reportstest.New(reportstest.Options{Scenario: "schema", Horizon: 720, Runs: 8, Seed: 1,
		Variants: []reportstest.Variant{{Name: "a", Rate: 0.01}, {Name: "b", Rate: 0.002}}})
	var b bytes.Buffer
	if err := reports.WriteSummary(&b, &d.Summary); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Defs map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Required   []string                   `json:"required"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(summarySchema(t, summarySchemas[0].id, "", summarySchemas[0].v), &schema); err != nil {
		t.Fatal(err)
	}
	def := schema.Defs[reflect.TypeFor[metrics.Summary]().Name()]
	for k := range doc {
		if _, ok := def.Properties[k]; !ok {
			t.Errorf("summary.json writes %s, which the schema lacks", k)
		}
	}
	for _, k := range def.Required {
		if _, ok := doc[k]; !ok && !strings.HasPrefix(k, "_") {
			t.Errorf("the schema requires %s, which summary.json lacks", k)
		}
	}
}
