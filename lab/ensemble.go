package lab

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/stats"
)

// ReplicateFunc runs replication index of one variant: spec is the
// variant's resolved scenario, seed the master seed. trace, when not nil,
// receives the replication's event trace; graph asks for the interop graph
// at the horizon. It must be deterministic in (spec, index, seed) and safe
// to call from several goroutines at once.
type ReplicateFunc func(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, trace io.Writer, graph bool) (*metrics.Replication, error)

// ReportFunc renders a run's report files (report.html, plots/*.svg, ...)
// from its data, as reports.Files does.
type ReportFunc func(d *reports.Data) ([]reports.File, error)

// Variant is one variant an ensemble runs.
type Variant struct {
	Name        string
	Description string
	// Spec is the variant's resolved scenario: the base with its overrides
	// applied.
	Spec *scenarios.Spec
	// Set are the variant's overrides of the base, by key path, for the
	// summary (see FlattenSet).
	Set []metrics.Parameter
	// Sampler draws the variant's θ when the scenario declares priors
	// (nil without); NewEnsemble sets it. See ThetaStream.
	Sampler *scenarios.Sampler

	priors []scenarios.Prior // the variant's priors, for choice indices
}

// Ensemble is a Monte Carlo ensemble of a scenario's variants on common
// random numbers and where its results go. Replication r of every variant
// uses master seed Seed and index r, so the variants differ by their
// parameters, not by their dice.
type Ensemble struct {
	// Scenario is the resolved base scenario; its Name, Start, HorizonDays
	// and Lego fields head the summary.
	Scenario *scenarios.Spec
	// Variants are the variants to run, in output order. Required.
	Variants []Variant
	// Observables are the names every replication reports, in order. Nil
	// means those of the first replication.
	Observables []string
	// ScenarioTOML is the resolved scenario written to scenario.toml; its
	// SHA-256 identifies the run in the summary.
	ScenarioTOML []byte
	// Parameters are the resolved scenario's scalar values for the report.
	Parameters []metrics.Parameter
	// Runs is the number of replications per variant, ≥ 1.
	Runs int
	// Seed is the master seed.
	Seed uint64
	// Jobs is the number of replications run at once; < 1 means 1. The
	// outputs do not depend on it.
	Jobs int
	// Version is the legolab version recorded in the summary.
	Version string
	// Trace, when not nil, receives the event trace of replication 0 of the
	// first variant.
	Trace io.Writer
	// Progress, when not nil, is called from one goroutine after each
	// replication with the number finished and the total.
	Progress func(done, total int)
	// Replicate runs one replication. Nil means the model's Replicate.
	Replicate ReplicateFunc
	// Inner is the number of replications per θ draw in a prior-predictive
	// run (--inner K); < 1 means 1. Replication r uses θ index r / K, so
	// Runs = θ draws × K.
	Inner int
	// Fixed runs the scenario's own values, ignoring its priors: the run
	// is then exactly what it was before priors existed.
	Fixed bool
	// Report, when not nil, renders the report from the run's data, held
	// in memory: the same reports.Data that reports.ReadDir reads back from
	// the data files. It runs while those are written, so it must only
	// read its Data. Its files are written next to the data.
	Report ReportFunc
}

// Result is what Run produced.
type Result struct {
	// Summary is the content of summary.json.
	Summary *metrics.Summary
	// Dir is the output directory; "" for a sink that is not a folder.
	Dir string
}

// ErrReport wraps a report generation failure; the data files were
// written all the same.
var ErrReport = errors.New("report")

// modelReplicate is Replicate as a ReplicateFunc.
func modelReplicate(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, trace io.Writer, graph bool) (*metrics.Replication, error) {
	return Replicate(ctx, spec, variant, index, seed, ReplicateOptions{Trace: trace, Graph: graph})
}

