package lab

import (
	"context"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/reports"
)

// RegenerateReport rewrites the report of the run or sweep folder dir
// from its saved outputs, as `legolab run` or `legolab sweep` wrote it,
// and returns the names of the files written. A folder holding sweep.toml
// is a sweep's (see RegenerateSweepReport); any other is read as a run's,
// and its report rendered with opt (see reports.Render).
func RegenerateReport(dir string, opt reports.Options) ([]string, error) {
	return RegenerateReportContext(context.Background(), dir, opt)
}

// RegenerateReportContext is RegenerateReport stopped by ctx (which
// replaces opt.Context): when ctx is done before the files are written,
// while the folder is read, the charts drawn or a sweep's sensitivity
// bootstrapped, it returns an error wrapping ctx's and the folder keeps
// its report.
func RegenerateReportContext(ctx context.Context, dir string, opt reports.Options) ([]string, error) {
	m, release, err := openToRead(dir, reportKinds...)
	if err != nil {
		return nil, err
	}
	defer release()
	switch m.Kind {
	case outdir.KindCalibration:
		return regenerateCalibrationReport(ctx, dir)
	case outdir.KindRun:
	default:
		return regenerateSweepReport(ctx, dir)
	}
	opt.Context = ctx
	d, err := reports.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files, err := reports.Render(d, opt)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lab: interrupted before writing the report: %w", err)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return names, WriteReport(dir, files)
}

// WriteReport writes a report's files under dir, each atomically
// (temporary file, then rename) and creating subfolders such as plots/,
// then removes the charts of an earlier report that files no longer has,
// and records the change in dir's manifest. dir must be a run folder
// legolab wrote (see outdir.Owned); a name that would leave dir is
// refused.
func WriteReport(dir string, files []reports.File) error {
	if _, err := outdir.Owned(dir, outdir.KindRun); err != nil {
		return err
	}
	return writeReportFiles(dir, files)
}

// writeReportFiles is WriteReport for a folder already known to be
// legolab's, of any kind: each file written atomically inside dir, then
// the charts of an earlier report that files no longer has removed.
func writeReportFiles(dir string, files []reports.File) error {
	// Every write and removal is confined to dir: a link planted in it
	// (plots/ made a link) is refused, never followed (outdir.In).
	in, err := outdir.OpenIn(dir)
	if err != nil {
		return err
	}
	defer in.Close()
	keep := make(map[string]bool, len(files))
	for _, f := range files {
		if !filepath.IsLocal(filepath.FromSlash(f.Name)) {
			return fmt.Errorf("lab: report file %q is outside %s", f.Name, dir)
		}
		if err := in.WriteFile(f.Name, func(w io.Writer) error {
			_, err := w.Write(f.Data)
			return err
		}); err != nil {
			return err
		}
		keep[f.Name] = true
	}
	return removeStaleCharts(dir, in, keep)
}

// recordReport adds the names written to dir's manifest and drops those
// removed.
func recordReport(dir string, written, removed []string) error {
	return outdir.UpdateManifest(dir, written, removed)
}

// removeStaleCharts removes the charts (SVG and PNG) in dir's plots folder
// whose slash-separated names ("plots/x.svg") keep lacks, so that a
// regenerated report never shows a chart of an earlier one, and records
// the report in dir's manifest. Only charts the manifest lists are
// removed: legolab deletes nothing it did not write. It runs after the new
// files are in place.
func removeStaleCharts(dir string, in *outdir.In, keep map[string]bool) error {
	m, err := outdir.ReadManifest(dir)
	if err != nil {
		return err
	}
	var removed []string
	for _, name := range m.Files {
		ext := path.Ext(name)
		if strings.HasPrefix(name, reports.PlotsDir+"/") && (ext == ".svg" || ext == ".png") && !keep[name] {
			if err := in.Remove(name); err != nil {
				return err
			}
			removed = append(removed, name)
		}
	}
	written := make([]string, 0, len(keep))
	for n := range keep {
		written = append(written, n)
	}
	slices.Sort(written)
	return recordReport(dir, written, removed)
}
