package scenarios

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Posteriors: a scenario carries a calibration's posterior over some of its
// keys (issue 13, contracts §3),
//
//	[[posteriors]]
//	from = "ibc"
//	keys = { "hubs.ibc.join_incentive" = "hubs.hub.join_incentive" }
//	reason = "why these are shared between the analog and the target"
//
// A prior-predictive run then draws θ for those keys jointly: one particle
// of the posterior by weight per θ draw, all its carried keys together
// (Sampler.Draw). The carried keys replace those keys' priors; the other
// priors stay.

//go:embed builtin/posteriors
var builtinPosteriorFS embed.FS

// PosteriorHeader is the fixed start of a posterior.csv header; the
// parameters' canonical key paths follow.
var PosteriorHeader = []string{"generation", "particle", "weight", "distance"}

// PosteriorWeightTolerance is how far the weights of a posterior.csv may
// sum from 1.
const PosteriorWeightTolerance = 1e-9

// Particles are the weighted particles of a posterior.csv, the final
// generation of a calibration. They are read once and never changed: a
// Spec's copies (Clone) share them.
type Particles struct {
	// File names where they were read from, for messages.
	File string
	// Keys are the parameter columns, in the file's order.
	Keys []string
	// Weights are the particles' normalised importance weights, summing to
	// 1 within PosteriorWeightTolerance.
	Weights []float64
	// Rows[i][j] is particle i's value of Keys[j].
	Rows [][]float64
	// Lines[i] is the line of particle i in the file.
	Lines []int
	// SHA256 is the hex SHA-256 of the file's bytes (Posterior.SHA256).
	SHA256 string
	// Hash is the FNV-1a hash of the file's bytes: it keys the stream a
	// particle is drawn from, so the same posterior draws the same particle
	// in every entry that carries it, wherever it lies.
	Hash uint64
}

// particlesType is shared, not copied, by Clone.
var particlesType = reflect.TypeFor[*Particles]()

// ReadPosterior reads a posterior.csv (contracts §2): the header
// generation,particle,weight,distance,<key>..., one row per particle,
// every number finite, generation and particle whole numbers ≥ 0, weights
// ≥ 0 summing to 1 within PosteriorWeightTolerance. file names it in
// errors, which are FILE:LINE:COL: COLUMN: message, joined (at most 20).
func ReadPosterior(file string, data []byte) (*Particles, error) {
	var errs []error
	bad := func(line, col int, column, format string, args ...any) {
		if len(errs) < 20 {
			errs = append(errs, &Error{File: file, Line: line, Col: col, Path: column, Msg: fmt.Sprintf(format, args...)})
		}
	}
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err == io.EOF {
		return nil, &Error{File: file, Msg: "is empty: a posterior.csv starts with the header " + strings.Join(PosteriorHeader, ",") + ",<key>,..."}
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	if len(header) <= len(PosteriorHeader) || !slices.Equal(header[:len(PosteriorHeader)], PosteriorHeader) {
		return nil, &Error{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("the header must be %s followed by one column per parameter, got %s",
			strings.Join(PosteriorHeader, ","), strconv.Quote(strings.Join(header, ",")))}
	}
	sum256 := sha256.Sum256(data)
	p := &Particles{File: file, Keys: slices.Clone(header[len(PosteriorHeader):]), Hash: posteriorHash(data), SHA256: hex.EncodeToString(sum256[:])}
	for j, k := range p.Keys {
		_, col := r.FieldPos(len(PosteriorHeader) + j)
		switch {
		case strings.TrimSpace(k) == "":
			bad(1, col, "", "column %d has no key", len(PosteriorHeader)+j+1)
		case slices.Contains(p.Keys[:j], k):
			bad(1, col, k, "is a second column of the same key")
		}
	}
	sum := 0.0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, csvError(file, err))
			break
		}
		line, _ := r.FieldPos(0)
		row := make([]float64, len(p.Keys))
		var w float64
		for j, cell := range rec {
			_, col := r.FieldPos(j)
			x, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
			switch {
			case errors.Is(err, strconv.ErrRange) && math.IsInf(x, 0):
				bad(line, col, header[j], "must be a finite number, got %s", cell)
				continue
			case err != nil:
				bad(line, col, header[j], "%s is not a number", strconv.Quote(cell))
				continue
			case math.IsNaN(x) || math.IsInf(x, 0):
				bad(line, col, header[j], "must be a finite number, got %s", cell)
				continue
			}
			switch j {
			case 0, 1:
				if x < 0 || x != math.Trunc(x) {
					bad(line, col, header[j], "must be a whole number ≥ 0, got %s", cell)
				}
			case 2:
				if x < 0 {
					bad(line, col, header[j], "must be ≥ 0, got %s", cell)
				}
				w = x
			case 3:
			default:
				row[j-len(PosteriorHeader)] = x
			}
		}
		sum += w
		p.Weights = append(p.Weights, w)
		p.Rows = append(p.Rows, row)
		p.Lines = append(p.Lines, line)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(p.Rows) == 0 {
		return nil, &Error{File: file, Msg: "has no particles: one row per particle follows the header"}
	}
	if math.Abs(sum-1) > PosteriorWeightTolerance {
		return nil, &Error{File: file, Path: "weight", Msg: fmt.Sprintf("the weights sum to %s, not 1 (within %g): a posterior.csv holds normalised weights", num(sum), PosteriorWeightTolerance)}
	}
	return p, nil
}

