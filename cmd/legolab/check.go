package main

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/legolab/legolab/lab"
)

func init() { commands = append(commands, newCheckCmd) }

func newCheckCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "check DIR",
		Short: "Evaluate the [[expect]] assertions of a run or sweep folder",
		Long: `Evaluate the [[expect]] assertions of a run folder (those of its
scenario.toml) or of a sweep folder (those of its sweep.toml), print each as
PASS or FAIL with the measured values and their 95% CIs, and exit with
status 1 when any fails (or cannot be evaluated).

In a run folder, p_by_horizon(V), p_lo(V), p_hi(V), median_day(V),
rmst_days(V) and final.METRIC(V) are variant V's results. In a sweep folder
they are summarised over the design's points: the mean with a 95% CI, but
for median_day the median over points. s1(KEY), st(KEY) and mu_star(KEY)
are the sensitivity of the sweep's first outcome to parameter KEY. A median
not reached by the horizon counts as +∞, so "median_day(hub) < 1000" fails
and "median_day(hub) > 1000" passes when hub never gets there. A partial
(interrupted) run is evaluated on the replications it completed, with a
warning on stderr.`,
		Example: `  legolab check out/deai-2025
  legolab sweep examples/sweep-small.toml --out /tmp/x && legolab check /tmp/x`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			report, err := lab.CheckDirContext(c.Context(), args[0])
			if err != nil {
				return interruptedOr(c.Context(), err)
			}
			if report.Partial {
				fmt.Fprintf(e.stderr, "warning: %s is a partial run (%d of %d replications)\n", args[0], report.Completed, report.Runs)
			}
			results := report.Results
			if len(results) == 0 {
				fmt.Fprintf(e.stdout, "%s: no [[expect]] assertions\n", args[0])
				return nil
			}
			width := 0
			for _, r := range results {
				width = max(width, utf8.RuneCountInString(r.Assert))
			}
			failed := 0
			for _, r := range results {
				status := "PASS"
				if !r.Pass {
					status = "FAIL"
					failed++
				}
				fmt.Fprintf(e.stdout, "%s  %s%s  %s\n", status, r.Assert,
					strings.Repeat(" ", width-utf8.RuneCountInString(r.Assert)), checkMeasured(r))
				if r.Note != "" {
					fmt.Fprintf(e.stdout, "      # %s\n", r.Note)
				}
			}
			fmt.Fprintf(e.stdout, "%d of %d assertions pass\n", len(results)-failed, len(results))
			if failed > 0 {
				return errSilent
			}
			return nil
		},
	}
}

// checkMeasured writes an assertion's measured sides: "0.62 [0.55, 0.69]" for
// a comparison with a number, "A  vs  B" for two measured sides.
func checkMeasured(r lab.CheckResult) string {
	switch {
	case r.Err != nil:
		return "error: " + r.Err.Error()
	case r.Left.IsConst:
		return lab.FormatMeasure(r.Right)
	case r.Right.IsConst:
		return lab.FormatMeasure(r.Left)
	}
	return lab.FormatMeasure(r.Left) + "  vs  " + lab.FormatMeasure(r.Right)
}
