package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The PRIOR parameters of docs/model.md, and what each built-in with
// priors does about them. docs/model.md marks them in prose and in tables
// whose key column is relative to the section (`adapter_cost` under
// Hubs), so the list cannot be derived from it mechanically: it is kept
// here, explicitly, as families expanded over a scenario's protocols and
// hubs. TestPriorMarkersListed checks the other direction: every table row
// of docs/model.md marked PRIOR names a family of this list, so a new
// PRIOR marker without a decision fails.

// markedParam is one PRIOR parameter of docs/model.md: the name its table
// uses (doc), and its key paths in a scenario.
type markedParam struct {
	doc  string
	keys func(s *Spec) []string
}

// global is a family with one key, the same in every scenario.
func global(key string) markedParam {
	return markedParam{doc: key, keys: func(*Spec) []string { return []string{key} }}
}

// perProtocol is a family with a key per named protocol.
func perProtocol(doc string, keys func(p *Protocol) []string) markedParam {
	return markedParam{doc: doc, keys: func(s *Spec) []string {
		var out []string
		for i := range s.Protocols {
			for _, k := range keys(&s.Protocols[i]) {
				out = append(out, "protocols."+s.Protocols[i].Name+"."+k)
			}
		}
		return out
	}}
}

// perHub is a family with a key per hub.
func perHub(field string) markedParam {
	return markedParam{doc: field, keys: func(s *Spec) []string {
		var out []string
		for _, h := range s.Hubs {
			out = append(out, "hubs."+h.Name+"."+field)
		}
		return out
	}}
}

var markedParams = []markedParam{
	perProtocol("serves.<d>", func(p *Protocol) []string {
		var out []string
		for d := range p.Serves {
			out = append(out, "serves."+d)
		}
		sort.Strings(out)
		return out
	}),
	perProtocol("openness", func(*Protocol) []string { return []string{"openness"} }),
	perProtocol("sovereignty_cost", func(*Protocol) []string { return []string{"sovereignty_cost"} }),
	perProtocol("launch_day", func(*Protocol) []string { return []string{"launch_day"} }),
	// A price matters only where a token emits; a population's token is
	// its members'.
	{doc: "token.price_kusd", keys: func(s *Spec) []string {
		var out []string
		for _, p := range s.Protocols {
			if p.Token.EmissionPerDay > 0 {
				out = append(out, "protocols."+p.Name+".token.price_kusd")
			}
		}
		for _, p := range s.Populations {
			if p.Token.EmissionPerDay > 0 {
				out = append(out, "populations."+p.Prefix+".token.price_kusd")
			}
		}
		return out
	}},
	// A subsidy matters only where it is paid: a protocol with one in the
	// base or in a variant.
	{doc: "token.adoption_subsidy_per_day", keys: func(s *Spec) []string {
		var out []string
		for i, p := range s.Protocols {
			paid := p.Token.AdoptionSubsidyPerDay > 0
			for _, v := range s.VariantNames() {
				if w, err := s.Variant(v); err == nil && w.Protocols[i].Token.AdoptionSubsidyPerDay > 0 {
					paid = true
				}
			}
			if paid {
				out = append(out, "protocols."+p.Name+".token.adoption_subsidy_per_day")
			}
		}
		return out
	}},
	{doc: "populations", keys: func(s *Spec) []string {
		var out []string
		for _, p := range s.Populations {
			out = append(out, "populations."+p.Prefix)
		}
		return out
	}},
	global("builders.market_potential"),
	global("builders.composability_amplification"),
	global("builders.app_lifetime_days"),
	global("choice.consideration_set"),
	global("choice.beta"),
	global("choice.quality_weight"),
	global("choice.yield_weight"),
	global("choice.network_weight"),
	global("choice.cost_weight"),
	global("choice.outside_utility"),
	global("integration.same_standard_cost"),
	global("integration.bridge_cost"),
	global("integration.bespoke_cost"),
	global("integration.max_stack_cost"),
	global("integration.bespoke_failure_prob"),
	global("verification.cross"),
	global("settlement.cross"),
	global("standards.review_every_days"),
	global("standards.benefit_per_share"),
	global("standards.switching_cost"),
	perHub("launch_day"),
	perHub("adapter_cost"),
	perHub("fee_per_use"),
	perHub("covers"),
	perHub("join_incentive"),
	perHub("review_every_days"),
	perHub("exploits_per_year"),
	perHub("recovery_days"),
	perHub("trust_loss"),
	global("lego.composability_min"),
	global("lego.composed_share_min"),
	global("lego.growth_min"),
	global("lego.min_composed_per_window"),
	global("lego.compose_cost_max"),
}

