package observe

import (
	"math"
	"slices"

	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
)

// SampleDays returns the days a replication of spec is observed on: 0,
// sample_every_days, 2·sample_every_days, ... and the horizon itself, which
// is always the last sample.
func SampleDays(spec *scenarios.Spec) []float64 { return AppendSampleDays(nil, spec) }

// AppendSampleDays appends the days of SampleDays(spec) to days.
func AppendSampleDays(days []float64, spec *scenarios.Spec) []float64 {
	h, every := spec.HorizonDays, spec.SampleEveryDays
	if every <= 0 || math.IsNaN(every) {
		every = h
	}
	days = slices.Grow(days, int(math.Floor(h/every))+2)
	for i := 0; ; i++ {
		t := float64(i) * every
		if t >= h-1e-9*math.Max(1, h) {
			break
		}
		days = append(days, t)
	}
	return append(days, h)
}

// Collector samples a model's observables. It reads the model through
// agents.Model.Observe and never writes to it, schedules nothing and draws
// no random numbers (Mesa's DataCollector discipline): the caller advances
// the model to each sample day and calls Sample.
type Collector struct {
	model *agents.Model
	names []string
	nDims int
	nHubs int
	days  []float64
	// A full collector keeps observable k's sample i at flat[k*stride+i]
	// (n samples so far): one store per value, where a slice per
	// observable cost an append (its header loaded and stored) per value.
	// values holds the views Values and Series hand out.
	flat   []float64
	stride int
	n      int
	values [][]float64
	obs    agents.Observation
	// r is the reading the reporters see. It is a field, not a local of
	// Sample, because a local whose address reaches an indirect call
	// (rep.report) escapes: one heap allocation per sample.
	r reading
	// Cumulative counts at the previous sample, for composed_share_new.
	prevBuilders, prevComposed int
	// A summary collector (NewSummaryCollector) keeps only the detector's
	// series, at indices detector, and every observable's value at the
	// last of its samples, in final, reading the model in full only then;
	// it computes the composability index only where the detector of rule
	// reads it.
	summary  bool
	samples  int
	detector [3]int
	reads    metrics.LegoReads // where the detector reads the index
	final    []float64
	rule     scenarios.Lego
}

// NewSummaryCollector returns a collector that keeps only what a sweep reads
// of a replication of spec on model m: the Lego moment and left-truncation
// flag of spec's rule (spec.Lego), and every observable at the last sample,
// the samples-th. Its Final, Lego, LeftTruncated and Days are those of
// NewCollector's collector; Values is nil, and Series holds only the
// detector's inputs: builders_cum and composed_cum as NewCollector's, and
// composability_index where the detector reads it
// (metrics.LegoReadsComposability) and at the last sample, NaN elsewhere;
// Series is nil for the other observables. Only the last sample reads the
// whole model (agents.Model.Observe); the others read the app counters
// (agents.Model.ObserveApps) and, only where the detector needs it, the
// composability index, which makes a replication's observation a small
// fraction of its cost, and its memory independent of the number of
// observables.
func NewSummaryCollector(spec *scenarios.Spec, m *agents.Model, samples int) *Collector {
	return NewSummaryCollectorIn(spec, m, samples, Storage{})
}

// NewSummaryCollectorIn is NewSummaryCollector on the memory of s (from
// Storage), as far as it goes: the series of the collector s came from are
// overwritten. The detector's three series live in consecutive thirds of
// the memory a full collector's series take.
func NewSummaryCollectorIn(spec *scenarios.Spec, m *agents.Model, samples int, s Storage) *Collector {
	c := &Collector{model: m, names: Observables(spec), nDims: len(spec.Dimensions), nHubs: len(spec.Hubs),
		summary: true, samples: samples, rule: spec.Lego}
	n := max(samples, 0)
	c.values = reuse(s.values, len(c.names))
	clear(c.values) // Series is nil but for the detector's inputs
	c.flat = reuse(s.flat, 3*n)
	for i, name := range [...]string{ObsComposability, ObsBuildersCum, ObsComposedCum} {
		k := ObservableIndex(c.names, name)
		c.detector[i] = k
		c.values[k] = c.flat[i*n : i*n : (i+1)*n]
	}
	c.final = reuse(s.final, len(c.names))
	c.days = reuse(s.days, n)[:0]
	return c
}

