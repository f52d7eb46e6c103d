package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/stats"
)

// Forecast is the prior-predictive part of summary.json (issue 12): present
// only when a run drew θ from the scenario's priors. It separates the
// uncertainties a reader must not mix up: the predictive answer over θ and
// dice, how much of its variance is θ's, the Monte Carlo precision of the
// estimates, what drives the date, and how much the detector decides.
type Forecast struct {
	// Thetas is the number of θ draws completed, Inner the replications
	// per θ (--inner K); replication r used θ index r / K.
	Thetas int `json:"thetas"`
	Inner  int `json:"inner"`
	// Keys are the canonical key paths of the priors, in runs.csv's θ
	// column order (the base's, then each variant's new keys).
	Keys []string `json:"keys"`
	// Variants are in the summary's variant order.
	Variants []VariantForecast `json:"variants"`
	// Leading is the detector-family verdict on the order of the variants.
	Leading Leading `json:"leading"`
	// Posteriors say which θ keys were drawn from a calibration's
	// posterior instead of from priors, and why; absent when none were.
	Posteriors []ForecastPosterior `json:"posteriors,omitempty"`
}

// ForecastPosterior is one posterior a run drew θ keys from: one particle
// by weight per θ draw, its keys together.
type ForecastPosterior struct {
	// From names the posterior as the scenario does (a built-in's name or
	// the path of its posterior.csv).
	From string `json:"from"`
	// Reason is the stated reason the keys are shared between the
	// calibration's analog and this scenario.
	Reason string `json:"reason"`
	// Keys are the canonical keys of this scenario it set, AnalogKeys the
	// posterior's columns they came from, in the same order.
	Keys       []string `json:"keys"`
	AnalogKeys []string `json:"analog_keys"`
	// ReplacedPriors are the keys among Keys that had a prior.
	ReplacedPriors []string `json:"replaced_priors"`
	// Variants are the variants that drew from it.
	Variants []string `json:"variants"`
	// Particles is the number of particles, ESS their effective number
	// (Σw)²/Σw².
	Particles int     `json:"particles"`
	ESS       float64 `json:"ess"`
}

// Text says the posterior's use in one line: "θ for K keys drawn from
// posterior X (reason)".
func (p ForecastPosterior) Text() string {
	keys := "keys"
	if len(p.Keys) == 1 {
		keys = "key"
	}
	return fmt.Sprintf("θ for %d %s (%s) drawn from posterior %s (%s)", len(p.Keys), keys, strings.Join(p.Keys, ", "), p.From, p.Reason)
}

// VariantForecast is one variant's prior-predictive answer.
type VariantForecast struct {
	Name string `json:"name"`
	// PByHorizon is the predictive P(Lego by the horizon) over θ and dice.
	PByHorizon float64 `json:"p_by_horizon"`
	// The predictive distribution of the date, from the Kaplan–Meier
	// estimate over all runs: quantiles 5%, 25%, 50%, 75%, 95% as days
	// and dates; nil when S(t) stays above 1 − q to the horizon (the
	// quantile lies beyond it).
	QuantileDays  [5]*float64 `json:"quantile_days"`
	QuantileDates [5]*string  `json:"quantile_dates"`
	// MCPrecision is the Monte Carlo precision of the estimates above: the
	// 95% CI of P and of the median as if the runs were iid. It shrinks as
	// runs grow and is never the forecast's interval.
	MCPrecision MCPrecision `json:"mc_precision"`
	// DayVariance and ReachedVariance split the variance of the truncated
	// Lego day min(T, τ) and of 1{reached by τ} into Var_θ(E[·|θ]) and
	// E_θ[Var(·|θ)]; nil when Inner < 2 (VarianceNote says why).
	DayVariance     *VarianceShare `json:"day_variance"`
	ReachedVariance *VarianceShare `json:"reached_variance"`
	VarianceNote    string         `json:"variance_note"`
	// Importance is the PRCC of each numeric θ key with the truncated Lego
	// day (averaged over a θ draw's inner replications), largest
	// |coefficient| first.
	Importance []Importance `json:"importance"`
	// ImportanceNote says why Importance is empty, if it is.
	ImportanceNote string `json:"importance_note"`
	// Box is PRIM's box for "Lego by the predictive median date"; nil
	// when there is no such box (no median, or too few runs).
	Box *PRIMBox `json:"prim_box"`
	// Family is the spread of the date across the detector family.
	Family FamilySpread `json:"detector_family"`
}