// Reasons shared by the built-ins for a PRIOR parameter without a prior.
const (
	whyDetector  = "a detector threshold: structural uncertainty, carried by the detector family (docs/model.md), not by θ"
	whyCovers    = "structural: a general-purpose hub is what the hub variants ask about"
	whyPopulated = "drawn per member from the population's own distributions already"
	whyDesign    = "design: the offer and the hub start together, a year in, so the race in `both` starts even"
)

// noPrior lists, per built-in, the PRIOR parameters that take no prior and
// why; keys missing from a scenario are not listed. Every other key of
// markedParams must have a prior in the file's base.
var noPrior = map[string]map[string]string{
	"deai-2025": {
		"protocols.Bittensor.launch_day": "sourced: live since 2021 [D]",
		"protocols.0G.launch_day":        "sourced: mainnet Sep 22 2025 [D]",
		"protocols.Sahara.launch_day":    "sourced: data platform public Jul 2025 [D]",
		"protocols.Sentient.launch_day":  "live at the start (seed Jul 2024 [D]); a later launch is not an uncertainty the file models",
		"hubs.interlink.covers":          whyCovers,
	},
	"subnets-128": {
		"protocols.Bittensor.launch_day": whyDesign,
		"hubs.interlink.launch_day":      whyDesign,
		"protocols.0G.launch_day":        "sourced: mainnet Sep 22 2025 [D]",
		"protocols.Sahara.launch_day":    "sourced: data platform public Jul 2025 [D]",
		"protocols.Sentient.launch_day":  "live at the start, as in deai-2025",
		"populations.subnet":             whyPopulated,
		// Set per variant (2, and 0 in defacto-nosubsidy): a base prior
		// would need that variant to fix it by a one-value choice, which
		// legolab run ignores until priors are wired.
		"protocols.Bittensor.token.adoption_subsidy_per_day": "set per variant; a prior waits for run to apply central values (see the file)",
		"hubs.interlink.covers":                              whyCovers,
	},
	"scale-1000": {
		"protocols.Anchor.launch_day":       whyDesign,
		"protocols.Anchor.sovereignty_cost": "0: the offerer adopts its own standard, so the cost is never paid",
		"hubs.mesh.launch_day":              "design: the synthetic schedule (with the Anchor's offer)",
		"hubs.relay.launch_day":             "design: the synthetic schedule",
		"populations.p":                     whyPopulated,
		"hubs.mesh.covers":                  whyCovers,
		"hubs.relay.covers":                 whyCovers,
	},
}

func init() {
	for _, m := range noPrior {
		for _, k := range []string{"lego.composability_min", "lego.composed_share_min", "lego.growth_min", "lego.min_composed_per_window", "lego.compose_cost_max"} {
			m[k] = whyDetector
		}
	}
}

// TestBuiltinPriorsCover checks that every PRIOR parameter of deai-2025,
// subnets-128 and scale-1000 has a prior in the file, or is listed in
// noPrior with a reason, and that no listed key has a prior after all.
func TestBuiltinPriorsCover(t *testing.T) {
	for _, name := range []string{"deai-2025", "subnets-128", "scale-1000"} {
		s, err := Builtin(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		has := map[string]bool{}
		for _, p := range s.Priors {
			k, err := s.CanonicalKey(p.Key)
			if err != nil {
				t.Fatalf("%s: prior %s: %v", name, p.Key, err)
			}
			has[k] = true
		}
		want := map[string]bool{}
		for _, f := range markedParams {
			for _, k := range f.keys(s) {
				want[k] = true
				why, excused := noPrior[name][k]
				switch {
				case excused && has[k]:
					t.Errorf("%s: %s has a prior but noPrior says %q", name, k, why)
				case excused && why == "":
					t.Errorf("%s: %s: no prior and no reason", name, k)
				case !excused && !has[k]:
					t.Errorf("%s: PRIOR parameter %s (docs/model.md %s) has no prior and no reason", name, k, f.doc)
				}
			}
		}
		for k := range noPrior[name] {
			if !want[k] && !strings.HasPrefix(k, "lego.") {
				t.Errorf("%s: noPrior lists %s, which is not a PRIOR parameter of the file", name, k)
			}
		}
		for _, p := range s.Priors {
			if strings.TrimSpace(p.Source) == "" {
				t.Errorf("%s: prior %s has no source", name, p.Key)
			}
		}
	}
}

// TestBuiltinPriorsCentral checks that each variant's central θ is the
// file's own values: a run without priors (today's `legolab run`) runs the
// medians of the priors, and the priors are centred where the files say.
// Floats are compared to 1e-9 relative, the rounding of v/3·3v's square
// root.
func TestBuiltinPriorsCentral(t *testing.T) {
	for _, name := range []string{"deai-2025", "subnets-128", "scale-1000"} {
		s, err := Builtin(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range s.VariantNames() {
			w, err := s.Variant(v)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, v, err)
			}
			c, err := s.Central(v)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, v, err)
			}
			if len(c) == 0 {
				t.Fatalf("%s/%s: no priors", name, v)
			}
			// A key a posterior carries is centred on the posterior's
			// median, not on the file's value (which --fixed runs).
			c = slices.DeleteFunc(c, func(d Draw) bool { return carried(s, d.Key) })
			got, err := w.WithTheta(c)
			if err != nil {
				t.Fatalf("%s/%s: central θ: %v", name, v, err)
			}
			if diff := approxDiff(reflect.ValueOf(got).Elem(), reflect.ValueOf(w).Elem(), name); diff != "" {
				t.Errorf("%s/%s: the central θ changes %s", name, v, diff)
			}
		}
	}
}

