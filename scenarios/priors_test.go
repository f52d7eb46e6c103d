package scenarios

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/legolab/legolab/stats"
)

const priorBase = `name = "p"
[[protocols]]
name = "A"
serves = { model = 0.6, compute = 0.5 }
[[protocols]]
name = "B"
serves = { data = 0.7 }
[[hubs]]
name = "interlink"
enabled = false
`

const priorGood = priorBase + `
[[priors]]
key = "hub.adapter_cost"
dist = "loguniform"
min = 10
max = 100
source = "a decade around the central value"

[[priors]]
key = "protocols.A.openness"
dist = "normal"
mean = 0.5
sd = 0.3

[[priors]]
key = "lego.rule"
dist = "choice"
values = ["window", "logistic"]
weights = [3, 1]

[[priors]]
key = "builders.q_per_year"
dist = "triangular"
min = 0.2
mode = 0.38
max = 0.6

[[variants]]
name = "siloed"

[[variants]]
name = "hub"
set.hub.enabled = true

[[variants.priors]]
key = "hubs.interlink.adapter_cost"
dist = "uniform"
min = 20
max = 60

[[variants.priors]]
key = "hubs.interlink.join_incentive"
dist = "beta"
a = 2
b = 5
min = 0
max = 100
`

func mustParse(t *testing.T, src string) *Spec {
	t.Helper()
	s, err := Parse("p.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVariantPriors(t *testing.T) {
	s := mustParse(t, priorGood)
	for _, c := range []struct {
		variant string
		keys    []string
		dists   []string
	}{
		{"siloed", []string{"hubs.interlink.adapter_cost", "protocols.A.openness", "lego.rule", "builders.q_per_year"}, []string{"loguniform", "normal", "choice", "triangular"}},
		// The hub's uniform replaces the base's loguniform in its place;
		// its new key comes last.
		{"hub", []string{"hubs.interlink.adapter_cost", "protocols.A.openness", "lego.rule", "builders.q_per_year", "hubs.interlink.join_incentive"}, []string{"uniform", "normal", "choice", "triangular", "beta"}},
	} {
		ps, err := s.VariantPriors(c.variant)
		if err != nil {
			t.Fatalf("%s: %v", c.variant, err)
		}
		var keys, dists []string
		for _, p := range ps {
			keys, dists = append(keys, p.Key), append(dists, p.Dist)
		}
		if !slices.Equal(keys, c.keys) || !slices.Equal(dists, c.dists) {
			t.Errorf("%s: keys %v dists %v; want %v %v", c.variant, keys, dists, c.keys, c.dists)
		}
	}
}

func TestPriorsEncodeRoundTrip(t *testing.T) {
	s := mustParse(t, priorGood)
	data, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("encoded.toml", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	a, _ := s.Encode()
	b, _ := back.Encode()
	if string(a) != string(b) {
		t.Errorf("encode → parse → encode differs:\n%s\n---\n%s", a, b)
	}
	for _, p := range s.Parameters() {
		if strings.HasPrefix(p.Key, "priors") {
			t.Errorf("Parameters lists %s", p.Key)
		}
	}
}

func TestPriorErrors(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"unknown key", `
[[priors]]
key = "protocols.B.opennes"
dist = "uniform"
min = 0.2
max = 0.5`, []string{"p.toml:13:1: priors[0].key: protocols.B.opennes: unknown key; did you mean openness?"}},
		{"unknown name", `
[[priors]]
key = "hubs.interlnk.adapter_cost"
dist = "uniform"
min = 1
max = 5`, []string{`priors[0].key: hubs.interlnk: no hub with name "interlnk"; did you mean interlink?`}},
		{"bounds reversed, every problem at once", `
[[priors]]
key = "protocols.B.opennes"
dist = "uniform"
min = 0.5
max = 0.2`, []string{"priors[0].key: protocols.B.opennes: unknown key", "p.toml:16:1: priors[0].max: must be > min (0.5), got 0.2"}},
		{"mass outside the key's range", `
[[priors]]
key = "protocols.A.openness"
dist = "normal"
mean = -0.3
sd = 0.4`, []string{
			// Φ((1+0.3)/0.4) − Φ((0+0.3)/0.4) = Φ(3.25) − Φ(0.75) = 0.226.
			"p.toml:14:1: priors[0].dist: only 22.6% of normal(-0.3, 0.4) lies in the valid range [0, 1] of protocols.A.openness, where it is drawn; at least 50% must"}},
		{"truncation outside the key's range", `
[[priors]]
key = "protocols.A.openness"
dist = "normal"
mean = 0.5
sd = 0.2
max = 1.5`, []string{"priors[0].max: protocols.A.openness must be in [0, 1], got 1.5"}},
		{"value out of range", `
[[priors]]
key = "integration.bespoke_failure_prob"
dist = "uniform"
min = 0.5
max = 2`, []string{"priors[0].max: integration.bespoke_failure_prob must be in [0, 1], got 2"}},
		{"open end of the range", `
[[priors]]
key = "builders.p_per_year"
dist = "uniform"
min = 0
max = 0.1`, []string{"priors[0].min: builders.p_per_year must be in (0, ∞), got 0"}},
		{"cross-field rule", `
[[priors]]
key = "lego.window_days"
dist = "uniform"
min = 30
max = 5000`, []string{"priors[0].max: lego.window_days must be ≤ horizon_days (3650), got 5000"}},
		{"choice weights", `
[[priors]]
key = "lego.rule"
dist = "choice"
values = ["window", "logistc"]
weights = [1, 0]`, []string{
			`priors[0].values[1]: lego.rule "logistc" is not a Lego rule; did you mean logistic?`,
			"priors[0].weights[1]: must be a positive finite number, got 0"}},
		{"choice weights count", `
[[priors]]
key = "lego.rule"
dist = "choice"
values = ["window", "logistic"]
weights = [1]`, []string{"priors[0].weights: has 1 weights for 2 values"}},
		{"integer key", `
[[priors]]
key = "choice.consideration_set"
dist = "uniform"
min = 1
max = 9`, []string{"priors[0].dist: choice.consideration_set is an integer: a uniform prior needs a number; use a choice"}},
		{"run-shaping key", `
[[priors]]
key = "horizon_days"
dist = "uniform"
min = 100
max = 200`, []string{"priors[0].key: horizon_days cannot have a prior"}},
		{"parameter of another family", `
[[priors]]
key = "hub.fee_per_use"
dist = "uniform"
min = 0.1
max = 1
sd = 3`, []string{"priors[0].sd: is not a parameter of uniform (it takes min, max)"}},
		{"missing parameter and unknown family", `
[[priors]]
key = "hub.fee_per_use"
dist = "normal"
mean = 1

[[priors]]
key = "hub.launch_day"
dist = "gamma"`, []string{"priors[0]: normal needs sd", `priors[1].dist: "gamma" is not a prior family`}},
		{"two spellings of one key", `
[[priors]]
key = "hub.fee_per_use"
dist = "uniform"
min = 0.1
max = 1

[[priors]]
key = "hubs.interlink.fee_per_use"
dist = "uniform"
min = 0.2
max = 1`, []string{"priors[1].key: a second prior on hubs.interlink.fee_per_use (also priors[0])"}},
		{"lognormal parameters", `
[[priors]]
key = "hub.fee_per_use"
dist = "lognormal"
mu = 0
sd = 1`, []string{"a lognormal takes mu and sigma (of the logarithm) or mean and sd (of the value), not both"}},
		{"a key the world rejects, once", `
[[priors]]
key = "protocols.A.serves.energy"
dist = "uniform"
min = 0.1
max = 1`, []string{`p.toml:12:3: priors[0]: protocols.A.serves.energy "energy" is not a declared dimension`}},
		{"a table, a name, an array value", `
[[priors]]
key = "protocols.A.serves"
dist = "uniform"
min = 0
max = 1

[[priors]]
key = "protocols.A.name"
dist = "choice"
values = ["X"]

[[priors]]
key = "standards.offered_by"
dist = "choice"
values = [[], ["A"], ["C"]]`, []string{
			"priors[0].key: protocols.A.serves is a table: a prior is on one value",
			"priors[1].key: protocols.A.name names an element and cannot have a prior",
			`priors[2].values[2]: at standards.offered_by = ["C"], standards.offered_by[0] "C" is not a protocol`}},
		{"a variant fixes a key with a prior", `
[[priors]]
key = "hub.adapter_cost"
dist = "uniform"
min = 10
max = 50

[[variants]]
name = "hub"
set.hubs.interlink.enabled = true
set.hubs.interlink.adapter_cost = 5`, []string{"p.toml:21:20: variants.hub.set: fixes hubs.interlink.adapter_cost, which has a prior (priors[0])"}},
		{"a variant's prior and override on one key", `
[[variants]]
name = "hub"
set.hub.enabled = true

[[variants.priors]]
key = "hubs.interlink.enabled"
dist = "choice"
values = [true, false]`, []string{"p.toml:17:1: variants.hub.priors[0].key: hubs.interlink.enabled is also fixed by the variant's set"}},
		{"a prior that breaks only one variant", `
[[priors]]
key = "hub.join_incentive"
dist = "uniform"
min = 0
max = 10

[[variants]]
name = "a"

[[variants]]
name = "b"
set.hub.enabled = true

[[variants.priors]]
key = "hub.trust_loss"
dist = "uniform"
min = 0
max = 1.5`, []string{"variants.b.priors[0].max: hubs.interlink.trust_loss must be in [0, 1], got 1.5"}},
	}
	for _, c := range cases {
		_, err := Parse("p.toml", []byte(priorBase+c.src))
		if err == nil {
			t.Errorf("%s: no error; want %q", c.name, c.want)
			continue
		}
		got := err.Error()
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: error\n%s\nlacks %q", c.name, got, w)
			}
		}
	}
}

