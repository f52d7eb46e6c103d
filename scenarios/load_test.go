package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBuiltinsLoadAndRoundTrip(t *testing.T) {
	for _, b := range Builtins() {
		s, err := Builtin(b.Name)
		if err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		if s.Name != b.Name {
			t.Errorf("%s: name = %q; want %q", b.Name, s.Name, b.Name)
		}
		if b.Description == "" || strings.Contains(b.Description, "\n") {
			t.Errorf("%s: description %q; want one non-empty line", b.Name, b.Description)
		}
		enc, err := s.Encode()
		if err != nil {
			t.Fatalf("%s: Encode: %v", b.Name, err)
		}
		back, err := Parse(b.Name+" (encoded)", enc)
		if err != nil {
			t.Fatalf("%s: Parse(Encode): %v\n%s", b.Name, err, enc)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("%s: Parse(Encode(s)) differs from s", b.Name)
		}
		for _, v := range s.VariantNames() {
			vs, err := s.Variant(v)
			if err != nil {
				t.Errorf("%s: Variant(%s): %v", b.Name, v, err)
				continue
			}
			enc, err := vs.Encode()
			if err != nil {
				t.Fatalf("%s/%s: Encode: %v", b.Name, v, err)
			}
			if back, err := Parse("x", enc); err != nil || !reflect.DeepEqual(back, vs) {
				t.Errorf("%s/%s: round trip failed: %v", b.Name, v, err)
			}
		}
	}
}

func TestBuiltinOrder(t *testing.T) {
	names := BuiltinNames()
	if names[0] != Default {
		t.Errorf("first built-in = %s; want %s", names[0], Default)
	}
	if !slices.IsSorted(names[1:]) {
		t.Errorf("built-ins after the default not sorted: %v", names)
	}
	for _, want := range []string{"deai-2025", "defi-2017", "subnets-128", "scale-1000"} {
		if !slices.Contains(names, want) {
			t.Errorf("missing built-in %s in %v", want, names)
		}
	}
}

