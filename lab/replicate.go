package lab

import (
	"context"
	"io"

	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/metrics/observe"
	"github.com/legolab/legolab/scenarios"
)

// ReplicateOptions are the optional outputs of one replication.
type ReplicateOptions struct {
	// Trace, when non-nil, receives a JSON Lines event trace of every
	// decision of the replication (arrivals and their provider choices,
	// integrations, standard switches, hub reviews, exploits, shocks).
	Trace io.Writer
	// Graph, when true, makes Replication.Graph the interop graph at the
	// horizon.
	Graph bool
	// Summary, when true, keeps only what a sweep, a prior-predictive run
	// or a calibration reads: the Lego moment, its left-truncation flag
	// and every observable's final value. Replication.Values is then nil
	// (Days stays), and the replication skips the full observation of the
	// model at every sample day but the horizon (observe.NewSummaryCollector).
	// Every other field is the one the full replication has.
	Summary bool
	// Reuse, when not nil, is memory that the caller's replications share,
	// one at a time: the replication's Days and Values then live in it, and
	// stay valid until the next Replicate with the same Reuse, which
	// overwrites them (as bufio.Scanner's Bytes). A loop of replications
	// then allocates almost nothing. Nil allocates them afresh.
	Reuse *Buffers
}

// Buffers is the memory of one replication's series at a time, reused from
// one Replicate to the next (ReplicateOptions.Reuse). The zero value is
// ready to use. It is not safe for concurrent use.
type Buffers struct {
	series observe.Storage
	days   []float64 // the sample days
}

// Replicate runs replication index of a resolved (variant already applied)
// spec with master seed seed and returns its sampled series, final values
// and Lego moment. Its random streams derive from sim.NewStream(seed,
// uint64(index), sim.StreamID(name)) with one name per mechanism, so
// replication r of every variant uses the same random numbers (common
// random numbers). It is deterministic: the same inputs give an identical
// Replication. It returns ctx.Err() when ctx is cancelled, and an error
// when the spec is one the model cannot run.
func Replicate(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, opt ReplicateOptions) (*metrics.Replication, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m, err := agents.New(spec, seed, index, agents.Options{Trace: opt.Trace})
	if err != nil {
		return nil, err
	}
	defer m.Release() // for the next replication's New
	var days []float64
	var store observe.Storage
	if b := opt.Reuse; b != nil {
		b.days = observe.AppendSampleDays(b.days[:0], spec)
		days, store = b.days, b.series
	} else {
		days = observe.SampleDays(spec)
	}
	var col *observe.Collector
	if opt.Summary {
		col = observe.NewSummaryCollectorIn(spec, m, len(days), store)
	} else {
		col = observe.NewCollectorIn(spec, m, len(days), store)
	}
	for _, t := range days {
		if err := m.RunUntil(ctx, t); err != nil {
			return nil, err
		}
		col.Sample()
	}
	day, reached := col.Lego(spec.Lego)
	rep := &metrics.Replication{
		Variant: variant,
		Index:   index,
		Seed:    seed,
		LegoDay: day,
		Reached: reached,
		// The flag qualifies the day above rather than changing it.
		LeftTruncated: col.LeftTruncated(spec.Lego),
		Names:         col.Names(),
		Days:          col.Days(),
		Values:        col.Values(),
		Final:         col.Final(),
		Events:        m.Events(),
	}
	if opt.Graph {
		rep.Graph = observe.GraphOf(m)
	}
	if opt.Reuse != nil {
		opt.Reuse.series = col.Storage() // grown, if it had to
	}
	return rep, nil
}
