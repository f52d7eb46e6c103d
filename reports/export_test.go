package reports

// SetSkipPNG makes Files and the chart builders write 1×1 placeholder PNGs
// while skip is true, for tests that check only SVG and text; it returns a
// function that restores the previous setting.
func SetSkipPNG(skip bool) (restore func()) {
	old := skipPNG
	skipPNG = skip
	return func() { skipPNG = old }
}