// csvError positions an encoding/csv error.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: file, Line: pe.Line, Col: pe.Column, Msg: pe.Err.Error()}
	}
	return &Error{File: file, Msg: err.Error()}
}

func posteriorHash(data []byte) uint64 {
	h := fnv64a("posterior\x00")
	for _, c := range data {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// BuiltinPosteriorNames lists the built-in posteriors, sorted.
func BuiltinPosteriorNames() []string {
	entries, _ := builtinPosteriorFS.ReadDir("builtin/posteriors")
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".csv"); ok {
			out = append(out, n)
		}
	}
	return out
}

// isBuiltinPosteriorName reports whether from can only name a built-in
// posterior: no path separator, no dot.
func isBuiltinPosteriorName(from string) bool {
	return from != "" && !strings.ContainsAny(from, `/\.`)
}

// LoadPosterior reads the posterior from names: a built-in posterior's
// name, a posterior.csv, or a folder holding one. A relative path is
// taken from dir. It returns from resolved (a built-in name as given, a
// path made absolute) and the particles.
func LoadPosterior(dir, from string) (string, *Particles, error) {
	if isBuiltinPosteriorName(from) {
		data, err := builtinPosteriorFS.ReadFile("builtin/posteriors/" + from + ".csv")
		if err != nil {
			names := BuiltinPosteriorNames()
			list := "there are none yet"
			if len(names) > 0 {
				list = "built-ins: " + strings.Join(names, ", ")
			}
			return "", nil, fmt.Errorf("no built-in posterior named %s%s (%s; or give a path to a posterior.csv or a calibration folder)", quoteString(from), didYouMean(from, names), list)
		}
		p, err := ReadPosterior("builtin/posteriors/"+from+".csv", data)
		return from, p, err
	}
	path := from
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "posterior.csv")
	}
	// A device or a pipe could block or never end: only a file is read.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return "", nil, fmt.Errorf("%s: is not a regular file: a posterior is a posterior.csv", path)
	}
	data, err := ReadFileLimited(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("%s: %w", path, pe.Err)
		}
		return "", nil, err
	}
	p, err := ReadPosterior(path, data)
	return path, p, err
}

