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
	return s, s.Valid()
}

// ShardFromEnv finds this process's shard in the environment of the batch
// engine that started it, for `--shard auto`; getenv is os.Getenv in
// production. It returns the shard and where it came from. In order:
//
//   - Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based); the count is
//     the Job's completions, which the pod cannot see, so it must be passed
//     as count (--shard-count).
//   - Slurm job array: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT and
//     SLURM_ARRAY_TASK_MIN (and SLURM_ARRAY_TASK_STEP when the array has a
//     step): shard (ID − MIN)/STEP + 1 of COUNT.
//   - GitHub Actions matrix, or anything else: LEGOLAB_SHARD_INDEX (0-based,
//     e.g. ${{ strategy.job-index }}) and LEGOLAB_SHARD_COUNT (e.g.
//     ${{ strategy.job-total }}).
//
// A count given as an argument (> 0) must agree with the environment's.
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
	agree := func(src string, n int) error {
		if count > 0 && count != n {
			return fmt.Errorf("--shard-count %d disagrees with %s (%d shards)", count, src, n)
		}
		return nil
	}
	finish := func(s Shard, src string) (Shard, string, error) {
		if err := s.Valid(); err != nil {
			return Shard{}, src, fmt.Errorf("%s: %v", src, err)
		}
		return s, src, nil
	}

	if idx, ok, err := num("JOB_COMPLETION_INDEX"); ok || err != nil {
		const src = "Kubernetes Indexed Job (JOB_COMPLETION_INDEX)"
		if err != nil {
			return Shard{}, src, err
		}
		if count < 1 {
			return Shard{}, src, fmt.Errorf("%s: pass the Job's completions as --shard-count", src)
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
		if !okN {
			return Shard{}, src, fmt.Errorf("%s: SLURM_ARRAY_TASK_COUNT is not set", src)
		}
		lo, okMin, err := num("SLURM_ARRAY_TASK_MIN")
		if err != nil {
			return Shard{}, src, err
		}
		if !okMin {
			return Shard{}, src, fmt.Errorf("%s: SLURM_ARRAY_TASK_MIN is not set", src)
		}
		step, okStep, err := num("SLURM_ARRAY_TASK_STEP")
		if err != nil {
			return Shard{}, src, err
		}
		if !okStep || step < 1 {
			step = 1
		}
		if (id-lo)%step != 0 {
			return Shard{}, src, fmt.Errorf("%s: task %d is not on the array's step %d from %d", src, id, step, lo)
		}
		if err := agree(src, n); err != nil {
			return Shard{}, src, err
		}
		return finish(Shard{Index: (id-lo)/step + 1, Count: n}, src)
	}
	if idx, ok, err := num("LEGOLAB_SHARD_INDEX"); ok || err != nil {
		const src = "LEGOLAB_SHARD_INDEX"
		if err != nil {
			return Shard{}, src, err
		}
		n, okN, err := num("LEGOLAB_SHARD_COUNT")
		if err != nil {
			return Shard{}, src, err
		}
		if !okN {
			if count < 1 {
				return Shard{}, src, fmt.Errorf("%s: set LEGOLAB_SHARD_COUNT or --shard-count", src)
			}
			n = count
		}
		if err := agree(src, n); err != nil {
			return Shard{}, src, err
		}
		return finish(Shard{Index: idx + 1, Count: n}, src)
	}
	return Shard{}, "", fmt.Errorf("--shard auto: no shard in the environment (looked for JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, LEGOLAB_SHARD_INDEX)")
}