// carried reports whether a [[posteriors]] entry of s sets key.
func carried(s *Spec, key string) bool {
	for _, p := range s.Posteriors {
		for _, k := range p.Keys {
			if c, err := s.CanonicalKey(k); err == nil && c == key {
				return true
			}
		}
	}
	return false
}

// approxDiff returns the path of the first difference between a and b,
// floats equal within 1e-9 relative, or "".
func approxDiff(a, b reflect.Value, at string) string {
	switch a.Kind() {
	case reflect.Float64:
		x, y := a.Float(), b.Float()
		if x != y && math.Abs(x-y) > 1e-9*math.Max(math.Abs(x), math.Abs(y)) {
			return at
		}
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return at
			}
			return ""
		}
		return approxDiff(a.Elem(), b.Elem(), at)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !a.Type().Field(i).IsExported() {
				continue
			}
			if d := approxDiff(a.Field(i), b.Field(i), at+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return at
		}
		for i := 0; i < a.Len(); i++ {
			if d := approxDiff(a.Index(i), b.Index(i), at+"["+string(rune('0'+i%10))+"]"); d != "" {
				return d
			}
		}
	case reflect.Map:
		if a.Len() != b.Len() {
			return at
		}
		keys := a.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
		for _, k := range keys {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return at + "." + k.String()
			}
			if d := approxDiff(a.MapIndex(k), bv, at+"."+k.String()); d != "" {
				return d
			}
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return at
		}
	}
	return ""
}

// TestPriorMarkersListed checks that every table row of docs/model.md whose
// source column says PRIOR names, in its TOML column, a parameter of
// markedParams (matched by the end of its doc name: `adapter_cost`,
// `protocols.<o>.token.adoption_subsidy_per_day`), so that the explicit
// list above cannot silently fall behind the document.
func TestPriorMarkersListed(t *testing.T) {
	doc, err := os.ReadFile("../docs/model.md")
	if err != nil {
		t.Fatal(err)
	}
	tick := regexp.MustCompile("`([^`]+)`")
	n := 0
	for i, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		last := strings.TrimSpace(cells[len(cells)-1])
		if !strings.HasPrefix(last, "PRIOR") {
			continue
		}
		var name string
		for _, c := range cells[:len(cells)-1] {
			if m := tick.FindStringSubmatch(c); m != nil {
				name = m[1]
				break
			}
		}
		if name == "" {
			t.Errorf("docs/model.md:%d: a PRIOR row without a `key`: %s", i+1, line)
			continue
		}
		n++
		if !slices.ContainsFunc(markedParams, func(f markedParam) bool {
			return strings.HasSuffix(name, f.doc) || strings.HasSuffix(f.doc, name)
		}) {
			t.Errorf("docs/model.md:%d: PRIOR parameter %s is not in the test's markedParams", i+1, name)
		}
	}
	// The tables of Protocols, Builders, Provider choice, De facto
	// standard, Hubs and the Lego detector hold 30 PRIOR rows today; far
	// fewer means the parser no longer reads them.
	if n < 25 {
		t.Errorf("found %d PRIOR rows in docs/model.md; want at least 25", n)
	}
}

// BenchmarkBuiltinPriors measures θ for the built-ins' priors (55 in
// deai-2025, 53 in subnets-128, 41 in scale-1000): a draw, and a draw
// applied to the variant (WithTheta clones and validates), the cost per
// replication a prior-predictive run adds.
func BenchmarkBuiltinPriors(b *testing.B) {
	for _, name := range []string{"deai-2025", "subnets-128", "scale-1000"} {
		s, err := Builtin(name)
		if err != nil {
			b.Fatal(err)
		}
		v := s.VariantNames()[len(s.VariantNames())-1]
		w, err := s.Variant(v)
		if err != nil {
			b.Fatal(err)
		}
		sm, err := s.Sampler(v)
		if err != nil {
			b.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		b.Run(fmt.Sprintf("%s/priors=%d/draw", name, sm.Len()), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sm.Draw(r)
			}
		})
		b.Run(fmt.Sprintf("%s/priors=%d/draw+apply", name, sm.Len()), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.WithTheta(sm.Draw(r)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
