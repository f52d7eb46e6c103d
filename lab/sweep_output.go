package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/legolab/legolab/metrics"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/stats"
	"github.com/legolab/legolab/sweeps"
)

// The files of a sweep folder, documented in docs/sweeps.md.
const (
	PointsFile       = "points.csv"
	SensitivityFile  = "sensitivity.csv"
	SweepSummaryFile = "summary.json"
	SweepFile        = "sweep.toml"
)

// sweepOutput is everything the outputs are made from.
type sweepOutput struct {
	file     *sweeps.File
	source   []byte
	inputs   []swInput
	baseTOML []byte
	base     *scenarios.Spec
	id       sweepIdentity
	points   []sweeps.Point
	rows     []*PointRow
	outcomes []string
	warnings []string
	// plots draws the charts and report.html.
	plots bool
	// ctx stops the post-processing (the bootstrap); nil means never.
	ctx context.Context
}

// statsOutcomes returns the outcomes summarised in summary.json:
// p_by_horizon, median_day and rmst_days of every variant, then the
// sweep's outcomes not already among them.
func (o *sweepOutput) statsOutcomes() []string {
	var names []string
	for _, v := range o.id.Variants {
		names = append(names, "p_by_horizon("+v+")", "median_day("+v+")", "rmst_days("+v+")")
	}
	for _, x := range o.outcomes {
		if !slices.Contains(names, x) {
			names = append(names, x)
		}
	}
	return names
}

// summary builds the sweep's summary.
func (o *sweepOutput) summary() (*metrics.SweepSummary, error) {
	f := o.file
	s := &metrics.SweepSummary{
		Kind: "sweep", Sweep: o.id.Sweep, Description: f.Description,
		SHA256: o.id.SHA256, Scenario: o.base.Name, ScenarioSHA256: o.id.ScenarioSHA256,
		Version: o.id.Version, Seed: f.Seed, CommonSeed: f.CommonSeed,
		Design: f.Design, Samples: f.Samples, Trajectories: f.Trajectories, Levels: f.Levels,
		Replications: f.Replications, Points: len(o.points), HorizonDays: o.base.HorizonDays,
		Start: o.base.Start.Format("2006-01-02"), Variants: o.id.Variants, Outcomes: o.outcomes,
		Warnings: o.warnings,
	}
	if f.Design == sweeps.DesignSobol {
		s.Scramble, s.Bootstrap = f.Scramble, f.Bootstrap
	}
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	for _, p := range f.Params {
		info := metrics.SweepParamInfo{Key: p.Key, Min: p.Min, Max: p.Max, Scale: p.Scale, Type: p.Type}
		for _, v := range p.Values {
			text, _ := (&sweeps.Param{Values: []any{v}}).At(0)
			info.Values = append(info.Values, text)
		}
		s.Params = append(s.Params, info)
	}
	sample := o.rows
	if sweeps.MethodOf(f.Design) == sweeps.MethodSobol {
		sample = o.rows[:2*f.Samples]
	}
	for _, name := range o.statsOutcomes() {
		ref, err := swParseOutcome(name, o.id.Variants, o.id.Observables)
		if err != nil {
			return nil, err
		}
		s.Stats = append(s.Stats, swStatsOf(ref, sample))
	}
	refs := make([]swOutcome, len(o.outcomes))
	for i, name := range o.outcomes {
		ref, err := swParseOutcome(name, o.id.Variants, o.id.Observables)
		if err != nil {
			return nil, err
		}
		refs[i] = ref
	}
	var err error
	s.Sensitivity, err = sensitivityOf(o.context(), f, o.points, o.rows, refs, o.base.HorizonDays)
	if err != nil {
		return nil, err
	}
	if s.Sensitivity == nil {
		s.Sensitivity = []metrics.SensitivityRow{}
	}
	return s, nil
}

