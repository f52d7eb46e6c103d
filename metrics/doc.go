// Package metrics turns what a replication observed into results: the Lego detectors, the
// ensemble reduction and the summary types that reports renders. It does not import the
// model, so reports, which renders these types, never depends on agents or sim.
//
// Observing the model is the job of the subpackage metrics/observe: it reads an
// agents.Model through its Observe method, schedules nothing and draws no random numbers
// (Mesa's DataCollector discipline), and fills a Replication from one observables table.
//
// DetectLego and LeftTruncated are the Lego-moment detectors on a replication's series;
// DetectFamily evaluates the frozen DetectorFamily (a grid of window rules, the logistic
// rule and the Poisson change-point rule DetectPELT) on the same series in one pass.
// An Ensemble reduces replications, added in replication order, into the Summary types of
// summary.json and series.csv, in memory that does not grow with the number of
// replications; the statistics themselves (Kaplan–Meier, log-rank, Wilson, quantile
// sketches) are in package stats.
package metrics
