package lab

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is one of Count parts of a sweep: point i belongs to shard
// (i mod Count) + 1. Index is 1-based, as in `--shard 2/4`; the zero value
// is the whole sweep (shard 1/1). Round-robin assignment keeps the shards'
// loads even whatever the design's structure, and needs nothing but the
// point's index, so every machine agrees on it.
type Shard struct {
	Index, Count int
}

// norm returns s with the zero value replaced by 1/1.
func (s Shard) norm() Shard {
	if s.Count == 0 {
		return Shard{Index: 1, Count: 1}
	}
	return s
}

// Has reports whether point i belongs to the shard.
func (s Shard) Has(i int) bool {
	s = s.norm()
	return i%s.Count == s.Index-1
}

// String formats the shard as K/N.
func (s Shard) String() string {
	s = s.norm()
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Valid reports a shard out of range.
func (s Shard) Valid() error {
	if s.Count == 0 && s.Index == 0 {
		return nil
	}
	if s.Count < 1 || s.Index < 1 || s.Index > s.Count {
		return fmt.Errorf("shard %d/%d: want K/N with 1 <= K <= N", s.Index, s.Count)
	}
	return nil
}

// ParseShard parses "K/N" (1 <= K <= N).
func ParseShard(text string) (Shard, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(text), "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want K/N, e.g. 2/4 (or auto)", text)
	}
	ki, err1 := strconv.Atoi(strings.TrimSpace(k))
	ni, err2 := strconv.Atoi(strings.TrimSpace(n))
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want K/N with whole numbers, e.g. 2/4", text)
	}
	s := Shard{Index: ki, Count: ni}
	// Valid lets the zero value through (the whole sweep); a written 0/0
	// is not a shard.
	if ki < 1 || ni < 1 || ki > ni {
		return Shard{}, fmt.Errorf("shard %q: want K/N with 1 <= K <= N", text)
	}
	return s, nil
}

