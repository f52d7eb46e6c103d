// Package archtest holds no code, only a test of the module's import graph against the
// layering of the house style (shared/STYLE.md): stats and sim import no project package,
// no package imports one above it, and reports never sees sim or agents.
package archtest
