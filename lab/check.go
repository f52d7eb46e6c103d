package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sweeps"
)

// CheckResult is one [[expect]] assertion evaluated on a run or sweep
// folder.
type CheckResult struct {
	// Assert and Note are as written in the file.
	Assert string
	Note   string
	// Pass is whether the assertion holds; an assertion that cannot be
	// evaluated (Err set) fails.
	Pass bool
	// Left and Right are the two sides as measured.
	Left, Right Measure
	// Err says why the assertion could not be evaluated.
	Err error
}

// Measure is one side of an assertion: the term, its value and its 95%
// interval (NaN bounds when it has none). A median not reached by the
// horizon is +Inf.
type Measure struct {
	Term    scenarios.Term
	Value   float64
	Lo, Hi  float64
	IsConst bool
}

// Check evaluates the [[expect]] assertions of a run folder (those of its
// scenario.toml, on summary.json) or of a sweep folder (those of its
// sweep.toml, on summary.json and the per-point rows of checkpoint.jsonl).
// It returns one result per assertion, in file order; an error means the
// folder could not be read at all.
//
// In a run folder p_by_horizon, p_lo, p_hi, median_day, rmst_days and
// final.METRIC read the variant's summary. In a sweep folder they are
// summarised over the design's points (for sobol, its A and B blocks): the
// mean with a 95% interval, except median_day, the median over points with
// a distribution-free 95% interval. s1, st and mu_star read the
// sensitivity of the sweep's first outcome to a parameter. A median not
// reached by the horizon counts as +∞ everywhere.
func Check(dir string) ([]CheckResult, error) {
	r, err := CheckDir(dir)
	if err != nil {
		return nil, err
	}
	return r.Results, nil
}

// CheckReport is what CheckDir found in a folder.
type CheckReport struct {
	// Results are the assertions' results, in file order.
	Results []CheckResult
	// Partial is true for a run folder whose run was interrupted: its
	// results cover Completed of Runs replications per variant.
	Partial         bool
	Completed, Runs int
}

// CheckDir is Check, also telling whether the folder holds a partial
// (interrupted) run, whose assertions are evaluated all the same.
func CheckDir(dir string) (*CheckReport, error) {
	return CheckDirContext(context.Background(), dir)
}

// CheckDirContext is CheckDir stopped by ctx: when ctx is done while the
// folder is read or the assertions evaluated, it returns an error
// wrapping ctx's (check writes nothing, so nothing is left half-done).
func CheckDirContext(ctx context.Context, dir string) (*CheckReport, error) {
	m, release, err := openToRead(dir, checkKinds...)
	if err != nil {
		return nil, err
	}
	defer release()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lab: check interrupted: %w", err)
	}
	if m.Kind != outdir.KindRun {
		results, err := checkSweep(ctx, dir)
		if err != nil {
			return nil, err
		}
		return &CheckReport{Results: results}, nil
	}
	if _, err := os.Stat(filepath.Join(dir, reports.SummaryFile)); err != nil {
		return nil, fmt.Errorf("%s is not a run or sweep folder (no %s)", dir, reports.SummaryFile)
	}
	return checkRun(ctx, dir)
}

// evaluate parses and evaluates each assertion with measure.
func evaluate(ctx context.Context, expect []scenarios.Expect, measure func(t scenarios.Term) (Measure, error)) ([]CheckResult, error) {
	out := make([]CheckResult, len(expect))
	for i, e := range expect {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("lab: check interrupted: %w", err)
		}
		r := CheckResult{Assert: e.Assert, Note: e.Note}
		a, err := scenarios.ParseAssertion(e.Assert)
		if err != nil {
			r.Err = err
			out[i] = r
			continue
		}
		side := func(t scenarios.Term) Measure {
			if t.IsConst {
				return Measure{Term: t, Value: t.Const, Lo: math.NaN(), Hi: math.NaN(), IsConst: true}
			}
			m, err := measure(t)
			if err != nil && r.Err == nil {
				r.Err = err
			}
			m.Term = t
			return m
		}
		r.Left, r.Right = side(a.Left), side(a.Right)
		r.Pass = r.Err == nil && a.Holds(r.Left.Value, r.Right.Value)
		out[i] = r
	}
	return out, nil
}