// MCPrecision is the Monte Carlo precision of a variant's estimates.
type MCPrecision struct {
	PCI95      [2]float64  `json:"p_ci95"`
	MedianCI95 [2]*float64 `json:"median_ci95_days"`
}

// VarianceShare is stats.VarianceSplit as summary.json reports it.
type VarianceShare struct {
	Mean    float64 `json:"mean"`
	Between float64 `json:"between_theta"`
	Within  float64 `json:"within_theta"`
	Share   float64 `json:"theta_share"`
	ShareLo float64 `json:"theta_share_lo95"`
	ShareHi float64 `json:"theta_share_hi95"`
}

// Importance is one θ key's partial rank correlation with the truncated
// Lego day (a negative value: larger values bring the date earlier).
type Importance struct {
	Key  string  `json:"key"`
	PRCC float64 `json:"prcc"`
	Lo   float64 `json:"lo95"`
	Hi   float64 `json:"hi95"`
	P    float64 `json:"p_value"`
}

// PRIMBox is the chosen box of a PRIM trajectory for "Lego by Date".
type PRIMBox struct {
	// Day and Date are the threshold: the predictive median.
	Day  float64 `json:"day"`
	Date string  `json:"date"`
	// Trajectory is the coverage/density trade-off, one point per peel.
	Trajectory []PRIMPoint `json:"trajectory"`
	// Chosen is the index in Trajectory of the chosen box: the most
	// covering box whose density is at least halfway from the base rate
	// to the densest box's.
	Chosen int `json:"chosen"`
	// Bounds are the chosen box's restricted dimensions, after the
	// restrictions in Dropped were removed.
	Bounds []PRIMBound `json:"bounds"`
	// Dropped are the keys whose restriction of the peeled box was removed,
	// in the order removed, because its quasi-p-value (EMA Workbench;
	// stats.PRIMResult.QuasiP) exceeded 0.05: it made the box no denser
	// than chance would. Bounds, Text and the box's figures are those of
	// the pruned box; Trajectory and Chosen are the peeling's.
	Dropped []string `json:"dropped"`
	// Text says the box in plain words.
	Text string `json:"text"`
}

// PRIMPoint is one box of a PRIM trajectory.
type PRIMPoint struct {
	Coverage float64 `json:"coverage"`
	Density  float64 `json:"density"`
	Mass     float64 `json:"mass"`
}

// PRIMBound is one restricted dimension of a box; a nil side is not
// restricted.
type PRIMBound struct {
	Key string   `json:"key"`
	Lo  *float64 `json:"lo"`
	Hi  *float64 `json:"hi"`
}

// FamilySpread is the Lego date under each member of the detector family.
type FamilySpread struct {
	// Members are in DetectorFamily order.
	Members []FamilyMember `json:"members"`
	// EarliestMedian and LatestMedian are the range of the members'
	// predictive medians (nil: some member's median is not reached).
	EarliestMedian *string `json:"earliest_median"`
	LatestMedian   *string `json:"latest_median"`
	// Unreached counts the members whose median is beyond the horizon.
	Unreached int `json:"unreached"`
}

// FamilyMember is one detector's predictive answer.
type FamilyMember struct {
	Name       string   `json:"name"`
	PByHorizon float64  `json:"p_by_horizon"`
	MedianDay  *float64 `json:"median_day"`
}

// Leading names a leading variant only when the order is robust: P(A
// before B) ≥ LeadP under at least LeadMembers of the detector family for
// every other variant B.
type Leading struct {
	// Variant is the robust leader, "" when there is none.
	Variant string `json:"variant"`
	// Pairs are P(A before B) per member for each ordered pair A ≠ B, A
	// before B in variant order.
	Pairs []PairOrder `json:"pairs"`
	// Text is the plain statement.
	Text string `json:"text"`
}

// PairOrder is P(A's Lego moment before B's) over θ and dice, a tie
// (both censored, or the same day) counting one half, under each member.
type PairOrder struct {
	A string `json:"a"`
	B string `json:"b"`
	// PBefore[m] is P(A before B) under member m.
	PBefore []float64 `json:"p_before"`
	// ShareAWins and ShareBWins are the fractions of members under which
	// P(A before B) ≥ LeadP, respectively ≤ 1 − LeadP.
	ShareAWins float64 `json:"share_a_leads"`
	ShareBWins float64 `json:"share_b_leads"`
}

