// Package agents is legolab's model: AI Layer 1 protocols, builders and their
// apps, de facto standards and cross-protocol hubs, scheduled on a sim.Engine.
//
// A Model is one replication of a resolved scenarios.Spec. Every random
// number comes from a named stream derived by sim.NewStream(seed,
// replication, sim.StreamID(name)), one stream per mechanism ("arrivals",
// "choice", "lifetime", "population", "standards", "hub:<name>",
// "shock:<index>", "pairs"), so that switching a mechanism on in one variant
// does not shift the random numbers another mechanism draws: variants of one
// scenario run on common random numbers.
//
// The model is advanced with RunUntil and read with Observe, Graph and the
// other read-only accessors; observers (package metrics) never write to it
// and draw no random numbers. Equations and parameter sources are in
// docs/model.md.
package agents
