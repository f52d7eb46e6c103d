package lab

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"testing"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
)

// hubWorld is a small scenario where composition needs a route: six
// protocols on two dimensions, each with its own standard and verification
// mechanism, expensive bespoke integrations, and one hub whose join
// incentive bootstraps membership. %s is appended (overrides).
const hubWorld = `
name = "hubworld"
horizon_days = 1825
sample_every_days = 7
dimensions = ["model", "compute"]
[verification]
mechanisms = ["a", "b", "c", "d", "e", "f"]
cross = 20
[integration]
bespoke_cost = 60
[builders]
market_potential = 3000
p_per_year = 0.1
q_per_year = 0.6
composability_amplification = 2
app_lifetime_days = 365
[choice]
outside_utility = 1.5
[[protocols]]
name = "m1"
serves = { model = 0.7 }
verification = "a"
openness = %[1]g
[[protocols]]
name = "m2"
serves = { model = 0.6 }
verification = "b"
openness = %[1]g
[[protocols]]
name = "m3"
serves = { model = 0.5 }
verification = "c"
openness = %[1]g
[[protocols]]
name = "c1"
serves = { compute = 0.7 }
verification = "d"
openness = %[1]g
[[protocols]]
name = "c2"
serves = { compute = 0.6 }
verification = "e"
openness = %[1]g
[[protocols]]
name = "c3"
serves = { compute = 0.5 }
verification = "f"
openness = %[1]g
[[hubs]]
name = "hub"
launch_day = 180
adapter_cost = %[2]g
join_incentive = 60
fee_per_use = 0.5
review_every_days = 60
exploits_per_year = %[3]g
recovery_days = 60
trust_loss = 0.3
[[app_types]]
name = "agent"
needs = ["model", "compute"]
[lego]
window_days = 90
`

func hubSpec(t testing.TB, openness, adapter, exploits float64) *scenarios.Spec {
	t.Helper()
	s, err := scenarios.Parse("hubworld.toml", []byte(fmt.Sprintf(hubWorld, openness, adapter, exploits)))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return s
}

// medianLego runs n replications and returns the median Lego day, with
// right-censored replications counted as +Inf (censoring happens only at
// the horizon, so this is the Kaplan–Meier median), and the number reached.
func medianLego(t testing.TB, spec *scenarios.Spec, n int) (float64, int) {
	t.Helper()
	days := make([]float64, n)
	reached := 0
	for i := range n {
		r, err := Replicate(context.Background(), spec, "v", i, 11, ReplicateOptions{})
		if err != nil {
			t.Fatalf("Replicate: %v", err)
		}
		days[i] = math.Inf(1)
		if r.Reached {
			days[i] = r.LegoDay
			reached++
		}
	}
	sort.Float64s(days)
	return days[(n-1)/2], reached
}