// Run runs the ensemble and writes its outputs into sink: summary.json,
// runs.csv, series.csv, scenario.toml, graphs.json and the report's files,
// all committed at once at the end (a DirSink swaps them into place).
//
// Replications run in parallel, Jobs at a time, and are consumed in
// replication order through a bounded reorder buffer, so every output is
// byte-identical for any Jobs, and memory does not grow with Runs: rows are
// streamed to runs.csv and series aggregated online (metrics.Ensemble).
// With a Report the rows are also kept in memory, for the report.
//
// When ctx is cancelled Run stops the workers and still writes complete
// results for the replications that finished in order (the same count for
// every variant), with the summary marked partial; it then returns the
// Result and an error wrapping ctx.Err(). If no replication finished,
// nothing is written. Any other error leaves the sink's previous contents
// untouched.
func (e *Ensemble) Run(ctx context.Context, sink Sink) (*Result, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	if sink == nil {
		return nil, errors.New("lab: ensemble without a sink")
	}
	replicate := e.Replicate
	if replicate == nil {
		replicate = modelReplicate
	}
	if err := sink.Begin(reports.SummaryFile, false); err != nil {
		return nil, err
	}
	defer sink.Abort()
	runsFile, err := sink.Create(reports.RunsFile)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(e.Variants))
	for v, vr := range e.Variants {
		names[v] = vr.Name
	}
	// The aggregator and the runs.csv header need the observables' names,
	// which the first replication gives when the caller did not.
	var agg *metrics.Ensemble
	var runs *reports.RunsWriter
	var fc *forecastState
	if e.prior() {
		fc = e.newForecast(names)
	}
	begin := func(observables []string) (err error) {
		agg = metrics.NewEnsemble(names, observables, e.Scenario.HorizonDays)
		agg.SetParallelism(e.Jobs / workersPerStripe)
		if fc != nil {
			runs, err = reports.NewRunsWriterTheta(runsFile, observables, fc.keys)
			return err
		}
		runs, err = reports.NewRunsWriter(runsFile, observables)
		return err
	}
	if len(e.Observables) > 0 {
		if err := begin(e.Observables); err != nil {
			return nil, err
		}
	}

	// The report is rendered from memory, from the same values the data
	// files hold, so it keeps the rows runs.csv streams (as reading it
	// back would).
	var kept []reports.Run
	completed, err := e.execute(ctx, replicate, fc != nil, func(r int, reps []*metrics.Replication, extra []runExtra) error {
		if agg == nil {
			if err := begin(reps[0].Names); err != nil {
				return err
			}
		}
		if err := agg.Add(reps); err != nil {
			return err
		}
		for v, rep := range reps {
			row := reports.Run{
				Variant: names[v], Replication: r, Seed: e.Seed,
				LegoDay: rep.LegoDay, Censored: !rep.Reached, LeftTruncated: rep.LeftTruncated, Final: rep.Final,
			}
			if fc != nil {
				cells, nums := e.thetaRow(v, extra[v].theta, fc.keys)
				row.Theta = cells
				fc.runs.Add(v, nums, rep.LegoDay, rep.Reached, extra[v].family)
			}
			if err := runs.Write(row); err != nil {
				return err
			}
			if e.Report != nil {
				kept = append(kept, memoryRun(row))
			}
		}
		return nil
	})
	// An interruption that came after the last replication changes nothing.
	interrupted := completed < e.Runs && ctx.Err() != nil
	if !interrupted && err != nil {
		return nil, err
	}
	if completed == 0 {
		return nil, fmt.Errorf("lab: no replication completed, nothing written: %w", context.Cause(ctx))
	}
	if err := runs.Flush(); err != nil {
		return nil, err
	}
	if err := runsFile.Close(); err != nil {
		return nil, err
	}

	// What follows the replications runs side by side where the inputs
	// allow: the fan rows and then series.csv; the representative graphs
	// and then graphs.json; the summary and then summary.json. The report
	// needs all three. The representatives are chosen first, here, so that
	// afterwards the three read disjoint parts of agg (the fans; nothing;
	// the life tables, sketches and pairs).
	var series []metrics.SeriesPoint
	seriesDone := make(chan struct{})
	go func() {
		defer close(seriesDone)
		series = agg.Series()
	}()
	// The representative graphs come from re-running one replication per
	// variant, which is deterministic, rather than from keeping every
	// replication's graph. An interrupted run still gets them: they take a
	// replication's time each.
	var gs []reports.RepresentativeGraph
	var graphsErr error
	graphsDone := make(chan struct{})
	reps := representatives(agg, len(e.Variants))
	go func() {
		defer close(graphsDone)
		gs, graphsErr = e.graphs(context.WithoutCancel(ctx), replicate, reps)
	}()
	sum := e.summary(agg, completed, interrupted)
	if fc != nil {
		sum.Forecast = fc.runs.Summarize(e.Scenario.Start, sum.Variants)
		sum.Forecast.Posteriors = e.posteriorUses()
	}
	// The data files are written side by side (each file's fsync is most
	// of its time), created in this order, which the folder's manifest
	// keeps; a failed graph re-run fails the run, as graphs.json's write.
	data := fileWrites{sink: sink}
	data.add(reports.SummaryFile, func(w io.Writer) error { return reports.WriteSummary(w, sum) })
	data.add(reports.SeriesFile, func(w io.Writer) error {
		<-seriesDone
		return reports.WriteSeries(w, e.Scenario.Start, series)
	})
	data.add(reports.ScenarioFile, func(w io.Writer) error { _, err := w.Write(e.ScenarioTOML); return err })
	data.add(reports.GraphsFile, func(w io.Writer) error {
		<-graphsDone
		if graphsErr != nil {
			return graphsErr
		}
		return reports.WriteGraphs(w, gs)
	})
	// The report renders while the data files are written: it needs only
	// the values, and its charts are most of the work left.
	<-seriesDone
	<-graphsDone
	var report func() ([]reports.File, error)
	if e.Report != nil && graphsErr == nil {
		report = e.startReport(&reports.Data{Summary: *sum, Series: series, Runs: kept, Graphs: graphData(gs, len(e.Variants))})
	}
	if err := data.wait(); err != nil {
		if report != nil {
			report() // let the renderer finish before returning
		}
		return nil, err
	}
	var reportErr error
	if report != nil {
		reportErr = writeReport(sink, report)
	}
	if err := sink.Commit(); err != nil {
		return nil, err
	}
	res := &Result{Summary: sum, Dir: sinkFolder(sink)}
	switch {
	case interrupted:
		return res, fmt.Errorf("lab: interrupted after %d of %d replications per variant: %w", completed, e.Runs, context.Cause(ctx))
	case reportErr != nil:
		return res, fmt.Errorf("%w: %v (the data files are in %s)", ErrReport, reportErr, res.Dir)
	}
	return res, nil
}

