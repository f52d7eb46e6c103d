// Package observe reads the model and never steers it: a Collector samples an agents.Model
// through its Observe method on the SampleDays of a scenario, schedules nothing and draws
// no random numbers (Mesa's DataCollector discipline).
//
// What a replication records is one table, the observables table in observables.go, each
// row an observable's name and the reporter that reads it from an agents.Observation, as
// Mesa's DataCollector keeps its model_reporters; Observables lists the names a scenario
// gets, and scenarios.FixedObservables counts the scenario-independent rows. The results
// (the Lego detectors, ensemble reduction and summary types) are in the parent package
// metrics, which does not import the model.
package observe
