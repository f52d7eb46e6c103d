package scenarios

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// twoParticles is a planted posterior: two particles, weights 0.25 and
// 0.75, over an analog's two keys.
const twoParticles = `generation,particle,weight,distance,hubs.ibc.join_incentive,builders.q_per_year
4,0,0.25,0.5,10,0.2
4,1,0.75,0.25,90,0.4
`

// postScenario carries twoParticles (in post.csv beside it) onto the hub's
// join incentive and q, over a prior on q and one on the adapter cost.
const postScenario = priorBase + `
[[priors]]
key = "builders.q_per_year"
dist = "uniform"
min = 0.1
max = 0.6

[[priors]]
key = "hub.adapter_cost"
dist = "loguniform"
min = 10
max = 100

[[posteriors]]
from = "post.csv"
keys = { "hubs.ibc.join_incentive" = "hubs.interlink.join_incentive", "builders.q_per_year" = "builders.q_per_year" }
reason = "hub join dynamics are shared"

[[variants]]
name = "siloed"

[[variants]]
name = "hub"
set.hub.enabled = true
`

// parseIn writes files into a new folder and parses its sc.toml.
func parseIn(t *testing.T, files map[string]string) (*Spec, string, error) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	name := filepath.Join(dir, "sc.toml")
	s, err := Load(name)
	return s, dir, err
}

func TestPosteriorDrawsJointlyByWeight(t *testing.T) {
	s, _, err := parseIn(t, map[string]string{"sc.toml": postScenario, "post.csv": twoParticles})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"siloed", "hub"} {
		sm, err := s.Sampler(v)
		if err != nil {
			t.Fatal(err)
		}
		// The posterior replaces q's prior; the adapter cost keeps its.
		if got, want := keysOf(sm.Central()), []string{"hubs.interlink.adapter_cost", "hubs.interlink.join_incentive", "builders.q_per_year"}; !slices.Equal(got, want) {
			t.Fatalf("%s: θ keys %v; want %v", v, got, want)
		}
		uses := sm.Posteriors()
		if len(uses) != 1 || !slices.Equal(uses[0].Replaced, []string{"builders.q_per_year"}) || uses[0].Reason != "hub join dynamics are shared" || uses[0].Particles != 2 {
			t.Fatalf("%s: Posteriors() = %+v", v, uses)
		}
		// ESS of weights 1/4, 3/4: 1 / (1/16 + 9/16) = 1.6.
		if math.Abs(uses[0].ESS-1.6) > 1e-12 {
			t.Errorf("%s: ESS %v; want 1.6", v, uses[0].ESS)
		}
	}
	sm, _ := s.Sampler("hub")
	// n draws: the count of particle 0 is Binomial(n, 1/4), sd
	// sqrt(n·1/4·3/4) ≈ 27.4 at n = 4000. A 5-sd band fails a correct
	// sampler with probability about 5.7e-7 over seeds.
	const n = 4000
	p0 := 0.25
	sd := math.Sqrt(n * p0 * (1 - p0))
	first := 0
	for i := range n {
		th := sm.Draw(rand.New(rand.NewPCG(7, uint64(i))))
		ji, q := th[1].Value.(float64), th[2].Value.(float64)
		switch {
		case ji == 10 && q == 0.2:
			first++
		case ji == 90 && q == 0.4:
		default:
			t.Fatalf("draw %d mixes particles: join_incentive %v, q %v", i, ji, q)
		}
	}
	if math.Abs(float64(first)-n*p0) > 5*sd {
		t.Errorf("particle 0 drawn %d times in %d; want %v ± %.0f (5 sd)", first, n, n*p0, 5*sd)
	}
	// The prior left keeps its values: the posterior draws from its own
	// generator, after the priors.
	noPost := s.Clone()
	noPost.Posteriors = nil
	smp, err := noPost.Sampler("hub")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		a := sm.Draw(rand.New(rand.NewPCG(3, uint64(i))))
		b := smp.Draw(rand.New(rand.NewPCG(3, uint64(i))))
		if a[0] != b[1] || a[0].Key != "hubs.interlink.adapter_cost" {
			t.Fatalf("draw %d: adapter cost %v with the posterior, %v without", i, a[0], b[1])
		}
	}
	// Without a carried key, the others still come from the same particle.
	wo := sm.Without("builders.q_per_year")
	if wo.Len() != 2 {
		t.Fatalf("Without: Len %d; want 2", wo.Len())
	}
	for i := range 50 {
		a := sm.Draw(rand.New(rand.NewPCG(5, uint64(i))))
		b := wo.Draw(rand.New(rand.NewPCG(5, uint64(i))))
		if a[1] != b[1] {
			t.Fatalf("draw %d: join incentive %v, without q %v", i, a[1], b[1])
		}
	}
	// The central θ takes the weighted median of each column.
	c := sm.Central()
	if c[1].Value != 90.0 || c[2].Value != 0.4 {
		t.Errorf("central %v; want the weighted medians 90 and 0.4", c)
	}
}