func TestReplicateDeterministic(t *testing.T) {
	spec := hubSpec(t, 0.6, 30, 0.5)
	a, err := Replicate(context.Background(), spec, "v", 3, 42, ReplicateOptions{Graph: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Replicate(context.Background(), spec, "v", 3, 42, ReplicateOptions{Graph: true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two runs of the same replication differ")
	}
	c, err := Replicate(context.Background(), spec, "v", 4, 42, ReplicateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Values, c.Values) {
		t.Errorf("replications 3 and 4 have identical series")
	}
	names := metrics.Observables(spec)
	if !reflect.DeepEqual(a.Names, names) || len(a.Values) != len(names) || len(a.Final) != len(names) {
		t.Fatalf("names %v, %d series, %d finals; want %v", a.Names, len(a.Values), len(a.Final), names)
	}
	days := metrics.SampleDays(spec)
	if !reflect.DeepEqual(a.Days, days) || a.Days[len(a.Days)-1] != spec.HorizonDays {
		t.Fatalf("days %v...; want %v... ending at the horizon", a.Days[:3], days[:3])
	}
	for k, s := range a.Values {
		if len(s) != len(days) {
			t.Fatalf("series %s has %d points; want %d", names[k], len(s), len(days))
		}
		if s[len(s)-1] != a.Final[k] {
			t.Errorf("final %s = %g; want the last sample %g", names[k], a.Final[k], s[len(s)-1])
		}
	}
	if a.Graph == nil || len(a.Graph.Nodes) != 6 {
		t.Fatalf("graph %+v; want 6 nodes", a.Graph)
	}
	if a.Events == 0 {
		t.Errorf("events = 0")
	}
}

func TestReplicateTrace(t *testing.T) {
	spec := hubSpec(t, 0.6, 30, 0.5)
	var buf bytes.Buffer
	plain, err := Replicate(context.Background(), spec, "v", 0, 1, ReplicateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	traced, err := Replicate(context.Background(), spec, "v", 0, 1, ReplicateOptions{Trace: &buf})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain.Values, traced.Values) {
		t.Errorf("tracing changed the replication")
	}
	kinds := map[string]int{}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	last := -1.0
	for sc.Scan() {
		var rec struct {
			Day float64 `json:"day"`
			Ev  string  `json:"ev"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if rec.Day < last {
			t.Fatalf("trace goes back in time: %g after %g", rec.Day, last)
		}
		last = rec.Day
		kinds[rec.Ev]++
	}
	for _, k := range []string{"launch", "app", "hub_launch", "hub_review"} {
		if kinds[k] == 0 {
			t.Errorf("no %q record in the trace (%v)", k, kinds)
		}
	}
	if kinds["app"] != int(traced.Final[metrics.ObservableIndex(traced.Names, metrics.ObsBuildersCum)]) {
		t.Errorf("%d app records; want one per builder (%g)", kinds["app"], traced.Final[metrics.ObservableIndex(traced.Names, metrics.ObsBuildersCum)])
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestReplicateErrors(t *testing.T) {
	spec := hubSpec(t, 0.6, 30, 0.5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Replicate(ctx, spec, "v", 0, 1, ReplicateOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v; want context.Canceled", err)
	}
	if _, err := Replicate(context.Background(), spec, "v", 0, 1, ReplicateOptions{Trace: failWriter{}}); err == nil {
		t.Errorf("failing trace writer: no error")
	}
}

// TestMonotonicSanity runs seeded statistical comparisons on common random
// numbers: cheaper hub adapters never delay the median Lego moment, a
// higher exploit rate never advances it, and zero openness everywhere never
// reaches it.
func TestMonotonicSanity(t *testing.T) {
	n := 41
	if testing.Short() {
		n = 21
	}
	cheap, rc := medianLego(t, hubSpec(t, 0.6, 20, 0.2), n)
	dear, rd := medianLego(t, hubSpec(t, 0.6, 80, 0.2), n)
	t.Logf("adapter 20: median %g (%d/%d reached); adapter 80: median %g (%d/%d)", cheap, rc, n, dear, rd, n)
	if rc == 0 {
		t.Fatalf("the cheap hub never reaches the Lego moment: the test scenario is degenerate")
	}
	if cheap > dear {
		t.Errorf("cheaper adapters delay the median Lego moment: %g > %g", cheap, dear)
	}
	safe, rs := medianLego(t, hubSpec(t, 0.6, 30, 0), n)
	risky, rr := medianLego(t, hubSpec(t, 0.6, 30, 4), n)
	t.Logf("exploits 0/yr: median %g (%d/%d); 4/yr: median %g (%d/%d)", safe, rs, n, risky, rr, n)
	if risky < safe {
		t.Errorf("a higher exploit rate advances the median Lego moment: %g < %g", risky, safe)
	}
	if rr > rs {
		t.Errorf("a higher exploit rate reaches the Lego moment more often: %d > %d", rr, rs)
	}
	closed, rz := medianLego(t, hubSpec(t, 0, 20, 0), n)
	if rz != 0 {
		t.Errorf("zero openness: %d/%d replications reached the Lego moment (median %g); want none", rz, n, closed)
	}
}

// TestBuiltinInvariants runs one replication of every variant of every
// built-in scenario and checks the invariants of the observables: shares
// in [0,1], cumulative series non-decreasing, composed apps within live
// apps, the Lego day within the horizon.
func TestBuiltinInvariants(t *testing.T) {
	shares := []string{metrics.ObsComposability, metrics.ObsComposedShareNew, metrics.ObsComposedShare,
		metrics.ObsOutsideShare, metrics.ObsLargestComponent, metrics.ObsHubShare}
	cums := []string{metrics.ObsComposedCum, metrics.ObsBuildersCum, metrics.ObsEmissions, metrics.ObsIncentives,
		metrics.ObsSubsidies, metrics.ObsFees, metrics.ObsHubFees, metrics.ObsExploits}
	for _, name := range scenarios.BuiltinNames() {
		base, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if base.Builders.MarketPotential > 20000 {
			// Keep the test fast; scale is the benchmark's business.
			if err := base.Set("builders.market_potential", "20000"); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range base.VariantNames() {
			spec, err := base.Variant(v)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Replicate(context.Background(), spec, v, 0, spec.Seed, ReplicateOptions{Graph: true})
			if err != nil {
				t.Fatalf("%s/%s: %v", name, v, err)
			}
			get := func(n string) []float64 { return r.Values[metrics.ObservableIndex(r.Names, n)] }
			bounded := append([]string(nil), shares...)
			for k, n := range r.Names {
				if len(n) > 4 && n[:4] == "hhi_" {
					bounded = append(bounded, n)
				}
				for i, x := range r.Values[k] {
					if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
						t.Fatalf("%s/%s: %s[%d] = %g", name, v, n, i, x)
					}
				}
			}
			for _, n := range bounded {
				for i, x := range get(n) {
					if x > 1+1e-12 {
						t.Errorf("%s/%s: %s[%d] = %g > 1", name, v, n, i, x)
					}
				}
			}
			for _, n := range cums {
				s := get(n)
				for i := 1; i < len(s); i++ {
					if s[i] < s[i-1]*(1-1e-12) {
						t.Errorf("%s/%s: cumulative %s falls from %g to %g at day %g", name, v, n, s[i-1], s[i], r.Days[i])
					}
				}
			}
			live, comp, full := get(metrics.ObsAppsLive), get(metrics.ObsComposedApps), get(metrics.ObsFullStackApps)
			for i := range live {
				if comp[i] > live[i] || full[i] > live[i] {
					t.Errorf("%s/%s: day %g: %g composed and %g full-stack of %g live apps", name, v, r.Days[i], comp[i], full[i], live[i])
				}
			}
			if r.LegoDay < 0 || r.LegoDay > spec.HorizonDays || (!r.Reached && r.LegoDay != spec.HorizonDays) {
				t.Errorf("%s/%s: Lego day %g (reached %v), horizon %g", name, v, r.LegoDay, r.Reached, spec.HorizonDays)
			}
			if r.Graph == nil || len(r.Graph.Nodes) != int(r.Final[metrics.ObservableIndex(r.Names, metrics.ObsLiveProtocols)]) {
				t.Errorf("%s/%s: graph nodes do not match live protocols", name, v)
			}
		}
	}
}