// loadPosteriors reads the particles of each posterior whose Data is not
// those of its From, paths relative to dir, and resolves From; failed
// holds the idx paths of the From values not to try.
func (s *Spec) loadPosteriors(dir string, failed map[string]bool) problems {
	var ps problems
	// A file named by several entries is read once.
	type loaded struct {
		from string
		data *Particles
	}
	read := map[string]loaded{}
	for i := range s.Posteriors {
		p := &s.Posteriors[i]
		if l, ok := read[p.From]; ok {
			p.From, p.Data = l.from, l.data
			if p.SHA256 == "" {
				p.SHA256 = l.data.SHA256
			}
			continue
		}
		if strings.TrimSpace(p.From) == "" || p.Data != nil && p.Data.File == p.From {
			continue
		}
		if p.Data != nil && isBuiltinPosteriorName(p.From) && p.Data.File == "builtin/posteriors/"+p.From+".csv" {
			continue
		}
		at := path{}.key("posteriors").elem(i, "").key("from")
		if failed[at.idx] {
			continue
		}
		from, data, err := LoadPosterior(dir, p.From)
		if err != nil {
			for _, e := range Errors(err) {
				ps.add(at, "%s", e.Error())
			}
			p.Data = nil
			continue
		}
		read[p.From] = loaded{from, data}
		p.From, p.Data = from, data
		if p.SHA256 == "" {
			p.SHA256 = data.SHA256
		}
	}
	return ps
}

// resolvedPosterior is a posterior checked against the scenario it
// applies to: the carried columns, their canonical target keys, and the
// cumulative weights a particle is drawn by.
type resolvedPosterior struct {
	post *Posterior
	at   path
	// cols are the carried columns of post.Data, in the file's order;
	// analog the column keys, keys the canonical target keys.
	cols   []int
	analog []string
	keys   []string
	cum    []float64
}

// resolvePosterior checks posterior p, declared at at, against scenario w.
func resolvePosterior(w *Spec, p *Posterior, at path) (resolvedPosterior, problems) {
	var ps problems
	bad := func(q path, format string, args ...any) { ps.add(q, format, args...) }
	rp := resolvedPosterior{post: p, at: at}
	if strings.TrimSpace(p.From) == "" {
		bad(at.key("from"), "is required: a built-in posterior's name or the path of a posterior.csv (or its calibration folder)")
	}
	if strings.TrimSpace(p.Reason) == "" {
		bad(at.key("reason"), "is required: say why these parameters are shared between the analog and this scenario")
	}
	if len(p.Keys) == 0 {
		bad(at.key("keys"), "must name at least one column of the posterior and the key it sets: keys = { \"ANALOG.KEY\" = \"THIS.KEY\" }")
	}
	d := p.Data
	if d == nil {
		return rp, ps // the load reported why
	}
	if p.SHA256 != "" && !strings.EqualFold(p.SHA256, d.SHA256) {
		bad(at.key("sha256"), "is %s, but %s has SHA-256 %s: the posterior changed since this scenario recorded it; remove sha256 to take the file as it is now", p.SHA256, d.File, d.SHA256)
		return rp, ps
	}
	for _, k := range sortedKeys(p.Keys) {
		if !slices.Contains(d.Keys, k) {
			bad(at.key("keys").key(k), "%s is not a column of %s (it has %s)", k, d.File, strings.Join(d.Keys, ", "))
		}
	}
	for j, ak := range d.Keys {
		tk, ok := p.Keys[ak]
		if !ok {
			continue
		}
		kp := at.key("keys").key(ak)
		segs, err := parsePath(strings.TrimSpace(tk))
		if err != nil {
			bad(kp, "%s", err.Error())
			continue
		}
		if !segs[0].isIndex && slices.Contains([]string{"variants", "priors", "posteriors", "expect"}, segs[0].key) {
			bad(kp, "%s cannot be set by a posterior", segs[0].key)
			continue
		}
		st := setter{spec: w, dry: true}
		canon := st.set(segs, nil, "", "")
		if canon == "" {
			for _, pr := range st.d.probs {
				bad(kp, "%s: %s", pr.p.disp, pr.msg)
			}
			continue
		}
		info, msg := target(w, canon)
		if msg != "" {
			bad(kp, "%s", msg)
			continue
		}
		if info.t.Kind() != reflect.Float64 && !(info.t.Kind() == reflect.Pointer && info.t.Elem().Kind() == reflect.Float64) {
			bad(kp, "%s is %s: a posterior sets only real-valued keys (its columns are floats)", canon, want(info.t))
			continue
		}
		outside := 0
		for i, row := range d.Rows {
			if !info.contains(row[j]) {
				if outside == 0 {
					bad(kp, "%s:%d: %s = %s is outside the valid range %s of %s", d.File, d.Lines[i], ak, num(row[j]), info, canon)
				}
				outside++
			}
		}
		if outside > 1 {
			bad(kp, "%d particles of %s lie outside the valid range %s of %s", outside, d.File, info, canon)
		}
		if outside > 0 {
			continue
		}
		rp.cols = append(rp.cols, j)
		rp.analog = append(rp.analog, ak)
		rp.keys = append(rp.keys, canon)
	}
	rp.cum = make([]float64, len(d.Weights))
	sum := 0.0
	for i, x := range d.Weights {
		sum += x
		rp.cum[i] = sum
	}
	return rp, ps
}

