package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// newProgress returns a progress bar over total items on w, with the rate
// shown in unit per second when unit is set, or nil when there should be
// none: with --quiet, in CI (CI set, as GitHub Actions, GitLab and most
// others set CI=true), or when w is not a terminal.
func newProgress(w io.Writer, quiet bool, total int, description, unit string) *progressbar.ProgressBar {
	if ci := os.Getenv("CI"); quiet || (ci != "" && ci != "false" && ci != "0") {
		return nil
	}
	if u, ok := w.(interface{ Unwrap() io.Writer }); ok {
		w = u.Unwrap() // the bar's own \r and escapes must reach the terminal
	}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
	}
	if unit != "" {
		opts = append(opts, progressbar.OptionShowIts(), progressbar.OptionSetItsString(unit))
	}
	bar := progressbar.NewOptions(total, opts...)
	// The bar's clock starts at its first render: drawn blank now, its
	// rate is items over the time since the start, not the first item over
	// the microseconds since it finished (which read "130702 runs/s").
	bar.RenderBlank()
	return bar
}