// swStatsOf summarises one outcome over rows.
func swStatsOf(ref swOutcome, rows []*PointRow) metrics.OutcomeStats {
	st := metrics.OutcomeStats{Outcome: ref.name, Points: len(rows)}
	ys := make([]float64, len(rows))
	for i, r := range rows {
		ys[i] = ref.value(r)
		if math.IsInf(ys[i], 1) {
			st.NotReached++
		}
	}
	n := len(ys)
	if n == 0 {
		return st
	}
	sorted := slices.Clone(ys)
	slices.Sort(sorted)
	st.Min, st.Max = swPtr(sorted[0]), swPtr(sorted[n-1])
	if st.NotReached == 0 {
		mean, lo, hi := stats.MeanCI(ys)
		st.Mean = swPtr(mean)
		if n > 1 {
			if ref.isProbability() {
				// The t interval of a few points' probabilities can spill
				// past [0, 1]; the mean of probabilities cannot, so the
				// bounds are clamped.
				lo, hi = max(lo, 0), min(hi, 1)
			}
			st.MeanCI95 = [2]*float64{swPtr(lo), swPtr(hi)}
		}
	}
	st.Median = swPtr(stats.Quantile(sorted, 0.5))
	lo, hi := stats.MedianCIRanks(n)
	st.MedianCI95 = [2]*float64{swPtr(sorted[lo]), swPtr(sorted[hi])}
	return st
}

// isProbability reports whether the outcome is a probability, whose
// interval must stay within [0, 1].
func (o swOutcome) isProbability() bool {
	switch o.measure {
	case "p_by_horizon", "p_lo", "p_hi":
		return true
	}
	return false
}

// files returns a whole sweep's output files, checkpoint first, and its
// summary.
func (o *sweepOutput) files() ([]namedWrite, *metrics.SweepSummary, error) {
	sum, err := o.summary()
	if err != nil {
		return nil, nil, err
	}
	files := []namedWrite{
		{CheckpointFile, func(w io.Writer) error { return writeCheckpoint(w, o.id, o.rows, Shard{}) }},
		{SweepFile, func(w io.Writer) error { _, err := w.Write(o.source); return err }},
	}
	files = append(files, o.inputFiles()...)
	files = append(files, []namedWrite{
		{reports.ScenarioFile, func(w io.Writer) error { _, err := w.Write(o.baseTOML); return err }},
		{PointsFile, func(w io.Writer) error { return o.writePoints(w, Shard{}) }},
		{SensitivityFile, func(w io.Writer) error { return swWriteSensitivity(w, sum.Sensitivity) }},
		{SweepSummaryFile, func(w io.Writer) error { return writeSweepJSON(w, sum) }},
	}...)
	report, err := o.reportFiles(sum)
	if err != nil {
		return nil, nil, err
	}
	return append(files, report...), sum, nil
}

// context is the post-processing's context: o.ctx, or one never done.
func (o *sweepOutput) context() context.Context {
	if o.ctx == nil {
		return context.Background()
	}
	return o.ctx
}

// shardFiles returns one shard's output files: its checkpoint, the sweep
// and base scenario, for merge, and the shard's points.
func (o *sweepOutput) shardFiles(sh Shard) []namedWrite {
	files := []namedWrite{
		{CheckpointFile, func(w io.Writer) error { return writeCheckpoint(w, o.id, o.rows, sh) }},
		{SweepFile, func(w io.Writer) error { _, err := w.Write(o.source); return err }},
	}
	return append(append(files, o.inputFiles()...),
		namedWrite{reports.ScenarioFile, func(w io.Writer) error { _, err := w.Write(o.baseTOML); return err }},
		namedWrite{PointsFile, func(w io.Writer) error { return o.writePoints(w, sh) }})
}

// inputFiles returns the copies of the sweep's input files, beside
// sweep.toml under the names it gives them.
func (o *sweepOutput) inputFiles() []namedWrite {
	var out []namedWrite
	for _, in := range o.inputs {
		out = append(out, namedWrite{in.name, func(w io.Writer) error { _, err := w.Write(in.data); return err }})
	}
	return out
}

// commit writes files into sink as one result; owned says the sink's
// folder holds this sweep's own checkpoint, and may be replaced.
//
// When ctx is done before the commit, nothing is committed and the
// folder keeps what it held (a sweep's checkpoint, which a resume
// finishes from).
func commitFiles(ctx context.Context, sink Sink, owned bool, files []namedWrite) error {
	if err := sink.Begin(CheckpointFile, owned); err != nil {
		return err
	}
	defer sink.Abort()
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("lab: interrupted while writing the outputs: %w", err)
		}
		if err := writeTo(sink, f.name, f.write); err != nil {
			return err
		}
	}
	return sink.Commit()
}