// resolvePosteriors resolves every posterior of s in w (s itself or a
// variant's scenario), reporting a key carried twice.
func (s *Spec) resolvePosteriors(w *Spec) ([]resolvedPosterior, problems) {
	var out []resolvedPosterior
	var ps problems
	first := map[string]path{}
	pp := path{}.key("posteriors")
	for i := range s.Posteriors {
		rp, p := resolvePosterior(w, &s.Posteriors[i], pp.elem(i, ""))
		ps = append(ps, p...)
		for k := 0; k < len(rp.keys); k++ {
			kp := rp.at.key("keys").key(rp.analog[k])
			if f, ok := first[rp.keys[k]]; ok {
				ps.add(kp, "a second posterior column on %s (also %s)", rp.keys[k], f.disp)
				rp.cols = slices.Delete(rp.cols, k, k+1)
				rp.analog = slices.Delete(rp.analog, k, k+1)
				rp.keys = slices.Delete(rp.keys, k, k+1)
				k--
				continue
			}
			first[rp.keys[k]] = kp
		}
		out = append(out, rp)
	}
	return out, ps
}

// checkPosteriors checks the posteriors in every scenario a run draws θ
// in: the base without variants, else each variant, which may neither fix
// a carried key nor give it a prior of its own.
func (c *checker) checkPosteriors() {
	s := c.s
	if len(s.Posteriors) == 0 {
		return
	}
	// A Spec built or changed in memory: read what is not read yet, paths
	// relative to the working directory.
	c.addAll(s.loadPosteriors("", c.failed))
	base, ps := s.resolvePosteriors(s)
	c.addAll(ps)
	vp := path{}.key("variants")
	vd := names(len(s.Variants), func(i int) string { return s.Variants[i].Name })
	worlds := c.variantWorlds("posteriors", "a variant cannot change the posteriors")
	for _, w := range worlds {
		list := base
		if w.vi >= 0 {
			var ps problems
			if list, ps = s.resolvePosteriors(w.spec); len(ps) > 0 {
				reported := map[string]bool{}
				for _, p := range c.ps {
					reported[p.p.idx+"\x00"+p.msg] = true
				}
				ps = slices.DeleteFunc(ps, func(pr problem) bool { return reported[pr.p.idx+"\x00"+pr.msg] })
				c.addAll(suffix(ps, " (in variant "+w.name+")"))
			}
			vpp := vp.elem(w.vi, vd[w.vi]).key("priors")
			for j := range s.Variants[w.vi].Priors {
				canon, err := w.spec.CanonicalKey(s.Variants[w.vi].Priors[j].Key)
				if err != nil {
					continue // checkPriors reports it
				}
				for _, rp := range list {
					if k := slices.Index(rp.keys, canon); k >= 0 {
						c.bad(vpp.elem(j, "").key("key"), "%s is carried by a posterior (%s): a key has a posterior or a variant's prior, not both", canon, rp.at.key("keys").key(rp.analog[k]).disp)
					}
				}
			}
		}
		var known map[string]bool
		for _, rp := range list {
			for k, key := range rp.keys {
				kp := rp.at.key("keys").key(rp.analog[k])
				if idx, ok := w.targets[key]; ok {
					c.bad(path{disp: joinKey("variants", w.name) + ".set", idx: idx},
						"fixes %s, which a posterior carries (%s): a key has a posterior or a value, not both", key, kp.disp)
					continue
				}
				// The scenario must accept the smallest and the largest
				// value of the column.
				if known == nil {
					ck := &checker{s: w.spec, named: map[string]bool{}}
					ck.checkBase()
					known = map[string]bool{}
					for _, pr := range ck.ps {
						known[pr.p.disp+"\x00"+pr.msg] = true
					}
				}
				col := rp.cols[k]
				lo, hi := math.Inf(1), math.Inf(-1)
				for _, row := range rp.post.Data.Rows {
					lo, hi = math.Min(lo, row[col]), math.Max(hi, row[col])
				}
				for _, x := range []float64{lo, hi} {
					probe := thetaClone(w.spec)
					ps := setValue(probe, key, x)
					if len(ps) == 0 {
						ck := &checker{s: probe, named: map[string]bool{}}
						ck.checkBase()
						ps = ck.ps
					}
					for _, pr := range ps {
						if known[pr.p.disp+"\x00"+pr.msg] {
							continue
						}
						where := ""
						if w.name != "" {
							where = " (in variant " + w.name + ")"
						}
						c.bad(kp, "at %s = %s (a particle of %s), %s %s%s", key, num(x), rp.post.Data.File, pr.p.disp, pr.msg, where)
					}
					if lo == hi {
						break
					}
				}
			}
		}
	}
}