// ShardFromEnv finds this process's shard in the environment of the batch
// engine that started it, for `--shard auto`; getenv is os.Getenv in
// production. count is --shard-count (0 when not given); an exported
// LEGOLAB_SHARD_COUNT gives the count too, and the two must agree. It returns
// the shard and where it came from. In order:
//
//   - Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based); the count is
//     the Job's completions, which the pod cannot see, so it must be passed
//     (--shard-count or LEGOLAB_SHARD_COUNT).
//   - Slurm job array, with a count given: the task ID is the shard K
//     itself, so the array must be numbered 1..N (sbatch --array=1-N), and a
//     task resubmitted alone (sbatch --array=5) or a few at a time keeps its
//     shard. deploy/slurm/ exports LEGOLAB_SHARD_COUNT for this.
//   - Slurm job array, without a count: SLURM_ARRAY_TASK_ID,
//     SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN (and
//     SLURM_ARRAY_TASK_STEP when the array has a step): shard
//     (ID − MIN)/STEP + 1 of COUNT. A one-task array is refused: it is
//     almost always one task of a larger array resubmitted alone, and its
//     count of 1 says nothing about the sweep's.
//   - GitHub Actions matrix, or anything else: LEGOLAB_SHARD_INDEX (0-based,
//     e.g. ${{ strategy.job-index }}) and the count.
func ShardFromEnv(getenv func(string) string, count int) (Shard, string, error) {
	num := func(name string) (int, bool, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, true, fmt.Errorf("%s=%q is not a whole number", name, v)
		}
		return n, true, nil
	}
	finish := func(s Shard, src string) (Shard, string, error) {
		if s.Count < 1 || s.Index < 1 || s.Index > s.Count {
			return Shard{}, src, fmt.Errorf("%s: shard %d/%d: want K/N with 1 <= K <= N", src, s.Index, s.Count)
		}
		if err := s.Valid(); err != nil {
			return Shard{}, src, fmt.Errorf("%s: %v", src, err)
		}
		return s, src, nil
	}

	// The count the user gave, from the flag or LEGOLAB_SHARD_COUNT; 0 if
	// neither.
	if count < 0 {
		return Shard{}, "--shard-count", fmt.Errorf("--shard-count %d: want at least 1", count)
	}
	envCount, okCount, err := num("LEGOLAB_SHARD_COUNT")
	if err != nil {
		return Shard{}, "LEGOLAB_SHARD_COUNT", err
	}
	if okCount {
		if envCount < 1 {
			return Shard{}, "LEGOLAB_SHARD_COUNT", fmt.Errorf("LEGOLAB_SHARD_COUNT=%d: want at least 1", envCount)
		}
		if count > 0 && count != envCount {
			return Shard{}, "LEGOLAB_SHARD_COUNT", fmt.Errorf("--shard-count %d disagrees with LEGOLAB_SHARD_COUNT=%d", count, envCount)
		}
		count = envCount
	}

	if idx, ok, err := num("JOB_COMPLETION_INDEX"); ok || err != nil {
		const src = "Kubernetes Indexed Job (JOB_COMPLETION_INDEX)"
		if err != nil {
			return Shard{}, src, err
		}
		if count < 1 {
			return Shard{}, src, fmt.Errorf("%s: pass the Job's completions as --shard-count or LEGOLAB_SHARD_COUNT", src)
		}
		return finish(Shard{Index: idx + 1, Count: count}, src)
	}
	if id, ok, err := num("SLURM_ARRAY_TASK_ID"); ok || err != nil {
		const src = "Slurm job array (SLURM_ARRAY_TASK_ID)"
		if err != nil {
			return Shard{}, src, err
		}
		n, okN, err := num("SLURM_ARRAY_TASK_COUNT")
		if err != nil {
			return Shard{}, src, err
		}
		lo, okMin, err := num("SLURM_ARRAY_TASK_MIN")
		if err != nil {
			return Shard{}, src, err
		}
		if count > 0 {
			// The task ID is the shard: a resubmitted task keeps it.
			if okMin && lo == 0 {
				return Shard{}, src, fmt.Errorf("%s: the array starts at task 0; with a shard count (%d) its task IDs are the shards, so number it 1..%d (sbatch --array=1-%d)", src, count, count, count)
			}
			if okN && n > count {
				return Shard{}, src, fmt.Errorf("%s: the array of %d tasks (SLURM_ARRAY_TASK_COUNT) disagrees with the sweep's %d shards", src, n, count)
			}
			if id < 1 || id > count {
				return Shard{}, src, fmt.Errorf("%s: task %d is not a shard 1..%d; with a shard count the array's task IDs are the shards (sbatch --array=1-%d)", src, id, count, count)
			}
			return finish(Shard{Index: id, Count: count}, src)
		}
		if !okN {
			return Shard{}, src, fmt.Errorf("%s: SLURM_ARRAY_TASK_COUNT is not set", src)
		}
		if !okMin {
			return Shard{}, src, fmt.Errorf("%s: SLURM_ARRAY_TASK_MIN is not set", src)
		}
		if n == 1 {
			return Shard{}, src, fmt.Errorf("%s: a one-task array (task %d) cannot tell the sweep's shard count; export LEGOLAB_SHARD_COUNT or pass --shard-count, and the task ID is then the shard", src, id)
		}
		step, okStep, err := num("SLURM_ARRAY_TASK_STEP")
		if err != nil {
			return Shard{}, src, err
		}
		if !okStep || step < 1 {
			step = 1
		}
		if id < lo || (id-lo)%step != 0 {
			return Shard{}, src, fmt.Errorf("%s: task %d is not on the array's step %d from %d", src, id, step, lo)
		}
		return finish(Shard{Index: (id-lo)/step + 1, Count: n}, src)
	}
	if idx, ok, err := num("LEGOLAB_SHARD_INDEX"); ok || err != nil {
		const src = "LEGOLAB_SHARD_INDEX"
		if err != nil {
			return Shard{}, src, err
		}
		if count < 1 {
			return Shard{}, src, fmt.Errorf("%s: set LEGOLAB_SHARD_COUNT or --shard-count", src)
		}
		if idx < 0 || idx >= count {
			return Shard{}, src, fmt.Errorf("%s=%d is outside 0..%d for %d shards (the index is 0-based)", src, idx, count-1, count)
		}
		return finish(Shard{Index: idx + 1, Count: count}, src)
	}
	return Shard{}, "", fmt.Errorf("--shard auto: no shard in the environment (looked for JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, LEGOLAB_SHARD_INDEX)")
}