// namedWrite is one output file: its slash-separated name in the folder
// and what writes it.
type namedWrite struct {
	name  string
	write func(io.Writer) error
}

// reportFiles are the sweep's report: the charts and report.html (unless
// plots is false) and report.md.
func (o *sweepOutput) reportFiles(sum *metrics.SweepSummary) ([]namedWrite, error) {
	var files []namedWrite
	var charts []reports.SweepChart
	if o.plots {
		var err error
		if charts, err = o.charts(o.context(), sum); err != nil {
			return nil, err
		}
		for _, c := range charts {
			for _, pf := range c.Files {
				data := pf.Data
				files = append(files, namedWrite{pf.Name, func(w io.Writer) error { _, err := w.Write(data); return err }})
			}
		}
		files = append(files, namedWrite{"report.html", func(w io.Writer) error { return reports.WriteSweepHTML(w, sum, charts) }})
	}
	return append(files, namedWrite{"report.md", func(w io.Writer) error { return reports.WriteSweepMarkdown(w, sum, charts) }}), nil
}

// writeNamed writes each file in the folder in in place, atomically,
// creating subfolders: a finished sweep folder's report, regenerated.
// Every write is confined to the folder (outdir.In): a link planted in it
// is refused, never followed.
func writeNamed(in *outdir.In, files []namedWrite) error {
	for _, f := range files {
		if err := in.WriteFile(f.name, f.write); err != nil {
			return err
		}
	}
	return nil
}

// pointsHeader returns the columns of points.csv: each outcome column is
// named METRIC.VARIANT (p_by_horizon.siloed, final.hub_share.siloed), a
// syntactic name in R when the variant's is, so read.csv keeps it.
func (o *sweepOutput) pointsHeader() []string {
	h := []string{"point", "block", "seed"}
	for _, p := range o.file.Params {
		h = append(h, p.Key)
	}
	for v, name := range o.id.Variants {
		for _, m := range []string{"reached", "p_by_horizon", "p_lo", "p_hi", "median_day", "median_lo", "median_hi", "rmst_days"} {
			h = append(h, m+"."+name)
		}
		for _, obs := range o.id.Observables[v] {
			h = append(h, "final."+obs+"."+name)
		}
	}
	return h
}

// writePoints writes points.csv: one row per point of shard sh.
func (o *sweepOutput) writePoints(w io.Writer, sh Shard) error {
	cw := reports.NewCSVWriter(w)
	if err := cw.Write(o.pointsHeader()); err != nil {
		return err
	}
	ff := reports.FormatFloat
	opt := func(p *float64) string {
		if p == nil {
			return "NA"
		}
		return ff(*p)
	}
	for i, r := range o.rows {
		if !sh.Has(i) {
			continue
		}
		pt := o.points[i]
		rec := []string{strconv.Itoa(i), pt.Block, strconv.FormatUint(PointSeed(o.file.Seed, i, o.file.CommonSeed), 10)}
		rec = append(rec, pt.Values...)
		for _, vo := range r.Variants {
			rec = append(rec, strconv.Itoa(vo.Reached), ff(vo.P), ff(vo.PLo), ff(vo.PHi),
				opt(vo.Median), opt(vo.MedianLo), opt(vo.MedianHi), ff(vo.RMST))
			for _, x := range vo.Final {
				rec = append(rec, opt(swPtr(float64(x))))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// swWriteSensitivity writes sensitivity.csv; empty cells are indices the
// method does not give.
func swWriteSensitivity(w io.Writer, rows []metrics.SensitivityRow) error {
	cw := reports.NewCSVWriter(w)
	if err := cw.Write([]string{"outcome", "param", "method", "s1", "s1_lo", "s1_hi", "st", "st_lo", "st_hi", "mu_star", "mu", "sigma", "note"}); err != nil {
		return err
	}
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return reports.FormatFloat(*p)
	}
	for _, r := range rows {
		if err := cw.Write([]string{r.Outcome, r.Param, r.Method, opt(r.S1), opt(r.S1CI95[0]), opt(r.S1CI95[1]),
			opt(r.ST), opt(r.STCI95[0]), opt(r.STCI95[1]), opt(r.MuStar), opt(r.Mu), opt(r.Sigma), r.Note}); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// writeSweepJSON writes v as indented JSON, HTML left unescaped, as the
// run's summary.json is written.
func writeSweepJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
