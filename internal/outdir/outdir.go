// Package outdir writes output folders so that a reader, a crash or a full
// disk never leaves a half-written one: single files are written under a
// temporary name and renamed into place (WriteFile, Create), and a whole
// folder is staged out of sight and swapped in at once (Stage, Dir.Commit).
//
// Runs and sweeps commit the same way: every file of the new results goes
// into the staging directory, and Commit replaces the target folder with
// it, so nothing of an earlier result survives a replacement and no list of
// the names a folder may hold is needed. A folder may be replaced only when
// it carries the manifest legolab writes into every folder it owns
// (ManifestFile, see Owned) and holds nothing else, so a mistyped path
// never deletes unrelated files; a lock (LockExclusive, LockShared) keeps
// two commands out of one folder.
package outdir

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// WriteFile writes a file so that a reader, a crash or an interruption
// never sees it half-written: write fills a temporary file in the same
// directory (through a buffer), which is flushed, fsync'd, given mode 0644
// and renamed over path; the directory is then fsync'd so the rename itself
// survives a power cut. On any error the temporary file is removed and path
// is left as it was.
func WriteFile(path string, write func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// File is a file being written under a temporary name in its final
// directory, for output that is streamed over a long time (runs.csv, an
// event trace): nothing appears at the final path until Commit.
type File struct {
	path string
	f    *os.File
	w    *bufio.Writer
	done bool
}

// Create starts writing path atomically; see WriteFile.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &File{path: path, f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// Write writes to the buffered temporary file.
func (a *File) Write(p []byte) (int, error) { return a.w.Write(p) }

// Commit flushes, fsyncs and renames the file into place, then fsyncs its
// directory. On error the temporary file is removed.
func (a *File) Commit() (err error) {
	if a.done {
		panic("outdir: file committed or aborted twice")
	}
	a.done = true
	tmp := a.f.Name()
	defer func() {
		if err != nil {
			a.f.Close()
			os.Remove(tmp)
		}
	}()
	if err = a.w.Flush(); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; outputs are meant to be shared.
	if err = a.f.Chmod(0o644); err != nil {
		return err
	}
	if err = a.f.Sync(); err != nil {
		return err
	}
	if err = a.f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, a.path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(a.path))
}

// Abort removes the temporary file, leaving path as it was. It does
// nothing after Commit or a previous Abort.
func (a *File) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
}

// syncDir fsyncs a directory so that renames and creations in it are
// durable. File systems that cannot sync a directory are not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return syncOpenDir(d)
}

// syncOpenDir fsyncs the open directory d, so a rename in it is durable;
// a file system that cannot sync a directory (EINVAL, ENOTSUP) is not an
// error.
func syncOpenDir(d *os.File) error {
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) &&
		!errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) && !errors.Is(err, syscall.EOPNOTSUPP) {
		return err
	}
	return nil
}

// ErrNotEmpty reports an output directory that already holds files and
// that the caller did not ask to replace.
var ErrNotEmpty = errors.New("exists and is not empty")

// Options say what Stage writes and when it may replace an existing
// folder.
type Options struct {
	// Force allows replacing a target that exists and is not empty, if it
	// is a folder legolab owns (see Owned) of one of the Replace kinds and
	// holds nothing its manifest does not list.
	Force bool
	// Kind is the kind written into the new folder's manifest (KindRun,
	// KindSweep, ...).
	Kind string
	// Replace are the kinds of folder Force may replace; empty means Kind
	// only.
	Replace []string
	// Version is the legolab version recorded in the manifest.
	Version string
}

func (o Options) replaceKinds() []string {
	if len(o.Replace) > 0 {
		return o.Replace
	}
	return []string{o.Kind}
}

// Dir is an output directory being prepared out of sight: files go into
// Staging, a temporary sibling of Target, and Commit moves them into place
// at once. A reader of Target sees either the previous complete contents or
// the new complete ones, never a mixture; an interruption before Commit
// leaves Target untouched (and a hidden staging directory that Abort, or
// the user, removes).
type Dir struct {
	// Target is the directory the results are for.
	Target string
	// Staging is where the results are written until Commit.
	Staging string
	opt     Options
	// names are the files staged so far, in order: what a manifest of the
	// folder's owned files would list.
	names []string
}