// CarryPosterior adds a posterior over the scenario's own keys, each
// column setting the key of the same name (legolab run --posterior DIR):
// it takes the place of the scenario's own posteriors on those keys, and
// of their priors, the variants' too. The result is validated.
func (s *Spec) CarryPosterior(from string, data *Particles, reason string) error {
	var missing []string
	keys := map[string]string{}
	carried := map[string]bool{}
	for _, k := range data.Keys {
		canon, err := s.CanonicalKey(k)
		if err != nil {
			missing = append(missing, k)
			continue
		}
		keys[k] = k
		carried[canon] = true
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s has keys that scenario %s lacks: %s", data.File, s.Name, strings.Join(missing, ", "))
	}
	// The scenario's own posteriors give up the keys this one carries.
	var kept []Posterior
	for _, p := range s.Posteriors {
		q := p
		q.Keys = map[string]string{}
		for ak, tk := range p.Keys {
			if canon, err := s.CanonicalKey(tk); err == nil && carried[canon] {
				continue
			}
			q.Keys[ak] = tk
		}
		if len(q.Keys) > 0 {
			kept = append(kept, q)
		}
	}
	s.Posteriors = append(kept, Posterior{From: from, Keys: keys, Reason: reason, SHA256: data.SHA256, Data: data})
	// So do the variants' priors on them.
	for i := range s.Variants {
		s.Variants[i].Priors = slices.DeleteFunc(s.Variants[i].Priors, func(p Prior) bool {
			canon, err := s.CanonicalKey(p.Key)
			return err == nil && carried[canon]
		})
	}
	return s.Validate()
}

// PosteriorUse says which keys of a variant's θ come from one posterior.
type PosteriorUse struct {
	// From is the posterior as the scenario names it (resolved), File
	// where its particles were read.
	From string
	File string
	// Reason is the posterior's stated reason.
	Reason string
	// Keys are the canonical keys it sets, AnalogKeys the columns they
	// come from, in the file's order.
	Keys       []string
	AnalogKeys []string
	// Particles is the number of particles, ESS their effective number
	// (Σw)² / Σw².
	Particles int
	ESS       float64
	// Replaced are the keys among Keys that had a prior.
	Replaced []string
}

// Posteriors returns the posteriors the sampler draws from, in the
// scenario's order.
func (sm *Sampler) Posteriors() []PosteriorUse {
	var out []PosteriorUse
	for _, rp := range sm.posts {
		if len(rp.keys) == 0 {
			continue
		}
		d := rp.post.Data
		s, s2 := 0.0, 0.0
		for _, w := range d.Weights {
			s += w
			s2 += w * w
		}
		out = append(out, PosteriorUse{
			From: rp.post.From, File: d.File, Reason: rp.post.Reason,
			Keys: slices.Clone(rp.keys), AnalogKeys: slices.Clone(rp.analog),
			Particles: len(d.Rows), ESS: s * s / s2, Replaced: slices.Clone(sm.replaced[rp.at.idx]),
		})
	}
	return out
}

