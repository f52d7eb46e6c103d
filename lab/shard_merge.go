package lab

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sweeps"
)

// MergeSweep combines the folders of a sweep's shards (each written by
// `legolab sweep --shard K/N`) into out, writing the same files, byte for
// byte, as running the whole sweep in one process would. It refuses
// folders of different computations (sweep file, base scenario, seed,
// replications or legolab version: it says which, and where), a missing or
// duplicated shard, and a shard that has not finished (resume it first).
// With plots false the charts and report.html are left out. An out that
// is not empty is refused unless force is set and it is a sweep folder.
func MergeSweep(dirs []string, out string, plots, force bool) (*metrics.SweepSummary, error) {
	return MergeSweepContext(context.Background(), dirs, out, plots, force)
}

// MergeSweepContext is MergeSweep stopped by ctx: when ctx is done while
// the shards are read, the sensitivity bootstrapped or the charts drawn,
// it returns an error wrapping ctx's, and out is left as it was (the
// shards are only read).
func MergeSweepContext(ctx context.Context, dirs []string, out string, plots, force bool) (*metrics.SweepSummary, error) {
	if len(dirs) == 0 {
		return nil, errors.New("merge: no shard folders given")
	}
	type shardDir struct {
		dir  string
		id   *sweepIdentity
		rows []*PointRow
	}
	// Checked before anything is read or computed: --out must be
	// writable, none of the shards, and this command's alone.
	if err := outdir.CheckOut(out); err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if same, _ := sameDir(d, out); same {
			return nil, fmt.Errorf("merge: --out %s is one of the shard folders", out)
		}
	}
	sink := &DirSink{Dir: out, Force: force, kind: outdir.KindSweep}
	if err := sink.lock(); err != nil {
		return nil, err
	}
	defer sink.unlock()
	if _, err := checkSweepDir(out, force, "use --force to replace it"); err != nil {
		return nil, err
	}
	var shards []shardDir
	var errs, absent []error
	for _, d := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("merge: interrupted while reading the shards: %w", err)
		}
		if isEmptyOrMissing(d) {
			// A task that never started leaves an empty folder, or none.
			absent = append(absent, fmt.Errorf("%s: no %s: this shard has not started (or the folder is not a shard's); run it with `legolab sweep ... --shard K/N --out %s --resume`", d, CheckpointFile, d))
			continue
		}
		// Readers share the shard's lock: a shard still being written is
		// refused at once.
		lk, err := outdir.LockShared(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		defer lk.Release()
		if _, err := outdir.Owned(d, sweepKinds...); err != nil {
			errs = append(errs, err)
			continue
		}
		id, rows, err := readCheckpointFile(filepath.Join(d, CheckpointFile))
		if errors.Is(err, fs.ErrNotExist) {
			// A task that never started leaves an empty folder, or none:
			// reported with the unfinished shards below, so that one
			// failed merge names every shard to re-run.
			absent = append(absent, fmt.Errorf("%s: no %s: this shard has not started (or the folder is not a shard's); run it with `legolab sweep ... --shard K/N --out %s --resume`", d, CheckpointFile, d))
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d, err))
			continue
		}
		shards = append(shards, shardDir{d, id, rows})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(shards) == 0 {
		return nil, errors.Join(absent...)
	}
	ref := shards[0]
	byIndex := map[int]string{}
	for _, sd := range shards {
		if sd.dir != ref.dir {
			if field, got, want := ref.id.mismatch(*sd.id); field != "" {
				errs = append(errs, fmt.Errorf("%s is not a shard of the same sweep as %s: different %s (%s there, %s in %s)", sd.dir, ref.dir, field, got, want, ref.dir))
				continue
			}
			if sd.id.Shards != ref.id.Shards {
				errs = append(errs, fmt.Errorf("%s is shard %d/%d but %s is of %d shards", sd.dir, sd.id.Shard, sd.id.Shards, ref.dir, ref.id.Shards))
				continue
			}
		}
		if prev, dup := byIndex[sd.id.Shard]; dup {
			errs = append(errs, fmt.Errorf("%s and %s are both shard %d/%d", prev, sd.dir, sd.id.Shard, sd.id.Shards))
			continue
		}
		byIndex[sd.id.Shard] = sd.dir
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var missing []string
	for k := 1; k <= ref.id.Shards; k++ {
		if _, ok := byIndex[k]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", k, ref.id.Shards))
		}
	}
	errs = absent
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("merge: missing shard %s (given %d of %d shard folders)", strings.Join(missing, ", "), len(shards), ref.id.Shards))
	}

	rows := make([]*PointRow, ref.id.Points)
	for _, sd := range shards {
		sh := Shard{Index: sd.id.Shard, Count: sd.id.Shards}
		for _, r := range sd.rows {
			if r.Index < 0 || r.Index >= len(rows) || !sh.Has(r.Index) {
				errs = append(errs, fmt.Errorf("%s: point %d does not belong to shard %s", sd.dir, r.Index, sh))
				break
			}
			if rows[r.Index] == nil {
				rows[r.Index] = r
			}
		}
		want, have := 0, 0
		for i := range rows {
			if sh.Has(i) {
				want++
				if rows[i] != nil {
					have++
				}
			}
		}
		if have < want {
			errs = append(errs, fmt.Errorf("%s (shard %s) is unfinished: %d of its %d points done; finish it with `legolab sweep ... --shard %s --resume`", sd.dir, sh, have, want, sh))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	s, points, err := sweepFromFolder(ref.dir, ref.id, len(rows))
	if err != nil {
		return nil, err
	}
	id := *ref.id
	id.Shard, id.Shards = 1, 1
	o := &sweepOutput{
		file: s.File, source: s.Source, inputs: s.inputs, baseTOML: s.BaseTOML, base: s.Base, id: id,
		points: points, rows: rows, outcomes: s.Outcomes, warnings: s.warnings, plots: plots, ctx: ctx,
	}
	files, sum, err := o.files()
	if err != nil {
		return nil, err
	}
	sink.Version = id.Version
	if err := commitFiles(ctx, sink, false, files); err != nil {
		return nil, err
	}
	return sum, nil
}

// sweepFromFolder rebuilds a Sweep from a sweep or shard folder: its
// sweep.toml and scenario.toml, checked against the checkpoint's identity,
// with the checkpoint's name, seed and replications (which the command line
// may have overridden). It returns the design's points too, checked to
// number n, the checkpoint's row count.
func sweepFromFolder(dir string, id *sweepIdentity, n int) (*Sweep, []sweeps.Point, error) {
	src, err := scenarios.ReadFileLimited(filepath.Join(dir, SweepFile))
	if err != nil {
		return nil, nil, err
	}
	if swHash(src) != id.SHA256 {
		return nil, nil, fmt.Errorf("%s: %s does not match the checkpoint's sweep (sha256 differs)", dir, SweepFile)
	}
	baseTOML, err := scenarios.ReadFileLimited(filepath.Join(dir, reports.ScenarioFile))
	if err != nil {
		return nil, nil, err
	}
	if swHash(baseTOML) != id.ScenarioSHA256 {
		return nil, nil, fmt.Errorf("%s: %s does not match the checkpoint's base scenario (sha256 differs)", dir, reports.ScenarioFile)
	}
	file, err := sweeps.Parse(src, filepath.Join(dir, SweepFile))
	if err != nil {
		return nil, nil, err
	}
	file.Name, file.Seed, file.Replications = id.Sweep, id.Seed, id.Replications
	base, err := scenarios.Parse(filepath.Join(dir, reports.ScenarioFile), baseTOML)
	if err != nil {
		return nil, nil, err
	}
	s, err := NewSweep(file, src, base)
	if err != nil {
		return nil, nil, err
	}
	s.BaseTOML = baseTOML
	s.Version = id.Version
	if !slices.Equal(s.Variants, id.Variants) {
		return nil, nil, fmt.Errorf("%s: the sweep runs variants %v, the checkpoint holds %v", dir, s.Variants, id.Variants)
	}
	points, err := s.File.Points()
	if err != nil {
		return nil, nil, err
	}
	if len(points) != n {
		return nil, nil, fmt.Errorf("%s: the sweep file gives %d points, the checkpoint %d", dir, len(points), n)
	}
	return s, points, nil
}

// isEmptyOrMissing reports whether dir does not exist or is an empty
// directory.
func isEmptyOrMissing(dir string) bool {
	entries, err := os.ReadDir(dir)
	return errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0)
}

// sameDir reports whether a and b are the same directory.
func sameDir(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}
