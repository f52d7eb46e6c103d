package metrics

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/legolab/legolab/stats"
)

// Ensemble accumulates an ensemble's replications, added in replication
// order, into what summary.json and series.csv report. Its memory does not
// grow with the number of replications: times to the Lego moment are kept
// as a LifeTable per variant (counts per distinct day), series as one Fan
// per variant, observable and sample day, final values as one Sketch per
// variant and observable, and the paired differences of every pair of
// variants as running sums. Because each accumulator sees its values in
// replication order, the results are bit-identical however the
// replications were computed.
type Ensemble struct {
	variants    []string
	observables []string
	horizon     float64
	count       int
	days        []float64         // sample days, fixed by the first replication
	life        []stats.LifeTable // [variant]
	truncated   []int             // [variant] left-truncated replications
	final       [][]*stats.Sketch // [variant][observable]
	series      [][]stats.Fan     // [variant][observable*len(days)+day]
	paired      []pairSum         // [pair index, a < b in row order]
	parallel    int               // goroutines the fans' update may use (SetParallelism)
}

// pairSum accumulates the paired difference b − a of Lego days over
// replications where both variants reach it.
type pairSum struct {
	n   int
	sum float64
}

// NewEnsemble returns an empty Ensemble for the named variants (in output
// order) whose replications report the given observables and are censored
// at horizon days.
func NewEnsemble(variants, observables []string, horizon float64) *Ensemble {
	if len(variants) == 0 {
		panic("metrics: ensemble needs at least one variant")
	}
	if !(horizon > 0) {
		panic("metrics: ensemble horizon must be positive")
	}
	e := &Ensemble{
		variants:    slices.Clone(variants),
		observables: slices.Clone(observables),
		horizon:     horizon,
		life:        make([]stats.LifeTable, len(variants)),
		truncated:   make([]int, len(variants)),
		final:       make([][]*stats.Sketch, len(variants)),
		series:      make([][]stats.Fan, len(variants)),
		paired:      make([]pairSum, len(variants)*(len(variants)-1)/2),
	}
	for v := range variants {
		e.final[v] = make([]*stats.Sketch, len(observables))
		for k := range observables {
			e.final[v][k] = stats.NewSketch()
		}
	}
	return e
}

// SetParallelism lets Add update the fans on up to n goroutines (n < 1
// means 1, the default). Each fan still takes its values in replication
// order, so the results are the same bits for any n. The fans are most of
// Add's work, and Add runs on one goroutine for every replication of an
// ensemble: on one goroutine, on deai-2025, it keeps pace with eight to
// ten workers at most (lab asks for one goroutine per four workers).
func (e *Ensemble) SetParallelism(n int) { e.parallel = n }

// minStripe is the fewest fans Add gives a goroutine of its own: about
// 0.1 ms of P² updates, against a microsecond or two to start and join it.
const minStripe = 4096

// Variants returns the variant names in output order.
func (e *Ensemble) Variants() []string { return e.variants }

// Observables returns the observable names in output order.
func (e *Ensemble) Observables() []string { return e.observables }

// Days returns the sample days (nil before the first replication).
func (e *Ensemble) Days() []float64 { return e.days }

// Count returns how many replications (of every variant) were added.
func (e *Ensemble) Count() int { return e.count }

// Add adds replication r = Count() of every variant, reps[v] being variant
// v's. Replications must come in index order, 0, 1, 2, ...; a violation is
// a programming error and panics. A replication whose shape disagrees with
// the ensemble's (other observables, other sample days) or that holds a
// non-finite value is an error, and the Ensemble is then left unchanged.
func (e *Ensemble) Add(reps []*Replication) error {
	if len(reps) != len(e.variants) {
		panic(fmt.Sprintf("metrics: %d replications for %d variants", len(reps), len(e.variants)))
	}
	obs := make([]stats.Obs, len(reps))
	for v, r := range reps {
		if r.Index != e.count {
			panic(fmt.Sprintf("metrics: replication %d of variant %s added out of order (want %d)", r.Index, e.variants[v], e.count))
		}
		o, err := e.check(v, r)
		if err != nil {
			return err
		}
		obs[v] = o
	}
	if e.days == nil {
		e.days = slices.Clone(reps[0].Days)
	}
	for v := range reps {
		if e.series[v] == nil {
			e.series[v] = make([]stats.Fan, len(e.observables)*len(e.days))
		}
	}
	e.addSeries(reps)
	for v, r := range reps {
		e.life[v].Add(e.count, obs[v])
		if r.LeftTruncated {
			e.truncated[v]++
		}
		for k := range r.Values {
			e.final[v][k].Add(r.Final[k])
		}
	}
	p := 0
	for a := range obs {
		for b := a + 1; b < len(obs); b++ {
			if obs[a].Event && obs[b].Event {
				e.paired[p].n++
				e.paired[p].sum += obs[b].Time - obs[a].Time
			}
			p++
		}
	}
	e.count++
	return nil
}

