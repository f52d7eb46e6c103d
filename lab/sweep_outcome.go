package lab

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync/atomic"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/metrics/observe"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/stats"
	"github.com/legolab/legolab/sweeps"
)

// PointRow is one point's outcomes, one per variant in the sweep's variant
// order. It is what the checkpoint stores and what every output is made
// from; floats survive the JSON round trip exactly.
type PointRow struct {
	Index int `json:"point"`
	// ID is a hash of what computed the row (sweep file, base scenario,
	// seed, replications, number of points, and the index): resume, merge
	// and check refuse a row whose ID is not their sweep's.
	ID       string           `json:"id"`
	Variants []VariantOutcome `json:"variants"`
}

// VariantOutcome is the survival analysis of one variant's replications at
// one point, and the mean of each final observable.
type VariantOutcome struct {
	// N is the number of replications and Reached how many reached the Lego
	// moment by the horizon.
	N       int `json:"n"`
	Reached int `json:"reached"`
	// P is P(Lego by the horizon), Reached/N (censoring happens only at the
	// horizon), with its 95% Wilson interval [PLo, PHi].
	P   float64 `json:"p"`
	PLo float64 `json:"p_lo"`
	PHi float64 `json:"p_hi"`
	// Median is the Kaplan–Meier median day, nil when not reached by the
	// horizon; MedianLo and MedianHi its Brookmeyer–Crowley 95% interval,
	// nil where unbounded within the horizon.
	Median   *float64 `json:"median"`
	MedianLo *float64 `json:"median_lo"`
	MedianHi *float64 `json:"median_hi"`
	// RMST is the restricted mean time to the Lego moment, in days, up to
	// the horizon.
	RMST float64 `json:"rmst"`
	// Final is the mean at the horizon of each observable, in the order of
	// observe.Observables; NaN (null in JSON) when undefined.
	Final []swFloat `json:"final"`
}

// swFloat is a float64 that JSON-encodes NaN and ±Inf as null (and decodes
// null as NaN), which JSON cannot otherwise hold.
type swFloat float64

func (f swFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(x)
}

func (f *swFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = swFloat(math.NaN())
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = swFloat(x)
	return nil
}

// pointAcc gathers one point's replications until the last one arrives.
// Goroutines write disjoint slots (variant, replication); the last to
// finish, as counted by remaining, reduces.
type pointAcc struct {
	index       int
	reps        int
	obs         [][]stats.Obs // [variant][replication]
	final       [][]float64   // [variant][replication*K + k]
	observables [][]string
	remaining   atomic.Int64
}

func newPointAcc(index, variants, reps int, observables [][]string) *pointAcc {
	a := &pointAcc{index: index, reps: reps, observables: observables,
		obs: make([][]stats.Obs, variants), final: make([][]float64, variants)}
	for v := range variants {
		a.obs[v] = make([]stats.Obs, reps)
		a.final[v] = make([]float64, reps*len(observables[v]))
	}
	a.remaining.Store(int64(reps))
	return a
}

// add records replication r of variant v.
func (a *pointAcc) add(v, r int, rep *metrics.Replication, horizon float64) error {
	names := a.observables[v]
	if len(rep.Final) != len(names) || len(rep.Names) != len(names) {
		return fmt.Errorf("replication has %d final values and %d names, want %d observables", len(rep.Final), len(rep.Names), len(names))
	}
	for k, n := range rep.Names {
		if n != names[k] {
			return fmt.Errorf("observable %d is %q, want %q", k, n, names[k])
		}
	}
	o := stats.Obs{Time: horizon}
	if rep.Reached {
		if math.IsNaN(rep.LegoDay) || rep.LegoDay < 0 || rep.LegoDay > horizon {
			return fmt.Errorf("the Lego day %v is outside [0, %v]", rep.LegoDay, horizon)
		}
		o = stats.Obs{Time: rep.LegoDay, Event: true}
	}
	a.obs[v][r] = o
	copy(a.final[v][r*len(names):], rep.Final)
	return nil
}

// finishOne counts one replication (all variants) done and reports whether
// it was the point's last.
func (a *pointAcc) finishOne() bool { return a.remaining.Add(-1) == 0 }

// reduce computes the point's row; the sums run in replication order, so
// the row does not depend on which goroutine finished when.
func (a *pointAcc) reduce(horizon float64) *PointRow {
	row := &PointRow{Index: a.index, Variants: make([]VariantOutcome, len(a.obs))}
	for v, obs := range a.obs {
		row.Variants[v] = swOutcomeOf(obs, a.final[v], len(a.observables[v]), horizon)
	}
	return row
}

