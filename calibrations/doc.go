// Package calibrations reads calibration files (TOML): a scenario, the
// priors of it to fit, the observed series (data/analogs.csv or inline
// points) and how each meets the model (observable, transform, scale,
// model discrepancy), with the ABC-SMC settings. Parse decodes through the
// scenarios decoder, as sweep files do, so that every problem is reported
// at once, located FILE:LINE:COL, in the words scenario files use; it
// resolves the scenario, the variant, the free priors and the data.
// Built-in calibrations are embedded from builtin/*.toml (Builtin,
// BuiltinNames). lab runs them (lab.Calibrate); see docs/calibration.md.
package calibrations