func TestDrawTheta(t *testing.T) {
	s := mustParse(t, priorGood)
	draw := func(variant string, seed uint64) Theta {
		th, err := s.DrawTheta(rand.New(rand.NewPCG(seed, 7)), variant)
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	value := func(th Theta, key string) any {
		for _, d := range th {
			if d.Key == key {
				return d.Value
			}
		}
		t.Fatalf("θ lacks %s", key)
		return nil
	}
	for seed := range uint64(50) {
		a, b := draw("siloed", seed), draw("hub", seed)
		if !slices.Equal(a, draw("siloed", seed)) {
			t.Fatal("the same generator gave two θ")
		}
		// Common random numbers: the keys the variants share a prior on
		// get the same value.
		for _, k := range []string{"protocols.A.openness", "lego.rule", "builders.q_per_year"} {
			if value(a, k) != value(b, k) {
				t.Errorf("seed %d: %s = %v in siloed, %v in hub", seed, k, value(a, k), value(b, k))
			}
		}
		// The hub's uniform on [20, 60] and the base's loguniform on
		// [10, 100] come from one uniform u: 20 + 40u and 10·10^u' with u'
		// ≈ u (openUnit's half-cell offset aside).
		u := (value(b, "hubs.interlink.adapter_cost").(float64) - 20) / 40
		l := math.Log10(value(a, "hubs.interlink.adapter_cost").(float64) / 10)
		if math.Abs(u-l) > 1e-9 {
			t.Errorf("seed %d: adapter costs not coupled: u %v, log-u %v", seed, u, l)
		}
		if x := value(a, "protocols.A.openness").(float64); x < 0 || x > 1 {
			t.Errorf("openness %v outside [0, 1]", x)
		}
	}
	// A prior on another key changes nothing else.
	more := mustParse(t, strings.Replace(priorGood, "[[variants]]", `[[priors]]
key = "hub.fee_per_use"
dist = "uniform"
min = 0.1
max = 1

[[variants]]`, 1))
	th, err := more.DrawTheta(rand.New(rand.NewPCG(3, 7)), "siloed")
	if err != nil {
		t.Fatal(err)
	}
	if want := draw("siloed", 3); !slices.Equal(th[:len(want)], want) {
		t.Errorf("adding a prior changed θ: %v; want %v", th[:len(want)], want)
	}
}

// The draws follow the prior: the loguniform adapter cost's log10 is
// uniform on [1, 2], and openness follows normal(0.5, 0.3) truncated to
// [0, 1] (stats.KS against the exact CDF, failing below p = 0.001, the
// false-failure rate at a fresh seed).
func TestDrawThetaDistribution(t *testing.T) {
	s := mustParse(t, priorGood)
	const n = 4000
	r := rand.New(rand.NewPCG(1, 2))
	var cost, open []float64
	for range n {
		th, err := s.DrawTheta(r, "siloed")
		if err != nil {
			t.Fatal(err)
		}
		cost = append(cost, math.Log10(th[0].Value.(float64))-1)
		open = append(open, th[1].Value.(float64))
	}
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-(x-0.5)/0.3/math.Sqrt2) }
	for _, c := range []struct {
		name string
		xs   []float64
		cdf  func(float64) float64
	}{
		{"log adapter cost", cost, func(x float64) float64 { return x }},
		{"openness", open, func(x float64) float64 { return (phi(x) - phi(0)) / (phi(1) - phi(0)) }},
	} {
		if d, p := stats.KS(c.xs, c.cdf); p < 0.001 {
			t.Errorf("%s: KS distance %.4f, p = %.2g; want p ≥ 0.001", c.name, d, p)
		}
	}
}