func keysOf(t Theta) []string {
	var out []string
	for _, d := range t {
		out = append(out, d.Key)
	}
	return out
}

func TestPosteriorEncodeRoundTrip(t *testing.T) {
	s, dir, err := parseIn(t, map[string]string{"sc.toml": postScenario, "post.csv": twoParticles})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "post.csv")
	if s.Posteriors[0].From != want {
		t.Fatalf("from %q; want the absolute path %q", s.Posteriors[0].From, want)
	}
	enc, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// Read back from elsewhere: the absolute path still finds the file.
	if !strings.Contains(string(enc), "sha256 = \""+s.Posteriors[0].Data.SHA256+"\"") {
		t.Errorf("the encoded scenario does not record the file's digest:\n%s", enc)
	}
	back, err := Parse(filepath.Join(t.TempDir(), "scenario.toml"), enc)
	if err != nil {
		t.Fatalf("%v\n%s", err, enc)
	}
	if back.Posteriors[0].Data == nil || back.Posteriors[0].Data.Hash != s.Posteriors[0].Data.Hash {
		t.Errorf("round trip lost the particles")
	}
	c := s.Clone()
	if c.Posteriors[0].Data != s.Posteriors[0].Data {
		t.Errorf("Clone copied the particles; they are shared")
	}
}