// withPosteriors resolves s's posteriors in w and takes the carried keys
// out of list, the priors.
func (s *Spec) withPosteriors(w *Spec, list []resolvedPrior) ([]resolvedPrior, []resolvedPosterior, map[string][]string, error) {
	if len(s.Posteriors) == 0 {
		return list, nil, nil, nil
	}
	if ps := s.loadPosteriors("", nil); len(ps) > 0 {
		return nil, nil, nil, joinErrors((*source)(nil).errorsOf(ps))
	}
	posts, ps := s.resolvePosteriors(w)
	if len(ps) > 0 {
		return nil, nil, nil, joinErrors((*source)(nil).errorsOf(ps))
	}
	replaced := map[string][]string{}
	out := list[:0:0]
	for _, rp := range list {
		i := slices.IndexFunc(posts, func(p resolvedPosterior) bool { return slices.Contains(p.keys, rp.key) })
		if i < 0 {
			out = append(out, rp)
			continue
		}
		replaced[posts[i].at.idx] = append(replaced[posts[i].at.idx], rp.key)
	}
	return out, posts, replaced, nil
}

// drawPosteriors appends to out the carried keys of each posterior, drawn
// jointly: one particle by weight from rand.New(rand.NewPCG(mix64(k1 ^ h),
// mix64(k2 ^ h))), h the posterior file's Hash, by one uniform against the
// cumulative weights.
func (sm *Sampler) drawPosteriors(k1, k2 uint64, pcg *rand.PCG, r *rand.Rand, out Theta) Theta {
	for _, rp := range sm.posts {
		if len(rp.keys) == 0 {
			continue
		}
		h := rp.post.Data.Hash
		pcg.Seed(mix64(k1^h), mix64(k2^h))
		row := rp.post.Data.Rows[rp.pick(r.Float64())]
		for k, key := range rp.keys {
			out = append(out, Draw{Key: key, Value: row[rp.cols[k]]})
		}
	}
	return out
}

// pick returns the particle of uniform u: the first whose cumulative
// weight exceeds u × the total, never one of weight 0.
func (rp *resolvedPosterior) pick(u float64) int {
	n := len(rp.cum)
	x := u * rp.cum[n-1]
	i := sort.Search(n, func(i int) bool { return rp.cum[i] > x })
	for i >= n || i > 0 && rp.post.Data.Weights[i] == 0 {
		i-- // rounding at the top end
	}
	return i
}

// centralPosteriors appends the weighted median of each carried column.
func (sm *Sampler) centralPosteriors(out Theta) Theta {
	for _, rp := range sm.posts {
		d := rp.post.Data
		for k, key := range rp.keys {
			col := rp.cols[k]
			idx := make([]int, len(d.Rows))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(a, b int) int {
				switch x, y := d.Rows[a][col], d.Rows[b][col]; {
				case x < y:
					return -1
				case x > y:
					return 1
				}
				return 0
			})
			total, acc := rp.cum[len(rp.cum)-1], 0.0
			v := d.Rows[idx[len(idx)-1]][col]
			for _, i := range idx {
				acc += d.Weights[i]
				if acc >= total/2 {
					v = d.Rows[i][col]
					break
				}
			}
			out = append(out, Draw{Key: key, Value: v})
		}
	}
	return out
}

// withoutPosteriorKeys drops keys from the posteriors; a posterior left
// with none draws nothing.
func withoutPosteriorKeys(posts []resolvedPosterior, keys []string) []resolvedPosterior {
	out := make([]resolvedPosterior, 0, len(posts))
	for _, rp := range posts {
		q := rp
		q.cols, q.analog, q.keys = nil, nil, nil
		for k, key := range rp.keys {
			if slices.Contains(keys, key) {
				continue
			}
			q.cols = append(q.cols, rp.cols[k])
			q.analog = append(q.analog, rp.analog[k])
			q.keys = append(q.keys, key)
		}
		out = append(out, q)
	}
	return out
}
