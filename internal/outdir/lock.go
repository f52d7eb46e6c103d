package outdir

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Lock is an advisory lock on an output folder, held for a whole command:
// an exclusive one by a writer (run, sweep, merge), a shared one by a
// reader (report, check). It is an OS file lock (flock) on the hidden
// file ".NAME.lock" beside the folder NAME, not inside it, because a
// commit swaps the folder for a new directory and a lock inside would be
// left behind in the old one. legolab creates that file, names it, writes
// the holder's PID and command into it, and removes it on Release when no
// other command holds it. See docs/outputs.md for NFS.
type Lock struct {
	f         *os.File
	path      string
	exclusive bool
}

// LockedError reports a folder that another command holds.
type LockedError struct {
	Dir    string
	Holder string // "pid N: legolab sweep ...", or "" when unknown
	Shared bool   // held by readers
}

func (e *LockedError) Error() string {
	who := e.Holder
	switch {
	case e.Shared && who == "":
		who = "a legolab report or check reading it"
	case who == "":
		who = "another legolab command"
	}
	return fmt.Sprintf("%s is in use by %s; wait for it to finish or stop it (lock %s)", e.Dir, who, lockPath(e.Dir))
}

// lockPath is the lock file of the folder dir.
func lockPath(dir string) string {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	return filepath.Join(parent, "."+base+".lock")
}

// LockExclusive takes the writer's lock on dir, creating dir's parent if
// need be; a folder held by any other command is refused at once with a
// *LockedError naming the holder.
func LockExclusive(dir string) (*Lock, error) { return lock(dir, true) }

// LockShared takes a reader's lock on dir: readers share it, a writer's
// is refused at once. A reader whose parent folder is not writable (a
// read-only mount) reads without a lock.
func LockShared(dir string) (*Lock, error) {
	l, err := lock(dir, false)
	if err != nil && (errors.Is(err, os.ErrPermission) || isReadOnly(err)) {
		return &Lock{}, nil
	}
	return l, err
}

func lock(dir string, exclusive bool) (*Lock, error) {
	dir = filepath.Clean(dir)
	path := lockPath(dir)
	if exclusive {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
	}
	for range 100 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := flock(f, exclusive); err != nil {
			holder := readHolder(f)
			f.Close()
			if errors.Is(err, errWouldBlock) {
				return nil, &LockedError{Dir: dir, Holder: holder, Shared: holder == ""}
			}
			return nil, err
		}
		// A holder that released removed the file it had locked; if ours
		// is that unlinked one, lock the file now at path instead.
		fi, err1 := f.Stat()
		pi, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(fi, pi) {
			f.Close()
			continue
		}
		l := &Lock{f: f, path: path, exclusive: exclusive}
		if exclusive {
			cmd := strings.Join(os.Args, " ")
			if len(cmd) > 500 {
				cmd = cmd[:500] + "…"
			}
			info := fmt.Sprintf("pid %d: %s (since %s)\n", os.Getpid(), cmd, time.Now().UTC().Format(time.RFC3339))
			if err := f.Truncate(0); err == nil {
				f.WriteAt([]byte(info), 0)
			}
		}
		return l, nil
	}
	return nil, fmt.Errorf("outdir: could not lock %s: it keeps being replaced", path)
}

// readHolder reads the holder's line from a lock file.
func readHolder(f *os.File) string {
	b, _ := io.ReadAll(io.NewSectionReader(f, 0, 1024))
	return strings.TrimSpace(string(b))
}

// Release removes the lock file when no other command holds it, then
// releases the lock. It is safe on a nil or released lock.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	// Only the last holder removes the file: a reader first upgrades, and
	// leaves the file to the others when that fails.
	if l.exclusive || flock(l.f, true) == nil {
		if fi, err := os.Stat(l.path); err == nil {
			if mine, err := l.f.Stat(); err == nil && os.SameFile(fi, mine) {
				os.Remove(l.path)
			}
		}
	}
	l.f.Close()
	l.f = nil
}
