package lab

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/metrics/observe"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
	"github.com/legolab/legolab/sweeps"
)

// Sweep runs a parameter sweep: every point of a sweeps.File design,
// each variant at each point replicated on common random numbers, reduced
// point by point to one outcome row; then sensitivity indices from the rows.
//
// Point i's master seed derives from the sweep's seed and i alone (see
// PointSeed), and replication r of every variant at point i runs with that
// seed and index r. So any split of the points — one process, N shards,
// an interrupted run resumed — computes the same numbers, and the outputs
// are byte-identical.
type Sweep struct {
	// File is the parsed sweep file; its Seed and Replications are the ones
	// that run (the CLI's --seed and --replications write them here).
	File *sweeps.File
	// Source is the sweep file's text: hashed into the sweep's identity and
	// copied to sweep.toml.
	Source []byte
	// Base is the resolved base scenario and BaseTOML its encoding, copied
	// to scenario.toml.
	Base     *scenarios.Spec
	BaseTOML []byte
	// Variants are the variants run at every point, in the base scenario's
	// order; Outcomes the outcomes whose sensitivity is analysed. OpenSweep
	// resolves both from the file.
	Variants []string
	Outcomes []string

	// Jobs is the number of replications run at once; < 1 means 1. The
	// outputs do not depend on it.
	Jobs int
	// Shard selects the points this process runs; the zero value runs all.
	Shard Shard
	// Resume continues the checkpoint in the sink's folder instead of
	// starting over. Without it, the DirSink's Force allows starting over
	// in a folder that holds a sweep already; a non-empty folder that is
	// not a sweep folder is always refused.
	Resume bool
	// NoReport leaves out the charts (plots/) and report.html; the data
	// files and report.md are written all the same.
	NoReport bool
	// Version is the legolab version, part of the sweep's identity.
	Version string
	// Progress, when not nil, is called after each replication (all
	// variants of one replication index at one point) with the number done
	// and the total, counting points already in the checkpoint as done. It
	// is called from one goroutine at a time.
	Progress func(done, total int)
	// Warn, when not nil, receives warnings (one line each, no newline).
	Warn func(msg string)
	// Replicate runs one replication. Nil means the model's Replicate.
	Replicate ReplicateFunc
	// Fixed ignores the base scenario's priors. Without it, the priors on
	// keys the sweep does not vary are drawn per replication as in a run
	// (see sweepSpec), and a swept key's value overrides its prior.
	Fixed bool

	// inputs are the files besides the sweep file that it reads (a csv
	// design's points), copied beside sweep.toml so that the output folder
	// can be read back on its own.
	inputs []swInput
	// inputHashes hash every input file, copied or not: the identity's
	// Inputs.
	inputHashes []inputHash

	// warnings found while checking the sweep against its base scenario;
	// written without the file's path, since they go into summary.json.
	warnings []string
	// pointRuns counts points computed (not resumed) in this process;
	// open counts the points holding replications, maxOpen its peak: the
	// memory bound tests check.
	pointRuns     int
	open, maxOpen atomic.Int64
}

// SweepResult is what Sweep.Run produced.
type SweepResult struct {
	// Summary is the content of summary.json; nil for a shard of several.
	Summary *metrics.SweepSummary
	// Rows are the outcome rows of the points this process holds, by index.
	Rows []*PointRow
	// Computed counts the points computed in this run, Resumed those read
	// back from the checkpoint.
	Computed, Resumed int
	// Dir is the output directory; "" for a sink that is not a folder.
	Dir string
}

// OpenSweep reads the sweep file at path, opens its base scenario (a file
// relative to the sweep file, or a built-in) and checks the sweep against
// it: the variants exist, every parameter key path can be set over its
// whole range, the outcomes and assertions name real variants, parameters
// and measures. Every problem is reported at once, placed in the sweep
// file, in file order; see ReadSweep.
func OpenSweep(path string) (*Sweep, error) {
	src, err := scenarios.ReadFileLimited(path)
	if err != nil {
		return nil, err
	}
	return ReadSweep(src, path)
}

