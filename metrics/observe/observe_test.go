package observe

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/scenarios"
)

const observeScenario = `
name = "observe"
horizon_days = 730
sample_every_days = 7
[builders]
market_potential = 2000
p_per_year = 0.5
q_per_year = 0.5
[standards]
offered_by = ["big"]
[[protocols]]
name = "big"
serves = { data = 0.6, model = 0.6, compute = 0.6, storage = 0.6 }
openness = 0.8
[protocols.token]
emission_per_day = 100
price_kusd = 0.01
builder_share = 0.5
halving_days = 365
[[populations]]
prefix = "p"
count = 20
[[hubs]]
name = "h1"
launch_day = 100
join_incentive = 100
[[hubs]]
name = "h2"
launch_day = 200
[[shocks]]
kind = "outage"
rate_per_year = 2
`

func TestObservables(t *testing.T) {
	spec, err := scenarios.Parse("observe.toml", []byte(observeScenario))
	if err != nil {
		t.Fatal(err)
	}
	names := Observables(spec)
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("duplicate observable %q", n)
		}
		seen[n] = true
	}
	fixed := []string{
		ObsComposability, ObsComposedShareNew, ObsComposedShare, ObsComposedApps, ObsComposedCum,
		ObsFullStackApps, ObsAppsLive, ObsBuildersCum, ObsOutsideShare, ObsLargestComponent,
		ObsComponents, ObsBridges, ObsHubShare, ObsLiveProtocols, ObsEmissions, ObsIncentives,
		ObsSubsidies, ObsFees, ObsHubFees, ObsExploits, ObsAdopters, ObsProtocolLinks,
	}
	if !reflect.DeepEqual(names[:len(fixed)], fixed) {
		t.Errorf("fixed observables %v; want %v", names[:len(fixed)], fixed)
	}
	tail := strings.Join(names[len(fixed):], ",")
	want := "hhi_data,hhi_model,hhi_compute,hhi_storage,live_standards_data,live_standards_model,live_standards_compute,live_standards_storage,hub_members_h1,hub_members_h2"
	if tail != want {
		t.Errorf("per-dimension and per-hub observables %s; want %s", tail, want)
	}
}

// TestFixedObservables checks the count scenarios sizes ensembles with against the table:
// the per-model rows, which must also come before every family so that the count is the
// offset of the first per-dimension observable.
func TestFixedObservables(t *testing.T) {
	n := 0
	for i, r := range observables {
		if r.scope != perModel {
			continue
		}
		if i != n {
			t.Errorf("observable %s (row %d) follows a per-dimension or per-hub family", r.name, i)
		}
		n++
	}
	if n != scenarios.FixedObservables {
		t.Errorf("%d per-model observables in the table; scenarios.FixedObservables = %d", n, scenarios.FixedObservables)
	}
	names := Observables(&scenarios.Spec{Dimensions: []string{"x", "y"}, Hubs: []scenarios.Hub{{Name: "h"}}})
	if got, want := len(names), scenarios.FixedObservables+2*2+1; got != want {
		t.Errorf("%d observables for 2 dimensions and 1 hub; want %d", got, want)
	}
}

func TestSampleDays(t *testing.T) {
	for _, tc := range []struct {
		h, every float64
		want     []float64
	}{
		{21, 7, []float64{0, 7, 14, 21}},
		{20, 7, []float64{0, 7, 14, 20}},
		{5, 7, []float64{0, 5}},
	} {
		got := SampleDays(&scenarios.Spec{HorizonDays: tc.h, SampleEveryDays: tc.every})
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SampleDays(h=%g, every=%g) = %v; want %v", tc.h, tc.every, got, tc.want)
		}
	}
}

