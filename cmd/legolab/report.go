package main

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/reports"
)

func init() { commands = append(commands, newReportCmd) }

func newReportCmd(e *env) *cobra.Command {
	var opt reports.Options
	c := &cobra.Command{
		Use:   "report DIR",
		Short: "Regenerate a run's, a sweep's or a calibration's report from its saved outputs",
		Long: `Regenerate report.html, report.md and the charts in plots/ (SVG, the
headline chart also PNG, every chart with --png) from the outputs a run
saved in DIR (summary.json, series.csv, runs.csv and, if present,
graphs.json), without re-running anything. It is the code ` + "`legolab run`" + `
uses for its own report. Each file is replaced atomically; charts in
plots/ that a previous report had and this one does not (PNGs of a run
made with --png, when --png is not given again) are removed afterwards
(only charts the folder's .legolab.json lists: legolab deletes nothing it
did not write). DIR must be a folder legolab marked, with no symbolic link
inside; it is share-locked, so a folder that a run or sweep is writing is
refused at once (docs/outputs.md).

DIR may also be a finished sweep folder (written by legolab sweep or
legolab merge): its charts, report.html and report.md are rewritten from
its checkpoint.jsonl, as the sweep wrote them. DIR may also be a
calibration folder (written by legolab calibrate): its report is rewritten
from summary.json and posterior.csv.`,
		Example: `  legolab report out/deai-2025
  legolab report out/sweep-small`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			names, err := lab.RegenerateReportContext(c.Context(), dir, opt)
			if err != nil {
				return interruptedOr(c.Context(), err)
			}
			charts := 0
			for _, n := range names {
				if filepath.Ext(n) == ".svg" {
					charts++
				}
			}
			if slices.Contains(names, reports.HTMLFile) {
				fmt.Fprintln(e.stdout, filepath.Join(dir, reports.HTMLFile))
			}
			fmt.Fprintln(e.stdout, filepath.Join(dir, reports.MarkdownFile))
			fmt.Fprintf(e.stdout, "%s (%d charts)\n", filepath.Join(dir, reports.PlotsDir), charts)
			return nil
		},
	}
	c.Flags().BoolVar(&opt.PNG, "png", false, "save every chart of a run's report as PNG too, not only the headline chart (a sweep's charts always are)")
	return c
}
