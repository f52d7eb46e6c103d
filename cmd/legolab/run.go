package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
)

func init() { commands = append(commands, newRunCmd) }

// runOptions are the flags of `legolab run`.
type runOptions struct {
	runs      int
	seed      uint64
	jobs      int
	out       string
	variants  []string
	sets      []string
	horizon   float64
	trace     string
	json      bool
	quiet     bool
	force     bool
	noReport  bool
	inner     int
	fixed     bool
	png       bool
	posterior string
}

func newRunCmd(e *env) *cobra.Command {
	var o runOptions
	c := &cobra.Command{
		Use:   "run [FILE|BUILTIN]",
		Short: "Run a Monte Carlo ensemble of a scenario's variants",
		Long: `Run replications of every variant of a scenario (default: the built-in
` + scenarios.Default + `) on common random numbers, and report when the Lego moment comes
under each: P(by the horizon), the median date with its 95% CI, the
restricted mean time, and which pathway leads.

Outputs go to DIR (--out, default out/<scenario name>): summary.json,
runs.csv, series.csv, scenario.toml, graphs.json and the report
(report.html, report.md, plots/: every chart as SVG, the headline chart
also as PNG, and with --png every chart) and the manifest .legolab.json,
all replaced at once at the end. An existing non-empty DIR is refused
unless --force, which replaces only a run folder legolab marked
(docs/outputs.md). DIR and --trace are checked before anything runs, and
DIR is locked for the whole command: a second command on it is refused at
once. The outputs are
byte-identical for any --jobs. On Ctrl-C the replications finished so far
are written, marked partial, and legolab exits with status 130.`,
		Example: `  legolab run
  legolab run --runs 1000 --seed 7 --variant hub --variant defacto
  legolab run defi-2017 --set builders.q_per_year=0.5 --out out/q05 --force`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runEnsemble(c.Context(), e, c, &o, args)
		},
	}
	f := c.Flags()
	f.IntVarP(&o.runs, "runs", "n", 0, "replications per variant (default: the scenario's runs)")
	f.Uint64Var(&o.seed, "seed", 0, "master seed (default: the scenario's seed)")
	f.IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "replications run at once; outputs do not depend on it")
	f.StringVarP(&o.out, "out", "o", "", "output directory (default out/<scenario name>)")
	f.StringArrayVar(&o.variants, "variant", nil, "run only this variant (repeatable; default all)")
	f.StringArrayVar(&o.sets, "set", nil, "override a scenario value, KEY=VALUE (repeatable)")
	f.Float64Var(&o.horizon, "horizon", 0, "simulated span in days (default: the scenario's horizon_days)")
	f.StringVar(&o.trace, "trace", "", "write the event trace (JSON Lines) of replication 0 of the first variant to `FILE`")
	f.BoolVar(&o.json, "json", false, "print summary.json to stdout instead of the table")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar or notes on stderr")
	f.BoolVar(&o.force, "force", false, "replace an existing output directory")
	f.BoolVar(&o.noReport, "no-report", false, "write the data files only, not report.html, report.md and plots/")
	f.IntVar(&o.inner, "inner", 0, "with priors: replications per θ draw (K); --runs must be a multiple of it, and θ draws = runs / K (default: the scenario's inner, 1 unless set)")
	f.BoolVar(&o.fixed, "fixed", false, "ignore the scenario's priors and run its own values (the run as before priors)")
	f.BoolVar(&o.png, "png", false, "save every chart as PNG too (for slides), not only the headline chart")
	f.StringVar(&o.posterior, "posterior", "", "draw θ for every key of the calibration folder `DIR`'s posterior.csv from its weighted particles, one particle per θ draw, in place of those keys' priors")
	return c
}

