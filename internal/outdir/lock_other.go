//go:build !unix

package outdir

import (
	"errors"
	"os"
)

// Off unix there is no flock: locks are no-ops, and two commands on one
// folder are not detected (docs/outputs.md says so).
var errWouldBlock = errors.New("outdir: would block")

func flock(*os.File, bool) error { return nil }

func isReadOnly(error) bool { return false }

func writable(string) bool { return true }
