package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/metrics/observe"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
)

// loadPriors loads examples/priors.toml with runs and seed set.
func loadPriors(t *testing.T, runs int) *scenarios.Spec {
	t.Helper()
	spec, err := scenarios.Load("../examples/priors.toml")
	if err != nil {
		t.Fatal(err)
	}
	spec.Runs, spec.Seed = runs, 5
	return spec
}

// runMem runs e into a MemorySink and returns it.
func runMem(t *testing.T, e *Ensemble) (*MemorySink, *Result) {
	t.Helper()
	sink := &MemorySink{}
	res, err := e.Run(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	return sink, res
}

// TestPriorJobsIdentical checks that a prior-predictive run writes the
// same bytes for any --jobs, that every variant of replication r gets the
// same θ on the keys they share, and that the K inner replications of one
// θ draw share it.
func TestPriorJobsIdentical(t *testing.T) {
	const runs, inner = 8, 2
	var files [2]*MemorySink
	for i, jobs := range []int{1, 3} {
		e, err := NewEnsemble(loadPriors(t, runs), nil, runs, 5)
		if err != nil {
			t.Fatal(err)
		}
		e.Jobs, e.Inner, e.Version = jobs, inner, "test"
		files[i], _ = runMem(t, e)
	}
	for _, name := range files[0].Names() {
		if !bytes.Equal(files[0].File(name), files[1].File(name)) {
			t.Errorf("%s differs between --jobs 1 and --jobs 3", name)
		}
	}
	obs, rows, err := reports.ReadRuns(bytes.NewReader(files[0].File(reports.RunsFile)))
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(obs, func(s string) bool { return len(s) > 6 && s[:6] == reports.ThetaColumn }) {
		t.Fatalf("θ columns read as observables: %v", obs)
	}
	byRep := map[int][]reports.Run{}
	for _, r := range rows {
		if len(r.Theta) != 6 {
			t.Fatalf("run %s/%d has %d θ cells, want 6 (5 base priors and the hub's join_incentive)", r.Variant, r.Replication, len(r.Theta))
		}
		byRep[r.Replication] = append(byRep[r.Replication], r)
	}
	for r := range runs {
		rs := byRep[r]
		if len(rs) != 2 {
			t.Fatalf("replication %d has %d rows", r, len(rs))
		}
		// The five base keys are shared; the sixth only the hub has.
		if !slices.Equal(rs[0].Theta[:5], rs[1].Theta[:5]) {
			t.Errorf("replication %d: variants drew different θ: %v vs %v", r, rs[0].Theta, rs[1].Theta)
		}
		if rs[0].Theta[5] != "" || rs[1].Theta[5] == "" {
			t.Errorf("replication %d: join_incentive cells %q (siloed) and %q (hub)", r, rs[0].Theta[5], rs[1].Theta[5])
		}
		if r%inner == 1 && !slices.Equal(rs[0].Theta, byRep[r-1][0].Theta) {
			t.Errorf("replications %d and %d are one θ draw but differ", r-1, r)
		}
		if r%inner == 0 && r > 0 && slices.Equal(rs[0].Theta, byRep[r-1][0].Theta) {
			t.Errorf("replications %d and %d are different θ draws but equal", r-1, r)
		}
	}
	var sum metrics.Summary
	if err := json.Unmarshal(files[0].File(reports.SummaryFile), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Forecast == nil || sum.Forecast.Thetas != runs/inner || sum.Forecast.Inner != inner {
		t.Fatalf("forecast = %+v, want %d θ × %d", sum.Forecast, runs/inner, inner)
	}
	for _, v := range sum.Forecast.Variants {
		if v.DayVariance == nil || v.ReachedVariance == nil {
			t.Errorf("%s: no variance split with K = %d: %s", v.Name, inner, v.VarianceNote)
		}
		if n := len(v.Family.Members); n != 29 {
			t.Errorf("%s: %d detector-family members, want 29", v.Name, n)
		}
	}
}

// TestFixedIsTheRunWithoutPriors checks that --fixed (Ensemble.Fixed) runs
// exactly what the scenario without its priors runs: every output is the
// same except scenario.toml, which keeps the priors, and the summary's hash
// of it.
func TestFixedIsTheRunWithoutPriors(t *testing.T) {
	const runs = 4
	withPriors := loadPriors(t, runs)
	bare := withPriors.Clone()
	bare.Priors = nil
	for i := range bare.Variants {
		bare.Variants[i].Priors = nil
	}
	ef, err := NewEnsemble(withPriors, nil, runs, 5)
	if err != nil {
		t.Fatal(err)
	}
	ef.Fixed, ef.Version = true, "test"
	eb, err := NewEnsemble(bare, nil, runs, 5)
	if err != nil {
		t.Fatal(err)
	}
	eb.Version = "test"
	fixed, rf := runMem(t, ef)
	plain, rb := runMem(t, eb)
	for _, name := range plain.Names() {
		if name == reports.SummaryFile || name == reports.ScenarioFile {
			continue
		}
		if !bytes.Equal(fixed.File(name), plain.File(name)) {
			t.Errorf("%s differs between --fixed and the scenario without priors", name)
		}
	}
	if rf.Summary.Forecast != nil {
		t.Error("a --fixed run has a forecast section")
	}
	a, b := *rf.Summary, *rb.Summary
	a.SHA256, b.SHA256 = "", ""
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("summary differs beyond the scenario hash:\n%s\n%s", ja, jb)
	}
}

// splitReplicate is a synthetic model with a known variance split: the
// Lego day is 1500 + slope·(q − 0.5) + sd·Z, q = builders.q_per_year drawn
// from the prior, Z standard normal from the replication's dice.
func splitReplicate(slope, sd float64) ReplicateFunc {
	return func(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, trace io.Writer, graph bool) (*metrics.Replication, error) {
		rng := sim.NewStream(seed, uint64(index), sim.StreamID("split"))
		day := 1500 + slope*(spec.Builders.QPerYear-0.5) + sd*rng.NormFloat64()
		return &metrics.Replication{
			Variant: variant, Index: index, Seed: seed, LegoDay: day, Reached: true,
			Names: []string{"x"}, Days: []float64{0, spec.HorizonDays},
			Values: [][]float64{{0, 1}}, Final: []float64{1},
		}, nil
	}
}

// TestVarianceSplitThroughWiring checks that the forecast's variance split
// of the Lego day recovers the share planted in a synthetic model through
// the whole wiring (θ stream, inner replications, grouping): with q ~
// U[0.4, 0.6], the between-θ variance is slope²·0.2²/12 and the within
// variance sd², computed here. With 400 θ × 4 the share's standard error
// is about 0.026 (Searle et al. 1992, the ICC's large-sample variance), so
// a miss of 0.15 has a false-failure rate below 10⁻⁸; the seed is fixed,
// so the result is deterministic anyway.
func TestVarianceSplitThroughWiring(t *testing.T) {
	const thetas, inner = 400, 4
	const slope, sd = 4000.0, 231.0
	spec, err := scenarios.Parse("split.toml", []byte(`
name = "split"
horizon_days = 3000
[[protocols]]
name = "a"
serves = { data = 1.0 }
[[priors]]
key = "builders.q_per_year"
dist = "uniform"
min = 0.4
max = 0.6
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEnsemble(spec, nil, thetas*inner, 9)
	if err != nil {
		t.Fatal(err)
	}
	e.Inner, e.Jobs, e.Replicate = inner, 2, splitReplicate(slope, sd)
	_, res := runMem(t, e)
	f := res.Summary.Forecast
	if f == nil || len(f.Variants) != 1 {
		t.Fatalf("forecast = %+v", f)
	}
	between := slope * slope * 0.2 * 0.2 / 12
	want := between / (between + sd*sd)
	dv := f.Variants[0].DayVariance
	if dv == nil {
		t.Fatalf("no variance split: %s", f.Variants[0].VarianceNote)
	}
	if math.Abs(dv.Share-want) > 0.15 {
		t.Errorf("θ share of the Lego day = %.3f [%.3f, %.3f]; want %.3f", dv.Share, dv.ShareLo, dv.ShareHi, want)
	}
	if math.Abs(dv.Within-sd*sd) > 0.15*sd*sd {
		t.Errorf("within-θ variance = %.0f; want %.0f", dv.Within, sd*sd)
	}
	// PRCC: q is the only parameter and drives the day up.
	if im := f.Variants[0].Importance; len(im) != 1 || im[0].Key != "builders.q_per_year" || im[0].PRCC < 0.5 {
		t.Errorf("importance = %+v; want q_per_year strongly positive", im)
	}
}

// bassF is the Bass (1969) adopted fraction at t years.
func bassF(p, q, t float64) float64 {
	e := math.Exp(-(p + q) * t)
	return (1 - e) / (1 + q/p*e)
}

// TestBassPriorPredictive is the planted-answer case: one protocol (so
// interop is off), p ~ U[a, b]. The prior-predictive mean of builders_cum
// at the horizon H equals (1/(b−a))∫_a^b M·F(H; p, q) dp, computed here by
// Simpson's rule on 2,000 intervals (error ≪ 10⁻⁶·M). The run's mean over
// R replications has the standard error sd/√R of the mixture, estimated
// from the runs; the tolerance is 4 standard errors plus 0.2% of M for the
// stochastic Bass process's O(1) departure from M·F (as in agents'
// TestBassDiffusion), a false-failure rate below 10⁻⁴ (fixed seed, so
// deterministic).
func TestBassPriorPredictive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the model 240 times")
	}
	const (
		M, q      = 2000.0, 0.38
		lo, hi    = 0.01, 0.05
		years     = 4.0
		R         = 240
		intervals = 2000
	)
	spec, err := scenarios.Parse("bass.toml", []byte(fmt.Sprintf(`
name = "bass"
horizon_days = %g
dimensions = ["x"]
[builders]
market_potential = %g
q_per_year = %g
app_lifetime_days = 365
[[protocols]]
name = "solo"
serves = { x = 1.0 }
[[app_types]]
name = "single"
needs = ["x"]
[[priors]]
key = "builders.p_per_year"
dist = "uniform"
min = %g
max = %g
`, years*365.25, M, q, lo, hi)))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEnsemble(spec, nil, R, 3)
	if err != nil {
		t.Fatal(err)
	}
	e.Jobs = 2
	sink, _ := runMem(t, e)
	obs, rows, err := reports.ReadRuns(bytes.NewReader(sink.File(reports.RunsFile)))
	if err != nil {
		t.Fatal(err)
	}
	k := slices.Index(obs, observe.ObsBuildersCum)
	if k < 0 {
		t.Fatalf("no %s in %v", observe.ObsBuildersCum, obs)
	}
	var sum, sum2 float64
	for _, r := range rows {
		p, err := strconv.ParseFloat(r.Theta[0], 64)
		if err != nil || p < lo || p > hi {
			t.Fatalf("replication %d: p = %q outside its prior", r.Replication, r.Theta[0])
		}
		n := r.Final[k]
		sum += n
		sum2 += n * n
	}
	mean := sum / R
	se := math.Sqrt(math.Max(sum2/R-mean*mean, 0) / R)
	// Simpson's rule for (1/(b−a))∫ M·F(H; p, q) dp.
	h := (hi - lo) / intervals
	s := bassF(lo, q, years) + bassF(hi, q, years)
	for i := 1; i < intervals; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * bassF(lo+float64(i)*h, q, years)
	}
	want := M * s * h / 3 / (hi - lo)
	if tol := 4*se + 0.002*M; math.Abs(mean-want) > tol {
		t.Errorf("prior-predictive mean builders_cum at %g years = %.1f; want %.1f ± %.1f (se %.1f)", years, mean, want, tol, se)
	}
}

// TestForecastKeysInRunsHeader checks the θ column order: the base's
// priors as declared, then a variant's new keys.
func TestForecastKeysInRunsHeader(t *testing.T) {
	e, err := NewEnsemble(loadPriors(t, 2), nil, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	keys := e.thetaKeys()
	want := []string{"hubs.interlink.adapter_cost", "builders.q_per_year", "protocols.Sahara.openness",
		"choice.outside_utility", "standards.rule", "hubs.interlink.join_incentive"}
	if !slices.Equal(keys, want) {
		t.Errorf("θ keys = %v; want %v", keys, want)
	}
}

// TestEstimatedEventsFollowsPriors: a prior on the market potential moves
// the up-front estimate; the file's own value (1,000) would say 3,000
// events a replication where the draws average about 6,000,000. The θ are
// the run's own (seeded), so the test is deterministic; the bound allows
// 25% where 32 uniform draws have a relative sd of 5%.
func TestEstimatedEventsFollowsPriors(t *testing.T) {
	spec, err := scenarios.Parse("p.toml", []byte(`name = "p"
runs = 64
[[protocols]]
name = "A"
serves = { data = 0.5 }
[builders]
market_potential = 1000
[[priors]]
key = "builders.market_potential"
dist = "uniform"
min = 1000000
max = 3000000
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEnsemble(spec, nil, 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := 64 * scenarios.EventsPerBuilder * 2e6
	if got := e.EstimatedEvents(); math.Abs(got-want) > 0.25*want {
		t.Errorf("EstimatedEvents = %.3g; want about %.3g (the prior's mean market potential)", got, want)
	}
	e.Fixed = true
	if got, want := e.EstimatedEvents(), 64*scenarios.EventsPerBuilder*1000.0; math.Abs(got-want) > 1e-9*want {
		t.Errorf("--fixed: EstimatedEvents = %v; want the file's %v", got, want)
	}
}
