// Package hostile holds no code, only the hostile-input suite: one case
// per input that once made legolab panic, exhaust the memory, run
// unbounded, lose work or give a wrong answer, each run against the built
// command under a time cap and asserting a clear error or a safe result.
// CI runs it under `ulimit -v` (see .ci/run). Grow it with every new input
// surface.
package hostile
