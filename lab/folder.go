package lab

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/legolab/legolab/internal/outdir"
)

// Output folders: every folder legolab writes carries a manifest
// (outdir.ManifestFile) naming its kind and the files legolab wrote, and
// every command holds a lock on the folder it works in (see
// docs/outputs.md, "Ownership and locks"). This file opens them.

// sweepKinds are the kinds of folder a sweep may resume, start over or
// replace: a sweep's and a shard's.
var sweepKinds = []string{outdir.KindSweep, outdir.KindShard}

// checkKinds are the folders check reads; report reads calibrations too.
var (
	checkKinds  = []string{outdir.KindRun, outdir.KindSweep, outdir.KindShard}
	reportKinds = append(slices.Clone(checkKinds), outdir.KindCalibration)
)

// openToRead opens dir, a folder of one of kinds, for reading, as report
// and check do: it must be a directory legolab wrote (a foreign one is not
// read), and a reader's lock is held until release is called, so a folder
// being written is refused at once.
func openToRead(dir string, kinds ...string) (m *outdir.Manifest, release func(), err error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, nil, err
	} else if !st.IsDir() {
		return nil, nil, fmt.Errorf("%s is not a directory", dir)
	}
	lk, err := outdir.LockShared(dir)
	if err != nil {
		return nil, nil, err
	}
	if m, err = outdir.Owned(dir, kinds...); err != nil {
		lk.Release()
		return nil, nil, err
	}
	return m, lk.Release, nil
}

// kindOf is the folder kind of a sweep's identity.
func kindOf(id sweepIdentity) string {
	if id.Shards > 1 {
		return outdir.KindShard
	}
	return outdir.KindSweep
}

// openSweepFolder readies dir for a sweep's checkpoint, under the
// caller's lock: a missing or empty dir is created and marked as the
// sweep's; an existing one must be a sweep or shard folder legolab wrote,
// with no link inside, and loses the temporary files a killed sweep left.
func openSweepFolder(dir string, id sweepIdentity) error {
	return openWorkFolder(dir, sweepKinds, func() error { return markSweepDir(dir, id) })
}

// openWorkFolder readies dir for a command's checkpoint, under the
// caller's lock: a missing or empty dir is created and marked by mark; an
// existing one must be a folder legolab wrote of one of kinds, with no
// link inside, and loses the temporary files a killed command left.
func openWorkFolder(dir string, kinds []string, mark func() error) error {
	dir = filepath.Clean(dir)
	// A kill in the middle of the last commit may have left the folder,
	// checkpoint and all, under a hidden name.
	if err := outdir.Recover(dir); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	case !fi.IsDir():
		return outdir.CheckOut(dir) // says what it is
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return mark()
	}
	if _, err := outdir.Owned(dir, kinds...); err != nil {
		return err
	}
	// A killed command may have left temporary files of its checkpoint.
	return outdir.RemoveStaleTemp(dir)
}

// markSweepDir writes the manifest of a sweep folder that holds only its
// checkpoint, before the checkpoint is written.
func markSweepDir(dir string, id sweepIdentity) error {
	return outdir.WriteManifest(dir, &outdir.Manifest{Kind: kindOf(id), Version: id.Version, Files: []string{CheckpointFile}})
}

// prepareSweepDir refuses a non-empty dir that is not a sweep folder
// legolab wrote (or holds files it did not write), and a sweep folder
// unless force, saying hint; with force it removes the files the folder's
// manifest lists, and only those, so that nothing of the previous sweep
// can be mistaken for the new one's, and marks it for id.
func prepareSweepDir(dir string, id sweepIdentity, force bool, hint string) error {
	owned, err := checkSweepDir(dir, force, hint)
	if err != nil {
		return err
	}
	if owned {
		if err := outdir.Empty(dir, sweepKinds...); err != nil {
			return err
		}
	}
	return markSweepDir(dir, id)
}

// checkSweepDir refuses a non-empty dir that is not a sweep folder
// legolab wrote holding only its own files, and such a folder unless
// force, saying hint. owned says dir holds such a folder's files; a
// missing dir, or one holding only a manifest, holds none.
func checkSweepDir(dir string, force bool, hint string) (owned bool, err error) {
	return checkWorkDir(dir, sweepKinds, "a sweep", force, hint)
}

// checkWorkDir is checkSweepDir for folders of kinds, what naming their
// content in the refusal ("a sweep", "a calibration").
func checkWorkDir(dir string, kinds []string, what string, force bool, hint string) (owned bool, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if len(entries) == 0 || (len(entries) == 1 && entries[0].Name() == outdir.ManifestFile) {
		if len(entries) == 1 {
			if _, err := outdir.Owned(dir, kinds...); err != nil {
				return false, err
			}
		}
		return false, nil
	}
	if _, err := outdir.CheckReplace(dir, kinds...); err != nil {
		return false, err
	}
	if !force {
		return false, fmt.Errorf("%s already holds %s; %s", dir, what, hint)
	}
	return true, nil
}

// locker is a sink that can hold its folder's lock for longer than one
// Begin…Commit: a sweep holds it from its checkpoint to its outputs.
type locker interface {
	lock() error
	unlock()
}