// LeadP and LeadMembers are the robustness thresholds of Leading.
const (
	LeadP       = 0.8
	LeadMembers = 0.9
)

// ForecastRuns keeps the compact per-run data of a prior-predictive run:
// per run and variant the Lego day and whether it was reached, and θ's
// numeric values, held once per θ draw (the K inner replications of a draw
// share one row). The detector family's verdicts are reduced as they come:
// per variant and member a life table (counts per distinct day, as
// stats.LifeTable keeps them) and per pair of variants and member the
// count of runs where one comes first. So a run costs 40 bytes plus
// 8·len(θ)/K (less when variants share θ), and 40,000 runs of deai-2025
// (K = 5) hold about 2 MB, in place of the 40 MB that keeping every
// verdict took, independent of the series' length.
type ForecastRuns struct {
	variants []string
	keys     []string
	horizon  float64
	inner    int
	fam      []Detector
	theta    [][][]float64 // [variant][run][key], NaN where the variant has no such key; equal rows share their array (thetaRow)
	obs      [][]stats.Obs // [variant][run]

	famLife [][]stats.LifeTable // [variant][member]
	famRuns []int               // [variant] verdicts added to famLife
	pend    [][][]stats.Obs     // [variant][run][member]: verdicts not yet paired with every variant's
	paired  int                 // runs whose verdicts every variant has given, counted in before
	before  [][][]float64       // [a][b][member], a < b: runs with a first, ties counting one half
}

// NewForecastRuns starts the data of a prior-predictive run of the named
// variants with θ keys keys, inner replications per θ, censored at
// horizon, judged by DetectorFamily(rule).
func NewForecastRuns(variants, keys []string, inner int, horizon float64, rule scenarios.Lego) *ForecastRuns {
	n := len(variants)
	f := &ForecastRuns{
		variants: slices.Clone(variants), keys: slices.Clone(keys), horizon: horizon, inner: max(inner, 1),
		fam: DetectorFamily(rule), theta: make([][][]float64, n), obs: make([][]stats.Obs, n),
		famLife: make([][]stats.LifeTable, n), famRuns: make([]int, n), pend: make([][][]stats.Obs, n), before: make([][][]float64, n),
	}
	for a := range n {
		f.famLife[a] = make([]stats.LifeTable, len(f.fam))
		f.before[a] = make([][]float64, n)
		for b := a + 1; b < n; b++ {
			f.before[a][b] = make([]float64, len(f.fam))
		}
	}
	return f
}

// FamilyOf evaluates the detector family of rule on rep's series, each
// verdict as a survival observation censored at horizon: what
// ForecastRuns.Add needs. A replication without the series the family
// reads is censored under every member.
func FamilyOf(rep *Replication, rule scenarios.Lego, horizon float64) []stats.Obs {
	return familyOf(rep, rule, horizon, nil)
}

// FamilyOf is FamilyOf(rep, rule, horizon), whose PELT member the memo
// answers when it segmented the same series before.
func (m *PELTMemo) FamilyOf(rep *Replication, rule scenarios.Lego, horizon float64) []stats.Obs {
	return familyOf(rep, rule, horizon, m)
}

// familyOf is FamilyOf with an optional memo.
func familyOf(rep *Replication, rule scenarios.Lego, horizon float64, memo *PELTMemo) []stats.Obs {
	col := func(name string) []float64 {
		if i := slices.Index(rep.Names, name); i >= 0 && i < len(rep.Values) {
			return rep.Values[i]
		}
		return nil
	}
	// The names of observe.ObsComposability, ObsBuildersCum and
	// ObsComposedCum (package observe imports this one).
	c, a, k := col("composability_index"), col("builders_cum"), col("composed_cum")
	if c == nil || a == nil || k == nil || len(rep.Days) != len(c) {
		out := make([]stats.Obs, len(DetectorFamily(rule)))
		for m := range out {
			out[m] = stats.Obs{Time: horizon}
		}
		return out
	}
	fam := detectFamily(rep.Days, c, a, k, rule, memo)
	out := make([]stats.Obs, len(fam))
	for m, d := range fam {
		out[m] = stats.Obs{Time: d.Day, Event: d.Reached}
		if !d.Reached {
			out[m].Time = horizon
		}
	}
	return out
}

