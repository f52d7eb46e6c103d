package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/legolab/legolab/metrics"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/sweeps"
)

func init() { commands = append(commands, newSweepCmd) }

// sweepReplicate replaces the model in tests; nil runs the model.
var sweepReplicate lab.ReplicateFunc

// sweepOptions are the flags of `legolab sweep`.
type sweepOptions struct {
	out          string
	jobs         int
	seed         uint64
	replications int
	shard        string
	shardCount   int
	resume       bool
	force        bool
	quiet        bool
	plan         bool
	noReport     bool
	fixed        bool
	top          int
	posterior    string
}

func newSweepCmd(e *env) *cobra.Command {
	var o sweepOptions
	c := &cobra.Command{
		Use:   "sweep FILE",
		Short: "Run a parameter sweep and rank what brings the Lego moment sooner",
		Long: `Run a sweep file: a base scenario, parameters to vary (by the key paths
of --set) and a design (grid, random, lhs, sobol or morris). Every point
runs the chosen variants on common random numbers, reduced to one row of
outcomes (P(Lego by the horizon) and median day with 95% CIs, RMST, final
observables); then sensitivity indices rank the parameters (Sobol' ST and
S1, Morris μ* and σ, or main effects), printed as a table on stdout.

Outputs go to DIR (--out, default out/<sweep name>): points.csv,
sensitivity.csv, summary.json, report.html, report.md, plots/, sweep.toml,
scenario.toml and checkpoint.jsonl (see docs/sweeps.md). Completed points are appended to
the checkpoint as they finish: after Ctrl-C (exit 130), a kill or a power
cut, --resume continues without recomputing them, and the outputs equal an
uninterrupted run's byte for byte, for any --jobs and any sharding. An --out
that holds a sweep already is refused unless --resume (continue it) or
--force (start over).

--shard K/N runs only points i with i mod N = K−1 into its own DIR; merge
the N folders with 'legolab merge'. --shard auto reads the shard from a
Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shard-count), a Slurm
job array (SLURM_ARRAY_TASK_ID/COUNT/MIN) or LEGOLAB_SHARD_INDEX and
LEGOLAB_SHARD_COUNT (0-based index, e.g. from a GitHub Actions matrix).`,
		Example: `  legolab sweep examples/sweep-small.toml --out /tmp/x && legolab check /tmp/x
  legolab sweep examples/sweep-sobol.toml --jobs 8 --resume
  legolab sweep examples/sweep-sobol.toml --shard 2/4 --out out/shard-2
  legolab sweep examples/sweep-sobol.toml --plan`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runSweep(c.Context(), e, c, &o, args[0])
		},
	}
	f := c.Flags()
	f.StringVarP(&o.out, "out", "o", "", "output directory (default out/<sweep name>, or out/<sweep name>-shard-K-of-N)")
	f.IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "replications run at once; outputs do not depend on it")
	f.Uint64Var(&o.seed, "seed", 0, "master seed (default: the sweep file's)")
	f.IntVarP(&o.replications, "replications", "n", 0, "replications per variant per point (default: the sweep file's)")
	f.StringVar(&o.shard, "shard", "", "run shard `K/N` of the points (1 <= K <= N), or auto from the batch engine's environment")
	f.IntVar(&o.shardCount, "shard-count", 0, "number of shards for --shard auto under a Kubernetes Indexed Job (its completions)")
	f.BoolVar(&o.resume, "resume", false, "continue the checkpoint in --out instead of starting over")
	f.BoolVar(&o.force, "force", false, "start over in an --out that holds a sweep already, discarding it")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar or notes on stderr")
	f.BoolVar(&o.plan, "plan", false, "print the design's points as CSV and exit without running")
	f.IntVar(&o.top, "top", 5, "parameters shown per outcome in the table")
	f.BoolVar(&o.noReport, "no-report", false, "leave out the charts (plots/) and report.html")
	f.BoolVar(&o.fixed, "fixed", false, "ignore the base scenario's priors (without it, priors on keys the sweep does not vary are drawn per replication)")
	f.StringVar(&o.posterior, "posterior", "", "draw the keys of the calibration folder `DIR`'s posterior.csv that the sweep does not vary from its particles, in place of their priors (pass it again with --resume)")
	return c
}

