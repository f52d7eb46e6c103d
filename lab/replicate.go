package lab

import (
	"context"
	"io"

	"github.com/legolab/legolab/agents"
	"github.com/legolab/legolab/metrics"
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
	// model at every sample day but the horizon (metrics.NewSummaryCollector).
	// Every other field is the one the full replication has.
	Summary bool
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
	days := metrics.SampleDays(spec)
	var col *metrics.Collector
	if opt.Summary {
		col = metrics.NewSummaryCollector(spec, m, len(days))
	} else {
		col = metrics.NewCollector(spec, m, len(days))
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
		rep.Graph = metrics.GraphOf(m)
	}
	return rep, nil
}
