// Package metrics observes the model and never steers it: it reads an agents.Model through
// its Observe method, schedules nothing and draws no random numbers (Mesa's DataCollector
// discipline).
//
// What a replication records is one table, the observables table in observables.go, each
// row an observable's name and the reporter that reads it from an agents.Observation, as
// Mesa's DataCollector keeps its model_reporters; Observables lists the names a scenario
// gets, and scenarios.FixedObservables counts the scenario-independent rows. A Collector
// samples them on the SampleDays of a scenario into a Replication.
//
// DetectLego and LeftTruncated are the Lego-moment detectors on a replication's series;
// DetectFamily evaluates the frozen DetectorFamily (a grid of window rules, the logistic
// rule and the Poisson change-point rule DetectPELT) on the same series in one pass.
// An Ensemble reduces replications, added in replication order, into the Summary types of
// summary.json and series.csv, in memory that does not grow with the number of
// replications; the statistics themselves (Kaplan–Meier, log-rank, Wilson, quantile
// sketches) are in package stats.
package metrics
