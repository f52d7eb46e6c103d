// Package data holds the observed analog histories of data/analogs.csv
// (see data/README.md), embedded so that a calibration file can name them
// as data = "analogs" wherever legolab runs.
package data

import _ "embed"

// Analogs is the verbatim content of data/analogs.csv.
//
//go:embed analogs.csv
var Analogs []byte