// checkRun evaluates a run folder.
func checkRun(ctx context.Context, dir string) (*CheckReport, error) {
	data, err := scenarios.ReadFileLimited(filepath.Join(dir, reports.ScenarioFile))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Expect []scenarios.Expect `toml:"expect"`
	}
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, reports.ScenarioFile), err)
	}
	f, err := os.Open(filepath.Join(dir, reports.SummaryFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sum, err := reports.ReadSummary(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, reports.SummaryFile), err)
	}
	results, err := evaluate(ctx, doc.Expect, func(t scenarios.Term) (Measure, error) { return runMeasure(sum, t) })
	if err != nil {
		return nil, err
	}
	return &CheckReport{
		Results:   results,
		Partial:   sum.Partial,
		Completed: sum.Completed,
		Runs:      sum.Runs,
	}, nil
}

// runMeasure reads a variant term from a run's summary.
func runMeasure(sum *metrics.Summary, t scenarios.Term) (Measure, error) {
	m := Measure{Value: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	if t.Scope() == "parameter" {
		return m, fmt.Errorf("%s: sensitivity indices need a sweep folder", t)
	}
	var vs *metrics.VariantSummary
	var names []string
	for i := range sum.Variants {
		names = append(names, sum.Variants[i].Name)
		if sum.Variants[i].Name == t.Arg {
			vs = &sum.Variants[i]
		}
	}
	if vs == nil {
		return m, fmt.Errorf("%s: no variant %q in this run (it has %v)", t, t.Arg, names)
	}
	l := vs.Lego
	orInf := func(p *float64) float64 {
		if p == nil {
			return math.Inf(1)
		}
		return *p
	}
	switch t.Func {
	case "p_by_horizon":
		m.Value, m.Lo, m.Hi = l.PByHorizon, l.PCI95[0], l.PCI95[1]
	case "p_lo":
		m.Value = l.PCI95[0]
	case "p_hi":
		m.Value = l.PCI95[1]
	case "median_day":
		m.Value, m.Hi = orInf(l.MedianDay), orInf(l.MedianCI95[1])
		if l.MedianCI95[0] != nil {
			m.Lo = *l.MedianCI95[0]
		}
	case "rmst_days":
		m.Value = l.RMSTDays
	default:
		metric := t.Metric()
		if metric == "" {
			return m, fmt.Errorf("%s: unknown function %q", t, t.Func)
		}
		for _, fs := range vs.Final {
			if fs.Metric == metric {
				m.Value = fs.Mean
				return m, nil
			}
		}
		return m, fmt.Errorf("%s: no final metric %q in this run", t, metric)
	}
	return m, nil
}

// checkSweep evaluates a sweep folder.
func checkSweep(ctx context.Context, dir string) ([]CheckResult, error) {
	id, rows, err := readCheckpointFile(filepath.Join(dir, CheckpointFile))
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lab: check interrupted: %w", err)
	}
	if id.Shards > 1 {
		return nil, fmt.Errorf("%s is shard %d/%d of a sweep; run `legolab merge` on all its shards and check the merged folder", dir, id.Shard, id.Shards)
	}
	data, err := scenarios.ReadFileLimited(filepath.Join(dir, SweepSummaryFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s: the sweep has not finished (resume it with --resume)", dir, SweepSummaryFile)
		}
		return nil, err
	}
	sum, err := metrics.ReadSweepSummary(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, SweepSummaryFile), err)
	}
	src, err := scenarios.ReadFileLimited(filepath.Join(dir, SweepFile))
	if err != nil {
		return nil, err
	}
	// The folder's files must be one computation's, as report and merge
	// require: a sweep.toml or summary.json from elsewhere is refused,
	// saying which.
	if swHash(src) != id.SHA256 {
		return nil, fmt.Errorf("%s: %s does not match the checkpoint's sweep (sha256 differs)", dir, SweepFile)
	}
	if err := checkSummaryFits(sum, id, len(rows)); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, SweepSummaryFile), err)
	}
	file, err := sweeps.Parse(src, filepath.Join(dir, SweepFile))
	if err != nil {
		return nil, err
	}
	byIndex := make([]*PointRow, id.Points)
	for _, r := range rows {
		if r.Index >= 0 && r.Index < id.Points {
			byIndex[r.Index] = r
		}
	}
	for i, r := range byIndex {
		if r == nil {
			return nil, fmt.Errorf("%s: the checkpoint lacks point %d of %d", dir, i, id.Points)
		}
	}
	rows = byIndex
	sample := rows
	if sweeps.MethodOf(sum.Design) == sweeps.MethodSobol {
		sample = rows[:2*sum.Samples]
	}
	return evaluate(ctx, file.Expect, func(t scenarios.Term) (Measure, error) {
		return sweepMeasure(sum, id, sample, t)
	})
}

