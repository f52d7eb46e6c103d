package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/reports"
)

func init() { commands = append(commands, newReportCmd) }

func newReportCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "report DIR",
		Short: "Regenerate a run's or a sweep's report from its saved outputs",
		Long: `Regenerate report.html, report.md and the charts in plots/ (SVG and PNG)
from the outputs a run saved in DIR (summary.json, series.csv, runs.csv and,
if present, graphs.json), without re-running anything. It is the code
` + "`legolab run`" + ` uses for its own report. Each file is replaced atomically;
charts in plots/ that a previous report had and this one does not are
removed afterwards.

DIR may also be a finished sweep folder (written by legolab sweep or
legolab merge): its charts, report.html and report.md are rewritten from
its checkpoint.jsonl, as the sweep wrote them.`,
		Example: `  legolab report out/deai-2025
  legolab report out/sweep-small`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			regenerate := regenerateReport
			if _, err := os.Stat(filepath.Join(dir, lab.SweepFile)); err == nil {
				// A sweep folder: its report comes from its checkpoint.
				regenerate = lab.RegenerateSweepReport
			}
			names, err := regenerate(dir)
			if err != nil {
				return err
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
}

// regenerateReport reads the run folder dir and writes its report files
// into it, returning their names.
func regenerateReport(dir string) ([]string, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	d, err := reports.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files, err := reports.Files(d)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return names, lab.WriteReport(dir, files)
}