// stripes is the number of goroutines addSeries uses for units series.
func (e *Ensemble) stripes(units int) int {
	return min(max(e.parallel, 1), units, units*len(e.days)/minStripe)
}

// addSeries adds every replication's series to its fans: in stripes of
// whole (variant, observable) series, one goroutine each, when the
// parallelism and the number of fans allow.
func (e *Ensemble) addSeries(reps []*Replication) {
	units := len(reps) * len(e.observables)
	if n := e.stripes(units); n > 1 {
		e.addStriped(reps, units, n)
		return
	}
	e.addUnits(reps, 0, units)
}

// addStriped is addSeries on n new goroutines. The calling one waits
// rather than take a stripe: a goroutine it has just started could not be
// taken by an idle processor right away (it would be the caller's next to
// run), and BenchmarkEnsembleAdd/parallel=2 was then 1.45× as fast as
// parallel=1, against 1.7× this way.
func (e *Ensemble) addStriped(reps []*Replication, units, n int) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { e.addUnits(reps, i*units/n, (i+1)*units/n) })
	}
	wg.Wait()
}

// addUnits adds the series of units from ... to−1, unit u being variant
// u / len(observables)'s observable u % len(observables).
func (e *Ensemble) addUnits(reps []*Replication, from, to int) {
	nObs, nDays := len(e.observables), len(e.days)
	for u := from; u < to; u++ {
		v, k := u/nObs, u%nObs
		stats.AddEach(e.series[v][k*nDays:(k+1)*nDays], reps[v].Values[k])
	}
}

// check validates replication r of variant v and returns its time to the
// Lego moment.
func (e *Ensemble) check(v int, r *Replication) (stats.Obs, error) {
	where := func() string { return fmt.Sprintf("variant %s replication %d", e.variants[v], r.Index) }
	if !slices.Equal(r.Names, e.observables) {
		return stats.Obs{}, fmt.Errorf("%s: observables %v, want %v", where(), r.Names, e.observables)
	}
	if len(r.Final) != len(e.observables) || len(r.Values) != len(e.observables) {
		return stats.Obs{}, fmt.Errorf("%s: %d final values and %d series for %d observables", where(), len(r.Final), len(r.Values), len(e.observables))
	}
	if e.days != nil && !slices.Equal(r.Days, e.days) {
		return stats.Obs{}, fmt.Errorf("%s: sample days differ from the first replication's (%d vs %d days)", where(), len(r.Days), len(e.days))
	}
	for k, vals := range r.Values {
		if len(vals) != len(r.Days) {
			return stats.Obs{}, fmt.Errorf("%s: observable %s has %d samples for %d sample days", where(), e.observables[k], len(vals), len(r.Days))
		}
		if !stats.AllFinite(vals) {
			i := slices.IndexFunc(vals, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) })
			return stats.Obs{}, fmt.Errorf("%s: observable %s is %v at day %g", where(), e.observables[k], vals[i], r.Days[i])
		}
		if x := r.Final[k]; math.IsNaN(x) || math.IsInf(x, 0) {
			return stats.Obs{}, fmt.Errorf("%s: final %s is %v", where(), e.observables[k], x)
		}
	}
	if !r.Reached {
		return stats.Obs{Time: e.horizon}, nil
	}
	if !(r.LegoDay >= 0 && r.LegoDay <= e.horizon) {
		return stats.Obs{}, fmt.Errorf("%s: Lego day %v outside [0, %g]", where(), r.LegoDay, e.horizon)
	}
	return stats.Obs{Time: r.LegoDay, Event: true}, nil
}

// DayDate returns the calendar date (YYYY-MM-DD) of day, counted from start;
// fractions of a day are dropped.
func DayDate(start time.Time, day float64) string {
	return start.AddDate(0, 0, int(math.Floor(day))).Format(time.DateOnly)
}