func TestCentral(t *testing.T) {
	s := mustParse(t, priorGood)
	th, err := s.Central("hub")
	if err != nil {
		t.Fatal(err)
	}
	// Medians: uniform (20+60)/2; normal(0.5, 0.3) on [0, 1] is symmetric
	// about 0.5; the choice's most probable value; the triangular's median
	// from its CDF: mode 0.38 is below the midpoint 0.4, so the median is
	// 0.6 − √((0.6−0.2)(0.6−0.38)/2); beta(2, 5) on [0, 100] from the
	// regularized incomplete beta, checked by CDF below.
	tri := 0.6 - math.Sqrt(0.4*0.22/2)
	want := []any{40.0, 0.5, "window", tri}
	for i, w := range want {
		got := th[i].Value
		if f, ok := w.(float64); ok {
			if g := got.(float64); math.Abs(g-f) > 1e-12 {
				t.Errorf("%s: central %v; want %v", th[i].Key, g, f)
			}
			continue
		}
		if got != w {
			t.Errorf("%s: central %v; want %v", th[i].Key, got, w)
		}
	}
	// Beta(2, 5) CDF at x: 1 − (1−x)^6 − 6x(1−x)^5 (the binomial sum).
	x := th[4].Value.(float64) / 100
	if f := 1 - math.Pow(1-x, 6) - 6*x*math.Pow(1-x, 5); math.Abs(f-0.5) > 1e-9 {
		t.Errorf("beta central %v has CDF %v; want 0.5", x, f)
	}
}