// reuse returns s[:n] when s has room for n values, else a new slice of n.
func reuse[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// NewCollector returns a collector of the observables of spec (in the order
// of Observables) on model m, with room for capacity samples.
func NewCollector(spec *scenarios.Spec, m *agents.Model, capacity int) *Collector {
	return NewCollectorIn(spec, m, capacity, Storage{})
}

// Storage is the memory of a collector's series, which a later collector
// can reuse (NewCollectorIn, NewSummaryCollectorIn) once they are no longer
// read.
type Storage struct {
	flat, days, final []float64
	values            [][]float64
}

// NewCollectorIn is NewCollector on the memory of s (from Storage), as far
// as it goes: the series of the collector s came from are overwritten.
func NewCollectorIn(spec *scenarios.Spec, m *agents.Model, capacity int, s Storage) *Collector {
	c := &Collector{model: m, names: Observables(spec), nDims: len(spec.Dimensions), nHubs: len(spec.Hubs)}
	c.stride = max(capacity, 0)
	// Every sample writes every observable (reading.record), and Values
	// reads no further than the samples taken: what s held is never read.
	c.flat = reuse(s.flat, len(c.names)*c.stride)
	c.values = reuse(s.values, len(c.names))
	c.days = reuse(s.days, c.stride)[:0]
	c.final = s.final // for a later summary collector
	return c
}

// Storage returns the memory of the collector's series, for a
// NewCollectorIn or NewSummaryCollectorIn: Values and Days live in it.
func (c *Collector) Storage() Storage {
	return Storage{flat: c.flat, days: c.days, final: c.final, values: c.values}
}

// column returns a full collector's series of observable k, capped at its
// length.
func (c *Collector) column(k int) []float64 {
	return c.flat[k*c.stride : k*c.stride+c.n : k*c.stride+c.n]
}

// grow doubles a full collector's room for samples.
func (c *Collector) grow() {
	stride := max(2*c.stride, 8)
	flat := make([]float64, len(c.names)*stride)
	for k := range c.names {
		copy(flat[k*stride:], c.column(k))
	}
	c.flat, c.stride = flat, stride
}

// Names returns the observable names, in order.
func (c *Collector) Names() []string { return c.names }

// Days returns the sample days so far.
func (c *Collector) Days() []float64 { return c.days }

// Values returns the series: Values()[k][i] is observable k at Days()[i];
// nil for a summary collector.
func (c *Collector) Values() [][]float64 {
	if c.summary {
		return nil
	}
	for k := range c.values {
		c.values[k] = c.column(k)
	}
	return c.values
}

// Series returns the series of the observable called name, or nil.
func (c *Collector) Series(name string) []float64 {
	k := ObservableIndex(c.names, name)
	switch {
	case k < 0:
		return nil
	case c.summary:
		return c.values[k]
	}
	return c.column(k)
}

// Sample records every observable at the model's current time, the values of the
// observables table's reporters (reading.record); a summary collector records only the
// detector's inputs, except at its last sample.
func (c *Collector) Sample() {
	o := &c.obs
	if c.summary && len(c.days)+1 < c.samples {
		c.model.ObserveApps(o)
		c.days = append(c.days, o.Day)
		apps := append(c.values[c.detector[1]], float64(o.BuildersCum))
		composed := append(c.values[c.detector[2]], float64(o.ComposedCum))
		c.values[c.detector[1]], c.values[c.detector[2]] = apps, composed
		ci := math.NaN() // not read by the detector
		if c.reads.Composability(c.days, apps, composed, c.rule) {
			ci = c.model.Composability()
		}
		c.values[c.detector[0]] = append(c.values[c.detector[0]], ci)
		c.prevBuilders, c.prevComposed = o.BuildersCum, o.ComposedCum
		return
	}
	c.model.Observe(o)
	c.days = append(c.days, o.Day)
	c.r = reading{Observation: o, newApps: o.BuildersCum - c.prevBuilders, newComposed: o.ComposedCum - c.prevComposed}
	c.prevBuilders, c.prevComposed = o.BuildersCum, o.ComposedCum
	if c.summary {
		c.sampleFinal()
		return
	}
	if c.n == c.stride {
		c.grow()
	}
	c.r.record(c.flat, c.n, c.stride, c.nDims, c.nHubs)
	c.n++
}

// sampleFinal records a summary collector's last sample: every observable
// in final, and the detector's series.
func (c *Collector) sampleFinal() {
	c.r.record(c.final, 0, 1, c.nDims, c.nHubs)
	for _, k := range c.detector {
		c.values[k] = append(c.values[k], c.final[k])
	}
}

// Final returns the last sample of every observable (the horizon's values
// when the last sample was taken at the horizon).
func (c *Collector) Final() []float64 {
	if c.summary {
		return slices.Clone(c.final)
	}
	out := make([]float64, len(c.names))
	if c.n > 0 {
		for k := range out {
			out[k] = c.flat[k*c.stride+c.n-1]
		}
	}
	return out
}

// Lego runs the detector of rule on the collected series; a summary
// collector's rule must be its spec's (it panics otherwise).
func (c *Collector) Lego(rule scenarios.Lego) (day float64, reached bool) {
	c.checkRule(rule)
	return metrics.DetectLego(c.days, c.Series(ObsComposability), c.Series(ObsBuildersCum), c.Series(ObsComposedCum), rule)
}

// LeftTruncated reports whether the collected series were already composed
// when the detector of rule first looks (see metrics.LeftTruncated).
func (c *Collector) LeftTruncated(rule scenarios.Lego) bool {
	c.checkRule(rule)
	return metrics.LeftTruncated(c.days, c.Series(ObsComposability), c.Series(ObsBuildersCum), c.Series(ObsComposedCum), rule)
}

// checkRule panics when a summary collector is asked about a rule other
// than the one whose reads of the composability index it kept.
func (c *Collector) checkRule(rule scenarios.Lego) {
	if c.summary && rule != c.rule {
		panic("observe: a summary collector detects with its scenario's Lego rule only")
	}
}

// GraphOf returns the interop graph of m as a metrics.Graph.
func GraphOf(m *agents.Model) *metrics.Graph {
	nodes, edges := m.Graph()
	g := &metrics.Graph{Nodes: make([]metrics.Node, len(nodes)), Edges: make([]metrics.Edge, len(edges))}
	for i, n := range nodes {
		g.Nodes[i] = metrics.Node{Name: n.Name, Dimension: n.Dimension, Usage: n.Usage}
	}
	for i, e := range edges {
		g.Edges[i] = metrics.Edge{A: e.A, B: e.B, Kind: e.Kind, Hub: e.Hub}
	}
	return g
}