// Add records run r (runs come in order) of variant v: theta[j] the value
// of key j (NaN when absent or not numeric), its Lego day and the family's
// verdicts (one per member, as FamilyOf gives them). Add keeps neither
// theta nor family: the caller may reuse them.
func (f *ForecastRuns) Add(v int, theta []float64, day float64, reached bool, family []stats.Obs) {
	if len(family) != len(f.fam) {
		panic(fmt.Sprintf("metrics: %d family verdicts for %d members", len(family), len(f.fam)))
	}
	o := stats.Obs{Time: day, Event: reached}
	if !reached {
		o.Time = f.horizon
	}
	f.theta[v] = append(f.theta[v], f.thetaRow(v, theta))
	f.obs[v] = append(f.obs[v], o)
	i := f.famRuns[v]
	for m, fo := range family {
		f.famLife[v][m].Add(i, fo)
	}
	f.famRuns[v]++
	f.pend[v] = append(f.pend[v], slices.Clone(family))
	f.pair()
}

// thetaRow is theta as run i = len(f.theta[v]) of variant v keeps it: the
// row of the previous run when that run has the same θ draw, or the row of
// run i of an earlier variant, when either holds the same values (bit for
// bit), else a copy. Variants draw the same θ on the keys they share, so
// a draw usually costs one row for all its runs and variants.
func (f *ForecastRuns) thetaRow(v int, theta []float64) []float64 {
	rows := f.theta[v]
	i := len(rows)
	if i%f.inner != 0 && sameBits(rows[i-1], theta) {
		return rows[i-1]
	}
	for u := range v {
		if len(f.theta[u]) > i && sameBits(f.theta[u][i], theta) {
			return f.theta[u][i]
		}
	}
	return slices.Clone(theta)
}

// sameBits reports whether a and b hold the same float64 values bit for
// bit (NaN equal to the same NaN).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for j, x := range a {
		if math.Float64bits(x) != math.Float64bits(b[j]) {
			return false
		}
	}
	return true
}

// pair counts, for every pair of variants and member, which came first in
// the runs every variant has now given, and forgets their verdicts.
func (f *ForecastRuns) pair() {
	for {
		for v := range f.pend {
			if len(f.pend[v]) == 0 {
				return
			}
		}
		for a := range f.pend {
			for b := a + 1; b < len(f.pend); b++ {
				s := f.before[a][b]
				for m := range f.fam {
					ta, tb := f.pend[a][0][m], f.pend[b][0][m]
					da, db := math.Inf(1), math.Inf(1)
					if ta.Event {
						da = ta.Time
					}
					if tb.Event {
						db = tb.Time
					}
					switch {
					case da < db:
						s[m]++
					case da == db:
						s[m] += 0.5
					}
				}
			}
		}
		for v := range f.pend {
			f.pend[v] = f.pend[v][:copy(f.pend[v], f.pend[v][1:])]
		}
		f.paired++
	}
}

// Summarize computes the Forecast of the runs added so far; mc are the
// variants' ensemble summaries (for the Monte Carlo precision), start the
// calendar's day 0.
func (f *ForecastRuns) Summarize(start time.Time, mc []VariantSummary) *Forecast {
	runs := len(f.obs[0])
	// An interrupted run may stop mid-θ: only whole θ groups count.
	thetas := runs / f.inner
	fc := &Forecast{Thetas: thetas, Inner: f.inner, Keys: slices.Clone(f.keys)}
	if fc.Keys == nil {
		fc.Keys = []string{}
	}
	for v, name := range f.variants {
		fc.Variants = append(fc.Variants, f.variant(v, name, thetas, start, mc[v].Lego))
	}
	fc.Leading = f.leading(start)
	return fc
}

// kmQuantile is the smallest day with S ≤ 1 − q, ok false when S stays
// above it to the horizon.
func kmQuantile(km stats.KM, q float64) (float64, bool) {
	if q == 0.5 {
		return km.Median()
	}
	for _, p := range km.Points {
		if p.Survival <= 1-q+1e-12 {
			return p.Day, true
		}
	}
	return km.Horizon, false
}

var forecastQuantiles = [5]float64{0.05, 0.25, 0.5, 0.75, 0.95}

