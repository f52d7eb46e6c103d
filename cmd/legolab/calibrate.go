package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/legolab/legolab/calib"
	"github.com/legolab/legolab/calibrations"
	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/metrics"
)

func init() { commands = append(commands, newCalibrateCmd) }

// calibrateOptions are the flags of `legolab calibrate`.
type calibrateOptions struct {
	out    string
	jobs   int
	seed   uint64
	force  bool
	resume bool
	quiet  bool
	list   bool
	sbc    int
}

func newCalibrateCmd(e *env) *cobra.Command {
	var o calibrateOptions
	c := &cobra.Command{
		Use:   "calibrate FILE|NAME",
		Short: "Fit a scenario's priors to observed history by ABC-SMC",
		Long: `Calibrate runs a calibration file (or a built-in calibration, see --list):
ABC-SMC (population Monte Carlo with an adaptive tolerance and adaptive
distance scales) fits the file's free priors of its scenario to the
observed series up to the cutoff. Each simulation is a lean replication
that reads only the observables the series name, at the observed days.
After the last generation 200 posterior draws are simulated to the last
observed date: posterior-predictive bands, and the PIT and CRPS of every
point, held-out points included.

Outputs go to DIR (--out, default calibration-<name>): posterior.csv,
generations.csv, predictive.csv, summary.json, report.html, report.md,
plots/, calibration.toml and checkpoint.json (see docs/outputs.md). The checkpoint is rewritten after
every generation: after Ctrl-C (exit 130) or a kill, --resume continues
from it, and the outputs equal an uninterrupted run's byte for byte, for
any --jobs. An --out that holds a calibration already is refused unless
--resume (continue it) or --force (start over).

--sbc N checks the calibration itself by simulation-based calibration:
N synthetic histories at the file's fitted dates, drawn from the prior,
each calibrated with the file's settings; the ranks of the true values
and the coverage of the credible intervals are tested (sbc.csv,
sbc.json). A failed check prints FAIL and exits 0: it is a finding.`,
		Example: `  legolab calibrate examples/calibrate-bass.toml --out /tmp/bass
  legolab calibrate --list
  legolab calibrate examples/calibrate-bass.toml --out /tmp/bass --resume
  legolab calibrate --sbc 200 examples/calibrate-bass.toml`,
		Args: func(c *cobra.Command, args []string) error {
			if o.list {
				return cobra.NoArgs(c, args)
			}
			return cobra.ExactArgs(1)(c, args)
		},
		RunE: func(c *cobra.Command, args []string) error {
			if o.list {
				return listCalibrations(e.stdout)
			}
			return runCalibrate(c.Context(), e, c, &o, args[0])
		},
	}
	// Completion offers the built-in calibrations beside file names.
	c.ValidArgsFunction = func(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, b := range calibrations.Builtins() {
			if strings.HasPrefix(b.Name, prefix) {
				out = append(out, cobra.CompletionWithDesc(b.Name, b.Description))
			}
		}
		return out, cobra.ShellCompDirectiveDefault
	}
	f := c.Flags()
	f.StringVarP(&o.out, "out", "o", "", "output directory (default calibration-<name>)")
	f.IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "simulations run at once; outputs do not depend on it")
	f.Uint64Var(&o.seed, "seed", 0, "master seed (default: the calibration file's)")
	f.BoolVar(&o.resume, "resume", false, "continue the checkpoint in --out instead of starting over")
	f.BoolVar(&o.force, "force", false, "start over in an --out that holds a calibration already, discarding it")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar or notes on stderr")
	f.BoolVar(&o.list, "list", false, "list the built-in calibrations and exit")
	f.IntVar(&o.sbc, "sbc", 0, "run a simulation-based calibration check with `N` synthetic histories instead")
	return c
}

func listCalibrations(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, b := range calibrations.Builtins() {
		fmt.Fprintf(tw, "%s\t%s\n", b.Name, b.Description)
	}
	if len(calibrations.BuiltinNames()) == 0 {
		fmt.Fprintln(w, "no built-in calibrations")
	}
	return tw.Flush()
}

