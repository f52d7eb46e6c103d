package observe

import (
	"fmt"
	"slices"

	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/scenarios"
)

// countsOnly are the observables agents.Model.ObserveCounts fills the
// inputs of: a PointCollector that reads only these skips the full
// observation (interop components, money, per-dimension scans).
var countsOnly = []string{ObsComposability, ObsComposedShareNew, ObsComposedShare, ObsComposedApps,
	ObsComposedCum, ObsFullStackApps, ObsAppsLive, ObsBuildersCum}

// PointCollector is the lean collector of a calibration: it reads only the
// observables it is given, at the days the caller advances the model to,
// and keeps nothing between reads but the counters composed_share_new
// needs. Like Collector it reads the model through agents.Model.Observe
// (or ObserveCounts, when every observable it reads is one of the
// detector's counts, and ObserveApps when none of them is the
// composability index) and never writes to it, schedules nothing and draws
// no random numbers.
type PointCollector struct {
	model *agents.Model
	rows  []pointRow
	full  bool
	index bool // some row reads the composability index
	obs   agents.Observation
	r     reading
	// Cumulative counts at the previous read, for composed_share_new.
	prevBuilders, prevComposed int
}

// pointRow is one observable read: its reporter and the dimension's or
// hub's index.
type pointRow struct {
	rep *reporter
	i   int
}

// NewPointCollector returns a collector of the named observables of spec
// (names of Observables(spec), in any order, repeats allowed) on model m;
// Read returns their values in that order. A name spec does not have is an
// error.
func NewPointCollector(spec *scenarios.Spec, m *agents.Model, names []string) (*PointCollector, error) {
	c := &PointCollector{model: m, rows: make([]pointRow, len(names))}
	for k, name := range names {
		row, ok := findObservable(spec, name)
		if !ok {
			return nil, fmt.Errorf("observe: %q is not an observable of scenario %s", name, spec.Name)
		}
		c.rows[k] = row
		if !slices.Contains(countsOnly, name) {
			c.full = true
		}
		if name == ObsComposability {
			c.index = true
		}
	}
	return c, nil
}

// findObservable locates name in the observables table for spec.
func findObservable(spec *scenarios.Spec, name string) (pointRow, bool) {
	for i := range observables {
		rep := &observables[i]
		switch rep.scope {
		case perModel:
			if rep.name == name {
				return pointRow{rep, 0}, true
			}
		case perDimension:
			for j, d := range spec.Dimensions {
				if rep.name+d == name {
					return pointRow{rep, j}, true
				}
			}
		case perHub:
			for j, h := range spec.Hubs {
				if rep.name+h.Name == name {
					return pointRow{rep, j}, true
				}
			}
		}
	}
	return pointRow{}, false
}

// Read appends the observables' values at the model's current time to
// out and returns it.
func (c *PointCollector) Read(out []float64) []float64 {
	o := &c.obs
	switch {
	case c.full:
		c.model.Observe(o)
	case c.index:
		c.model.ObserveCounts(o)
	default:
		c.model.ObserveApps(o) // the app counters alone: no index to compute
	}
	c.r = reading{Observation: o, newApps: o.BuildersCum - c.prevBuilders, newComposed: o.ComposedCum - c.prevComposed}
	c.prevBuilders, c.prevComposed = o.BuildersCum, o.ComposedCum
	for _, row := range c.rows {
		out = append(out, row.rep.report(&c.r, row.i))
	}
	return out
}
