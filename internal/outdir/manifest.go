package outdir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ManifestFile is the marker legolab writes into every folder it owns. A
// folder without it is never replaced, resumed, emptied or read as
// legolab's, whatever its other files are called.
const ManifestFile = ".legolab.json"

// manifestFormat is the version of the manifest layout.
const manifestFormat = 1

// maxManifest bounds the manifest read back: a planted huge file is
// refused rather than read whole.
const maxManifest = 8 << 20

// Folder kinds.
const (
	KindRun         = "run"
	KindSweep       = "sweep"
	KindShard       = "shard"
	KindCalibration = "calibration"
)

// Manifest is the content of ManifestFile: what wrote the folder and the
// files it owns, the only ones legolab ever deletes there.
type Manifest struct {
	// Format is the manifest layout version (1).
	Format int `json:"legolab_folder"`
	// Kind is run, sweep, shard or calibration.
	Kind string `json:"kind"`
	// Version is the legolab version that wrote the folder ("" if the
	// writer did not say).
	Version string `json:"version"`
	// Files are the slash-separated names of the files legolab wrote,
	// in the order written; the manifest itself is not listed.
	Files []string `json:"files"`
}

// NotOwnedError refuses a folder that holds no manifest, or one of
// another kind, or files the manifest does not list.
type NotOwnedError struct {
	Dir    string
	Reason string
}

func (e *NotOwnedError) Error() string {
	return fmt.Sprintf("refusing to use %s: %s", e.Dir, e.Reason)
}

// marshal is the manifest's bytes: indented JSON, fields in a fixed order.
func (m *Manifest) marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	return append(b, '\n'), err
}

// WriteManifest writes m into dir atomically.
func WriteManifest(dir string, m *Manifest) error {
	m.Format = manifestFormat
	if m.Files == nil {
		m.Files = []string{}
	}
	b, err := m.marshal()
	if err != nil {
		return err
	}
	in, err := OpenIn(dir)
	if err != nil {
		return err
	}
	defer in.Close()
	return in.WriteFile(ManifestFile, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// ReadManifest reads dir's manifest. A missing one is an error wrapping
// fs.ErrNotExist; a manifest that is a symbolic link, too large or not a
// manifest is refused.
func ReadManifest(dir string) (*Manifest, error) {
	p := filepath.Join(dir, ManifestFile)
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotOwnedError{Dir: dir, Reason: ManifestFile + " is not a regular file"}
	}
	if fi.Size() > maxManifest {
		return nil, &NotOwnedError{Dir: dir, Reason: fmt.Sprintf("%s is %d bytes, more than a manifest can be", ManifestFile, fi.Size())}
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || m.Format != manifestFormat || m.Kind == "" {
		return nil, &NotOwnedError{Dir: dir, Reason: ManifestFile + " is not a legolab manifest of this version"}
	}
	for _, f := range m.Files {
		if !filepath.IsLocal(filepath.FromSlash(f)) || f == ManifestFile {
			return nil, &NotOwnedError{Dir: dir, Reason: fmt.Sprintf("%s lists %q, which is not a file inside the folder", ManifestFile, f)}
		}
	}
	return &m, nil
}

// Owned checks that dir is a folder legolab wrote, of one of kinds: it
// holds a manifest of such a kind, and no symbolic link (or other
// non-regular file) anywhere inside, since legolab writes and deletes
// there and must never be led outside. It returns the manifest.
//
// A folder with no manifest, from an earlier legolab or not legolab's at
// all, is refused with a message saying how to proceed; nothing in it is
// touched.
func Owned(dir string, kinds ...string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		hint := "it has no " + ManifestFile + ", the marker legolab writes into its own folders"
		for _, old := range []string{"summary.json", "checkpoint.jsonl"} {
			if _, err := os.Lstat(filepath.Join(dir, old)); err == nil {
				hint += fmt.Sprintf(" (it holds %s: if an earlier legolab wrote it, that version did not mark its folders)", old)
				break
			}
		}
		return nil, &NotOwnedError{Dir: dir, Reason: hint + "; legolab replaces, resumes and reads only folders it marked: move it away or choose another --out"}
	}
	if err != nil {
		return nil, err
	}
	if !slices.Contains(kinds, m.Kind) {
		return nil, &NotOwnedError{Dir: dir, Reason: fmt.Sprintf("it is a %s folder, not a %s folder", m.Kind, strings.Join(kinds, " or "))}
	}
	if err := refuseLinks(dir); err != nil {
		return nil, err
	}
	return m, nil
}

// refuseLinks walks dir, without following links, and refuses any entry
// that is not a regular file or a directory.
func refuseLinks(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return &NotOwnedError{Dir: dir, Reason: fmt.Sprintf("%s is a symbolic link; legolab never follows links inside its folders (remove the link)", p)}
		}
		if !d.IsDir() && !d.Type().IsRegular() {
			return &NotOwnedError{Dir: dir, Reason: fmt.Sprintf("%s is not a regular file", p)}
		}
		return nil
	})
}