// ReadSweep is OpenSweep on a sweep file's contents; path names the file
// in messages and resolves a relative base scenario. It reports the file's
// own problems (sweeps.Decode), those against the base scenario
// (Sweep.CheckBase: unknown variants, key paths, ranges the scenario
// rejects) and the lab's (outcomes and [[expect]] assertions) together, so
// that one problem does not hide the others; legolab validate and legolab
// sweep both report through it. Only a file that does not decode at all,
// or names no base scenario, stops at its own problems; a base scenario
// that does not open is reported after the line that names it.
func ReadSweep(src []byte, path string) (*Sweep, error) {
	file, ferr := sweeps.Decode(src, path)
	if file == nil || file.Scenario == "" {
		return nil, ferr // a syntax or type error, or no scenario (DecodeSweep says it is required)
	}
	name := file.Scenario
	if p := file.ScenarioPath(); p != "" {
		name = p
	}
	base, berr := scenarios.Open(name)
	if berr != nil {
		at := file.ErrorAt("scenario", "cannot open the base scenario")
		var pe *scenarios.Error
		if !errors.As(at, &pe) {
			panic("lab: Sweep.ErrorAt did not return a *scenarios.Error")
		}
		return nil, swJoinAfter(swJoin(ferr, at), pe, berr)
	}
	return newSweep(file, src, base, ferr)
}

// NewSweep checks a parsed sweep file against its base scenario and
// returns the Sweep that runs it; the caller sets Out, Jobs and the rest.
// Every problem is reported at once, as ReadSweep does.
func NewSweep(file *sweeps.File, src []byte, base *scenarios.Spec) (*Sweep, error) {
	return newSweep(file, src, base, nil)
}

// newSweep is NewSweep for a file whose own problems, ferr, are already
// known: those of the base scenario and the lab are added to them.
func newSweep(file *sweeps.File, src []byte, base *scenarios.Spec, ferr error) (*Sweep, error) {
	s := &Sweep{File: file, Source: src, Base: base}
	// Unknown variants and parameters that cannot be set (at either end of
	// their range) are CheckBase's to report.
	errs := []error{ferr, file.CheckBase(base)}
	bad := func(key, format string, args ...any) {
		errs = append(errs, file.ErrorAt(key, fmt.Sprintf(format, args...)))
	}
	all := base.VariantNames()
	s.Variants = all
	if len(file.Variants) > 0 {
		s.Variants = slices.DeleteFunc(slices.Clone(all), func(n string) bool { return !slices.Contains(file.Variants, n) })
		if len(s.Variants) == 0 {
			// Every variant listed is unknown (reported): check the
			// outcomes and assertions against all of them instead, so
			// that they are not also reported as naming no variant.
			s.Variants = all
		}
	}
	s.Outcomes = file.Outcomes
	if len(s.Outcomes) == 0 {
		for _, v := range s.Variants {
			s.Outcomes = append(s.Outcomes, "p_by_horizon("+v+")", "rmst_days("+v+")")
		}
	}
	for i, o := range s.Outcomes {
		if err := s.checkOutcome(o); err != nil {
			bad(fmt.Sprintf("outcomes[%d]", i), "%v", err)
		}
	}
	for i, e := range file.Expect {
		if e.Assert == "" {
			continue // reported by DecodeSweep
		}
		if err := s.checkAssertion(e.Assert); err != nil {
			bad(fmt.Sprintf("expect[%d].assert", i), "%v", err)
		}
	}
	if err := swJoin(errs...); err != nil {
		return nil, err
	}
	s.warnings = maskedParams(base, file, s.Variants)
	inputs, warns, err := readInputs(file)
	if err != nil {
		return nil, err
	}
	s.inputs = inputs
	s.warnings = append(s.warnings, warns...)
	if s.inputHashes, err = hashInputs(file); err != nil {
		return nil, err
	}
	toml, err := base.Encode()
	if err != nil {
		return nil, fmt.Errorf("encoding the base scenario: %w", err)
	}
	s.BaseTOML = toml
	return s, nil
}

// swInput is one input file of a sweep: its name as the sweep file gives
// it (relative to the sweep file's directory) and its contents.
type swInput struct {
	name string
	data []byte
}