// TestPosteriorErrors: every bad posterior is a positioned error.
func TestPosteriorErrors(t *testing.T) {
	entry := func(from, keys, extra string) string {
		return priorBase + "\n[[posteriors]]\nfrom = \"" + from + "\"\nkeys = " + keys + "\nreason = \"shared\"\n" + extra
	}
	ji := `{ "hubs.ibc.join_incentive" = "hubs.interlink.join_incentive" }`
	for _, c := range []struct {
		name  string
		sc    string
		csv   string
		wants []string
	}{
		{"missing file", entry("nope.csv", ji, ""), "", []string{"sc.toml:13:1: posteriors[0].from: ", "nope.csv: no such file or directory"}},
		{"no built-in", entry("ibcx", ji, ""), "", []string{"sc.toml:13:1: posteriors[0].from: no built-in posterior named \"ibcx\""}},
		{"bad header", entry("post.csv", ji, ""), "gen,particle,weight,distance,x\n0,0,1,0,1\n", []string{"posteriors[0].from: ", "post.csv:1:1: the header must be generation,particle,weight,distance"}},
		{"negative weight", entry("post.csv", ji, ""), strings.Replace(twoParticles, "4,0,0.25", "4,0,-0.25", 1), []string{"post.csv:2:5: weight: must be ≥ 0, got -0.25"}},
		{"weights not summing to 1", entry("post.csv", ji, ""), strings.Replace(twoParticles, "0.75", "0.7", 1), []string{"post.csv: weight: the weights sum to 0.95, not 1"}},
		{"NaN value", entry("post.csv", ji, ""), strings.Replace(twoParticles, ",90,", ",NaN,", 1), []string{"post.csv:3:15: hubs.ibc.join_incentive: must be a finite number, got NaN"}},
		{"not a number", entry("post.csv", ji, ""), strings.Replace(twoParticles, ",90,", ",ninety,", 1), []string{"post.csv:3:15: hubs.ibc.join_incentive: \"ninety\" is not a number"}},
		{"short row", entry("post.csv", ji, ""), twoParticles + "4,2,0\n", []string{"post.csv:4:1: wrong number of fields"}},
		{"no particles", entry("post.csv", ji, ""), "generation,particle,weight,distance,a\n", []string{"post.csv: has no particles"}},
		{"value outside the key's range", entry("post.csv", `{ "builders.q_per_year" = "protocols.A.openness" }`, ""),
			strings.Replace(twoParticles, "0.4\n", "1.4\n", 1), []string{"sc.toml:14:10: posteriors[0].keys.\"builders.q_per_year\": ", "post.csv:3: builders.q_per_year = 1.4 is outside the valid range [0, 1] of protocols.A.openness"}},
		{"column not in the file", entry("post.csv", `{ "hubs.lz.join_incentive" = "hub.join_incentive" }`, ""), twoParticles,
			[]string{"posteriors[0].keys.\"hubs.lz.join_incentive\": hubs.lz.join_incentive is not a column of", "(it has hubs.ibc.join_incentive, builders.q_per_year)"}},
		{"unknown key", entry("post.csv", `{ "hubs.ibc.join_incentive" = "hubs.interlink.join_incentiv" }`, ""), twoParticles, []string{"posteriors[0].keys.\"hubs.ibc.join_incentive\": hubs.interlink.join_incentiv: unknown key"}},
		{"key that cannot have a prior", entry("post.csv", `{ "hubs.ibc.join_incentive" = "runs" }`, ""), twoParticles, []string{"posteriors[0].keys.\"hubs.ibc.join_incentive\": runs cannot have a prior"}},
		{"key that is not a number", entry("post.csv", `{ "hubs.ibc.join_incentive" = "lego.rule" }`, ""), twoParticles, []string{"lego.rule is a string: a posterior sets only real-valued keys"}},
		{"no reason", strings.Replace(entry("post.csv", ji, ""), "reason = \"shared\"", "reason = \"  \"", 1), twoParticles, []string{"sc.toml:15:1: posteriors[0].reason: is required"}},
		{"no keys", entry("post.csv", "{}", ""), twoParticles, []string{"posteriors[0].keys: must name at least one column"}},
		{"two posteriors on one key", entry("post.csv", ji, "\n[[posteriors]]\nfrom = \"post.csv\"\nkeys = { \"builders.q_per_year\" = \"hub.join_incentive\" }\nreason = \"again\"\n"), twoParticles,
			[]string{"posteriors[1].keys.\"builders.q_per_year\": a second posterior column on hubs.interlink.join_incentive (also posteriors[0].keys.\"hubs.ibc.join_incentive\")"}},
		{"a key a variant fixes", entry("post.csv", ji, "\n[[variants]]\nname = \"hub\"\nset.hub.join_incentive = 30\n"), twoParticles,
			[]string{"sc.toml:19:9: variants.hub.set: fixes hubs.interlink.join_incentive, which a posterior carries"}},
		{"a variant's prior on a carried key", entry("post.csv", ji, "\n[[variants]]\nname = \"hub\"\n[[variants.priors]]\nkey = \"hub.join_incentive\"\ndist = \"uniform\"\nmin = 1\nmax = 2\n"), twoParticles,
			[]string{"variants.hub.priors[0].key: hubs.interlink.join_incentive is carried by a posterior"}},
		{"a file changed since its digest was recorded", entry("post.csv", ji, "sha256 = \"00ff\"\n"), twoParticles,
			[]string{"sc.toml:16:1: posteriors[0].sha256: is 00ff, but ", "post.csv has SHA-256 ", "the posterior changed since this scenario recorded it"}},
		{"a variant changing the posteriors", entry("post.csv", ji, "\n[[variants]]\nname = \"hub\"\nset.posteriors = []\n"), twoParticles,
			[]string{"variants.hub.set"}},
	} {
		files := map[string]string{"sc.toml": c.sc}
		if c.csv != "" {
			files["post.csv"] = c.csv
		}
		_, _, err := parseIn(t, files)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error\n%v\nwant it to contain %q", c.name, err, w)
			}
		}
	}
}