func (f *ForecastRuns) variant(v int, name string, thetas int, start time.Time, mc LegoSummary) VariantForecast {
	obs := f.obs[v]
	vf := VariantForecast{Name: name, Importance: []Importance{}}
	km := stats.KaplanMeier(obs, f.horizon)
	reached := 0
	for _, o := range obs {
		if o.Event {
			reached++
		}
	}
	vf.PByHorizon = float64(reached) / float64(len(obs))
	for i, q := range forecastQuantiles {
		if d, ok := kmQuantile(km, q); ok {
			date := DayDate(start, d)
			vf.QuantileDays[i], vf.QuantileDates[i] = &d, &date
		}
	}
	vf.MCPrecision = MCPrecision{PCI95: mc.PCI95, MedianCI95: mc.MedianCI95}

	// The variance split, on whole θ groups.
	n := thetas * f.inner
	day := make([]float64, n)
	hit := make([]float64, n)
	reachedB := make([]bool, n)
	for i := range n {
		day[i], reachedB[i] = obs[i].Time, obs[i].Event
		if obs[i].Event {
			hit[i] = 1
		}
	}
	trunc := stats.Truncated(day, reachedB, f.horizon)
	if f.inner < 2 {
		vf.VarianceNote = "the variance split needs --inner 2 or more (K replications per θ); this run has K = 1"
	} else if thetas < 2 {
		vf.VarianceNote = "the variance split needs at least 2 θ draws"
	} else {
		vf.DayVariance, vf.VarianceNote = split(trunc, f.inner, "Lego day")
		var note string
		vf.ReachedVariance, note = split(hit, f.inner, "reached")
		if vf.VarianceNote == "" {
			vf.VarianceNote = note
		}
	}

	// PRCC on the numeric keys this variant draws that vary, one row per
	// θ draw: its K inner replications share θ, so their mean truncated
	// day is the outcome (K = 1: the run's own).
	cols := f.usableKeys(v, n)
	if len(cols) == 0 {
		vf.ImportanceNote = "no numeric prior varies in this variant"
	} else {
		x := f.matrix(v, n, cols)
		gx := make([][]float64, thetas)
		gy := make([]float64, thetas)
		for g := range thetas {
			gx[g] = x[g*f.inner]
			for k := range f.inner {
				gy[g] += trunc[g*f.inner+k] / float64(f.inner)
			}
		}
		pr, err := stats.PartialRankCorrelation(gx, gy)
		if err != nil && thetas < len(cols)+3 {
			err = fmt.Errorf("%d varying priors need at least %d θ draws, this run has %d", len(cols), len(cols)+3, thetas)
		}
		if err != nil {
			vf.ImportanceNote = "no importance: " + err.Error()
		} else {
			for j, c := range cols {
				vf.Importance = append(vf.Importance, Importance{Key: f.keys[c], PRCC: pr[j].Coef, Lo: pr[j].Lo, Hi: pr[j].Hi, P: pr[j].P})
			}
			slices.SortStableFunc(vf.Importance, func(a, b Importance) int {
				switch {
				case math.Abs(a.PRCC) > math.Abs(b.PRCC):
					return -1
				case math.Abs(a.PRCC) < math.Abs(b.PRCC):
					return 1
				}
				return 0
			})
		}
		if med := vf.QuantileDays[2]; med != nil {
			vf.Box = f.prim(x, cols, obs[:n], *med, start)
		}
	}
	vf.Family = f.spread(v, start)
	return vf
}

// split is the variance split of y in groups of k, with its F interval.
func split(y []float64, k int, what string) (*VarianceShare, string) {
	g := make([][]float64, len(y)/k)
	for i := range g {
		g[i] = y[i*k : (i+1)*k]
	}
	vs, err := stats.DecomposeVariance(g)
	if err != nil {
		return nil, fmt.Sprintf("no variance split of %s: %v", what, err)
	}
	lo, hi := stats.ShareInterval(vs, 0.95)
	return &VarianceShare{Mean: vs.Mean, Between: vs.Between, Within: vs.Within, Share: vs.Share, ShareLo: lo, ShareHi: hi}, ""
}

// usableKeys are the θ columns of variant v that are numeric in every run
// and not constant.
func (f *ForecastRuns) usableKeys(v, n int) []int {
	var cols []int
	for j := range f.keys {
		ok, varies := true, false
		for i := 0; i < n && ok; i++ {
			x := f.theta[v][i][j]
			ok = !math.IsNaN(x)
			varies = varies || x != f.theta[v][0][j]
		}
		if ok && varies && n > 0 {
			cols = append(cols, j)
		}
	}
	return cols
}