func TestMinimalDefaults(t *testing.T) {
	s, err := Parse("min.toml", []byte(`
name = "min"
[[protocols]]
name = "A"
serves = { data = 0.5 }
openness = 0
[[hubs]]
name = "h"
`))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"start", s.Start, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"horizon_days", s.HorizonDays, 3650.0},
		{"sample_every_days", s.SampleEveryDays, 7.0},
		{"runs", s.Runs, 200},
		{"seed", s.Seed, uint64(1)},
		{"dimensions", s.Dimensions, []string{"data", "model", "compute", "storage"}},
		{"openness explicit 0 kept", s.Protocols[0].Openness, 0.0},
		{"verification", s.Protocols[0].Verification, "none"},
		{"incentive", s.Protocols[0].Incentive, "fees"},
		{"standards", s.Protocols[0].Standards, map[string]string{"data": "A"}},
		{"price", s.Protocols[0].Token.PriceKUSD, 0.001},
		{"verification cross", s.Verification.Cross, 20.0},
		{"settlement cross", s.Settlement.Cross, 5.0},
		{"settlement mechanisms", s.Settlement.Mechanisms, []string{"emissions", "fees", "royalties", "staking"}},
		{"hub enabled", *s.Hubs[0].Enabled, true},
		{"hub launch", s.Hubs[0].LaunchDay, 365.0},
		{"hub covers", s.Hubs[0].Covers, s.Verification.Mechanisms},
		{"market", s.Builders.MarketPotential, 5000.0},
		{"q", s.Builders.QPerYear, 0.38},
		{"consideration", s.Choice.ConsiderationSet, 5},
		{"standard rule", s.Standards.Rule, "threshold"},
		{"lego growth", s.Lego.GrowthMin, 2.0},
		{"app types", len(s.AppTypes), 4},
		{"variants", s.VariantNames(), []string{"base"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
}

func TestDefaultAppTypes(t *testing.T) {
	cases := []struct {
		dims []string
		want []string
	}{
		{[]string{"data", "model", "compute", "storage"}, []string{"inference-agent", "training", "data-app", "full-stack-agent"}},
		{[]string{"capital"}, []string{"capital-app"}},
		{[]string{"model", "compute", "energy"}, []string{"inference-agent", "full-stack-agent", "energy-app"}},
	}
	for _, c := range cases {
		var got []string
		for _, a := range DefaultAppTypes(c.dims) {
			got = append(got, a.Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("DefaultAppTypes(%v) = %v; want %v", c.dims, got, c.want)
		}
	}
}

func TestStartDate(t *testing.T) {
	for _, doc := range []string{"start = 2017-12-01", "start = 2017-12-01T00:00:00+05:00", "start = 2017-12-01T00:00:00"} {
		s, err := Parse("d.toml", []byte("name='x'\n"+doc+"\n[[protocols]]\nname='A'\nserves={data=1}\n"))
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if want := time.Date(2017, 12, 1, 0, 0, 0, 0, time.UTC); !s.Start.Equal(want) || s.Start.Location() != time.UTC {
			t.Errorf("%s: start = %v; want %v", doc, s.Start, want)
		}
	}
}

func TestSetAndApply(t *testing.T) {
	base, err := Builtin(Default)
	if err != nil {
		t.Fatal(err)
	}
	s := base.Clone()
	// The override path alone: without the built-in's priors, since a
	// variant's set may not fix a key that has a prior (priors_test.go).
	s.Priors = nil
	err = s.Apply([]string{
		"hub.adapter_cost=30",
		"protocols.Bittensor.openness=0.7",
		"protocols[1].verification=zk",
		"protocols.Sahara.serves.storage = 0.2",
		"builders.market_potential=1e4",
		"variants.hub.hub.launch_day=180",
		"shocks=[{kind='crash', day=100.0, target='Bittensor'}]",
		"shocks[0].severity=0.9",
		"start=2026-01-01",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Hubs[0].AdapterCost; got != 30 {
		t.Errorf("adapter_cost = %v; want 30", got)
	}
	if got := s.Protocols[1].Verification; got != "zk" {
		t.Errorf("verification = %v; want zk", got)
	}
	if got := s.Protocols[4].Serves["storage"]; got != 0.2 {
		t.Errorf("Sahara storage = %v; want 0.2", got)
	}
	if got := s.Shocks[0]; got.Severity != 0.9 || got.DurationDays != 30 || *got.Day != 100 {
		t.Errorf("shock = %+v; want severity 0.9, duration default 30, day 100", got)
	}
	if base.Hubs[0].AdapterCost != 40 {
		t.Errorf("Clone shares memory: base adapter_cost = %v", base.Hubs[0].AdapterCost)
	}
	v, err := s.Variant("hub")
	if err != nil {
		t.Fatal(err)
	}
	if !*v.Hubs[0].Enabled || v.Hubs[0].LaunchDay != 180 || v.Hubs[0].AdapterCost != 30 {
		t.Errorf("variant hub: enabled %v launch %v adapter %v; want true 180 30", *v.Hubs[0].Enabled, v.Hubs[0].LaunchDay, v.Hubs[0].AdapterCost)
	}
	// Overriding the same target under another spelling replaces the entry.
	if err := s.Set("variants.hub.hubs.interlink.launch_day", "200"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Variant("hub"); v.Hubs[0].LaunchDay != 200 {
		t.Errorf("after respelled override, launch_day = %v; want 200", v.Hubs[0].LaunchDay)
	}
	if n := len(flattenSet(s.Variants[2].Set)); n != 2 {
		t.Errorf("variant hub has %d entries; want 2 (enabled, launch_day): %v", n, s.Variants[2].Set)
	}
}

func TestSetErrors(t *testing.T) {
	s, err := Builtin(Default)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ assign, path, msg string }{
		{"protocols.Bitensor.openness=0.7", "protocols.Bitensor", "did you mean Bittensor"},
		{"protocols.Bittensor.opennes=0.7", "protocols.Bittensor.opennes", "did you mean openness"},
		{"protocols.Bittensor.openness=high", "protocols.Bittensor.openness", "expected a number"},
		{"protocols.Bittensor.openness=1.5", "protocols.Bittensor.openness", "must be in [0, 1]"},
		{"horizon_days=0", "horizon_days", "must be in (0, 36525]"},
		{"shocks.x=1", "shocks.x", "addressed by index"},
		{"protocols[99].openness=1", "protocols[99]", "out of range"},
		{"variants.hubb.hub.launch_day=1", "variants.hubb", "did you mean hub"},
		{"variants.hub.hub.launch_dy=1", "variants.hub.hubs.interlink.launch_dy", "did you mean launch_day"},
		{"runs", "runs", "expected KEY=VALUE"},
		{"runs=2.5", "runs", "expected an integer"},
		{"protocols.Bittensor.openness.x=1", "protocols.Bittensor.openness.x", "not a table"},
		{"hub..x=1", "hub..x", "key path"},
	}
	for _, c := range cases {
		err := s.Clone().Apply([]string{c.assign})
		if err == nil {
			t.Errorf("%s: no error", c.assign)
			continue
		}
		es := Errors(err)
		if es[0].Path != c.path || !strings.Contains(es[0].Msg, c.msg) {
			t.Errorf("%s: got %q; want path %q and message containing %q", c.assign, err, c.path, c.msg)
		}
	}
	// Apply reports every problem.
	err = s.Clone().Apply([]string{"protocols.Bittensor.opennes=1", "hubs.nope.fee_per_use=1"})
	if n := len(Errors(err)); n != 2 {
		t.Errorf("two bad assignments gave %d errors: %v", n, err)
	}
}

func TestHubAliasNeedsOneHub(t *testing.T) {
	s, err := Parse("x", []byte("name='x'\n[[protocols]]\nname='A'\nserves={data=1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Set("hub.launch_day", "3")
	if err == nil || !strings.Contains(err.Error(), "exactly one hub") {
		t.Errorf("hub alias without hubs: %v", err)
	}
}

func TestVariantNames(t *testing.T) {
	s, err := Builtin(Default)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.VariantNames(), []string{"siloed", "defacto", "hub", "both"}; !slices.Equal(got, want) {
		t.Errorf("VariantNames = %v; want %v", got, want)
	}
	if _, err := s.Variant("base"); err == nil {
		t.Errorf("Variant(base) with declared variants: no error")
	}
	d, err := s.Variant("defacto")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Standards.OfferedBy, []string{"Bittensor"}) || d.Protocols[0].Token.AdoptionSubsidyPerDay <= 0 {
		t.Errorf("defacto: offered_by %v subsidy %v", d.Standards.OfferedBy, d.Protocols[0].Token.AdoptionSubsidyPerDay)
	}
	if len(s.Standards.OfferedBy) != 0 {
		t.Errorf("Variant changed the base: %v", s.Standards.OfferedBy)
	}
}

func TestParameters(t *testing.T) {
	s, err := Builtin(Default)
	if err != nil {
		t.Fatal(err)
	}
	ps := s.Parameters()
	idx := map[string]int{}
	for i, p := range ps {
		if _, dup := idx[p.Key]; dup {
			t.Errorf("duplicate parameter %s", p.Key)
		}
		idx[p.Key] = i
	}
	for k, want := range map[string]string{
		"horizon_days":                    "3650.0",
		"protocols.Bittensor.openness":    "0.7",
		"protocols.Bittensor.serves.data": "0.5",
		"hubs.interlink.adapter_cost":     "40.0",
		"start":                           "2025-07-01",
		"name":                            `"deai-2025"`,
	} {
		i, ok := idx[k]
		if !ok {
			t.Errorf("no parameter %s", k)
			continue
		}
		if ps[i].Value != want {
			t.Errorf("%s = %s; want %s", k, ps[i].Value, want)
		}
	}
	if idx["name"] > idx["horizon_days"] || idx["horizon_days"] > idx["protocols.Bittensor.openness"] {
		t.Errorf("parameters not in declaration order")
	}
	// Every parameter sets back to itself.
	c := s.Clone()
	for _, p := range ps {
		if err := c.Set(p.Key, p.Value); err != nil {
			t.Errorf("Set(%s, %s): %v", p.Key, p.Value, err)
		}
	}
	if !reflect.DeepEqual(c, s) {
		t.Errorf("setting every parameter to its value changed the scenario")
	}
}

func TestOpen(t *testing.T) {
	if _, err := Open(Default); err != nil {
		t.Errorf("Open(%s): %v", Default, err)
	}
	_, err := Open("deai-2024")
	if err == nil || !strings.Contains(err.Error(), "deai-2025") {
		t.Errorf("Open(deai-2024) = %v; want a hint naming deai-2025", err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(p, []byte("name='x'\n[[protocols]]\nname='A'\nserves={data=1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(p); err != nil || s.Name != "x" {
		t.Errorf("Open(%s) = %v, %v", p, s, err)
	}
	_, err = Open(filepath.Join(dir, "missing.toml"))
	var e *Error
	if !errors.As(err, &e) || e.File == "" {
		t.Errorf("Open(missing.toml) = %v; want an Error naming the file", err)
	}
}

// TestBuiltinContents checks what the issue asks of each built-in.
func TestBuiltinContents(t *testing.T) {
	get := func(name string) *Spec {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	day := func(s *Spec, y int, m time.Month, d int) float64 {
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(s.Start).Hours() / 24
	}

	deai := get("deai-2025")
	var names []string
	for _, p := range deai.Protocols {
		names = append(names, p.Name)
	}
	if want := []string{"Bittensor", "Gensyn", "Ritual", "0G", "Sahara", "Sentient"}; !slices.Equal(names, want) {
		t.Errorf("deai-2025 protocols = %v; want %v", names, want)
	}
	if deai.HorizonDays != 3650 || !deai.Start.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("deai-2025 start %v horizon %v", deai.Start, deai.HorizonDays)
	}
	mech := map[string]bool{}
	for _, p := range deai.Protocols {
		mech[p.Verification] = true
	}
	if len(mech) != 6 {
		t.Errorf("deai-2025: %d distinct verification mechanisms; want 6 (docs/sources.md: all six verify differently)", len(mech))
	}
	if got := deai.Protocols[3].LaunchDay; got != day(deai, 2025, 9, 22) {
		t.Errorf("0G launch_day = %v; want %v (Sep 22 2025)", got, day(deai, 2025, 9, 22))
	}
	both, err := deai.Variant("both")
	if err != nil {
		t.Fatal(err)
	}
	if !*both.Hubs[0].Enabled || !slices.Equal(both.Standards.OfferedBy, []string{"Bittensor"}) {
		t.Errorf("deai-2025/both: hub %v offered_by %v", *both.Hubs[0].Enabled, both.Standards.OfferedBy)
	}
	if *deai.Hubs[0].Enabled || len(deai.Standards.OfferedBy) != 0 {
		t.Errorf("deai-2025 base has a pathway on")
	}

	defi := get("defi-2017")
	if !slices.Equal(defi.Dimensions, []string{"capital"}) || !defi.Start.Equal(time.Date(2017, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("defi-2017 dimensions %v start %v", defi.Dimensions, defi.Start)
	}
	for _, p := range defi.Protocols {
		if p.Standards["capital"] != "erc20" {
			t.Errorf("defi-2017 %s speaks %q; want erc20", p.Name, p.Standards["capital"])
		}
		if p.Name == "Compound" {
			if want := day(defi, 2020, 6, 15); p.Token.BuilderShareFromDay != want || p.Token.BuilderShare <= 0 {
				t.Errorf("Compound liquidity mining from day %v share %v; want day %v (2020-06-15), share > 0", p.Token.BuilderShareFromDay, p.Token.BuilderShare, want)
			}
		}
	}
	src, _ := BuiltinSource("defi-2017")
	if !strings.Contains(string(src), "# Calibration") {
		t.Errorf("defi-2017 lacks its Calibration comment block")
	}
	for _, c := range []struct {
		name string
		y    int
		m    time.Month
		d    int
	}{{"Maker", 2017, 12, 18}, {"Compound", 2018, 9, 27}, {"Uniswap", 2018, 11, 2}} {
		i := slices.IndexFunc(defi.Protocols, func(p Protocol) bool { return p.Name == c.name })
		if i < 0 || defi.Protocols[i].LaunchDay != day(defi, c.y, c.m, c.d) {
			t.Errorf("defi-2017 %s launch day wrong", c.name)
		}
	}

	sub := get("subnets-128")
	// Each subnet starts on its own interface, so that the subnet standard
	// has to spread (docs/model.md, calibration of subnets-128).
	if len(sub.Populations) != 1 || sub.Populations[0].Count != 128 || sub.Populations[0].Standard != "" {
		t.Errorf("subnets-128 populations = %+v; want 128 subnets each on its own interface", sub.Populations)
	}
	if len(sub.Protocols) != 6 {
		t.Errorf("subnets-128 has %d named protocols; want Bittensor and the other five", len(sub.Protocols))
	}

	scale := get("scale-1000")
	if n := scale.Populations[0].Count; n != 1000 || scale.Builders.MarketPotential < 100000 {
		t.Errorf("scale-1000: count %d market %v", n, scale.Builders.MarketPotential)
	}
}