func runCalibrate(ctx context.Context, e *env, c *cobra.Command, o *calibrateOptions, arg string) error {
	changed := c.Flags().Changed
	if o.jobs < 1 {
		return fmt.Errorf("--jobs must be at least 1, got %d", o.jobs)
	}
	if o.resume && o.force {
		return usagef("--resume and --force exclude each other: --resume continues the calibration in --out, --force discards it")
	}
	if changed("sbc") && o.sbc < 1 {
		return fmt.Errorf("--sbc must be at least 1, got %d", o.sbc)
	}
	if o.sbc > 0 && o.resume {
		return usagef("--sbc does not resume: it runs its histories afresh")
	}
	cal, err := lab.OpenCalibration(arg)
	if err != nil {
		return err
	}
	if changed("seed") {
		cal.File.Seed = o.seed
	}
	cal.Jobs, cal.Resume, cal.Force, cal.Version = o.jobs, o.resume, o.force, version
	out := o.out
	if out == "" {
		out = "calibration-" + cal.File.Name
		if o.sbc > 0 {
			out += "-sbc"
		}
	}
	if err := outdir.CheckOut(out); err != nil {
		return err
	}
	if o.sbc > 0 {
		return runSBC(ctx, e, o, cal, out)
	}
	maxGen := cal.Settings().MaxGenerations
	if maxGen == 0 {
		maxGen = 20
	}
	bar := newProgress(e.stderr, o.quiet, maxGen, "generation", "")
	if bar != nil {
		cal.Progress = func(g calib.Generation) {
			bar.Describe(fmt.Sprintf("generation %d  ε %.3g  acceptance %.3g", g.Index, g.Eps, g.Acceptance))
			bar.Set(g.Index + 1)
		}
	}
	res, err := cal.Run(ctx, out)
	if bar != nil {
		bar.Clear()
	}
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, context.Canceled) {
			if !o.quiet {
				fmt.Fprintf(e.stderr, "Interrupted: the last finished generation is in %s/%s; continue with\n  %s\n",
					out, lab.CalibrationCheckpointFile, calibrateResumeCommand(c, o, arg, out))
			}
			return errInterrupted
		}
		return err
	}
	printCalibration(e.stdout, res)
	if !o.quiet {
		if res.Resumed >= 0 {
			fmt.Fprintf(e.stderr, "Resumed after generation %d.\n", res.Resumed)
		}
		fmt.Fprintf(e.stderr, "Results in %s\n", res.Dir)
	}
	return nil
}

// calibrateResumeCommand is the command that continues an interrupted
// calibration, as a shell takes it.
func calibrateResumeCommand(c *cobra.Command, o *calibrateOptions, arg, out string) string {
	args := []string{"legolab", "calibrate", shellQuote(arg), "--out", shellQuote(out)}
	if c.Flags().Changed("seed") {
		args = append(args, "--seed", strconv.FormatUint(o.seed, 10))
	}
	return strings.Join(args, " ") + " --resume"
}

// printCalibration writes the terminal summary: the parameters, the stop
// rule and ε trail, the simulations, and the held-out points' PIT.
func printCalibration(w io.Writer, res *lab.CalibrationResult) {
	s := res.Summary
	variant := ""
	if s.Variant != "" {
		variant = " (" + s.Variant + ")"
	}
	fmt.Fprintf(w, "Calibration %s: %s%s, %d particles, stopped by %s after %d generations, %d simulations\n",
		s.Name, s.Scenario, variant, s.Particles, s.Stop, len(s.Generations), s.Simulations)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  parameter\tmean\tsd\tmedian\t95% CI\tprior 95%")
	for _, p := range s.Params {
		fmt.Fprintf(tw, "  %s\t%.4g\t%.3g\t%.4g\t[%.4g, %.4g]\t[%.4g, %.4g]\n", p.Key, p.Mean, p.SD, p.Median, p.Lo95, p.Hi95, p.PriorLo95, p.PriorHi95)
	}
	tw.Flush()
	eps := make([]string, len(s.Generations))
	for i, g := range s.Generations {
		eps[i] = strconv.FormatFloat(g.Epsilon, 'g', 3, 64)
	}
	fmt.Fprintf(w, "ε by generation: %s\n", strings.Join(eps, " "))
	fmt.Fprintf(w, "ESS %.0f of %d\n", s.ESS, s.Particles)
	printHeldOut(w, s)
}