func TestWithTheta(t *testing.T) {
	s := mustParse(t, priorGood)
	vs, err := s.Variant("hub")
	if err != nil {
		t.Fatal(err)
	}
	th, err := s.DrawTheta(rand.New(rand.NewPCG(5, 5)), "hub")
	if err != nil {
		t.Fatal(err)
	}
	got, err := vs.WithTheta(th)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hubs[0].AdapterCost != th[0].Value.(float64) || got.Protocols[0].Openness != th[1].Value.(float64) ||
		got.Lego.Rule != th[2].Value.(string) || got.Hubs[0].JoinIncentive != th[4].Value.(float64) {
		t.Errorf("WithTheta did not apply %v", th)
	}
	if vs.Hubs[0].AdapterCost == got.Hubs[0].AdapterCost {
		t.Error("WithTheta changed its receiver or drew the file's value")
	}
	// Through Set's path, with Set's checks.
	if _, err := vs.WithTheta(Theta{{Key: "protocols.A.openness", Value: 1.5}}); err == nil || !strings.Contains(err.Error(), "protocols.A.openness: must be in [0, 1], got 1.5") {
		t.Errorf("WithTheta(openness 1.5) = %v", err)
	}
	for _, d := range th {
		c := vs.Clone()
		if err := c.Set(d.Key, d.Text()); err != nil {
			t.Errorf("Set(%s, %s): %v", d.Key, d.Text(), err)
		}
	}
}