// check reports a misconfigured Ensemble.
func (e *Ensemble) check() error {
	switch {
	case e.Scenario == nil:
		return errors.New("lab: ensemble without a scenario")
	case len(e.Variants) == 0:
		return errors.New("lab: ensemble without variants")
	case e.Runs < 1:
		return fmt.Errorf("lab: runs must be at least 1, got %d", e.Runs)
	case !(e.Scenario.HorizonDays > 0):
		return fmt.Errorf("lab: horizon must be positive, got %g days", e.Scenario.HorizonDays)
	}
	for _, v := range e.Variants {
		if v.Spec == nil {
			return fmt.Errorf("lab: variant %s has no scenario", v.Name)
		}
	}
	return nil
}

// workersPerStripe is how many workers' replications one goroutine of the
// aggregation's fan updates serves (metrics.Ensemble.SetParallelism). A
// single goroutine keeps pace with eight to ten workers on deai-2025 (its
// fans take 1.1–1.4 ms for the four variants of one index, the
// replications about 11 ms of CPU: BenchmarkEnsembleAdd and the default
// run's CPU profile); four leaves room for scenarios with cheaper
// replications. Below eight workers the fans are updated on one
// goroutine: on two cores, splitting them gained nothing and cost 1–4%
// (BenchmarkEnsembleOverhead at --jobs 2 2.4–4.3% in three pairs; the
// default run 1.0% over 30 pairs).
const workersPerStripe = 4

