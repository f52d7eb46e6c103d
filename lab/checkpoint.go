package lab

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/legolab/legolab/internal/outdir"
)

// CheckpointFile is the name of a sweep's checkpoint in its output folder.
const CheckpointFile = "checkpoint.jsonl"

// checkpointFormat is the version of the checkpoint layout: 2 added each
// row's ID.
const checkpointFormat = 2

// sweepIdentity heads a checkpoint: everything that makes two runs the
// same computation, so that resume and merge can refuse to mix different
// ones and say what differs.
type sweepIdentity struct {
	Format         int        `json:"legolab_sweep_checkpoint"`
	Sweep          string     `json:"sweep"`
	SHA256         string     `json:"sha256"`
	ScenarioSHA256 string     `json:"scenario_sha256"`
	Seed           uint64     `json:"seed"`
	Replications   int        `json:"replications"`
	Points         int        `json:"points"`
	Shard          int        `json:"shard"`
	Shards         int        `json:"shards"`
	Version        string     `json:"version"`
	Variants       []string   `json:"variants"`
	Observables    [][]string `json:"observables"`
	// Fixed is Sweep.Fixed: a run that ignored the priors is another
	// computation. Left out when false, so sweeps without it read the same.
	Fixed bool `json:"fixed,omitempty"`
	// Inputs hash the files besides the sweep file that the design reads
	// (a csv design's points, sweeps.File.Inputs): a changed points file
	// is another computation even though sweep.toml is the same. Left out
	// when there are none, so other sweeps' checkpoints read the same.
	Inputs []inputHash `json:"inputs,omitempty"`
}

// inputHash is the SHA-256 of one input file of a sweep, by the name the
// sweep file gives it.
type inputHash struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// mismatch returns the first thing that makes got (a checkpoint's
// identity) a different computation from want: the field and its two
// values; field is "" when they agree. Shard fields are compared by the
// caller, which knows whether they should agree.
func (want sweepIdentity) mismatch(got sweepIdentity) (field, gotV, wantV string) {
	short := func(h string) string {
		if len(h) > 12 {
			return h[:12] + "…"
		}
		return h
	}
	switch {
	case got.Format != checkpointFormat:
		return "checkpoint format", fmt.Sprint(got.Format), fmt.Sprint(checkpointFormat)
	case got.SHA256 != want.SHA256:
		return "sweep file (sha256)", short(got.SHA256), short(want.SHA256)
	case got.ScenarioSHA256 != want.ScenarioSHA256:
		return "base scenario (sha256)", short(got.ScenarioSHA256), short(want.ScenarioSHA256)
	case !slices.Equal(got.Inputs, want.Inputs):
		for i, w := range want.Inputs {
			if i >= len(got.Inputs) {
				return "design input " + w.Name + " (sha256)", "none", short(w.SHA256)
			}
			switch g := got.Inputs[i]; {
			case g.Name != w.Name:
				return "design input", g.Name, w.Name
			case g.SHA256 != w.SHA256:
				return "design input " + w.Name + " (sha256)", short(g.SHA256), short(w.SHA256)
			}
		}
		g := got.Inputs[len(want.Inputs)]
		return "design input " + g.Name + " (sha256)", short(g.SHA256), "none"
	case got.Seed != want.Seed:
		return "seed", fmt.Sprint(got.Seed), fmt.Sprint(want.Seed)
	case got.Replications != want.Replications:
		return "replications", fmt.Sprint(got.Replications), fmt.Sprint(want.Replications)
	case got.Version != want.Version:
		return "legolab version", got.Version, want.Version
	case got.Points != want.Points:
		return "number of points", fmt.Sprint(got.Points), fmt.Sprint(want.Points)
	case !slices.Equal(got.Variants, want.Variants):
		return "variants", strings.Join(got.Variants, ","), strings.Join(want.Variants, ",")
	case !slices.EqualFunc(got.Observables, want.Observables, slices.Equal):
		return "observables", fmt.Sprint(got.Observables), fmt.Sprint(want.Observables)
	}
	return "", "", ""
}