// BenchmarkPriors measures what priors add: validating the example file,
// drawing θ with a Sampler, and drawing and applying it (WithTheta clones
// and validates) for one replication of a variant.
func BenchmarkPriors(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "examples", "priors.toml"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse("priors.toml", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	s, err := Parse("priors.toml", data)
	if err != nil {
		b.Fatal(err)
	}
	vs, err := s.Variant("hub")
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	sm, err := s.Sampler("hub")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("draw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sm.Draw(r)
		}
	})
	b.Run("draw+apply", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := vs.WithTheta(sm.Draw(r)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestVariantSetCannotChangePriors(t *testing.T) {
	_, err := Parse("p.toml", []byte(priorGood+`
[[variants]]
name = "sneaky"
set."priors[0].max" = 50
`))
	if err == nil || !strings.Contains(err.Error(), "variants.sneaky.set: changes priors[0].max: a variant replaces a prior with [[variants.priors]], not through set") {
		t.Errorf("err = %v", err)
	}
}

// A beta on a key open at an end (quality in (0, 1]) is valid: its draws
// are kept inside the range.
func TestBetaOnOpenRange(t *testing.T) {
	s := mustParse(t, priorBase+`
[[priors]]
key = "protocols.A.serves.model"
dist = "beta"
a = 0.01
b = 0.01
`)
	sm, err := s.Sampler("base")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	for range 2000 {
		if x := sm.Draw(r)[0].Value.(float64); !(x > 0 && x <= 1) {
			t.Fatalf("draw %v outside (0, 1]", x)
		}
	}
}

func TestSamplerMatchesDrawTheta(t *testing.T) {
	s := mustParse(t, priorGood)
	sm, err := s.Sampler("hub")
	if err != nil {
		t.Fatal(err)
	}
	th, err := s.DrawTheta(rand.New(rand.NewPCG(9, 9)), "hub")
	if err != nil {
		t.Fatal(err)
	}
	if got := sm.Draw(rand.New(rand.NewPCG(9, 9))); !slices.Equal(got, th) || sm.Len() != 5 {
		t.Errorf("Sampler.Draw = %v; DrawTheta = %v", got, th)
	}
	if _, err := s.Sampler("nope"); err == nil {
		t.Error("Sampler(nope): no error")
	}
}

func TestSamplerWithout(t *testing.T) {
	s := mustParse(t, priorGood)
	sm, err := s.Sampler("siloed")
	if err != nil {
		t.Fatal(err)
	}
	key, err := s.CanonicalKey("hub.adapter_cost")
	if err != nil || key != "hubs.interlink.adapter_cost" {
		t.Fatalf("CanonicalKey = %q, %v", key, err)
	}
	all := sm.Draw(rand.New(rand.NewPCG(4, 4)))
	rest := sm.Without(key).Draw(rand.New(rand.NewPCG(4, 4)))
	if !slices.Equal(rest, all[1:]) {
		t.Errorf("Without(%s) = %v; want %v", key, rest, all[1:])
	}
	if _, err := s.CanonicalKey("hubs.nope.x"); err == nil {
		t.Error("CanonicalKey(hubs.nope.x): no error")
	}
}

// TestThetaClone holds thetaClone, which shares the sections no prior can
// target, to Clone value for value, and WithTheta to θ applied on a full
// Clone, for every built-in's variants and a few draws each.
func TestThetaClone(t *testing.T) {
	for _, k := range []string{"priors", "posteriors", "variants", "expect"} {
		if !slices.Contains(noPriorKeys, k) {
			t.Fatalf("%s can have a prior: thetaClone must not share it", k)
		}
	}
	for _, name := range BuiltinNames() {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range s.VariantNames() {
			w, err := s.Variant(v)
			if err != nil {
				t.Fatal(err)
			}
			c := thetaClone(w)
			if !reflect.DeepEqual(c, w.Clone()) {
				t.Fatalf("%s/%s: thetaClone differs from Clone", name, v)
			}
			if len(c.Protocols) > 0 {
				c.Protocols[0].Name += "-changed"
				if w.Protocols[0].Name == c.Protocols[0].Name {
					t.Fatalf("%s/%s: thetaClone shares the protocols", name, v)
				}
			}
			if !hasPriors(s) {
				continue
			}
			sm, err := s.Sampler(v)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(7, uint64(len(v))))
			for range 5 {
				th := sm.Draw(r)
				got, err := w.WithTheta(th)
				if err != nil {
					t.Fatalf("%s/%s: %v", name, v, err)
				}
				want := w.Clone()
				for _, d := range th {
					if ps := setValue(want, d.Key, d.Value); len(ps) > 0 {
						t.Fatalf("%s/%s: %s: %v", name, v, d.Key, ps)
					}
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s/%s: WithTheta differs from θ applied on a Clone", name, v)
				}
			}
		}
	}
}

// hasPriors reports whether s draws θ in some variant.
func hasPriors(s *Spec) bool {
	return len(s.Priors) > 0 || len(s.Posteriors) > 0 || slices.ContainsFunc(s.Variants, func(v Variant) bool { return len(v.Priors) > 0 })
}