// TestCollectorObservesOnly checks that sampling never steers the model:
// the same replication sampled weekly and daily ends in the same state.
func TestCollectorObservesOnly(t *testing.T) {
	spec, err := scenarios.Parse("observe.toml", []byte(observeScenario))
	if err != nil {
		t.Fatal(err)
	}
	final := func(every float64) ([]float64, *Collector) {
		s := spec.Clone()
		s.SampleEveryDays = every
		m, err := agents.New(s, 5, 0, agents.Options{})
		if err != nil {
			t.Fatal(err)
		}
		days := SampleDays(s)
		c := NewCollector(s, m, len(days))
		for _, d := range days {
			if err := m.RunUntil(context.Background(), d); err != nil {
				t.Fatal(err)
			}
			c.Sample()
		}
		return c.Final(), c
	}
	weekly, cw := final(7)
	daily, _ := final(1)
	for k, n := range Observables(spec) {
		if n == ObsComposedShareNew {
			continue // depends on the sampling interval by definition
		}
		if weekly[k] != daily[k] {
			t.Errorf("%s at the horizon: %g sampled weekly, %g daily", n, weekly[k], daily[k])
		}
	}
	// composed_share_new is the share of composed apps among the apps
	// built since the previous sample.
	b, k, s := cw.Series(ObsBuildersCum), cw.Series(ObsComposedCum), cw.Series(ObsComposedShareNew)
	for i := 1; i < len(b); i++ {
		want := 0.0
		if b[i] > b[i-1] {
			want = (k[i] - k[i-1]) / (b[i] - b[i-1])
		}
		if s[i] != want {
			t.Fatalf("composed_share_new[%d] = %g; want %g", i, s[i], want)
		}
	}
	if got := cw.Series(ObsEmissions); got[len(got)-1] <= 0 {
		t.Errorf("no emissions recorded")
	}
	if cw.Series("no such observable") != nil {
		t.Errorf("Series of an unknown name is not nil")
	}
}