// swOutcomeOf reduces one variant's observations and finals (rep-major, k
// values per replication).
func swOutcomeOf(obs []stats.Obs, final []float64, k int, horizon float64) VariantOutcome {
	n := len(obs)
	km := stats.KaplanMeier(obs, horizon)
	out := VariantOutcome{N: n, Reached: km.Events}
	if n > 0 {
		out.P = float64(out.Reached) / float64(n)
	}
	out.PLo, out.PHi = stats.Wilson(out.Reached, n)
	if m, ok := km.Median(); ok {
		out.Median = &m
	}
	lo, hi, loOK, hiOK := km.MedianCI()
	if loOK {
		out.MedianLo = &lo
	}
	if hiOK {
		out.MedianHi = &hi
	}
	out.RMST = km.RMST(horizon)
	out.Final = make([]swFloat, k)
	for j := range k {
		sum := 0.0
		for r := range n {
			sum += final[r*k+j]
		}
		out.Final[j] = swFloat(sum / float64(n))
	}
	return out
}

// Outcome measures a point row reports. final.METRIC (or final_METRIC)
// reads the mean of an observable at the horizon.
var swMeasures = []string{"p_by_horizon", "p_lo", "p_hi", "median_day", "rmst_days"}

// swOutcome is a parsed outcome "measure(variant)": the variant's index
// and, for a final observable, its index.
type swOutcome struct {
	name    string
	measure string
	variant int
	obs     int
}

// swParseOutcome resolves an outcome against the sweep's variants and
// observables.
func swParseOutcome(o string, variants []string, observables [][]string) (swOutcome, error) {
	measure, variant, err := sweeps.ParseOutcome(o)
	if err != nil {
		return swOutcome{}, err
	}
	ref := swOutcome{name: measure + "(" + variant + ")", measure: measure, variant: -1, obs: -1}
	for v, name := range variants {
		if name == variant {
			ref.variant = v
		}
	}
	if ref.variant < 0 {
		return ref, fmt.Errorf("%s: no variant %q in this sweep (it runs %s)", o, variant, strings.Join(variants, ", "))
	}
	if m := (scenarios.Term{Func: measure}).Metric(); m != "" {
		ref.measure = "final"
		if observables != nil {
			ref.obs = observe.ObservableIndex(observables[ref.variant], m)
			if ref.obs < 0 {
				return ref, fmt.Errorf("%s: no observable %q (the model records %s)", o, m, strings.Join(observables[ref.variant], ", "))
			}
		}
		return ref, nil
	}
	for _, m := range swMeasures {
		if m == measure {
			return ref, nil
		}
	}
	return ref, fmt.Errorf("%s: unknown measure %q; want one of %s or final.METRIC", o, measure, strings.Join(swMeasures, ", "))
}

// value returns the outcome at a row: +Inf for a median not reached.
func (o swOutcome) value(row *PointRow) float64 {
	vo := &row.Variants[o.variant]
	switch o.measure {
	case "p_by_horizon":
		return vo.P
	case "p_lo":
		return vo.PLo
	case "p_hi":
		return vo.PHi
	case "median_day":
		if vo.Median == nil {
			return math.Inf(1)
		}
		return *vo.Median
	case "rmst_days":
		return vo.RMST
	case "final":
		return float64(vo.Final[o.obs])
	}
	panic("lab: unknown outcome measure " + o.measure)
}

// checkOutcome checks that an outcome names a measure and a variant of the
// sweep, and a final observable of the model.
func (s *Sweep) checkOutcome(o string) error {
	var observables [][]string
	for _, v := range s.Variants {
		spec, err := s.Base.Variant(v)
		if err != nil {
			return err
		}
		observables = append(observables, observe.Observables(spec))
	}
	_, err := swParseOutcome(o, s.Variants, observables)
	return err
}

// checkAssertion checks an [[expect]] assertion of a sweep: its variant
// functions name variants the sweep runs, its sensitivity functions
// parameters it sweeps.
func (s *Sweep) checkAssertion(text string) error {
	a, err := scenarios.ParseAssertion(text)
	if err != nil {
		return err
	}
	for _, t := range []scenarios.Term{a.Left, a.Right} {
		if t.IsConst {
			continue
		}
		switch t.Scope() {
		case "variant":
			if _, err := swParseOutcome(t.Func+"("+t.Arg+")", s.Variants, nil); err != nil {
				return err
			}
		case "parameter":
			if !s.sweeps(t.Arg) {
				keys := make([]string, len(s.File.Params))
				for j, p := range s.File.Params {
					keys[j] = p.Key
				}
				return fmt.Errorf("%s: %q is not a swept parameter (the sweep moves %s)", t, t.Arg, strings.Join(keys, ", "))
			}
		default:
			return fmt.Errorf("%s: unknown function %q; want one of p_by_horizon, p_lo, p_hi, median_day, rmst_days, final.METRIC (of a variant) or s1, st, mu_star (of a parameter)", t, t.Func)
		}
	}
	return nil
}

func (s *Sweep) sweeps(key string) bool {
	for _, p := range s.File.Params {
		if p.Key == key {
			return true
		}
	}
	return false
}
