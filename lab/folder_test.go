package lab

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/internal/outdir"
)

// TestMergeRefusesLockedFolders checks that merge is refused at once when
// a shard folder is being written, or its --out is held, by another
// command, and that a shard folder without a manifest is not read.
func TestMergeRefusesLockedFolders(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	root := t.TempDir()
	var shards []string
	for k := 1; k <= 2; k++ {
		dir := filepath.Join(root, "shard-"+string(rune('0'+k)))
		s := openTestSweep(t, path, &sweepFake{}, dir, 1)
		s.Shard = Shard{Index: k, Count: 2}
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, dir)
	}
	out := filepath.Join(root, "merged")
	for _, held := range []string{shards[1], out} {
		lk, err := outdir.LockExclusive(held)
		if err != nil {
			t.Fatal(err)
		}
		_, err = MergeSweep(shards, out, false, false)
		lk.Release()
		if err == nil || !strings.Contains(err.Error(), "in use by pid") {
			t.Errorf("merge while %s is held: err %v; want it refused, the holder named", held, err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("merge while %s is held wrote %s (stat: %v)", held, out, err)
		}
	}
	// A shard folder stripped of its manifest (an earlier legolab's) is
	// refused, not read.
	if err := os.Remove(filepath.Join(shards[0], outdir.ManifestFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := MergeSweep(shards, out, false, false); err == nil || !strings.Contains(err.Error(), "no "+outdir.ManifestFile) {
		t.Errorf("merge of an unmarked shard: err %v", err)
	}
}