// readInputs reads the files a sweep reads besides its sweep file
// (sweeps.File.Inputs), for copying beside sweep.toml. An absolute path
// resolves to the same file from the copy, and is not copied; a relative
// path that leaves the sweep file's directory cannot be copied beside it,
// and is warned of.
func readInputs(file *sweeps.File) ([]swInput, []string, error) {
	var out []swInput
	var warns []string
	for _, name := range file.Inputs() {
		if filepath.IsAbs(name) {
			continue
		}
		if !filepath.IsLocal(name) {
			warns = append(warns, fmt.Sprintf("%s is outside the sweep file's folder, so it is not copied into the output folder, which then cannot be read back on its own", name))
			continue
		}
		if swReserved(filepath.ToSlash(name)) {
			warns = append(warns, fmt.Sprintf("%s has the name of an output file, so it is not copied into the output folder, which then cannot be read back on its own; rename it", name))
			continue
		}
		data, err := scenarios.ReadFileLimited(filepath.Join(file.Dir, name))
		if err != nil {
			return nil, nil, err
		}
		out = append(out, swInput{filepath.ToSlash(name), data})
	}
	return out, warns, nil
}

// hashInputs hashes every file the sweep reads besides its sweep file, in
// the order sweeps.File.Inputs gives them, for the sweep's identity.
func hashInputs(file *sweeps.File) ([]inputHash, error) {
	var out []inputHash
	for _, name := range file.Inputs() {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(file.Dir, name)
		}
		data, err := scenarios.ReadFileLimited(p)
		if err != nil {
			return nil, err
		}
		out = append(out, inputHash{Name: filepath.ToSlash(name), SHA256: swHash(data)})
	}
	return out, nil
}

// swReserved reports whether name is one of the files a sweep writes.
func swReserved(name string) bool {
	switch name {
	case CheckpointFile, SweepFile, reports.ScenarioFile, PointsFile, SensitivityFile, SweepSummaryFile, "report.html", "report.md":
		return true
	}
	return strings.HasPrefix(name, "plots/") || strings.HasPrefix(name, ".")
}

// swJoin joins the problems of a sweep file in file order (line, column),
// positionless ones last, dropping nils and exact duplicates; nil if there
// is none.
func swJoin(errs ...error) error {
	var list []*scenarios.Error
	seen := map[scenarios.Error]bool{}
	for _, err := range errs {
		for _, pe := range scenarios.Errors(err) {
			if !seen[*pe] {
				seen[*pe] = true
				list = append(list, pe)
			}
		}
	}
	if len(list) == 0 {
		return nil
	}
	slices.SortStableFunc(list, func(a, b *scenarios.Error) int {
		la, lb := a.Line, b.Line
		if la == 0 {
			la = math.MaxInt
		}
		if lb == 0 {
			lb = math.MaxInt
		}
		if la != lb {
			return cmp.Compare(la, lb)
		}
		return cmp.Compare(a.Col, b.Col)
	})
	out := make([]error, len(list))
	for i, pe := range list {
		out[i] = pe
	}
	return errors.Join(out...)
}

// swJoinAfter returns the problems of joined with those of extra placed
// right after the problem at (whose lines they explain: the base
// scenario's own problems, placed in another file).
func swJoinAfter(joined error, at *scenarios.Error, extra error) error {
	var out []error
	for _, pe := range scenarios.Errors(joined) {
		out = append(out, pe)
		if *pe == *at {
			for _, x := range scenarios.Errors(extra) {
				out = append(out, x)
			}
		}
	}
	return errors.Join(out...)
}