func printHeldOut(w io.Writer, s *metrics.Calibration) {
	var lines []string
	for _, sr := range s.Series {
		for _, p := range sr.Points {
			if p.HeldOut {
				lines = append(lines, fmt.Sprintf("  %s %s: %g, PIT %.3f, CRPS %.3g", sr.Name, p.Date, p.Value, p.PIT, p.CRPS))
			}
		}
	}
	if len(lines) == 0 {
		fmt.Fprintln(w, "No held-out points (none after the cutoff).")
		return
	}
	fmt.Fprintln(w, "Held-out points (after the cutoff; PIT near 0 or 1 is a miss):")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// elapsedText formats an elapsed time for the terminal.
func elapsedText(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f min", d.Minutes())
}

// runSBC runs `legolab calibrate --sbc N` and prints its verdict: PASS or
// FAIL, with the rank histograms, χ² p-values and coverage per parameter.
// A failing check exits 0: it is a finding about the calibration.
func runSBC(ctx context.Context, e *env, o *calibrateOptions, cal *lab.Calibration, out string) error {
	bar := newProgress(e.stderr, o.quiet, o.sbc, "sbc histories", "")
	var progress func(int)
	if bar != nil {
		progress = func(done int) { bar.Set(done) }
	}
	res, err := cal.SBC(ctx, out, o.sbc, progress)
	if bar != nil {
		bar.Clear()
	}
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, context.Canceled) {
			return errInterrupted
		}
		if errors.Is(err, outdir.ErrNotEmpty) {
			return fmt.Errorf("%w; use --force to replace it", err)
		}
		return err
	}
	printSBC(e.stdout, cal, res)
	if !o.quiet {
		fmt.Fprintf(e.stderr, "SBC of %d histories in %s; results in %s\n", o.sbc, elapsedText(res.Elapsed), res.Dir)
	}
	return nil
}

func printSBC(w io.Writer, cal *lab.Calibration, res *lab.SBCResult) {
	verdict := "PASS"
	if !res.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "SBC %s: %s (%d histories; rank uniformity by χ², Holm-corrected; coverage by exact binomial)\n",
		cal.File.Name, verdict, len(res.Ranks))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "  parameter\trank histogram\tχ²\tp\tuniform"
	for _, l := range res.Levels {
		head += fmt.Sprintf("\t%g%%", 100*l)
	}
	fmt.Fprintln(tw, head)
	for k, name := range res.Names {
		row := fmt.Sprintf("  %s\t%v\t%.2f\t%.3g\t%s", name, res.Histogram[k], res.ChiSquare[k], res.PValue[k], yesNo(res.Uniform[k]))
		for l := range res.Levels {
			mark := ""
			if !res.CoverageOK[k][l] {
				mark = " ✗"
			}
			row += fmt.Sprintf("\t%d/%d%s", res.Covered[k][l], len(res.Ranks), mark)
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	fmt.Fprintf(w, "Stop rules: %s\n", stopsText(res.Stops))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

func stopsText(m map[calib.StopRule]int) string {
	var parts []string
	for _, r := range []calib.StopRule{calib.StopBudget, calib.StopMinAcceptance, calib.StopMinEpsDecrease, calib.StopMaxGenerations} {
		if m[r] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, m[r]))
		}
	}
	return strings.Join(parts, ", ")
}
