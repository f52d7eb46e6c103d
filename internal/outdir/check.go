package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CheckOut checks, before anything is computed, that a command may write
// the folder out: it is not the current directory or one of its
// ancestors, not a symbolic link (dangling or not: the commit would
// replace the link, not its target), not an existing file, and the
// nearest existing ancestor of its parent is a directory this process
// may write. Whether an existing folder may be replaced is Stage's
// question.
func CheckOut(out string) error {
	if out == "" {
		return errors.New("no output folder given")
	}
	clean := filepath.Clean(out)
	abs, err := filepath.Abs(clean)
	if err != nil {
		return err
	}
	if filepath.Dir(abs) == abs {
		return fmt.Errorf("--out %s is the root of the file system; choose a folder for the results", out)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(abs, wd); err == nil && (rel == "." || filepath.IsLocal(rel)) {
			return fmt.Errorf("--out %s is the current directory or one of its parents; the folder is replaced as a whole, so choose a new folder such as out/NAME", out)
		}
	}
	fi, err := os.Lstat(clean)
	switch {
	case err == nil && fi.Mode()&os.ModeSymlink != 0:
		return checkOutLink(clean)
	case err == nil && !fi.IsDir():
		return fmt.Errorf("--out %s exists and is not a directory", out)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return err
	}
	// The nearest existing ancestor of the parent must take new entries
	// (the folder, its staging sibling and its lock file).
	dir := filepath.Dir(abs)
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("--out %s: %s is not a directory", out, dir)
			}
			if !writable(dir) {
				return fmt.Errorf("--out %s: %s is not writable", out, dir)
			}
			return nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		up := filepath.Dir(dir)
		if up == dir {
			return nil
		}
		dir = up
	}
}

// checkOutLink refuses a symbolic link given as an output folder.
func checkOutLink(p string) error {
	target, _ := os.Readlink(p)
	if _, err := os.Stat(p); err != nil {
		return fmt.Errorf("--out %s is a dangling symbolic link (to %s); remove it or choose another --out", p, target)
	}
	return fmt.Errorf("--out %s is a symbolic link (to %s); legolab replaces its output folder as a whole, so give the folder's real path", p, target)
}

// Within reports whether path is dir or lies inside it, after making both
// absolute and resolving what links exist.
func Within(path, dir string) bool {
	resolve := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			return filepath.Clean(p)
		}
		// Resolve the longest existing prefix.
		rest := ""
		for {
			if r, err := filepath.EvalSymlinks(a); err == nil {
				return filepath.Join(r, rest)
			}
			up := filepath.Dir(a)
			if up == a {
				return filepath.Join(a, rest)
			}
			rest = filepath.Join(filepath.Base(a), rest)
			a = up
		}
	}
	p, d := resolve(path), resolve(dir)
	rel, err := filepath.Rel(d, p)
	return err == nil && (rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))))
}
