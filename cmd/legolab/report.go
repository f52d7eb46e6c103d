package main

import (
	"fmt"
	"io"
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
			if _, err := os.Stat(filepath.Join(dir, lab.SweepFile)); err == nil {
				// A sweep folder: its report comes from its checkpoint.
				names, err := lab.RegenerateSweepReport(dir)
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
			}
			files, err := regenerateReport(dir)
			if err != nil {
				return err
			}
			charts := 0
			for _, f := range files {
				if filepath.Ext(f.Name) == ".svg" {
					charts++
				}
			}
			fmt.Fprintln(e.stdout, filepath.Join(dir, reports.HTMLFile))
			fmt.Fprintln(e.stdout, filepath.Join(dir, reports.MarkdownFile))
			fmt.Fprintf(e.stdout, "%s (%d charts)\n", filepath.Join(dir, reports.PlotsDir), charts)
			return nil
		},
	}
}

// regenerateReport reads the run folder dir and writes its report files
// into it, returning them.
func regenerateReport(dir string) ([]reports.File, error) {
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
	if err := writeReportFiles(dir, files); err != nil {
		return nil, err
	}
	return files, removeStaleCharts(dir, files)
}

// removeStaleCharts removes the charts in dir's plots folder that files
// does not have, so that a regenerated report never shows a chart of an
// earlier one. It runs after the new files are in place.
func removeStaleCharts(dir string, files []reports.File) error {
	keep := make(map[string]bool, len(files))
	for _, f := range files {
		keep[f.Name] = true
	}
	entries, err := os.ReadDir(filepath.Join(dir, reports.PlotsDir))
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	for _, en := range entries {
		name := reports.PlotsDir + "/" + en.Name()
		ext := filepath.Ext(en.Name())
		if en.Type().IsRegular() && (ext == ".svg" || ext == ".png") && !keep[name] {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeReportFiles writes each file under dir atomically (temporary file,
// then rename), creating subfolders such as plots/. A name that would leave
// dir is refused.
func writeReportFiles(dir string, files []reports.File) error {
	for _, f := range files {
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("report file %q is outside the run folder", f.Name)
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := lab.WriteFileAtomic(path, func(w io.Writer) error {
			_, err := w.Write(f.Data)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}
