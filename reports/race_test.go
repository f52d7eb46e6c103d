//go:build race

package reports_test

// raceEnabled is true when the race detector is on: tests then skip
// rasterising PNGs, which it slows tenfold, except where PNGs are checked.
const raceEnabled = true