func (f *ForecastRuns) matrix(v, n int, cols []int) [][]float64 {
	x := make([][]float64, n)
	for i := range x {
		// Runs sharing a θ row share a matrix row (nothing writes them).
		if i > 0 && &f.theta[v][i][0] == &f.theta[v][i-1][0] {
			x[i] = x[i-1]
			continue
		}
		x[i] = make([]float64, len(cols))
		for j, c := range cols {
			x[i][j] = f.theta[v][i][c]
		}
	}
	return x
}

// primQuasiP is the quasi-p-value above which a restriction of the chosen
// PRIM box is dropped: the Workbench's significance level.
const primQuasiP = 0.05

// prim finds the box of "Lego by day". The chosen box is the most covering
// one whose density is at least halfway from the base rate to the densest
// box's: a documented, mechanical point of the trade-off.
func (f *ForecastRuns) prim(x [][]float64, cols []int, obs []stats.Obs, day float64, start time.Time) *PRIMBox {
	y := make([]float64, len(obs))
	for i, o := range obs {
		if o.Event && o.Time <= day {
			y[i] = 1
		}
	}
	res, err := stats.PRIM(x, y, stats.PRIMOptions{})
	if err != nil || len(res.Trajectory) == 0 {
		return nil
	}
	b := &PRIMBox{Day: day, Date: DayDate(start, day)}
	top := 0.0
	for _, t := range res.Trajectory {
		b.Trajectory = append(b.Trajectory, PRIMPoint{Coverage: t.Coverage, Density: t.Density, Mass: t.Mass})
		top = math.Max(top, t.Density)
	}
	base := res.Trajectory[0].Density
	b.Chosen, _ = res.SelectByDensity(base + (top-base)/2)
	// Restrictions that do not make the box significantly denser (the
	// Workbench's quasi-p-value > 0.05) are dropped before it is stated.
	box, dropped := res.Prune(x, y, res.Trajectory[b.Chosen], primQuasiP)
	b.Dropped = []string{}
	for _, j := range dropped {
		b.Dropped = append(b.Dropped, f.keys[cols[j]])
	}
	var parts []string
	for _, j := range box.Restricted {
		pb := PRIMBound{Key: f.keys[cols[j]]}
		if res.LowerRestricted(box, j) {
			lo := box.Lo[j]
			pb.Lo = &lo
		}
		if res.UpperRestricted(box, j) {
			hi := box.Hi[j]
			pb.Hi = &hi
		}
		b.Bounds = append(b.Bounds, pb)
		switch {
		case pb.Lo != nil && pb.Hi != nil:
			parts = append(parts, fmt.Sprintf("%.3g ≤ %s ≤ %.3g", *pb.Lo, pb.Key, *pb.Hi))
		case pb.Lo != nil:
			parts = append(parts, fmt.Sprintf("%s ≥ %.3g", pb.Key, *pb.Lo))
		default:
			parts = append(parts, fmt.Sprintf("%s ≤ %.3g", pb.Key, *pb.Hi))
		}
	}
	if b.Bounds == nil {
		b.Bounds = []PRIMBound{}
		b.Text = fmt.Sprintf("no region of the priors stands out: the Lego moment comes by %s in %.0f%% of all runs", b.Date, 100*box.Density)
		if len(dropped) > 0 {
			b.Text += fmt.Sprintf(" (none of the peeled box's %d restrictions makes it significantly denser, quasi-p > %g: more runs may show one)", len(dropped), primQuasiP)
		}
		return b
	}
	b.Text = fmt.Sprintf("in %.0f%% of runs with %s the Lego moment comes by %s (the box holds %.0f%% of the runs and covers %.0f%% of those that reach it by then)",
		100*box.Density, strings.Join(parts, " and "), b.Date, 100*box.Mass, 100*box.Coverage)
	if len(dropped) > 0 {
		b.Text += fmt.Sprintf("; %d other restrictions of the peeling were dropped as not significant (quasi-p > %g)", len(dropped), primQuasiP)
	}
	return b
}