// TestSampleAllocations checks that a sample allocates nothing once the
// collector's series have room (NewCollector's capacity) and the
// observation's per-dimension slices exist: a replication's allocations
// then do not grow with its number of sample days. (A local reading whose
// address reached the reporters' indirect call once cost one allocation per
// sample, 639 allocations per replication instead of 116.)
func TestSampleAllocations(t *testing.T) {
	spec, err := scenarios.Parse("observe.toml", []byte(observeScenario))
	if err != nil {
		t.Fatal(err)
	}
	m, err := agents.New(spec, 5, 0, agents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.RunUntil(context.Background(), 300); err != nil {
		t.Fatal(err)
	}
	const runs = 20
	c := NewCollector(spec, m, runs+2)
	c.Sample() // the observation's slices
	if got := testing.AllocsPerRun(runs, c.Sample); got != 0 {
		t.Errorf("Collector.Sample allocates %g times per call; want 0", got)
	}
}

// TestAnalogObservables checks the two observation operators of the analog
// calibrations against the interop graph, which the model builds by another
// path: adopters is the number of protocols joined to the offerer by a
// shared-standard edge (in observeScenario only "big" offers, and every
// generated protocol starts on its own standard, so the only shared standard
// is big's, drawn as a star from big, the first protocol), and
// protocol_links the total usage (live links) of the live protocols.
func TestAnalogObservables(t *testing.T) {
	spec, err := scenarios.Parse("observe.toml", []byte(observeScenario))
	if err != nil {
		t.Fatal(err)
	}
	m, err := agents.New(spec, 3, 0, agents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := Observables(spec)
	ka, kl := ObservableIndex(names, ObsAdopters), ObservableIndex(names, ObsProtocolLinks)
	if ka < 0 || kl < 0 {
		t.Fatalf("adopters at %d, protocol_links at %d in %v", ka, kl, names)
	}
	c := NewCollector(spec, m, 8)
	maxAdopters, maxLinks := 0.0, 0.0
	for _, day := range []float64{0, 100, 200, 365, 500, 730} {
		if err := m.RunUntil(context.Background(), day); err != nil {
			t.Fatal(err)
		}
		c.Sample()
		nodes, edges := m.Graph()
		big := -1
		usage := 0.0
		for i, n := range nodes {
			usage += n.Usage
			if n.Name == "big" {
				big = i
			}
		}
		adopters := 0
		for _, e := range edges {
			if e.Kind == "standard" && e.A == big {
				adopters++
			}
		}
		got := c.Final()
		if got[ka] != float64(adopters) {
			t.Errorf("day %g: adopters = %g; the graph has %d standard edges from big", day, got[ka], adopters)
		}
		if got[kl] != usage {
			t.Errorf("day %g: protocol_links = %g; the live protocols' usage sums to %g", day, got[kl], usage)
		}
		maxAdopters = max(maxAdopters, got[ka])
		maxLinks = max(maxLinks, got[kl])
	}
	if maxLinks == 0 {
		t.Errorf("no protocol links by day 730: the test checks nothing")
	}
	if maxAdopters == 0 {
		t.Errorf("nobody adopted big's standard by day 730: the test checks nothing")
	}
}

// TestSummaryCollector checks the summary collector against the full one on
// the same replications, with both detector rules: the same days, final
// values, Lego moment and left-truncation flag, the same count series, and
// the same composability index wherever it computed one (NaN elsewhere,
// which must be most samples: that is the saving).
func TestSummaryCollector(t *testing.T) {
	spec, err := scenarios.Parse("observe.toml", []byte(observeScenario))
	if err != nil {
		t.Fatal(err)
	}
	logistic := spec.Clone()
	logistic.Lego.Rule = "logistic"
	computed, samples := 0, 0
	for _, s := range []*scenarios.Spec{spec, logistic} {
		for r := range 3 {
			days := SampleDays(s)
			collectIn := func(summary bool, st Storage) *Collector {
				m, err := agents.New(s, 9, r, agents.Options{})
				if err != nil {
					t.Fatal(err)
				}
				c := NewCollectorIn(s, m, len(days), st)
				if summary {
					c = NewSummaryCollectorIn(s, m, len(days), st)
				}
				for _, d := range days {
					if err := m.RunUntil(context.Background(), d); err != nil {
						t.Fatal(err)
					}
					c.Sample()
				}
				return c
			}
			collect := func(summary bool) *Collector { return collectIn(summary, Storage{}) }
			full, lean := collect(false), collect(true)
			name := fmt.Sprintf("rule %q rep %d", s.Lego.Rule, r)
			if !reflect.DeepEqual(lean.Days(), full.Days()) || !reflect.DeepEqual(lean.Final(), full.Final()) {
				t.Errorf("%s: summary days or final values differ from the full collector's", name)
			}
			d1, ok1 := lean.Lego(s.Lego)
			d2, ok2 := full.Lego(s.Lego)
			if d1 != d2 || ok1 != ok2 || lean.LeftTruncated(s.Lego) != full.LeftTruncated(s.Lego) {
				t.Errorf("%s: summary Lego %v %v (left-truncated %v); full %v %v (%v)", name, d1, ok1, lean.LeftTruncated(s.Lego), d2, ok2, full.LeftTruncated(s.Lego))
			}
			for _, n := range []string{ObsBuildersCum, ObsComposedCum} {
				if !reflect.DeepEqual(lean.Series(n), full.Series(n)) {
					t.Errorf("%s: summary %s series differs", name, n)
				}
			}
			want := full.Series(ObsComposability)
			for i, x := range lean.Series(ObsComposability) {
				samples++
				if math.IsNaN(x) {
					continue
				}
				computed++
				if x != want[i] {
					t.Errorf("%s: summary composability at day %g = %v; full %v", name, days[i], x, want[i])
				}
			}
			if lean.Values() != nil || lean.Series(ObsEmissions) != nil {
				t.Errorf("%s: summary collector keeps series it should not", name)
			}
			// Each kind on the other's memory (NewCollectorIn,
			// NewSummaryCollectorIn) collects what it does on fresh memory.
			values := make([][]float64, len(full.Values()))
			for k, v := range full.Values() {
				values[k] = slices.Clone(v)
			}
			fullDays, fullFinal, leanFinal := slices.Clone(full.Days()), full.Final(), lean.Final()
			leanSeries := [3][]float64{}
			for i, n := range []string{ObsComposability, ObsBuildersCum, ObsComposedCum} {
				leanSeries[i] = slices.Clone(lean.Series(n))
			}
			lean2 := collectIn(true, full.Storage())
			for i, n := range []string{ObsComposability, ObsBuildersCum, ObsComposedCum} {
				if got := lean2.Series(n); !slices.EqualFunc(got, leanSeries[i], func(a, b float64) bool { return a == b || a != a && b != b }) {
					t.Errorf("%s: summary %s series on a full collector's memory differs", name, n)
				}
			}
			if lean2.Series(ObsEmissions) != nil || !reflect.DeepEqual(lean2.Final(), leanFinal) || !reflect.DeepEqual(lean2.Days(), fullDays) {
				t.Errorf("%s: a summary collector on a full one's memory keeps other series, or other final values or days", name)
			}
			full2 := collectIn(false, lean2.Storage())
			if !reflect.DeepEqual(full2.Values(), values) || !reflect.DeepEqual(full2.Days(), fullDays) || !reflect.DeepEqual(full2.Final(), fullFinal) {
				t.Errorf("%s: a full collector on a summary one's memory collects other series", name)
			}
		}
	}
	if computed == 0 || computed > samples/4 {
		t.Errorf("summary collectors computed the index at %d of %d samples", computed, samples)
	}
	t.Logf("summary collectors computed the index at %d of %d samples", computed, samples)
}

// tableRow is what the observables table's reporters return for r, row by
// row: the reference reading.record follows.
func tableRow(r *reading, nDims, nHubs int) []float64 {
	var out []float64
	for i := range observables {
		rep := &observables[i]
		n := 1
		switch rep.scope {
		case perDimension:
			n = nDims
		case perHub:
			n = nHubs
		}
		for j := range n {
			out = append(out, rep.report(r, j))
		}
	}
	return out
}

// TestRecordFollowsTable checks reading.record against the observables
// table on readings whose every field has its own value, so that a value
// recorded in another row's place, or a row missing, shows; and with a
// stride, as a full collector records.
func TestRecordFollowsTable(t *testing.T) {
	for _, size := range [][2]int{{1, 0}, {2, 1}, {4, 3}} {
		nDims, nHubs := size[0], size[1]
		o := &agents.Observation{}
		// Fill every field, in declaration order, with its own value.
		x := 1.0
		next := func() float64 { x += 1.25; return x }
		nextInt := func() int { return int(next()*8) + 1 }
		o.Day, o.Composability = next(), next()
		o.AppsLive, o.ComposedLive, o.FullStackLive = nextInt()*3, nextInt(), nextInt()
		o.BuildersCum, o.ComposedCum = nextInt()*5, nextInt()
		o.OutsideShare, o.LargestShare = next(), next()
		o.Components, o.Bridges = nextInt(), nextInt()
		o.HubShare = next()
		o.LiveProtocols = nextInt()
		o.EmissionsCum, o.IncentivesCum, o.SubsidiesCum, o.FeesCum, o.HubFeesCum = next(), next(), next(), next(), next()
		o.Exploits = nextInt()
		for range nDims {
			o.HHI = append(o.HHI, next())
			o.LiveStandards = append(o.LiveStandards, nextInt())
		}
		for range nHubs {
			o.HubMembers = append(o.HubMembers, nextInt())
		}
		o.Adopters, o.ProtocolLinks = nextInt(), nextInt()
		r := &reading{Observation: o, newApps: nextInt() * 2, newComposed: nextInt()}
		want := tableRow(r, nDims, nHubs)
		seen := map[float64]bool{}
		for _, v := range want {
			seen[v] = true
		}
		if len(seen) != len(want) {
			t.Fatalf("dims %d hubs %d: the reading's values are not all distinct: %v", nDims, nHubs, want)
		}
		const stride, off = 3, 1
		got := make([]float64, off+stride*len(want))
		r.record(got, off, stride, nDims, nHubs)
		for k, w := range want {
			if g := got[off+k*stride]; math.Float64bits(g) != math.Float64bits(w) {
				t.Errorf("dims %d hubs %d: record wrote %v for observable %d; the table reads %v", nDims, nHubs, g, k, w)
			}
		}
	}
}

// TestCollectorFollowsTable checks the values a full collector records
// against the observables table's reporters on the same readings, at every
// sample of replications of the built-in scenarios and of observeScenario.
func TestCollectorFollowsTable(t *testing.T) {
	own, err := scenarios.Parse("observe.toml", []byte(observeScenario))
	if err != nil {
		t.Fatal(err)
	}
	specs := []*scenarios.Spec{own}
	for _, name := range []string{"deai-2025", "bittensor-2023", "defi-2017", "ibc-2021", "layerzero-2022", "subnets-128"} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, s)
	}
	for _, spec := range specs {
		m, err := agents.New(spec, 7, 1, agents.Options{})
		if err != nil {
			t.Fatal(err)
		}
		days := SampleDays(spec)
		c := NewCollector(spec, m, len(days))
		for i, d := range days {
			if err := m.RunUntil(context.Background(), d); err != nil {
				t.Fatal(err)
			}
			c.Sample()
			want := tableRow(&c.r, c.nDims, c.nHubs)
			for k, w := range want {
				if g := c.flat[k*c.stride+i]; math.Float64bits(g) != math.Float64bits(w) {
					t.Fatalf("%s day %g: %s recorded %v; the table reads %v", spec.Name, d, c.names[k], g, w)
				}
			}
		}
	}
}
