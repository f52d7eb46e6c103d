package lab

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShardFromEnvCount covers the shard count given by --shard-count or an
// exported LEGOLAB_SHARD_COUNT: a Slurm task resubmitted alone keeps its
// shard, and counts or indices out of range are refused with the variable's
// name in the message.
func TestShardFromEnvCount(t *testing.T) {
	slurm := func(id, n, lo string, more ...string) map[string]string {
		env := map[string]string{"SLURM_ARRAY_TASK_ID": id, "SLURM_ARRAY_TASK_COUNT": n, "SLURM_ARRAY_TASK_MIN": lo}
		for i := 0; i+1 < len(more); i += 2 {
			env[more[i]] = more[i+1]
		}
		return env
	}
	for _, c := range []struct {
		name  string
		env   map[string]string
		count int
		want  Shard
		err   string
	}{
		{"slurm full array, env count", slurm("3", "4", "1", "LEGOLAB_SHARD_COUNT", "4"), 0, Shard{3, 4}, ""},
		{"slurm resubmitted alone, env count", slurm("3", "1", "3", "LEGOLAB_SHARD_COUNT", "4"), 0, Shard{3, 4}, ""},
		{"slurm resubmitted alone, flag count", slurm("2", "1", "2"), 4, Shard{2, 4}, ""},
		{"slurm two resubmitted", slurm("4", "2", "2", "LEGOLAB_SHARD_COUNT", "4"), 0, Shard{4, 4}, ""},
		{"slurm stepped, env count", slurm("3", "2", "1", "SLURM_ARRAY_TASK_STEP", "2", "LEGOLAB_SHARD_COUNT", "4"), 0, Shard{3, 4}, ""},
		{"slurm one-task array without count", slurm("3", "1", "3"), 0, Shard{}, "one-task array"},
		{"slurm task beyond count", slurm("5", "1", "5", "LEGOLAB_SHARD_COUNT", "4"), 0, Shard{}, "task 5 is not a shard 1..4"},
		{"slurm array from 0 with count", slurm("0", "4", "0", "LEGOLAB_SHARD_COUNT", "4"), 0, Shard{}, "starts at task 0"},
		{"slurm task 2 of an array from 0 with count", slurm("2", "4", "0", "LEGOLAB_SHARD_COUNT", "4"), 0, Shard{}, "starts at task 0"},
		{"slurm array larger than count", slurm("1", "8", "1", "LEGOLAB_SHARD_COUNT", "4"), 0, Shard{}, "disagrees"},
		{"slurm below MIN", slurm("1", "4", "2"), 0, Shard{}, "not on the array's step"},
		{"env count zero", map[string]string{"LEGOLAB_SHARD_INDEX": "0", "LEGOLAB_SHARD_COUNT": "0"}, 0, Shard{}, "LEGOLAB_SHARD_COUNT=0: want at least 1"},
		{"env count negative", slurm("1", "4", "1", "LEGOLAB_SHARD_COUNT", "-2"), 0, Shard{}, "LEGOLAB_SHARD_COUNT=-2"},
		{"env count not a number", slurm("1", "4", "1", "LEGOLAB_SHARD_COUNT", "four"), 0, Shard{}, "not a whole number"},
		{"flag count negative", map[string]string{"LEGOLAB_SHARD_INDEX": "0"}, -1, Shard{}, "--shard-count -1"},
		{"flag and env disagree", map[string]string{"LEGOLAB_SHARD_INDEX": "0", "LEGOLAB_SHARD_COUNT": "3"}, 4, Shard{}, "disagrees with LEGOLAB_SHARD_COUNT=3"},
		{"flag and env agree", map[string]string{"LEGOLAB_SHARD_INDEX": "2", "LEGOLAB_SHARD_COUNT": "3"}, 3, Shard{3, 3}, ""},
		{"index at count", map[string]string{"LEGOLAB_SHARD_INDEX": "3", "LEGOLAB_SHARD_COUNT": "3"}, 0, Shard{}, "LEGOLAB_SHARD_INDEX=3 is outside 0..2"},
		{"index negative", map[string]string{"LEGOLAB_SHARD_INDEX": "-1", "LEGOLAB_SHARD_COUNT": "3"}, 0, Shard{}, "outside 0..2"},
		{"index without count", map[string]string{"LEGOLAB_SHARD_INDEX": "1"}, 0, Shard{}, "set LEGOLAB_SHARD_COUNT or --shard-count"},
		{"kubernetes, env count", map[string]string{"JOB_COMPLETION_INDEX": "1", "LEGOLAB_SHARD_COUNT": "2"}, 0, Shard{2, 2}, ""},
		{"kubernetes negative", map[string]string{"JOB_COMPLETION_INDEX": "-1"}, 2, Shard{}, "1 <= K <= N"},
	} {
		got, _, err := ShardFromEnv(func(k string) string { return c.env[k] }, c.count)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s: got %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}

// TestMergeShardNotStarted checks that an empty shard folder, as a Slurm
// task that never ran leaves it, is named as not started.
func TestMergeShardNotStarted(t *testing.T) {
	dir := t.TempDir()
	_, err := MergeSweep([]string{dir}, t.TempDir(), false, false)
	if err == nil || !strings.Contains(err.Error(), "this shard has not started") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("err = %v; want it to name %s as not started", err, dir)
	}
}

// TestMergeNamesEveryIncompleteShard checks that one failed merge names all
// that is wrong at once: a shard folder without a checkpoint, the shard
// that is therefore missing, and a shard cut off mid-run, so that the user
// re-runs them together.
func TestMergeNamesEveryIncompleteShard(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	root := t.TempDir()
	one := filepath.Join(root, "shard-1")
	s := openTestSweep(t, path, &sweepFake{}, one, 1)
	s.Shard = Shard{Index: 1, Count: 3}
	s.Run(context.Background())
	empty := filepath.Join(root, "shard-2")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	torn := filepath.Join(root, "shard-3")
	ctx, cancel := context.WithCancel(context.Background())
	s = openTestSweep(t, path, &sweepFake{cancelAfter: 6, cancel: cancel}, torn, 1)
	s.Shard = Shard{Index: 3, Count: 3}
	s.Run(ctx)
	_, err := MergeSweep([]string{one, empty, torn}, filepath.Join(root, "merged"), false, false)
	if err == nil {
		t.Fatal("merged with shard 2 absent and shard 3 torn")
	}
	for _, want := range []string{empty + ": no checkpoint.jsonl: this shard has not started", "missing shard 2/3", torn + " (shard 3/3) is unfinished"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v\nwant it to contain %q", err, want)
		}
	}
}