// foreign returns the files under dir that m does not own: neither listed,
// nor the manifest, nor a leftover temporary file of this package's exact
// shape, nor a directory holding only owned files. Links are refused by
// Owned first.
func foreign(dir string, m *Manifest) ([]string, error) {
	owned := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		owned[f] = true
	}
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ManifestFile || owned[rel] || isStaleTemp(d.Name()) {
			return nil
		}
		out = append(out, rel)
		return nil
	})
	return out, err
}

// isStaleTemp reports whether name has the shape ".NAME.tmp-DIGITS" of
// the temporary files Create makes.
func isStaleTemp(name string) bool {
	i := strings.LastIndex(name, ".tmp-")
	return strings.HasPrefix(name, ".") && i >= 1 && isTempName(name, name[:i]+".tmp-")
}

// CheckReplace checks that the folder dir, owned (see Owned) by one of
// kinds, holds nothing but what its manifest lists, and so may be emptied
// or replaced without deleting a file legolab did not write.
func CheckReplace(dir string, kinds ...string) (*Manifest, error) {
	m, err := Owned(dir, kinds...)
	if err != nil {
		return nil, err
	}
	extra, err := foreign(dir, m)
	if err != nil {
		return nil, err
	}
	if len(extra) > 0 {
		more := ""
		if len(extra) > 5 {
			extra, more = extra[:5], fmt.Sprintf(" and %d more", len(extra)-5)
		}
		return nil, &NotOwnedError{Dir: dir, Reason: fmt.Sprintf("it holds files legolab did not write (%s%s); move them away or choose another --out", strings.Join(extra, ", "), more)}
	}
	return m, nil
}

// Empty removes from the owned folder dir the files its manifest lists,
// leftover temporary files, the manifest itself and the directories left
// empty, after CheckReplace; dir itself stays. Removal never recurses
// into what it has not checked: a file that appeared in between makes
// its directory's removal fail, and the file stays.
func Empty(dir string, kinds ...string) error {
	m, err := CheckReplace(dir, kinds...)
	if err != nil {
		return err
	}
	return removeOwned(dir, m, false)
}

// removeOwned deletes m's files under dir, temporary leftovers, the
// manifest, then every subdirectory deepest first, and dir itself when
// self is set, each with a non-recursive os.Remove.
//
// Every removal goes through In, so a link planted after the checks (a
// subfolder replaced by a link to elsewhere) is refused, not followed.
func removeOwned(dir string, m *Manifest, self bool) error {
	in, err := OpenIn(dir)
	if err != nil {
		return err
	}
	defer in.Close()
	var files, dirs []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir {
				dirs = append(dirs, p)
			}
			return nil
		}
		if d.Type().IsRegular() && isStaleTemp(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rel := func(p string) (string, error) {
		r, err := filepath.Rel(dir, p)
		return filepath.ToSlash(r), err
	}
	for i, f := range files {
		if files[i], err = rel(f); err != nil {
			return err
		}
	}
	files = append(files, m.Files...)
	files = append(files, ManifestFile)
	for _, f := range files {
		if err := in.Remove(f); err != nil {
			return err
		}
	}
	slices.Reverse(dirs) // WalkDir gives parents first
	for _, d := range dirs {
		name, err := rel(d)
		if err != nil {
			return err
		}
		if err := in.Remove(name); err != nil {
			return fmt.Errorf("%s: %w (legolab removes only the files it wrote)", d, err)
		}
	}
	if self {
		if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w (legolab removes only the files it wrote)", dir, err)
		}
	}
	return nil
}

// UpdateManifest adds the slash-separated names to dir's manifest and
// drops removed, for a command that rewrites files in an owned folder in
// place (legolab report).
func UpdateManifest(dir string, added, removed []string) error {
	m, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	files := slices.DeleteFunc(slices.Clone(m.Files), func(f string) bool { return slices.Contains(removed, f) })
	for _, a := range added {
		if !slices.Contains(files, a) {
			files = append(files, a)
		}
	}
	m.Files = files
	return WriteManifest(dir, m)
}
