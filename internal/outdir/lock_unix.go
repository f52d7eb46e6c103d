//go:build unix

package outdir

import (
	"errors"
	"os"
	"syscall"
)

var errWouldBlock = syscall.EWOULDBLOCK

// flock takes an exclusive or shared flock on f without waiting.
func flock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err != syscall.EINTR {
			return err
		}
	}
}

func isReadOnly(err error) bool { return errors.Is(err, syscall.EROFS) }

// writable reports whether the directory dir may be written by this
// process.
func writable(dir string) bool { return syscall.Access(dir, 2 /* W_OK */) == nil }