// maskedParams warns of parameters a variant overrides: set at the two
// ends of its range, the variant's resolved scenario is the same, so the
// sweep does not move it there (for any spelling of the key, aliases
// included).
func maskedParams(base *scenarios.Spec, file *sweeps.File, variants []string) []string {
	var out []string
	for j := range file.Params {
		p := &file.Params[j]
		lo, _ := p.At(0)
		hi, _ := p.At(1)
		if lo == hi {
			continue
		}
		a, b := base.Clone(), base.Clone()
		if a.Set(p.Key, sweepLiteral(p, lo)) != nil || b.Set(p.Key, sweepLiteral(p, hi)) != nil {
			continue
		}
		for _, v := range variants {
			va, errA := a.Variant(v)
			vb, errB := b.Variant(v)
			if errA != nil || errB != nil {
				continue
			}
			ta, errA := va.Encode()
			tb, errB := vb.Encode()
			if errA == nil && errB == nil && bytes.Equal(ta, tb) {
				out = append(out, fmt.Sprintf("params[%d].key: variant %s overrides %s, so the sweep does not move it there", j, v, p.Key))
			}
		}
	}
	return out
}

// sweepLiteral writes a parameter value as the TOML value Spec.Set takes:
// strings quoted, so that "true" or "30" in a list of strings stay strings.
func sweepLiteral(p *sweeps.Param, text string) string {
	if len(p.Values) > 0 {
		if _, ok := p.Values[0].(string); ok {
			return strconv.Quote(text)
		}
	}
	return text
}

// PointSeed returns the master seed of point i of a sweep with master seed
// seed: SplitMix64(seed XOR SplitMix64(i + φ)), the first key of
// sim.StreamKeys(seed, i, ·), or seed itself when common is true (common
// random numbers across points). It depends on nothing else, so shards and
// resumed runs agree.
func PointSeed(seed uint64, i int, common bool) uint64 {
	if common {
		return seed
	}
	k1, _ := sim.StreamKeys(seed, uint64(i), 0)
	return k1
}

// identity returns what makes two runs of the sweep the same computation.
func (s *Sweep) identity(points int) sweepIdentity {
	return sweepIdentity{
		Sweep:          s.File.Name,
		SHA256:         swHash(s.Source),
		ScenarioSHA256: swHash(s.BaseTOML),
		Seed:           s.File.Seed,
		Replications:   s.File.Replications,
		Points:         points,
		Version:        s.Version,
		Variants:       s.Variants,
		Fixed:          s.Fixed,
		Inputs:         s.inputHashes,
	}
}

func swHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Run runs the sweep's points of this shard that the checkpoint in the
// sink's folder does not hold yet, appending each to the checkpoint as it
// completes, and then writes the outputs into sink (see docs/sweeps.md):
// for the whole sweep, points.csv, sensitivity.csv, summary.json and the
// report; for one shard of several, its points.csv, for `legolab merge`.
// A DirSink's folder is then replaced as a whole by the finished outputs,
// checkpoint included. A sink that is not a folder (MemorySink) keeps no
// checkpoint, so the sweep cannot resume.
//
// Replications run in parallel, Jobs at a time, dispatched point-major so
// that points complete roughly in order and only the points in flight hold
// their replications: memory grows with the number of points, not with
// points × replications. When ctx is cancelled Run returns an error
// wrapping ctx.Err() and leaves the checkpoint holding every point that
// completed.
func (s *Sweep) Run(ctx context.Context, sink Sink) (*SweepResult, error) {
	if s.File == nil || s.Base == nil {
		return nil, errors.New("lab: sweep without a sweep file or base scenario")
	}
	if sink == nil {
		return nil, errors.New("lab: sweep without a sink")
	}
	if err := s.Shard.Valid(); err != nil {
		return nil, err
	}
	shard := s.Shard.norm()
	points, err := s.File.Points()
	if err != nil {
		return nil, err
	}
	specs := func(pt sweeps.Point) ([]*scenarios.Spec, error) { return s.pointSpecs(pt) }
	// Every point's scenario must be valid: find out before any CPU is
	// spent, and report the bad points at once (the first ten).
	var bad []error
	events := make([]float64, len(points)) // per replication, for the long-run warning
	for _, pt := range points {
		if !shard.Has(pt.Index) {
			continue
		}
		sp, err := specs(pt)
		if err != nil {
			if bad = append(bad, err); len(bad) == 10 {
				break
			}
			continue
		}
		events[pt.Index] = sweepEvents(sp)
	}
	if len(bad) > 0 {
		return nil, errors.Join(bad...)
	}
	// The observables of each variant, from point 0's scenario.
	first, err := specs(points[0])
	if err != nil {
		return nil, err
	}
	observables := make([][]string, len(s.Variants))
	for v, spec := range first {
		observables[v] = observe.Observables(spec)
	}
	id := s.identity(len(points))
	id.Shard, id.Shards = shard.Index, shard.Count
	id.Observables = observables
	for _, w := range s.warnings {
		s.warn(w)
	}

	rows := make([]*PointRow, len(points))
	dir, force := "", false
	if f, ok := sink.(folderSink); ok {
		dir, force = f.Folder(), f.force()
	}
	var ckpt *checkpoint
	resumed := 0
	switch {
	case dir != "":
		// The folder is this command's from here to the commit of its
		// outputs: a second command on it is refused at once.
		if l, ok := sink.(locker); ok {
			if err := l.lock(); err != nil {
				return nil, err
			}
			defer l.unlock()
		}
		if ds, ok := sink.(*DirSink); ok {
			ds.kind, ds.Version = kindOf(id), id.Version
		}
		if err := openSweepFolder(dir, id); err != nil {
			return nil, err
		}
		if ckpt, resumed, err = openCheckpoint(dir, id, s.Resume, force, rows); err != nil {
			return nil, err
		}
		defer ckpt.Close()
		if resumed > 0 {
			s.warn(fmt.Sprintf("resuming: %d points already in %s", resumed, ckpt.path))
		}
	case s.Resume:
		return nil, fmt.Errorf("lab: cannot resume into a %T: it keeps no checkpoint", sink)
	}
	var todo []int
	mine := 0
	for i := range points {
		if !shard.Has(i) {
			continue
		}
		mine++
		if rows[i] == nil {
			todo = append(todo, i)
		}
	}
	// A sweep that would take hours says so before it starts.
	total := 0.0
	for _, i := range todo {
		total += events[i] * float64(s.File.Replications)
	}
	if w := scenarios.LongRunWarning(total, cores(s.Jobs), plural(len(todo), "point")+" × "+plural(s.File.Replications, "replication")+" × "+plural(len(s.Variants), "variant")); w != "" {
		s.warn("warning: " + w)
	}
	if err := s.execute(ctx, id, points, todo, mine-len(todo), mine, observables, ckpt, rows, specs); err != nil {
		return nil, err
	}
	res := &SweepResult{Computed: len(todo), Resumed: mine - len(todo), Dir: dir}
	for i, r := range rows {
		if shard.Has(i) {
			res.Rows = append(res.Rows, r)
		}
	}
	out := &sweepOutput{
		file: s.File, source: s.Source, inputs: s.inputs, baseTOML: s.BaseTOML, base: s.Base, id: id,
		points: points, rows: rows, outcomes: s.Outcomes, warnings: s.warnings, plots: !s.NoReport, ctx: ctx,
	}
	if err := ckpt.Close(); err != nil {
		return nil, err
	}
	// The folder holds this sweep's checkpoint now, checked or started
	// above: the finished outputs replace all of it at once.
	if shard.Count > 1 {
		return res, commitFiles(ctx, sink, dir != "", out.shardFiles(shard))
	}
	files, sum, err := out.files()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("lab: sweep interrupted while computing its sensitivity and charts; the %s holds every point: %w", CheckpointFile, context.Cause(ctx))
		}
		return nil, err
	}
	if err := commitFiles(ctx, sink, dir != "", files); err != nil {
		return nil, err
	}
	res.Summary = sum
	return res, nil
}