// execute runs Runs × len(Variants) replications, Jobs at a time, and calls
// release with the replications of index r of every variant, for r = 0, 1,
// 2, ... in order, from the calling goroutine. It returns how many indices
// were released. Work is dispatched index-major so that an interruption
// finds every variant at about the same count, and at most window indices
// are in flight, which bounds the reorder buffer.
func (e *Ensemble) execute(ctx context.Context, replicate ReplicateFunc, prior bool, release func(r int, reps []*metrics.Replication, extra []runExtra) error) (int, error) {
	jobs := max(e.Jobs, 1)
	nv := len(e.Variants)
	// Room for every worker to run a few replications ahead of the oldest
	// unfinished index, so one slow replication does not idle the others.
	window := 2 + (4*jobs+nv-1)/nv
	total := e.Runs * nv

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)

	type done struct {
		v, r int
		rep  *metrics.Replication
		x    runExtra
		buf  *Buffers // the memory of rep's series, back to bufs after release
		err  error
	}
	results := make(chan done, jobs)
	specs := newSpecCache(e, nv)
	var bufs bufferPool
	// The variants of one index often compose alike: their PELT
	// segmentations are shared.
	var pelt metrics.PELTMemo
	slots := make(chan struct{}, window)
	var waitErr error
	go func() {
		defer close(results)
	dispatch:
		for r := 0; r < e.Runs; r++ {
			select {
			case slots <- struct{}{}:
			case <-gctx.Done():
				break dispatch
			}
			for v := range nv {
				if gctx.Err() != nil {
					break dispatch
				}
				g.Go(func() error {
					if err := gctx.Err(); err != nil {
						return err
					}
					var trace io.Writer
					if r == 0 && v == 0 {
						trace = e.Trace
					}
					vr := e.Variants[v]
					var x runExtra
					var rep *metrics.Replication
					buf := bufs.get()
					spec, theta, err := specs.get(v, r)
					switch {
					case err != nil:
					case e.Replicate == nil:
						rep, err = Replicate(gctx, spec, vr.Name, r, e.Seed, ReplicateOptions{Trace: trace, Reuse: buf})
					default:
						rep, err = replicate(gctx, spec, vr.Name, r, e.Seed, trace, false)
					}
					if err == nil {
						err = checkReplication(rep, r)
					}
					if err == nil && prior {
						x = runExtra{theta: theta, family: e.family(rep, &pelt)}
					}
					if err != nil {
						err = fmt.Errorf("variant %s replication %d: %w", vr.Name, r, err)
					}
					results <- done{v, r, rep, x, buf, err}
					return err
				})
			}
		}
		waitErr = g.Wait()
	}()

	// The reorder buffer: ring[r%window] collects index r until every
	// variant has reported it.
	ring := make([][]*metrics.Replication, window)
	extra := make([][]runExtra, window)
	held := make([][]*Buffers, window)
	have := make([]int, window)
	for i := range ring {
		ring[i] = make([]*metrics.Replication, nv)
		extra[i] = make([]runExtra, nv)
		held[i] = make([]*Buffers, nv)
	}
	next, finished := 0, 0
	var releaseErr error
	for d := range results {
		if d.err != nil {
			continue
		}
		finished++
		if e.Progress != nil {
			e.Progress(finished, total)
		}
		if releaseErr != nil {
			continue
		}
		slot := d.r % window
		ring[slot][d.v] = d.rep
		extra[slot][d.v] = d.x
		held[slot][d.v] = d.buf
		have[slot]++
		for have[next%window] == nv {
			s := next % window
			if err := release(next, ring[s], extra[s]); err != nil {
				releaseErr = err
				cancel()
				break
			}
			clear(ring[s])
			clear(extra[s])
			for _, b := range held[s] {
				bufs.put(b) // release is done with its series
			}
			clear(held[s])
			have[s] = 0
			next++
			<-slots
		}
	}
	if releaseErr != nil {
		return next, releaseErr
	}
	return next, waitErr
}

// specCache hands the workers each variant's scenario for replication r,
// made once per θ draw rather than once per replication: the K inner
// replications of a draw (indices r / K alike) share θ, hence the spec
// WithTheta makes of it, which replications only read. It keeps the last
// draw per variant; dispatch is index-major, so a draw's replications come
// together. Without priors it is specFor itself.
type specCache struct {
	e     *Ensemble
	cache bool
	mu    sync.Mutex
	last  []cachedSpec // [variant]
}

type cachedSpec struct {
	draw  int // θ index r / K; −1 for none yet
	spec  *scenarios.Spec
	theta scenarios.Theta
}