// Stage checks that target may be written and creates its staging
// directory. Without opt.Force a target that exists and is not empty is
// refused with an error wrapping ErrNotEmpty. With it a non-empty target
// is replaced at Commit, but only if legolab owns it and it holds nothing else, so a mistyped
// --out never deletes unrelated files. A target that exists and is not a
// directory is always refused.
//
// A target that a kill in the middle of an earlier Commit left missing is
// first restored from the hidden copy of its previous contents.
func Stage(target string, opt Options) (*Dir, error) {
	target = filepath.Clean(target)
	if err := Recover(target); err != nil {
		return nil, err
	}
	if err := checkTarget(target, opt); err != nil {
		return nil, err
	}
	parent, base := filepath.Split(target)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if err := removeStaleStaging(parent, base); err != nil {
		return nil, err
	}
	staging, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(staging, 0o755); err != nil {
		os.RemoveAll(staging)
		return nil, err
	}
	return &Dir{Target: target, Staging: staging, opt: opt}, nil
}

// Recover deals with the ".BASE.old-DIGITS" copies of previous results
// that Commit renames aside: killed between its two renames, Commit leaves
// target missing and its previous contents there, which are put back;
// killed while removing the copy, it leaves target in place and part of
// the copy, which is removed. Stage calls it; a caller that works in
// target before staging (a sweep's checkpoint) calls it first.
func Recover(target string) error {
	parent, base := filepath.Split(target)
	if parent == "" {
		parent = "."
	}
	entries, err := os.ReadDir(parent)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = os.Stat(target)
	missing := errors.Is(err, os.ErrNotExist)
	prefix := "." + base + ".old-"
	for _, e := range entries {
		if !e.IsDir() || !isTempName(e.Name(), prefix) {
			continue
		}
		old := filepath.Join(parent, e.Name())
		_, merr := ReadManifest(old)
		if missing && merr == nil {
			// Only a copy this version made (it carries a manifest) is
			// put back; anything else of that name is left where it is.
			if err := os.Rename(old, target); err != nil {
				return err
			}
			missing = false
			continue
		}
		// A copy without a manifest is not one this version made (an
		// earlier legolab's): never deleted.
		if errors.Is(merr, os.ErrNotExist) {
			continue
		}
		if err := removeOldCopy(old); err != nil {
			return err
		}
	}
	return nil
}