func runEnsemble(ctx context.Context, e *env, c *cobra.Command, o *runOptions, args []string) error {
	changed := c.Flags().Changed
	// Flags that parse but hold an invalid value are bad input (exit 1),
	// not usage errors (exit 2, for a malformed command line).
	if changed("runs") && o.runs < 1 {
		return fmt.Errorf("--runs must be at least 1, got %d", o.runs)
	}
	if changed("inner") && o.inner < 1 {
		return fmt.Errorf("--inner must be at least 1, got %d", o.inner)
	}
	if o.jobs < 1 {
		return fmt.Errorf("--jobs must be at least 1, got %d", o.jobs)
	}
	if changed("horizon") && !(o.horizon > 0 && o.horizon <= scenarios.MaxHorizonDays) {
		// Checked here, not by --set's validation, which would add every
		// consequence of the bad horizon (memory, sampling) to the error.
		return fmt.Errorf("--horizon must be a number of days in (0, %d] (100 years), got %v", scenarios.MaxHorizonDays, o.horizon)
	}
	for _, a := range o.sets {
		if k, _, ok := strings.Cut(a, "="); !ok || strings.TrimSpace(k) == "" {
			return usagef("--set %q: expected KEY=VALUE, as in protocols.Bittensor.openness=0.7", a)
		}
	}
	name := scenarios.Default
	if len(args) == 1 {
		name = args[0]
	}
	spec, err := scenarios.Open(name)
	if err != nil {
		return err
	}
	// --runs and --seed apply before the overrides are validated, so that
	// a check involving the run count sees the runs asked for.
	if changed("runs") {
		spec.Runs = o.runs
	}
	if changed("seed") {
		spec.Seed = o.seed
	}
	if changed("inner") {
		spec.Inner = o.inner
	}
	if o.fixed {
		spec.Inner = 1 // one θ, the file's values: nothing to split
	}
	sets := slices.Clone(o.sets)
	if changed("horizon") {
		sets = append(sets, "horizon_days="+strconv.FormatFloat(o.horizon, 'g', -1, 64))
	}
	if len(sets) > 0 {
		// A value given with --set is the value the run uses: the key's
		// prior, if it has one, is dropped (before, the prior's draw won).
		keys := make([]string, len(sets))
		for i, a := range sets {
			k, _, _ := strings.Cut(a, "=")
			keys[i] = strings.TrimSpace(k)
		}
		dropped, err := spec.FixKeys(keys)
		if err != nil {
			return fmt.Errorf("--set %w", err)
		}
		if !o.quiet {
			for _, k := range dropped {
				fmt.Fprintf(e.stderr, "--set %s: fixed; its prior is not drawn\n", k)
			}
		}
		if err := spec.Apply(sets); err != nil {
			return fmt.Errorf("--set: %w", err)
		}
	}
	if o.posterior != "" {
		if o.fixed {
			return usagef("--posterior and --fixed exclude each other: --fixed runs the scenario's own values")
		}
		if err := carryPosterior(spec, o.posterior); err != nil {
			return err
		}
	}
	if !o.quiet {
		// Valid but almost certainly a mistake (a hub that can never get a
		// first member, say): said, not refused.
		for _, w := range spec.Warnings() {
			fmt.Fprintf(e.stderr, "%s: warning: %s\n", name, w)
		}
	}
	all := spec.VariantNames()
	for _, v := range o.variants {
		if !slices.Contains(all, v) {
			return fmt.Errorf("--variant %s: scenario %s has no such variant (it has %s)", v, spec.Name, strings.Join(all, ", "))
		}
	}
	runs, seed := spec.Runs, spec.Seed
	inner := max(spec.Inner, 1)
	if inner > 1 && runs%inner != 0 {
		from := "--inner"
		if !changed("inner") {
			from = "the scenario's inner"
		}
		return fmt.Errorf("--runs %d is not a multiple of %s (%d): each θ draw gets that many replications; pass --runs as a multiple, or --inner", runs, from, inner)
	}
	ens, err := lab.NewEnsemble(spec, o.variants, runs, seed)
	if err != nil {
		return err
	}
	ens.Jobs = o.jobs
	ens.Inner = inner
	ens.Fixed = o.fixed
	ens.Version = version
	out := o.out
	if out == "" {
		out = filepath.Join("out", pathSafe(spec.Name))
	}
	if !o.noReport {
		ens.Report = func(d *reports.Data) ([]reports.File, error) {
			opt := reports.Options{Jobs: o.jobs, PNG: o.png, Context: ctx}
			if d.Summary.Partial {
				// Interrupted already: the report of what finished is
				// the partial output, drawn whole.
				opt.Context = nil
			}
			return reports.Render(d, opt)
		}
	}
	// Every precondition for writing the results, checked before any
	// replication runs.
	if err := outdir.CheckOut(out); err != nil {
		return err
	}
	if o.trace != "" && outdir.Within(o.trace, out) {
		return fmt.Errorf("--trace %s is inside --out %s, which is replaced as a whole when the run ends; write the trace elsewhere", o.trace, out)
	}
	sink := &lab.DirSink{Dir: out, Force: o.force, Version: version}
	var trace *outdir.File
	if o.trace != "" {
		if trace, err = outdir.Create(o.trace); err != nil {
			return err
		}
		defer trace.Abort()
		ens.Trace = trace
	}
	if w := ens.LongRunWarning(); w != "" && !o.quiet {
		fmt.Fprintf(e.stderr, "legolab: warning: %s\n", w)
	}
	bar := newProgress(e.stderr, o.quiet, len(ens.Variants)*runs, "replications", "runs")
	if bar != nil {
		ens.Progress = func(done, _ int) { bar.Set(done) }
	}

	res, err := ens.Run(ctx, sink)
	if bar != nil {
		bar.Clear()
	}
	interrupted := errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	// Ctrl-C while the report is drawn stops it: the data files are
	// written, and `legolab report` draws the report from them.
	reportStopped := !interrupted && errors.Is(err, lab.ErrReport) && ctx.Err() != nil
	if res == nil {
		switch {
		case interrupted:
			return errInterrupted
		case errors.Is(err, outdir.ErrNotEmpty):
			return fmt.Errorf("%w; use --force to replace it", err)
		}
		return err
	}
	// Replication 0 of the first variant finished if anything did.
	if trace != nil {
		if terr := trace.Commit(); terr != nil {
			return terr
		}
	}
	if o.json {
		if werr := reports.WriteSummary(e.stdout, res.Summary); werr != nil {
			return werr
		}
	} else {
		printTable(e.stdout, res.Summary)
	}
	if reportStopped {
		if !o.quiet {
			fmt.Fprintf(e.stderr, "Interrupted while drawing the report: the data files are in %s; draw it with\n  legolab report %s\n", res.Dir, shellQuote(res.Dir))
		}
		return errInterrupted
	}
	if !o.quiet {
		if interrupted {
			fmt.Fprintf(e.stderr, "Interrupted: wrote partial results (%d of %d runs per variant) to %s\n", res.Summary.Completed, runs, res.Dir)
		} else {
			fmt.Fprintf(e.stderr, "Results in %s\n", res.Dir)
		}
	}
	if interrupted {
		return errInterrupted
	}
	return err
}