// spread is the predictive answer of each detector-family member.
func (f *ForecastRuns) spread(v int, start time.Time) FamilySpread {
	var fs FamilySpread
	lo, hi := math.Inf(1), math.Inf(-1)
	for m, d := range f.fam {
		lt := &f.famLife[v][m]
		fm := FamilyMember{Name: d.Name, PByHorizon: float64(lt.Events()) / float64(max(lt.N(), 1))}
		if med, ok := lt.KaplanMeier(f.horizon).Median(); ok {
			fm.MedianDay = &med
			lo, hi = math.Min(lo, med), math.Max(hi, med)
		} else {
			fs.Unreached++
		}
		fs.Members = append(fs.Members, fm)
	}
	if !math.IsInf(lo, 1) {
		a := DayDate(start, lo)
		fs.EarliestMedian = &a
	}
	if fs.Unreached == 0 && !math.IsInf(hi, -1) {
		b := DayDate(start, hi)
		fs.LatestMedian = &b
	}
	return fs
}

// leading computes P(A before B) under every member for every pair.
func (f *ForecastRuns) leading(start time.Time) Leading {
	nv := len(f.variants)
	l := Leading{Pairs: []PairOrder{}}
	if nv < 2 {
		l.Text = "one variant: no order to judge"
		return l
	}
	n := f.paired
	wins := make([][]float64, nv) // wins[a][b]: share of members with P(a before b) ≥ LeadP
	for a := range wins {
		wins[a] = make([]float64, nv)
	}
	for a := 0; a < nv; a++ {
		for b := a + 1; b < nv; b++ {
			po := PairOrder{A: f.variants[a], B: f.variants[b], PBefore: make([]float64, len(f.fam))}
			for m := range f.fam {
				s := f.before[a][b][m]
				p := s / float64(max(n, 1))
				po.PBefore[m] = p
				if p >= LeadP {
					po.ShareAWins++
				}
				if p <= 1-LeadP {
					po.ShareBWins++
				}
			}
			po.ShareAWins /= float64(len(f.fam))
			po.ShareBWins /= float64(len(f.fam))
			wins[a][b], wins[b][a] = po.ShareAWins, po.ShareBWins
			l.Pairs = append(l.Pairs, po)
		}
	}
	for a := range nv {
		robust := true
		for b := range nv {
			if b != a && wins[a][b] < LeadMembers {
				robust = false
			}
		}
		if robust {
			l.Variant = f.variants[a]
			l.Text = fmt.Sprintf("%s leads robustly: its Lego moment comes before every other variant's with P ≥ %.1f (over θ and dice) under at least %.0f%% of the %d detectors",
				l.Variant, LeadP, 100*LeadMembers, len(f.fam))
			return l
		}
	}
	// Say why: the candidate whose worst pair is closest to robust (by
	// share of members, then by the mean P), and that pair's spread.
	pb := func(a, b int) []float64 { // P(a before b) per member
		for _, po := range l.Pairs {
			switch {
			case po.A == f.variants[a] && po.B == f.variants[b]:
				return po.PBefore
			case po.A == f.variants[b] && po.B == f.variants[a]:
				out := make([]float64, len(po.PBefore))
				for m, p := range po.PBefore {
					out[m] = 1 - p
				}
				return out
			}
		}
		return nil
	}
	mean := func(p []float64) float64 {
		s := 0.0
		for _, x := range p {
			s += x
		}
		return s / float64(len(p))
	}
	best, against, bestShare, bestMean := -1, 0, 0.0, 0.0
	for a := range nv {
		wb, ws, wm := -1, 0.0, 0.0
		for b := range nv {
			if b == a {
				continue
			}
			if m := mean(pb(a, b)); wb < 0 || wins[a][b] < ws || (wins[a][b] == ws && m < wm) {
				wb, ws, wm = b, wins[a][b], m
			}
		}
		if best < 0 || ws > bestShare || (ws == bestShare && wm > bestMean) {
			best, against, bestShare, bestMean = a, wb, ws, wm
		}
	}
	p := pb(best, against)
	lo, hi := slices.Min(p), slices.Max(p)
	l.Text = fmt.Sprintf("the order is not robust: no variant comes first with P ≥ %.1f under %.0f%% of the %d detectors; the closest, %s, comes before %s with P from %.2f to %.2f across the detectors (≥ %.1f under %.0f%% of them)",
		LeadP, 100*LeadMembers, len(f.fam), f.variants[best], f.variants[against], lo, hi, LeadP, 100*bestShare)
	return l
}