func newSpecCache(e *Ensemble, variants int) *specCache {
	c := &specCache{e: e, cache: e.prior() && e.inner() > 1, last: make([]cachedSpec, variants)}
	for v := range c.last {
		c.last[v].draw = -1
	}
	return c
}

// get is specFor(v, r), shared by the replications of one θ draw.
func (c *specCache) get(v, r int) (*scenarios.Spec, scenarios.Theta, error) {
	if !c.cache {
		return c.e.specFor(v, r)
	}
	draw := r / c.e.inner()
	c.mu.Lock()
	if l := c.last[v]; l.draw == draw {
		c.mu.Unlock()
		return l.spec, l.theta, nil
	}
	c.mu.Unlock()
	spec, theta, err := c.e.specFor(v, r)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	if draw > c.last[v].draw {
		c.last[v] = cachedSpec{draw: draw, spec: spec, theta: theta}
	}
	c.mu.Unlock()
	return spec, theta, nil
}

// runExtra is what a prior-predictive run keeps of a replication besides
// the Replication: its θ and the detector family's verdicts, computed in
// the worker.
type runExtra struct {
	theta  scenarios.Theta
	family []stats.Obs
}

// checkReplication guards the ensemble against a replication function that
// breaks its contract.
func checkReplication(rep *metrics.Replication, r int) error {
	switch {
	case rep == nil:
		return errors.New("no result")
	case rep.Index != r:
		return fmt.Errorf("result is for replication %d", rep.Index)
	}
	return nil
}

// summary assembles summary.json's content.
func (e *Ensemble) summary(agg *metrics.Ensemble, completed int, partial bool) *metrics.Summary {
	hash := sha256.Sum256(e.ScenarioTOML)
	sc := e.Scenario
	s := &metrics.Summary{
		Scenario:    sc.Name,
		SHA256:      hex.EncodeToString(hash[:]),
		Seed:        e.Seed,
		Runs:        e.Runs,
		HorizonDays: sc.HorizonDays,
		Start:       sc.Start.Format(time.DateOnly),
		Version:     e.Version,
		Partial:     partial,
		Completed:   completed,
		Lego: metrics.LegoRule{
			Rule:                 sc.Lego.Rule,
			WindowDays:           sc.Lego.WindowDays,
			ComposabilityMin:     sc.Lego.ComposabilityMin,
			ComposedShareMin:     sc.Lego.ComposedShareMin,
			GrowthMin:            sc.Lego.GrowthMin,
			MinComposedPerWindow: sc.Lego.MinComposedPerWindow,
		},
		Parameters: e.Parameters,
	}
	s.Variants, s.Comparisons = agg.Summarize(sc.Start)
	for v := range s.Variants {
		s.Variants[v].Description = e.Variants[v].Description
		s.Variants[v].Set = e.Variants[v].Set
		if s.Variants[v].Set == nil {
			s.Variants[v].Set = []metrics.Parameter{}
		}
	}
	if s.Parameters == nil {
		s.Parameters = []metrics.Parameter{}
	}
	return s
}

// representative is a variant's representative replication and its
// outcome (metrics.Ensemble.Representative).
type representative struct {
	r int
	o stats.Obs
}

// representatives returns every variant's representative replication.
func representatives(agg *metrics.Ensemble, variants int) []representative {
	out := make([]representative, variants)
	for v := range out {
		out[v].r, out[v].o = agg.Representative(v)
	}
	return out
}