// pathSafe turns a scenario name into a single path element.
func pathSafe(name string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, name)
	if s == "" || s == "." || s == ".." {
		s = "run"
	}
	return s
}

// printTable writes the per-variant table and the headline line.
func printTable(w io.Writer, s *metrics.Summary) {
	start, _ := time.Parse(time.DateOnly, s.Start)
	end := metrics.DayDate(start, s.HorizonDays)
	partial := ""
	if s.Partial {
		partial = fmt.Sprintf(", interrupted after %d", s.Completed)
	}
	fmt.Fprintf(w, "%s: %d runs per variant%s, seed %d, horizon %g days (%s to %s)\n\n",
		s.Scenario, s.Runs, partial, s.Seed, s.HorizonDays, s.Start, end)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	ci := "95% CI"
	if s.Forecast != nil {
		ci = "95% MC precision"
	}
	fmt.Fprintf(tw, "variant\tP(Lego by %s) [%s]\tmedian date [%s]\tRMST (days)\n", end, ci, ci)
	for _, v := range s.Variants {
		l := v.Lego
		fmt.Fprintf(tw, "%s\t%.2f [%.2f, %.2f]\t%s\t%.0f\n", v.Name, l.PByHorizon, l.PCI95[0], l.PCI95[1], medianText(start, end, l), l.RMSTDays)
	}
	tw.Flush()
	for _, v := range s.Variants {
		if n := v.Lego.LeftTruncated; n > 0 {
			fmt.Fprintln(w, leftTruncatedNote(v.Name, n, 2*s.Lego.WindowDays))
		}
	}
	if s.Forecast != nil {
		printForecast(w, s, end)
		return
	}
	fmt.Fprintf(w, "\n%s\n", reports.Headline(s))
}

// leftTruncatedNote says that n runs of variant were already composed when
// the detector could first see, on day blind (2W): their Lego day, if any,
// means "at or before", so the reader should not take it as a date.
func leftTruncatedNote(variant string, n int, blind float64) string {
	runs, are := "runs", "are"
	if n == 1 {
		runs, are = "run", "is"
	}
	return fmt.Sprintf("note: %d %s of %s %s left-truncated: composed before day %g, when the detector can first see an explosion (docs/model.md)",
		n, runs, variant, are, blind)
}

// medianText is "DATE [LO, HI]" or "not reached", an unbounded CI end shown
// as beyond the horizon's date.
func medianText(start time.Time, end string, l metrics.LegoSummary) string {
	if l.MedianDay == nil {
		return "not reached"
	}
	bound := func(b *float64) string {
		if b == nil {
			return "after " + end
		}
		return metrics.DayDate(start, *b)
	}
	return fmt.Sprintf("%s [%s, %s]", *l.MedianDate, bound(l.MedianCI95[0]), bound(l.MedianCI95[1]))
}
