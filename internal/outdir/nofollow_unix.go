//go:build unix

package outdir

import "syscall"

// oNoFollow makes an open fail on a symbolic link at the last element.
const oNoFollow = syscall.O_NOFOLLOW