// execute computes the points todo (ascending), done of total replications
// being already done, and records each completed point in rows and in the
// checkpoint.
func (s *Sweep) execute(ctx context.Context, id sweepIdentity, points []sweeps.Point, todo []int, donePoints, mine int,
	observables [][]string, ckpt *checkpoint, rows []*PointRow, specs func(sweeps.Point) ([]*scenarios.Spec, error)) error {
	samplers, err := s.sweepSamplers()
	if err != nil {
		return err
	}
	reps := s.File.Replications
	total := mine * reps
	done := donePoints * reps
	var mu sync.Mutex // guards done, the checkpoint, rows and pointRuns
	if s.Progress != nil {
		s.Progress(done, total)
	}
	horizon := s.Base.HorizonDays
	var bufs bufferPool
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(s.Jobs, 1))
dispatch:
	for _, i := range todo {
		pt := points[i]
		vspecs, err := specs(pt)
		if err != nil {
			g.Go(func() error { return err })
			break
		}
		acc := newPointAcc(i, len(s.Variants), reps, observables)
		if n := s.open.Add(1); n > s.maxOpen.Load() {
			s.maxOpen.Store(n) // only the dispatcher raises open
		}
		seed := PointSeed(s.File.Seed, i, s.File.CommonSeed)
		for r := range reps {
			if gctx.Err() != nil {
				break dispatch
			}
			g.Go(func() error {
				buf := bufs.get()
				defer bufs.put(buf) // acc.add keeps nothing of a replication's series
				for v, spec := range vspecs {
					spec, err := sweepSpec(spec, samplers, v, r, seed)
					if err != nil {
						return fmt.Errorf("point %d (%s), variant %s: %w", i, swPointText(s.File, pt), s.Variants[v], err)
					}
					var rep *metrics.Replication
					if s.Replicate == nil {
						// A sweep reads the Lego moment and the final values only.
						rep, err = Replicate(gctx, spec, s.Variants[v], r, seed, ReplicateOptions{Summary: true, Reuse: buf})
					} else {
						rep, err = s.Replicate(gctx, spec, s.Variants[v], r, seed, nil, false)
					}
					if err != nil {
						if gctx.Err() != nil {
							return gctx.Err()
						}
						return fmt.Errorf("point %d (%s), variant %s, replication %d: %w", i, swPointText(s.File, pt), s.Variants[v], r, err)
					}
					if err := acc.add(v, r, rep, horizon); err != nil {
						return fmt.Errorf("point %d, variant %s, replication %d: %w", i, s.Variants[v], r, err)
					}
				}
				last := acc.finishOne()
				var row *PointRow
				if last {
					row = acc.reduce(horizon)
					row.ID = id.rowID(i)
					s.open.Add(-1)
				}
				mu.Lock()
				defer mu.Unlock()
				if row != nil {
					if err := ckpt.append(row); err != nil {
						return err
					}
					rows[i] = row
					s.pointRuns++
				}
				done++
				if s.Progress != nil {
					s.Progress(done, total)
				}
				return nil
			})
		}
	}
	err = g.Wait()
	if ctx.Err() != nil {
		if ckpt == nil {
			return fmt.Errorf("lab: sweep interrupted: %w", context.Cause(ctx))
		}
		return fmt.Errorf("lab: sweep interrupted; the %s holds every completed point: %w", ckpt.path, context.Cause(ctx))
	}
	return err
}

// pointSpecs returns the variants' resolved scenarios at one point: the
// base with the point's values set, then each variant's overrides.
func (s *Sweep) pointSpecs(pt sweeps.Point) ([]*scenarios.Spec, error) {
	spec := s.Base.Clone()
	for j := range s.File.Params {
		p := &s.File.Params[j]
		if err := spec.Set(p.Key, sweepLiteral(p, pt.Values[j])); err != nil {
			return nil, fmt.Errorf("point %d: %s = %s: %w", pt.Index, p.Key, pt.Values[j], err)
		}
	}
	out := make([]*scenarios.Spec, len(s.Variants))
	for v, name := range s.Variants {
		vs, err := spec.Variant(name)
		if err != nil {
			return nil, fmt.Errorf("point %d (%s): %w", pt.Index, swPointText(s.File, pt), err)
		}
		out[v] = vs
	}
	return out, nil
}

// swPointText describes a point's values for messages: "a=1, b=x".
func swPointText(f *sweeps.File, pt sweeps.Point) string {
	parts := make([]string, len(f.Params))
	for j, p := range f.Params {
		parts[j] = p.Key + "=" + pt.Values[j]
	}
	return strings.Join(parts, ", ")
}

func (s *Sweep) warn(msg string) {
	if s.Warn != nil {
		s.Warn(msg)
	}
}
