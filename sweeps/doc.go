// Package sweeps reads sweep files and generates their designs.
//
// A sweep file (TOML) names a base scenario, a design, the swept parameters
// (key paths as `legolab run --set` takes them) and the outcomes whose
// sensitivity is analysed. Load, Parse and Decode read one through the
// scenario decoder (scenarios.Document), so a sweep file reports every
// problem at once, each a *scenarios.Error at FILE:LINE:COL with its key
// path, in the words scenario files use. CheckBase checks a sweep against
// its base scenario: variants, key paths, and each parameter at the ends of
// its range.
//
// The designs are one table, Designs: grid, random, lhs, sobol, morris and
// csv (an explicit list of points from a CSV file). Each entry names its
// sensitivity Method and gives its keys, defaults, validation, point count
// and a pure generator; File.Points maps the generator's unit points to
// parameter values with Param.At. The generators (GridPoints,
// UniformPoints, LatinHypercube, SaltelliPoints, SobolPoints,
// MorrisTrajectories) are pure functions of their arguments and seed: the
// same file gives the same points on every machine, which is what lets a
// sweep be split into shards and merged.
//
// sweeps imports scenarios and no other project package; lab runs sweeps.
package sweeps
