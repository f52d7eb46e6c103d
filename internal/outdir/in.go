package outdir

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// In is an owned folder opened for writes and deletes in place (a
// regenerated report, a sweep's checkpoint, the removal of a folder's
// files), every one of them confined to the folder: a symbolic link
// planted inside it while the command runs (plots/ made a link to another
// folder, a file replaced by a link) is never followed.
//
// How: the folder is opened once as an os.Root, whose operations resolve
// names with openat beneath its directory and refuse any that would leave
// it. Each subfolder a name passes through is opened as its own Root and
// then checked to be the very directory entry it is in its parent (Lstat
// of the entry: a directory, not a link, and the same file as the one
// opened), so a link swapped in before or after the open is refused, not
// followed even within the folder. The last element is created with
// O_CREATE|O_EXCL, opened with O_NOFOLLOW, renamed or unlinked, none of
// which follows a link there.
//
// The window that remains: a directory already opened is used through its
// file descriptor, so a subfolder moved (renamed, not linked) out of the
// folder after it was opened receives the write there. Only someone who
// can rename directories inside the folder can do that, and it cannot make
// legolab write or delete through a link.
type In struct {
	dir  string
	root *os.Root
}

// OpenIn opens the folder dir for confined writes; Close releases it.
// dir is the path the user gave: if it is a link to a directory, that
// directory is opened, once; links inside it are never followed.
func OpenIn(dir string) (*In, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	if err := sameEntry(root, fi, dir); err != nil {
		root.Close()
		return nil, err
	}
	return &In{dir: dir, root: root}, nil
}

// Close releases the folder.
func (d *In) Close() error { return d.root.Close() }

// sameEntry checks that the directory r has open is the entry fi was
// Lstat'ed as.
func sameEntry(r *os.Root, fi os.FileInfo, name string) error {
	opened, err := r.Stat(".")
	if err != nil {
		return err
	}
	if !os.SameFile(opened, fi) {
		return &NotOwnedError{Dir: name, Reason: "it changed while legolab opened it (a link or another directory was put in its place)"}
	}
	return nil
}

// parent opens the folder holding the slash-separated local name, each
// element checked to be a real directory of the folder (see In), creating
// missing ones when mkdir is set. The caller closes it unless it is d.root.
func (d *In) parent(name string, mkdir bool) (*os.Root, string, error) {
	if !filepath.IsLocal(filepath.FromSlash(name)) || name != path.Clean(name) {
		return nil, "", fmt.Errorf("outdir: %q is not a local file name in %s", name, d.dir)
	}
	dir, base := path.Split(name)
	r := d.root
	at := d.dir
	if dir == "" {
		return r, base, nil
	}
	for _, elem := range splitSlash(path.Clean(dir)) {
		at = filepath.Join(at, elem)
		fi, err := r.Lstat(elem)
		if errors.Is(err, os.ErrNotExist) && mkdir {
			if err = r.Mkdir(elem, 0o755); err == nil || errors.Is(err, os.ErrExist) {
				fi, err = r.Lstat(elem)
			}
		}
		if err == nil && fi.Mode()&os.ModeSymlink != 0 {
			err = &NotOwnedError{Dir: d.dir, Reason: fmt.Sprintf("%s is a symbolic link; legolab never follows links inside its folders (remove the link)", at)}
		} else if err == nil && !fi.IsDir() {
			err = &NotOwnedError{Dir: d.dir, Reason: fmt.Sprintf("%s is not a directory", at)}
		}
		var sub *os.Root
		if err == nil {
			if sub, err = r.OpenRoot(elem); err == nil {
				if err = sameEntry(sub, fi, at); err != nil {
					sub.Close()
				}
			}
		}
		if r != d.root {
			r.Close()
		}
		if err != nil {
			return nil, "", err
		}
		r = sub
	}
	return r, base, nil
}

func splitSlash(s string) []string {
	var out []string
	for s != "" {
		i := 0
		for i < len(s) && s[i] != '/' {
			i++
		}
		out = append(out, s[:i])
		if i == len(s) {
			break
		}
		s = s[i+1:]
	}
	return out
}

// release closes r unless it is the folder's own root.
func (d *In) release(r *os.Root) {
	if r != d.root {
		r.Close()
	}
}

var inSeq atomic.Uint64

// WriteFile writes the slash-separated name under the folder as WriteFile
// does (temporary file, fsync, rename, fsync of its directory), creating
// its subfolders, never through a link.
func (d *In) WriteFile(name string, write func(io.Writer) error) (err error) {
	r, base, err := d.parent(name, true)
	if err != nil {
		return err
	}
	defer d.release(r)
	var f *os.File
	var tmp string
	for range 100 {
		// The shape Create's temporary files have, so that RemoveStaleTemp
		// and Owned know a leftover.
		tmp = "." + base + ".tmp-" + strconv.FormatUint(uint64(time.Now().UnixNano())+inSeq.Add(1), 10)
		f, err = r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o644)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			r.Remove(tmp)
		}
	}()
	w := bufio.NewWriterSize(f, 64<<10)
	if err = write(w); err != nil {
		return err
	}
	if err = w.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = r.Rename(tmp, base); err != nil {
		return err
	}
	return syncRoot(r)
}

// syncRoot fsyncs r's directory, as syncDir does.
func syncRoot(r *os.Root) error {
	f, err := r.Open(".")
	if err != nil {
		return err
	}
	defer f.Close()
	return syncOpenDir(f)
}

// list reads the entries of the subfolder sub ("" for the folder), never
// through a link.
func (d *In) list(sub string) ([]os.DirEntry, error) {
	r := d.root
	if sub != "" {
		var err error
		if r, _, err = d.parent(sub+"/x", false); err != nil {
			return nil, err
		}
		defer d.release(r)
	}
	f, err := r.Open(".")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// Remove removes the file or empty directory name under the folder, never
// through a link in its parents (a link at name itself is removed, not
// followed). A name that does not exist is not an error.
func (d *In) Remove(name string) error {
	r, base, err := d.parent(name, false)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer d.release(r)
	if err := r.Remove(base); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// ReadFile reads name under the folder, refusing a link.
func (d *In) ReadFile(name string) ([]byte, error) {
	f, err := d.open(name, os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// OpenAppend opens the existing file name under the folder for appending,
// refusing a link.
func (d *In) OpenAppend(name string) (*os.File, error) {
	return d.open(name, os.O_WRONLY|os.O_APPEND)
}

// Truncate cuts the existing file name under the folder to size bytes,
// refusing a link.
func (d *In) Truncate(name string, size int64) error {
	f, err := d.open(name, os.O_WRONLY)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// open opens the existing regular file name with flag and O_NOFOLLOW.
func (d *In) open(name string, flag int) (*os.File, error) {
	r, base, err := d.parent(name, false)
	if err != nil {
		return nil, err
	}
	defer d.release(r)
	isLink := &NotOwnedError{Dir: d.dir, Reason: fmt.Sprintf("%s is a symbolic link; legolab never follows links inside its folders (remove the link)", filepath.Join(d.dir, filepath.FromSlash(name)))}
	// The Lstat names the problem; O_NOFOLLOW (and the Root, for a link
	// out of the folder) refuses a link planted after it.
	if fi, err := r.Lstat(base); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return nil, isLink
	}
	f, err := r.OpenFile(base, flag|oNoFollow, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, isLink
	}
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = &NotOwnedError{Dir: d.dir, Reason: fmt.Sprintf("%s is not a regular file", filepath.Join(d.dir, filepath.FromSlash(name)))}
		}
		return nil, err
	}
	return f, nil
}