func runSweep(ctx context.Context, e *env, c *cobra.Command, o *sweepOptions, file string) error {
	changed := c.Flags().Changed
	// A flag that parses but holds a bad value is bad input (exit 1), as
	// for run; usage errors (exit 2) are malformed command lines.
	if o.jobs < 1 {
		return fmt.Errorf("--jobs must be at least 1, got %d", o.jobs)
	}
	if changed("replications") && o.replications < 1 {
		return fmt.Errorf("--replications must be at least 1, got %d", o.replications)
	}
	if changed("shard-count") && o.shard != "auto" {
		return usagef("--shard-count goes with --shard auto")
	}
	s, err := lab.OpenSweep(file)
	if err != nil {
		return err
	}
	if changed("seed") {
		s.File.Seed = o.seed
	}
	if changed("replications") {
		s.File.Replications = o.replications
	}
	if o.plan {
		return printPlan(e.stdout, s.File)
	}
	if o.posterior != "" {
		if o.fixed {
			return usagef("--posterior and --fixed exclude each other: --fixed runs the base scenario's own values")
		}
		if err := carryPosterior(s.Base, o.posterior); err != nil {
			return err
		}
		// The base scenario's encoding is part of the sweep's identity: a
		// resume without the same posterior is refused.
		if s.BaseTOML, err = s.Base.Encode(); err != nil {
			return err
		}
	}
	switch o.shard {
	case "":
	case "auto":
		sh, src, err := lab.ShardFromEnv(os.Getenv, o.shardCount)
		if err != nil {
			return usagef("%v", err)
		}
		s.Shard = sh
		if !o.quiet {
			fmt.Fprintf(e.stderr, "shard %s from %s\n", sh, src)
		}
	default:
		sh, err := lab.ParseShard(o.shard)
		if err != nil {
			return usagef("--shard: %v", err)
		}
		s.Shard = sh
	}
	out := o.out
	if out == "" {
		out = filepath.Join("out", pathSafe(s.File.Name))
		if s.Shard.Count > 1 {
			out += fmt.Sprintf("-shard-%d-of-%d", s.Shard.Index, s.Shard.Count)
		}
	}
	if o.resume && o.force {
		return usagef("--resume and --force exclude each other: --resume continues the sweep in --out, --force discards it")
	}
	if err := outdir.CheckOut(out); err != nil {
		return err
	}
	s.Jobs, s.Resume, s.Version, s.Replicate, s.NoReport = o.jobs, o.resume, version, sweepReplicate, o.noReport
	s.Fixed = o.fixed
	if !o.quiet {
		s.Warn = func(msg string) { fmt.Fprintf(e.stderr, "legolab: %s\n", msg) }
	}
	bar := newProgress(e.stderr, o.quiet, 1, "points × replications", "")
	if bar != nil {
		s.Progress = func(done, total int) {
			bar.ChangeMax(total)
			bar.Set(done)
		}
	}
	res, err := s.Run(ctx, &lab.DirSink{Dir: out, Force: o.force})
	if bar != nil {
		bar.Clear()
	}
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, context.Canceled) {
			if !o.quiet {
				fmt.Fprintf(e.stderr, "Interrupted: finished points are in %s; continue with\n  %s\n",
					filepath.Join(out, lab.CheckpointFile), resumeCommand(c, o, file, out))
			}
			return errInterrupted
		}
		return err
	}
	if res.Summary == nil {
		if !o.quiet {
			fmt.Fprintf(e.stderr, "Shard %s: %d points in %s (%d computed, %d resumed); merge all %d shards with 'legolab merge'\n",
				s.Shard, len(res.Rows), res.Dir, res.Computed, res.Resumed, s.Shard.Count)
		}
		return nil
	}
	printSensitivity(e.stdout, res.Summary, o.top)
	if !o.quiet {
		fmt.Fprintf(e.stderr, "Results in %s\n", res.Dir)
	}
	return nil
}

// resumeCommand returns the command that continues an interrupted sweep,
// as a shell would take it: the flags that make the computation what it
// is (--seed, --replications, the shard) and the outputs (--no-report)
// repeated, so that the command works as printed.
func resumeCommand(c *cobra.Command, o *sweepOptions, file, out string) string {
	args := []string{"legolab", "sweep", shellQuote(file), "--out", shellQuote(out)}
	changed := c.Flags().Changed
	if changed("seed") {
		args = append(args, "--seed", strconv.FormatUint(o.seed, 10))
	}
	if changed("replications") {
		args = append(args, "--replications", strconv.Itoa(o.replications))
	}
	if o.noReport {
		args = append(args, "--no-report")
	}
	return strings.Join(args, " ") + shardFlag(o) + " --resume"
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and -_./:,+=@%.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:,+=@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shardFlag repeats the --shard flags for the resume hint.
func shardFlag(o *sweepOptions) string {
	switch {
	case o.shard == "auto" && o.shardCount > 0:
		return fmt.Sprintf(" --shard auto --shard-count %d", o.shardCount)
	case o.shard != "":
		return " --shard " + shellQuote(o.shard)
	}
	return ""
}

// printPlan writes the design's points as CSV.
func printPlan(w io.Writer, f *sweeps.File) error {
	pts, err := f.Points()
	if err != nil {
		return err
	}
	cw := reports.NewCSVWriter(w)
	head := []string{"point", "block", "seed"}
	for _, p := range f.Params {
		head = append(head, p.Key)
	}
	cw.Write(head)
	for _, pt := range pts {
		rec := []string{strconv.Itoa(pt.Index), pt.Block, strconv.FormatUint(lab.PointSeed(f.Seed, pt.Index, f.CommonSeed), 10)}
		cw.Write(append(rec, pt.Values...))
	}
	return cw.Flush()
}

// printSensitivity writes, for each outcome, the top parameters by ST
// (sobol), μ* (morris) or S1 (main effects).
func printSensitivity(w io.Writer, s *metrics.SweepSummary, top int) {
	fmt.Fprintf(w, "Sweep %s: %s design, %d points × %d replications of %s\n", s.Sweep, s.Design, s.Points, s.Replications, s.Scenario)
	for _, o := range s.Outcomes {
		rows := s.Top(o, top)
		fmt.Fprintf(w, "\n%s\n", o)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		t := reports.SensitivityTableOf(s.Method(), rows)
		fmt.Fprintf(tw, "  parameter\t%s\n", strings.Join(t.Head, "\t"))
		for _, r := range t.Rows {
			cells := make([]string, len(r.Cells))
			for i, c := range r.Cells {
				if c.CI != nil {
					cells[i] = ciCell(c.V, *c.CI)
				} else {
					cells[i] = numCell(c.V)
				}
			}
			fmt.Fprintf(tw, "  %s\t%s%s\n", r.Param, strings.Join(cells, "\t"), noteCell(r.Note))
		}
		tw.Flush()
	}
}

func numCell(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.3f", *p)
}

func ciCell(p *float64, ci [2]*float64) string {
	if p == nil {
		return "—"
	}
	if ci[0] == nil || ci[1] == nil {
		return numCell(p)
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f]", *p, *ci[0], *ci[1])
}

func noteCell(n string) string {
	if n == "" {
		return ""
	}
	return "  (" + n + ")"
}
