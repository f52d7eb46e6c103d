package lab

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"sync"
	"testing/fstest"

	"github.com/legolab/legolab/internal/outdir"
)

// Sink receives the output files of one ensemble or sweep (summary.json,
// runs.csv, plots/km.svg, ...). Run calls Begin once, then Create for each
// file, then Commit, or Abort if anything failed; a sink that Commit has
// not been called on shows none of the files.
type Sink interface {
	// Begin starts a result. marker names the file that identifies the
	// result's kind (summary.json for a run, checkpoint.jsonl for a
	// sweep); owned says the caller has already checked that the
	// destination holds its own earlier files (a sweep's checkpoint), which
	// may therefore be replaced.
	Begin(marker string, owned bool) error
	// Create starts the file name, a slash-separated relative path; the
	// file is complete when it is closed. Create is called from one
	// goroutine, but the files it returns may be written and closed
	// concurrently, each from one goroutine (Run commits its files side by
	// side, so that their fsyncs overlap).
	Create(name string) (io.WriteCloser, error)
	// Commit makes every file created since Begin visible at once.
	Commit() error
	// Abort discards the files created since Begin.
	Abort()
}

// folderSink is the optional capability of a sink backed by a folder: the
// sweep keeps its checkpoint there, so that it can resume.
type folderSink interface {
	Folder() string
	// force says whether a folder holding a sweep may be started over.
	force() bool
}

// sinkFolder returns the folder of sink, or "" when it has none.
func sinkFolder(s Sink) string {
	if f, ok := s.(folderSink); ok {
		return f.Folder()
	}
	return ""
}

// DirSink writes the files into the folder Dir through outdir: each into a
// hidden staging folder beside Dir, which Commit swaps in for Dir, so
// nothing of an earlier result survives and a reader never sees a mixture.
type DirSink struct {
	// Dir is the output folder.
	Dir string
	// Force allows replacing a Dir that is not empty, if it is a folder
	// legolab wrote of the result's kind holding only its own files (see
	// outdir.Stage).
	Force bool
	// Version is the legolab version recorded in the folder's manifest.
	Version string

	out *outdir.Dir
	// kind overrides the folder kind derived from Begin's marker (a
	// shard's).
	kind string
	// lk is the folder's lock; beganLock says Begin took it, and so Abort
	// releases it.
	lk        *outdir.Lock
	beganLock bool
}

// lock takes Dir's exclusive lock, unless held; see outdir.LockExclusive.
func (d *DirSink) lock() error {
	if d.lk != nil {
		return nil
	}
	if d.Dir == "" {
		return errors.New("lab: no output directory")
	}
	if err := outdir.CheckOut(d.Dir); err != nil {
		return err
	}
	lk, err := outdir.LockExclusive(d.Dir)
	if err != nil {
		return err
	}
	d.lk = lk
	return nil
}

// unlock releases the lock taken by lock.
func (d *DirSink) unlock() {
	d.lk.Release()
	d.lk, d.beganLock = nil, false
}

// Folder returns Dir.
func (d *DirSink) Folder() string { return d.Dir }

func (d *DirSink) force() bool { return d.Force }

// Begin stages Dir; see outdir.Stage.
func (d *DirSink) Begin(marker string, owned bool) error {
	if d.Dir == "" {
		return errors.New("lab: no output directory")
	}
	if d.out != nil {
		panic("lab: DirSink.Begin called before the previous result was committed or aborted")
	}
	if d.lk == nil {
		if err := d.lock(); err != nil {
			return err
		}
		d.beganLock = true
	}
	opt := outdir.Options{Force: d.Force || owned, Kind: outdir.KindRun, Version: d.Version}
	if marker == CheckpointFile {
		opt.Kind, opt.Replace = outdir.KindSweep, sweepKinds
	}
	if d.kind != "" {
		opt.Kind = d.kind
	}
	out, err := outdir.Stage(d.Dir, opt)
	if err != nil {
		if d.beganLock {
			d.unlock()
		}
		return err
	}
	d.out = out
	return nil
}

// Create starts a staged file, written atomically.
func (d *DirSink) Create(name string) (io.WriteCloser, error) {
	f, err := d.out.Create(name)
	if err != nil {
		return nil, err
	}
	return committer{f}, nil
}

// committer closes an outdir.File by committing it.
type committer struct{ *outdir.File }

func (c committer) Close() error { return c.Commit() }

// Open reads back a staged file.
func (d *DirSink) Open(name string) (fs.File, error) {
	return os.DirFS(d.out.Staging).Open(name)
}

// Commit swaps the staged folder in for Dir.
func (d *DirSink) Commit() error { return d.out.Commit() }

// Abort removes the staged folder; Dir is untouched. After Commit it only
// readies the sink for another Begin.
func (d *DirSink) Abort() {
	if d.out != nil {
		d.out.Abort()
		d.out = nil
	}
	if d.beganLock {
		d.unlock()
	}
}

// MemorySink keeps the files in memory, for a program that wants the
// results without writing files. It holds one result: Begin clears it.
type MemorySink struct {
	files map[string][]byte
	names []string
	// mu guards staged, which files being closed at once fill.
	mu        sync.Mutex
	staged    map[string][]byte
	stagedAt  []string // in the order created
	committed bool
}

// Begin starts a result, dropping any earlier one.
func (m *MemorySink) Begin(marker string, owned bool) error {
	m.files, m.names, m.committed = nil, nil, false
	m.staged, m.stagedAt = map[string][]byte{}, nil
	return nil
}

// Create starts a file kept in memory.
func (m *MemorySink) Create(name string) (io.WriteCloser, error) {
	if !fs.ValidPath(name) || name == "." {
		return nil, fmt.Errorf("lab: output file name %q is not a local path", name)
	}
	m.mu.Lock()
	if !slices.Contains(m.stagedAt, name) {
		m.stagedAt = append(m.stagedAt, name)
	}
	m.mu.Unlock()
	return &memFile{m: m, name: name}, nil
}

type memFile struct {
	m    *MemorySink
	name string
	bytes.Buffer
}

func (f *memFile) Close() error {
	f.m.mu.Lock()
	f.m.staged[f.name] = f.Bytes()
	f.m.mu.Unlock()
	return nil
}

// Open reads back a file created since Begin, committed or not.
func (m *MemorySink) Open(name string) (fs.File, error) {
	src := m.staged
	if m.committed {
		src = m.files
	}
	fsys := fstest.MapFS{}
	for n, b := range src {
		fsys[n] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return fsys.Open(path.Clean(name))
}

// Commit makes the files visible to File and Names.
func (m *MemorySink) Commit() error {
	// A file created but never closed is not a result.
	names := slices.DeleteFunc(m.stagedAt, func(n string) bool { _, ok := m.staged[n]; return !ok })
	m.files, m.names, m.committed = m.staged, names, true
	return nil
}

// Abort drops the files created since Begin.
func (m *MemorySink) Abort() {
	if !m.committed {
		m.staged, m.stagedAt = map[string][]byte{}, nil
	}
}

// Names returns the names of the committed files in the order they were
// created.
func (m *MemorySink) Names() []string { return append([]string(nil), m.names...) }

// File returns the content of a committed file, or nil.
func (m *MemorySink) File(name string) []byte { return m.files[name] }