func TestCarryPosterior(t *testing.T) {
	s := mustParse(t, priorGood)
	p, err := ReadPosterior("cal/posterior.csv", []byte("generation,particle,weight,distance,hubs.interlink.adapter_cost,builders.q_per_year\n1,0,0.5,0,20,0.3\n1,1,0.5,0,40,0.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CarryPosterior("cal/posterior.csv", p, "given with --posterior"); err != nil {
		t.Fatal(err)
	}
	sm, err := s.Sampler("hub")
	if err != nil {
		t.Fatal(err)
	}
	// The variant's prior on the adapter cost gives way too.
	for i := range 20 {
		th := sm.Draw(rand.New(rand.NewPCG(1, uint64(i))))
		got := map[string]any{}
		for _, d := range th {
			got[d.Key] = d.Value
		}
		a, q := got["hubs.interlink.adapter_cost"], got["builders.q_per_year"]
		if !(a == 20.0 && q == 0.3 || a == 40.0 && q == 0.5) {
			t.Fatalf("draw %d: adapter cost %v, q %v: not one particle", i, a, q)
		}
	}
	bad, err := ReadPosterior("cal/posterior.csv", []byte("generation,particle,weight,distance,hubs.nothere.adapter_cost\n1,0,1,0,20\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = mustParse(t, priorGood).CarryPosterior("cal/posterior.csv", bad, "r")
	if err == nil || !strings.Contains(err.Error(), "cal/posterior.csv has keys that scenario p lacks: hubs.nothere.adapter_cost") {
		t.Errorf("a key the scenario lacks: %v", err)
	}
}

// TestBuiltinPosteriors: every built-in posterior reads, and a built-in
// scenario carries only built-in posteriors (a path would depend on the
// working directory).
func TestBuiltinPosteriors(t *testing.T) {
	for _, n := range BuiltinPosteriorNames() {
		if _, _, err := LoadPosterior("", n); err != nil {
			t.Errorf("built-in posterior %s: %v", n, err)
		}
	}
	for _, n := range BuiltinNames() {
		src, err := BuiltinSource(n)
		if err != nil {
			t.Fatal(err)
		}
		var probe struct {
			Posteriors []struct {
				From string `toml:"from"`
			} `toml:"posteriors"`
		}
		if err := toml.Unmarshal(src, &probe); err != nil {
			t.Fatal(err)
		}
		for i, p := range probe.Posteriors {
			if !isBuiltinPosteriorName(p.From) {
				t.Errorf("built-in %s: posteriors[%d].from = %q is not a built-in posterior's name", n, i, p.From)
			}
		}
	}
}

// BenchmarkSamplerDraw draws θ from examples/priors.toml's priors, then
// with a 500-particle posterior over two of its keys and one more.
func BenchmarkSamplerDraw(b *testing.B) {
	s, err := Load("../examples/priors.toml")
	if err != nil {
		b.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("generation,particle,weight,distance,hubs.interlink.adapter_cost,builders.q_per_year,builders.p_per_year\n")
	r := rand.New(rand.NewPCG(1, 2))
	const n = 500
	for i := range n {
		w := 1.0 / n
		ff := strconv.FormatFloat
		csv.WriteString("9," + strconv.Itoa(i) + "," + ff(w, 'g', -1, 64) + ",0," + ff(10+80*r.Float64(), 'g', -1, 64) + "," + ff(0.2+0.3*r.Float64(), 'g', -1, 64) + "," + ff(0.01+0.02*r.Float64(), 'g', -1, 64) + "\n")
	}
	for _, c := range []struct {
		name string
		post bool
	}{{"priors", false}, {"posterior=500x3", true}} {
		b.Run(c.name, func(b *testing.B) {
			sc := s.Clone()
			if c.post {
				p, err := ReadPosterior("bench.csv", []byte(csv.String()))
				if err != nil {
					b.Fatal(err)
				}
				if err := sc.CarryPosterior("bench.csv", p, "bench"); err != nil {
					b.Fatal(err)
				}
			}
			sm, err := sc.Sampler("hub")
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				_ = sm.Draw(rng)
			}
		})
	}
}

// TestPosteriorPickNeverZeroWeight: a particle of weight 0 is never drawn,
// at either end of the uniform.
func TestPosteriorPickNeverZeroWeight(t *testing.T) {
	p, err := ReadPosterior("z.csv", []byte("generation,particle,weight,distance,a\n0,0,0,0,1\n0,1,0.5,0,2\n0,2,0,0,3\n0,3,0.5,0,4\n0,4,0,0,5\n"))
	if err != nil {
		t.Fatal(err)
	}
	rp := resolvedPosterior{post: &Posterior{Data: p}, cum: []float64{0, 0.5, 0.5, 1, 1}}
	for _, c := range []struct {
		u    float64
		want int
	}{{0, 1}, {0.25, 1}, {0.4999999, 1}, {0.5, 3}, {0.75, 3}, {math.Nextafter(1, 0), 3}, {1, 3}} {
		if got := rp.pick(c.u); got != c.want {
			t.Errorf("pick(%v) = %d; want %d", c.u, got, c.want)
		}
	}
}