// checkSummaryFits refuses a summary.json that is not the checkpoint's
// sweep's, or whose sizes the checkpoint's rows cannot serve (a summary
// edited, or copied from another folder), rather than indexing past them.
func checkSummaryFits(sum *metrics.SweepSummary, id *sweepIdentity, rows int) error {
	switch {
	case sum.SHA256 != id.SHA256:
		return fmt.Errorf("it is not the checkpoint's sweep (sha256 differs)")
	case sum.Points != id.Points:
		return fmt.Errorf("it has %d points, the checkpoint %d", sum.Points, id.Points)
	case sum.Seed != id.Seed || sum.Replications != id.Replications:
		return fmt.Errorf("it has seed %d and %d replications, the checkpoint seed %d and %d", sum.Seed, sum.Replications, id.Seed, id.Replications)
	case sweeps.MethodOf(sum.Design) == "":
		return fmt.Errorf("unknown design %q", sum.Design)
	case sweeps.MethodOf(sum.Design) == sweeps.MethodSobol && (sum.Samples < 1 || 2*sum.Samples > min(rows, id.Points)):
		return fmt.Errorf("a sobol design of %d samples needs %d points, the checkpoint holds %d", sum.Samples, 2*sum.Samples, rows)
	case !(sum.HorizonDays > 0) || sum.HorizonDays > scenarios.MaxHorizonDays:
		return fmt.Errorf("horizon_days %g is outside (0, %d]", sum.HorizonDays, scenarios.MaxHorizonDays)
	}
	return nil
}

// sweepMeasure evaluates a term on a sweep's outputs.
func sweepMeasure(sum *metrics.SweepSummary, id *sweepIdentity, rows []*PointRow, t scenarios.Term) (Measure, error) {
	m := Measure{Value: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	val := func(p *float64, inf bool) float64 {
		if p == nil {
			if inf {
				return math.Inf(1)
			}
			return math.NaN()
		}
		return *p
	}
	switch t.Scope() {
	case "variant":
		ref, err := swParseOutcome(t.Func+"("+t.Arg+")", id.Variants, id.Observables)
		if err != nil {
			return m, err
		}
		st := swStatsOf(ref, rows)
		if ref.measure == "median_day" {
			m.Value, m.Lo, m.Hi = val(st.Median, true), val(st.MedianCI95[0], true), val(st.MedianCI95[1], true)
		} else {
			m.Value, m.Lo, m.Hi = val(st.Mean, true), val(st.MeanCI95[0], false), val(st.MeanCI95[1], false)
		}
		return m, nil
	case "parameter":
		if len(sum.Outcomes) == 0 {
			return m, fmt.Errorf("%s: the sweep analyses no outcome", t)
		}
		outcome := sum.Outcomes[0]
		for _, r := range sum.Sensitivity {
			if r.Outcome != outcome || r.Param != t.Arg {
				continue
			}
			var p *float64
			var ci [2]*float64
			switch t.Func {
			case "st":
				p, ci = r.ST, r.STCI95
			case "s1":
				p, ci = r.S1, r.S1CI95
			case "mu_star":
				p = r.MuStar
			}
			if p == nil {
				why := fmt.Sprintf("a %s design does not give %s", sum.Design, t.Func)
				if r.Note != "" {
					why = r.Note
				}
				return m, fmt.Errorf("%s of %s: %s", t, outcome, why)
			}
			m.Value, m.Lo, m.Hi = *p, val(ci[0], false), val(ci[1], false)
			return m, nil
		}
		return m, fmt.Errorf("%s: %q is not a swept parameter", t, t.Arg)
	}
	return m, fmt.Errorf("%s: unknown function %q", t, t.Func)
}

// FormatMeasure writes a measured side as "0.62 [0.55, 0.69]", "∞ (not
// reached)" or the constant.
func FormatMeasure(m Measure) string {
	num := func(x float64) string {
		switch {
		case math.IsInf(x, 1):
			return "∞"
		case math.IsNaN(x):
			return "—"
		}
		return fmt.Sprintf("%.4g", x)
	}
	var b bytes.Buffer
	b.WriteString(num(m.Value))
	if math.IsInf(m.Value, 1) {
		b.WriteString(" (not reached)")
	}
	if !m.IsConst && (!math.IsNaN(m.Lo) || !math.IsNaN(m.Hi)) {
		fmt.Fprintf(&b, " [%s, %s]", num(m.Lo), num(m.Hi))
	}
	return b.String()
}
