// Package calib calibrates a simulator to observed history by ABC-SMC (issue 13's
// algorithmic core): pure library code that imports only the standard library, gonum and
// stats, and knows nothing of the model. lab wires it to the model (lab.Calibration, from
// a calibration file of package calibrations) and `legolab calibrate` runs it.
//
// Observed data: ReadObserved reads the analogs.csv layout (data/analogs.csv), every
// problem reported with FILE:LINE:COL and the column. TargetOf turns an Observation into a
// Target with a Transform (Identity, Log for money, Log1p for counts) and a stated model
// discrepancy.
//
// Distance: Distance compares summaries with targets: two-sided for point and approx, one-sided
// for lower_bound, censored at the cap for capped, each residual divided by the adaptive scale
// (the MAD of the previous generation's simulations, Prangle 2017) in quadrature with the
// discrepancy.
//
// ABC-SMC: Run is population Monte Carlo (Beaumont et al. 2009) with the adaptive tolerance of
// Del Moral, Doucet & Jasra (2012): an N(0, 2Σ) perturbation kernel, importance weights
// π(θ)/Σ w K, ESS, stop rules that cannot stall (Settings), byte-identical results for any
// worker count, and Checkpoint/Resume per generation. State.RegressionAdjust is Beaumont,
// Zhang & Balding's (2002) local-linear adjustment.
//
// Validation: Bass is a cheap stand-in simulator (Bass 1969 with Poisson yearly adopters) and
// SBC is simulation-based calibration (Talts et al. 2018) with χ² rank uniformity (Holm) and
// credible-interval coverage. See docs/calibration.md.
package calib