// rowID returns the ID of point i's row: the first 16 hex digits of the
// SHA-256 of the identity's sweep and scenario hashes, seed, replications,
// number of points and i, and of the input files' hashes when there are
// any (so that the IDs of sweeps without them stay what they were). It
// does not depend on the shard, so merged rows keep theirs.
func (id sweepIdentity) rowID(i int) string {
	b := fmt.Appendf(nil, "%s\x00%s\x00%d\x00%d\x00%d\x00%d", id.SHA256, id.ScenarioSHA256, id.Seed, id.Replications, id.Points, i)
	for _, in := range id.Inputs {
		b = fmt.Appendf(b, "\x00%s\x00%s", in.Name, in.SHA256)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// checkRow reports a row that does not fit the identity's variants and
// observables (a checkpoint edited or corrupted by hand).
func (id sweepIdentity) checkRow(row *PointRow) error {
	if want := id.rowID(row.Index); row.ID != want {
		return fmt.Errorf("point %d was not computed by this sweep (its id is %q, this sweep's %q): the line comes from another computation", row.Index, row.ID, want)
	}
	if len(row.Variants) != len(id.Variants) {
		return fmt.Errorf("point %d has %d variants, want %d", row.Index, len(row.Variants), len(id.Variants))
	}
	for v, vo := range row.Variants {
		if v < len(id.Observables) && len(vo.Final) != len(id.Observables[v]) {
			return fmt.Errorf("point %d variant %s has %d final values, want %d", row.Index, id.Variants[v], len(vo.Final), len(id.Observables[v]))
		}
	}
	return nil
}

// checkpoint is an open checkpoint file: a header line (the identity) and
// one PointRow per line, appended and fsync'd as points complete, so that
// a crash, a SIGKILL or a power cut loses at most the line being written.
type checkpoint struct {
	path string
	dir  string
	f    *os.File
	id   sweepIdentity
}

// in opens the checkpoint's folder for confined reads and writes: a
// checkpoint.jsonl replaced by a link mid-command is refused, never
// followed (outdir.In).
func (c *checkpoint) in() (*outdir.In, error) { return outdir.OpenIn(c.dir) }

// openCheckpoint opens dir's checkpoint for a run of id. Without resume it
// starts a fresh one, after checking that dir is empty, or a sweep folder
// and force is set, and emptying it. With resume it reads the points
// already there into rows (by index), ignoring a truncated last line, and
// returns how many it read; a checkpoint of another computation is
// refused, saying what differs.
func openCheckpoint(dir string, id sweepIdentity, resume, force bool, rows []*PointRow) (*checkpoint, int, error) {
	path := filepath.Join(dir, CheckpointFile)
	id.Format = checkpointFormat
	c := &checkpoint{path: path, dir: dir, id: id}
	if resume {
		n, ok, err := c.resume(rows)
		if err != nil || ok {
			return c, n, err
		}
		// Nothing to resume: start afresh.
	}
	// A resume with nothing to resume may start over in the folder.
	if err := prepareSweepDir(dir, id, force || resume, "use --resume to continue it or --force to start over"); err != nil {
		return nil, 0, err
	}
	header, err := json.Marshal(id)
	if err != nil {
		return nil, 0, err
	}
	in, err := c.in()
	if err != nil {
		return nil, 0, err
	}
	defer in.Close()
	if err := in.WriteFile(CheckpointFile, func(w io.Writer) error {
		_, err := w.Write(append(header, '\n'))
		return err
	}); err != nil {
		return nil, 0, err
	}
	c.f, err = in.OpenAppend(CheckpointFile)
	return c, 0, err
}

// resume reads an existing checkpoint into rows. ok is false when there is
// none to resume.
func (c *checkpoint) resume(rows []*PointRow) (n int, ok bool, err error) {
	in, err := c.in()
	if err != nil {
		return 0, false, err
	}
	defer in.Close()
	data, err := in.ReadFile(CheckpointFile)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	got, lines, valid, err := parseCheckpoint(data, c.path)
	if err != nil {
		return 0, false, err
	}
	if got == nil {
		return 0, false, nil // not even a complete header: nothing to resume
	}
	if field, was, now := c.id.mismatch(*got); field != "" {
		return 0, false, fmt.Errorf("cannot resume %s: it was written with a different %s (%s; this run has %s); start over without --resume or use another --out",
			c.path, field, was, now)
	}
	if got.Shard != c.id.Shard || got.Shards != c.id.Shards {
		return 0, false, fmt.Errorf("cannot resume %s: it holds shard %d/%d, this is shard %d/%d", c.path, got.Shard, got.Shards, c.id.Shard, c.id.Shards)
	}
	sh := Shard{Index: c.id.Shard, Count: c.id.Shards}
	for _, row := range lines {
		if row.Index < 0 || row.Index >= len(rows) || !sh.Has(row.Index) {
			return 0, false, fmt.Errorf("%s: point %d does not belong to shard %s of %d points", c.path, row.Index, sh, len(rows))
		}
		if err := c.id.checkRow(row); err != nil {
			return 0, false, fmt.Errorf("%s: %w", c.path, err)
		}
		if rows[row.Index] == nil {
			rows[row.Index] = row
			n++
		}
	}
	// Cut a torn last line off, so that appends start on a fresh line.
	if valid < len(data) {
		if err := in.Truncate(CheckpointFile, int64(valid)); err != nil {
			return 0, false, err
		}
	}
	c.f, err = in.OpenAppend(CheckpointFile)
	return n, true, err
}

// parseCheckpoint reads a checkpoint's header and rows. valid is the length
// of the prefix made of complete lines: a last line without its newline, or
// a last line that does not parse (a write torn by a crash), is dropped. A
// bad line before the last is corruption and an error. A nil header means
// the file does not hold one complete line.
func parseCheckpoint(data []byte, name string) (id *sweepIdentity, rows []*PointRow, valid int, err error) {
	pos := 0
	for lineNo := 1; pos < len(data); lineNo++ {
		nl := bytes.IndexByte(data[pos:], '\n')
		if nl < 0 {
			break // torn last line
		}
		line := data[pos : pos+nl]
		last := pos+nl+1 == len(data)
		if lineNo == 1 {
			var h sweepIdentity
			if err := swStrictJSON(line, &h); err != nil {
				if last {
					break
				}
				return nil, nil, 0, fmt.Errorf("%s:1: not a sweep checkpoint header: %v", name, err)
			}
			id = &h
		} else {
			var r PointRow
			if err := swStrictJSON(line, &r); err != nil {
				if last {
					break
				}
				return nil, nil, 0, fmt.Errorf("%s:%d: corrupt checkpoint line: %v", name, lineNo, err)
			}
			rows = append(rows, &r)
		}
		pos += nl + 1
		valid = pos
	}
	return id, rows, valid, nil
}

func swStrictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// append writes one completed point and fsyncs it; a nil checkpoint (a
// sweep into a sink that is not a folder) keeps nothing.
func (c *checkpoint) append(row *PointRow) error {
	if c == nil {
		return nil
	}
	b, err := json.Marshal(row)
	if err != nil {
		return err
	}
	if _, err := c.f.Write(append(b, '\n')); err != nil {
		return err
	}
	return c.f.Sync()
}

// writeCheckpoint writes a complete checkpoint of the rows of shard sh, in
// index order, so that a finished sweep's folder does not depend on the
// order points completed in.
func writeCheckpoint(w io.Writer, id sweepIdentity, rows []*PointRow, sh Shard) error {
	id.Format = checkpointFormat
	enc := json.NewEncoder(w)
	if err := enc.Encode(id); err != nil {
		return err
	}
	for i, r := range rows {
		if !sh.Has(i) {
			continue
		}
		if r == nil {
			return fmt.Errorf("lab: point %d missing from a finished checkpoint", i)
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the checkpoint file; it is safe to call twice.
func (c *checkpoint) Close() error {
	if c == nil || c.f == nil {
		return nil
	}
	err := c.f.Close()
	c.f = nil
	return err
}

// readCheckpointFile reads a complete checkpoint file for merge.
func readCheckpointFile(path string) (*sweepIdentity, []*PointRow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	id, rows, valid, err := parseCheckpoint(data, path)
	if err != nil {
		return nil, nil, err
	}
	if id == nil {
		return nil, nil, fmt.Errorf("%s: empty or torn checkpoint", path)
	}
	if len(id.Observables) != len(id.Variants) {
		return nil, nil, fmt.Errorf("%s: the header lists %d variants and %d observable lists", path, len(id.Variants), len(id.Observables))
	}
	for _, r := range rows {
		if err := id.checkRow(r); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if valid < len(data) && strings.TrimSpace(string(data[valid:])) != "" {
		return id, rows, fmt.Errorf("%s: the last line is torn (the shard was interrupted); resume it with --resume", path)
	}
	return id, rows, nil
}
