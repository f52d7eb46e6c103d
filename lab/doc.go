// Package lab turns scenarios into results: it runs replications of the
// model (Replicate), Monte Carlo ensembles of a scenario's variants on
// common random numbers (Ensemble), and parameter sweeps over a design
// (Sweep), with their checkpoints, shards (Shard, MergeSweep) and resume,
// and checks a result folder's [[expect]] assertions (Check).
//
// It is the only package that wires the others together: scenarios gives
// the Spec, agents and sim run it, metrics observes and reduces, reports
// formats. Replications run in parallel but are consumed in a fixed order
// (the ordered executor of Ensemble.Run, point-major dispatch in
// Sweep.Run), so every output is byte-identical for any number of workers
// and any split into shards.
//
// Results go to a Sink: a DirSink writes a folder atomically through
// internal/outdir (staged out of sight, then swapped in), a MemorySink
// keeps the files in memory for a Go program that wants the summary
// without writing files (see the Ensemble.Run example). A sweep keeps its
// checkpoint in a DirSink's folder, and so can resume only there.
package lab