// Summarize computes each variant's survival analysis and final
// distributions, and the log-rank comparison of every pair of variants.
// Descriptions are left empty for the caller. start dates the medians.
func (e *Ensemble) Summarize(start time.Time) ([]VariantSummary, []Comparison) {
	vs := make([]VariantSummary, len(e.variants))
	for v, name := range e.variants {
		vs[v] = VariantSummary{Name: name, Set: []Parameter{}, Lego: e.lego(v, start), Final: e.finalStats(v)}
	}
	cs := []Comparison{}
	p := 0
	for a := range e.variants {
		for b := a + 1; b < len(e.variants); b++ {
			cs = append(cs, e.compare(a, b, p))
			p++
		}
	}
	return vs, cs
}

// lego is the survival analysis of variant v.
func (e *Ensemble) lego(v int, start time.Time) LegoSummary {
	lt := &e.life[v]
	km := lt.KaplanMeier(e.horizon)
	n := lt.N()
	ls := LegoSummary{Reached: lt.Events()}
	ls.Censored = n - ls.Reached
	ls.LeftTruncated = e.truncated[v]
	// Censoring happens only at the horizon, so the Kaplan–Meier P(by
	// horizon) is the binomial proportion, and Wilson's interval keeps its
	// coverage even at 0 or n successes, where the log-log band degenerates.
	if n > 0 {
		ls.PByHorizon = float64(ls.Reached) / float64(n)
	}
	ls.PCI95[0], ls.PCI95[1] = stats.Wilson(ls.Reached, n)
	if m, ok := km.Median(); ok {
		date := DayDate(start, m)
		ls.MedianDay, ls.MedianDate = &m, &date
	}
	lo, hi, loOK, hiOK := km.MedianCI()
	if loOK {
		ls.MedianCI95[0] = &lo
	}
	if hiOK {
		ls.MedianCI95[1] = &hi
	}
	ls.RMSTDays = km.RMST(e.horizon)
	ls.KM = km.Points
	return ls
}

// finalStats is the distribution of every observable at the horizon for
// variant v.
func (e *Ensemble) finalStats(v int) []FinalStat {
	out := make([]FinalStat, len(e.observables))
	for k, name := range e.observables {
		s := e.final[v][k]
		fs := FinalStat{Metric: name}
		if s.Count() > 0 {
			fs.Mean = s.Mean()
			fs.P05, fs.P25, fs.P50 = s.Quantile(0.05), s.Quantile(0.25), s.Quantile(0.5)
			fs.P75, fs.P95 = s.Quantile(0.75), s.Quantile(0.95)
		}
		out[k] = fs
	}
	return out
}

// compare is the log-rank test of variants a and b, and, since replication
// r of every variant uses the same random numbers, the mean paired
// difference b − a of the Lego day over replications where both reach it
// (pair p).
func (e *Ensemble) compare(a, b, p int) Comparison {
	c := Comparison{A: e.variants[a], B: e.variants[b], Paired: e.paired[p].n}
	c.LogRankChi2, c.PValue = stats.LogRankTables(&e.life[a], &e.life[b])
	if c.Paired > 0 {
		d := e.paired[p].sum / float64(c.Paired)
		c.MeanDiff = &d
	}
	return c
}

// Series returns the fan-chart rows: for each variant, observable and
// sample day in that order, the mean and quantiles across replications.
func (e *Ensemble) Series() []SeriesPoint {
	rows := 0
	for v := range e.variants {
		rows += len(e.series[v])
	}
	out := make([]SeriesPoint, 0, rows)
	for v, name := range e.variants {
		if e.series[v] == nil {
			continue
		}
		for k, metric := range e.observables {
			for i, day := range e.days {
				f := &e.series[v][k*len(e.days)+i]
				q := f.Quantiles()
				out = append(out, SeriesPoint{
					Variant: name, Day: day, Metric: metric, Mean: f.Mean(),
					P05: q[0], P25: q[1], P50: q[2], P75: q[3], P95: q[4],
				})
			}
		}
	}
	return out
}

// Representative returns the replication of variant v that best stands for
// the ensemble, whose interop graph the report draws, and its time to the
// Lego moment: the first replication reaching it on the Kaplan–Meier median
// day (the median is an event day, so the nearest possible), or, when the
// median is not reached, the first censored one, as most replications are
// then. It returns −1 before any replication.
func (e *Ensemble) Representative(v int) (int, stats.Obs) {
	lt := &e.life[v]
	if lt.N() == 0 {
		return -1, stats.Obs{}
	}
	if m, ok := lt.KaplanMeier(e.horizon).Median(); ok {
		return lt.FirstAt(m), stats.Obs{Time: m, Event: true}
	}
	return lt.FirstCensored(), stats.Obs{Time: e.horizon}
}