// graphs re-runs each variant's representative replication with its
// graph, Jobs at a time; the first failure in variant order is returned,
// whatever the schedule.
func (e *Ensemble) graphs(ctx context.Context, replicate ReplicateFunc, reps []representative) ([]reports.RepresentativeGraph, error) {
	out := make([]reports.RepresentativeGraph, len(e.Variants))
	errs := make([]error, len(e.Variants))
	var g errgroup.Group
	g.SetLimit(max(e.Jobs, 1))
	for v, rep := range reps {
		g.Go(func() error {
			out[v], errs[v] = e.graph(ctx, replicate, v, rep.r, rep.o)
			return nil
		})
	}
	g.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// graph re-runs replication r of variant v, whose outcome was o, with its
// graph.
func (e *Ensemble) graph(ctx context.Context, replicate ReplicateFunc, v, r int, o stats.Obs) (reports.RepresentativeGraph, error) {
	vr := e.Variants[v]
	spec, _, err := e.specFor(v, r)
	if err != nil {
		return reports.RepresentativeGraph{}, err
	}
	rep, err := replicate(ctx, spec, vr.Name, r, e.Seed, nil, true)
	if err != nil {
		return reports.RepresentativeGraph{}, fmt.Errorf("variant %s replication %d (graph): %w", vr.Name, r, err)
	}
	if rep.Reached != o.Event || (o.Event && rep.LegoDay != o.Time) {
		return reports.RepresentativeGraph{}, fmt.Errorf("lab: variant %s replication %d is not reproducible: Lego day %v (reached %v) on re-run, %v (reached %v) before",
			vr.Name, r, rep.LegoDay, rep.Reached, o.Time, o.Event)
	}
	g := reports.RepresentativeGraph{Variant: vr.Name, Replication: r, Graph: rep.Graph}
	if rep.Reached {
		d := rep.LegoDay
		g.LegoDay = &d
	}
	return g, nil
}

// memoryRun is row as reports.ReadRuns reads it back from runs.csv: the
// Lego day of a censored run is NaN there (its cell is empty).
func memoryRun(row reports.Run) reports.Run {
	if row.Censored {
		row.LegoDay = math.NaN()
	}
	return row
}

// graphData is the Graphs of reports.Data for the representative graphs,
// in variant order (as reports.ReadDir gives them from graphs.json).
func graphData(gs []reports.RepresentativeGraph, variants int) []*metrics.Graph {
	out := make([]*metrics.Graph, variants)
	for v := range min(len(gs), variants) {
		out[v] = gs[v].Graph
	}
	return out
}

// startReport renders the report of d in a new goroutine and returns a
// function that waits for its files. d is only read, by the renderer and
// by the caller alike, until then.
func (e *Ensemble) startReport(d *reports.Data) func() ([]reports.File, error) {
	var files []reports.File
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		files, err = e.Report(d)
	}()
	return func() ([]reports.File, error) {
		<-done
		return files, err
	}
}

// writeReport waits for the report's files and writes them into sink, next
// to the data, side by side.
func writeReport(sink Sink, report func() ([]reports.File, error)) error {
	files, err := report()
	if err != nil {
		return err
	}
	w := fileWrites{sink: sink}
	for _, f := range files {
		w.add(f.Name, func(w io.Writer) error { _, err := w.Write(f.Data); return err })
	}
	return w.wait()
}

// fileWrites writes files into a sink side by side: add creates each in
// the calling goroutine, so the sink sees them in the order added, and
// writes and closes it in a goroutine of its own, so that the files'
// fsyncs overlap.
type fileWrites struct {
	sink Sink
	wg   sync.WaitGroup
	errs []*error // in the order added
}

// add creates name and starts writing it with write.
func (fw *fileWrites) add(name string, write func(io.Writer) error) {
	errp := new(error)
	fw.errs = append(fw.errs, errp)
	f, err := fw.sink.Create(name)
	if err != nil {
		*errp = err
		return
	}
	fw.wg.Add(1)
	go func() {
		defer fw.wg.Done()
		if err := write(f); err != nil {
			*errp = err // the sink's Abort removes the file
			return
		}
		*errp = f.Close()
	}()
}

// wait waits for every file added and returns the first error in the
// order added.
func (fw *fileWrites) wait() error {
	fw.wg.Wait()
	for _, errp := range fw.errs {
		if *errp != nil {
			return *errp
		}
	}
	return nil
}

// writeTo writes the file name into sink.
func writeTo(sink Sink, name string, write func(io.Writer) error) error {
	f, err := sink.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		return err // the sink's Abort removes it
	}
	return f.Close()
}

// bufferPool is a free list of the Buffers of replications whose series
// were released: at most one per replication in flight or in the reorder
// window exists.
type bufferPool struct {
	mu   sync.Mutex
	free []*Buffers
}

func (p *bufferPool) get() *Buffers {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free = p.free[:n-1]
		return b
	}
	return new(Buffers)
}

func (p *bufferPool) put(b *Buffers) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, b)
}
