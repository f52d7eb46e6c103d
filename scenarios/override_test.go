package scenarios

import (
	"reflect"
	"slices"
	"testing"
)

const quotedDoc = `
name = "quoted"
dimensions = ["data", "model x"]
[[protocols]]
name = "Sahara AI"
serves = { data = 0.7 }
[[protocols]]
name = "B"
serves = { "model x" = 0.5 }
[[shocks]]
kind = "outage"
day = 10
target = "Sahara AI"
[[variants]]
name = "v"
set.protocols."Sahara AI".openness = 0.2
set."shocks[0]".day = 20
`

func TestQuotedNamesAndIndexKeys(t *testing.T) {
	s, err := Parse("q.toml", []byte(quotedDoc))
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Variant("v")
	if err != nil {
		t.Fatal(err)
	}
	if v.Protocols[0].Openness != 0.2 || *v.Shocks[0].Day != 20 {
		t.Errorf("variant v: openness %v day %v; want 0.2 20", v.Protocols[0].Openness, *v.Shocks[0].Day)
	}
	if err := s.Set(`protocols."Sahara AI".serves.data`, "0.9"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(`protocols.B.standards."model x"`, `"std"`); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(`variants.v.shocks[0].severity`, "0.1"); err != nil {
		t.Fatal(err)
	}
	enc, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("enc", enc)
	if err != nil {
		t.Fatalf("%v\n%s", err, enc)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip differs:\n%s", enc)
	}
	v, err = back.Variant("v")
	if err != nil {
		t.Fatal(err)
	}
	if v.Shocks[0].Severity != 0.1 || v.Protocols[0].Serves["data"] != 0.9 {
		t.Errorf("after round trip: severity %v quality %v", v.Shocks[0].Severity, v.Protocols[0].Serves["data"])
	}
	params := map[string]string{}
	for _, p := range s.Parameters() {
		params[p.Key] = p.Value
	}
	if got := params[`protocols."Sahara AI".serves.data`]; got != "0.9" {
		t.Errorf(`parameter protocols."Sahara AI".serves.data = %q; want 0.9`, got)
	}
	if got := params[`shocks[0].target`]; got != `"Sahara AI"` {
		t.Errorf("parameter shocks[0].target = %q", got)
	}
}

func TestCloneIsDeep(t *testing.T) {
	s, err := Builtin(Default)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Clone()
	if !reflect.DeepEqual(c, s) {
		t.Fatal("clone differs")
	}
	c.Protocols[0].Serves["data"] = 0.01
	c.Protocols[0].Standards["data"] = "x"
	*c.Hubs[0].Enabled = true
	c.Dimensions[0] = "x"
	c.Variants[2].Set["hub"].(map[string]any)["enabled"] = false
	c.Verification.Mechanisms[0] = "x"
	if s.Protocols[0].Serves["data"] == 0.01 || s.Protocols[0].Standards["data"] == "x" || *s.Hubs[0].Enabled ||
		s.Dimensions[0] == "x" || s.Variants[2].Set["hub"].(map[string]any)["enabled"] != true || s.Verification.Mechanisms[0] == "x" {
		t.Error("changing the clone changed the original")
	}
	var nilSpec *Spec
	if nilSpec.Clone() != nil {
		t.Error("nil.Clone() != nil")
	}
}

// TestCopyPlans checks the copy plans on types that the Spec type does not
// have today: a struct with an unexported field (left out, so not copied
// whole), one that refers to itself, and arrays, flat or not.
func TestCopyPlans(t *testing.T) {
	type plain struct {
		A float64
		B [2]int
		S string
	}
	type hidden struct {
		A float64
		b int
	}
	type node struct {
		V    int
		Next *node
	}
	type arrays struct {
		Flat [3]plain
		Deep [2][]int
	}
	seen := map[reflect.Type]*copyPlan{}
	for _, c := range []struct {
		v    any
		flat bool
	}{{plain{}, true}, {hidden{}, false}, {node{}, false}, {arrays{}, false}} {
		if p := planFor(reflect.TypeOf(c.v), seen); p.flat != c.flat {
			t.Errorf("%T: flat %v; want %v", c.v, p.flat, c.flat)
		}
	}
	if p := planFor(reflect.TypeFor[arrays](), seen); !p.fields[0].flat || p.fields[1].flat {
		t.Errorf("arrays: field plans flat %v, %v; want true, false", p.fields[0].flat, p.fields[1].flat)
	}
	// A copy by the plans shares nothing, down a self-referring list and
	// into an array of slices, and leaves an unexported field out.
	src := struct {
		N node
		A arrays
		H hidden
	}{N: node{V: 1, Next: &node{V: 2}}, A: arrays{Deep: [2][]int{{1}, {2, 3}}}, H: hidden{A: 1, b: 2}}
	dst := src
	dst.N, dst.A, dst.H = node{}, arrays{}, hidden{}
	v := reflect.ValueOf(&dst).Elem()
	deepCopy(v, reflect.ValueOf(src), planFor(v.Type(), seen))
	if dst.N.Next == src.N.Next || dst.N.Next.V != 2 || &dst.A.Deep[1][0] == &src.A.Deep[1][0] || dst.A.Deep[1][1] != 3 {
		t.Errorf("copy %+v shares with or differs from %+v", dst, src)
	}
	if dst.H.A != 1 || dst.H.b != 0 {
		t.Errorf("hidden copied as %+v; want A 1 and b left out", dst.H)
	}
}

func TestSetMergesAndReplaces(t *testing.T) {
	s, err := Builtin(Default)
	if err != nil {
		t.Fatal(err)
	}
	// A table merges: only emission_per_day changes.
	if err := s.Set("protocols.Bittensor.token", "{ emission_per_day = 100 }"); err != nil {
		t.Fatal(err)
	}
	if tok := s.Protocols[0].Token; tok.EmissionPerDay != 100 || tok.HalvingDays != 1458 {
		t.Errorf("token after merge = %+v; want emission 100, halving kept", tok)
	}
	// An array of tables replaces, and new elements take their defaults.
	// (The posteriors carried to the hub named interlink go first: they
	// would name a hub that is no more.)
	s.Posteriors = slices.DeleteFunc(s.Posteriors, func(p Posterior) bool { return p.From == "layerzero" })
	if err := s.Set("hubs", `[{ name = "solo", launch_day = 10 }]`); err != nil {
		t.Fatal(err)
	}
	if h := s.Hubs; len(h) != 1 || h[0].AdapterCost != 40 || !*h[0].Enabled || len(h[0].Covers) != len(s.Verification.Mechanisms) {
		t.Errorf("hubs after replace = %+v; want one hub with defaults", h)
	}
	// The variants' hub alias now means the new hub.
	if err := s.Validate(); err != nil {
		t.Errorf("validate after replacing hubs: %v", err)
	}
	if v, err := s.Variant("hub"); err != nil || !*v.Hubs[0].Enabled || v.Hubs[0].Name != "solo" {
		t.Errorf("variant hub after replacing hubs: %v", err)
	}
}