// isTempName reports whether name is prefix followed by the decimal
// digits os.MkdirTemp and os.CreateTemp put for their "*": the exact shape
// of the names this package's stagers and atomic files use.
func isTempName(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// removeStaleStaging removes the staging directories ".BASE.tmp-DIGITS"
// in parent that a killed run of the same target left behind (a run that
// finishes or fails removes its own). Only exactly that shape is touched,
// so other targets' staging and the ".BASE.old-*" copy of previous results
// a kill mid-Commit may leave are kept. Two commands writing the same
// target at once are not supported: the second removes the first's
// staging.
func removeStaleStaging(parent, base string) error {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	prefix := "." + base + ".tmp-"
	for _, e := range entries {
		if e.IsDir() && isTempName(e.Name(), prefix) {
			if err := os.RemoveAll(filepath.Join(parent, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// RemoveStaleTemp removes from dir, and from its plots/ subfolder, the
// hidden temporary files ".NAME.tmp-DIGITS" that WriteFileAtomic and
// CreateAtomic leave when the process is killed before the rename: the
// leftovers of a killed sweep or merge writing into dir in place.
func RemoveStaleTemp(dir string) error {
	in, err := OpenIn(dir)
	if err != nil {
		return err
	}
	defer in.Close()
	for _, sub := range []string{"", "plots"} {
		// Never through a link: a planted plots/ would lead elsewhere.
		if sub != "" {
			if fi, err := in.root.Lstat(sub); err != nil || !fi.IsDir() {
				continue
			}
		}
		entries, err := in.list(sub)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		for _, e := range entries {
			name := e.Name()
			i := strings.LastIndex(name, ".tmp-")
			if !e.Type().IsRegular() || !strings.HasPrefix(name, ".") || i < 1 || !isTempName(name, name[:i]+".tmp-") {
				continue
			}
			if err := in.Remove(path.Join(sub, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkTarget applies Stage's rules to target as it is now.
func checkTarget(target string, opt Options) error {
	fi, err := os.Lstat(target)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return checkOutLink(target)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", target)
	}
	empty, err := isEmptyDir(target)
	if err != nil || empty {
		return err
	}
	if !opt.Force {
		return fmt.Errorf("%s %w", target, ErrNotEmpty)
	}
	_, err = CheckReplace(target, opt.replaceKinds()...)
	return err
}

func isEmptyDir(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// Path returns the staging path of name, a slash-separated relative path
// such as "plots/km.svg", creating its parent directories. It refuses
// names that would escape the directory.
func (d *Dir) Path(name string) (string, error) {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", fmt.Errorf("outdir: output file name %q is not a local path", name)
	}
	p := filepath.Join(d.Staging, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	d.names = append(d.names, name)
	return p, nil
}

// Names returns the slash-separated names of the files staged so far
// (through Path, WriteFile or Create), in the order they were first staged.
func (d *Dir) Names() []string {
	var out []string
	seen := make(map[string]bool, len(d.names))
	for _, n := range d.names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// Create starts writing the file name into the staging directory
// atomically, for output streamed over a long time; see Create.
func (d *Dir) Create(name string) (*File, error) {
	p, err := d.Path(name)
	if err != nil {
		return nil, err
	}
	return Create(p)
}

// WriteFile writes the file name into the staging directory atomically.
func (d *Dir) WriteFile(name string, write func(io.Writer) error) error {
	p, err := d.Path(name)
	if err != nil {
		return err
	}
	return WriteFile(p, write)
}

// Commit moves the staged results to Target. A missing Target is created
// by a single rename, an empty one removed first. A non-empty one (allowed
// by force) is first renamed aside, then the staging directory renamed
// into place and the old one removed; were the process killed between the
// two renames, the previous results survive under a hidden ".NAME.old-*"
// sibling.
func (d *Dir) Commit() error {
	if err := checkTarget(d.Target, d.opt); err != nil {
		return err
	}
	parent := filepath.Dir(d.Target)
	if err := WriteManifest(d.Staging, &Manifest{Kind: d.opt.Kind, Version: d.opt.Version, Files: d.Names()}); err != nil {
		return err
	}
	if err := syncDir(d.Staging); err != nil {
		return err
	}
	_, err := os.Stat(d.Target)
	exists := err == nil
	empty := false
	if exists {
		if empty, err = isEmptyDir(d.Target); err != nil {
			return err
		}
	}
	if !exists || empty {
		// os.Rename never replaces a directory, even an empty one.
		if empty {
			if err := os.Remove(d.Target); err != nil {
				return err
			}
		}
		if err := os.Rename(d.Staging, d.Target); err != nil {
			return err
		}
		return syncDir(parent)
	}
	old, err := os.MkdirTemp(parent, "."+filepath.Base(d.Target)+".old-")
	if err != nil {
		return err
	}
	// MkdirTemp reserved a unique name; the rename needs it absent.
	if err := os.Remove(old); err != nil {
		return err
	}
	if err := os.Rename(d.Target, old); err != nil {
		return err
	}
	if err := os.Rename(d.Staging, d.Target); err != nil {
		// Put the previous results back rather than leave no Target.
		if rerr := os.Rename(old, d.Target); rerr != nil {
			return fmt.Errorf("%w (and restoring the previous %s failed: %v; it is in %s)", err, d.Target, rerr, old)
		}
		return err
	}
	if err := syncDir(parent); err != nil {
		return err
	}
	return removeOldCopy(old)
}

// removeOldCopy deletes a previous folder renamed aside by Commit: only
// the files its manifest lists (checkTarget made sure there were no
// others). A copy with no readable manifest is left alone.
func removeOldCopy(old string) error {
	m, err := ReadManifest(old)
	if err != nil {
		return fmt.Errorf("the previous results, renamed aside to %s, were not removed: %w", old, err)
	}
	if err := refuseLinks(old); err != nil {
		return err
	}
	return removeOwned(old, m, true)
}

// Abort removes the staging directory and everything in it; Target is
// untouched. It is safe to call after Commit, when it does nothing.
func (d *Dir) Abort() error {
	if _, err := os.Stat(d.Staging); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return os.RemoveAll(d.Staging)
}
