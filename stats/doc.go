// Package stats holds the generic statistics of legolab, with no knowledge of the model: it
// imports no other package of the module (an internal/archtest test checks it), so the
// model's own tests can use it too.
//
// Survival analysis of right-censored times to event: KaplanMeier and LifeTable (the
// product-limit estimator with Greenwood's variance and a pointwise log-log band, from
// observations or from counts per distinct time), the Brookmeyer–Crowley interval of the
// median (KM.MedianCI), the restricted mean survival time (KM.RMST) and the log-rank test
// (LogRank, LogRankTables). KM.Median decides S <= 0.5 on the exact counts where the
// floating-point product is too close to 0.5 to tell.
//
// Intervals and tests: Wilson's score interval of a proportion, MeanCI (Student's t
// interval of a mean), MedianCIRanks (a distribution-free interval of a median) and the
// one-sample Kolmogorov–Smirnov test (KS, KSUniform, KolmogorovQ).
//
// Quantiles: Quantile, the one type-7 quantile of sorted values; Sketch, a deterministic
// t-digest exact up to SketchCap values; and Fan, the constant-memory P² estimator of the
// five FanQuantiles.
//
// Sensitivity analysis: Morris's elementary effects, Sobol's first-order and total indices
// with bootstrap intervals, and MainEffects, the correlation ratio of a factor's levels.
//
// Uncertainty and scenario discovery over drawn parameters (issue 12, not yet wired):
// DecomposeVariance, the law-of-total-variance split of an outcome over θ and inner
// replications (one-way random-effects ANOVA) with an F interval (ShareInterval) and a
// group bootstrap (BootstrapShare) for the between-θ share; PartialRankCorrelation, with
// Truncated to rank censored runs on min(T, τ); and PRIM, Friedman & Fisher's peeling and
// pasting as in the EMA Workbench, whose trajectory SelectByDensity and SelectByCoverage
// choose from.
//
// Sampling: Uniform, LogUniform, Normal and LogNormal (truncated, by inverse CDF with the
// tails reflected so that no probability rounds to 1), Beta (in log space at shapes below
// 1), Triangular and Choice, each drawing from a passed *rand.Rand; the scenario
// populations and priors draw with them.
//
// Randomness enters only as an explicit seed (Sobol's bootstrap) or a passed *rand.Rand
// (BootstrapShare, the samplers); the same inputs give bit-identical results. Functions
// panic on programmer misuse (a NaN time, mismatched lengths) and return errors, prefixed
// "stats: ", for data an estimator cannot use.
package stats
