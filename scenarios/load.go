package scenarios

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Default is the name of the built-in scenario that runs when none is
// given.
const Default = "deai-2025"

// Defaults that depend on other values or are shared by two fields; the
// plain ones are in the `default` struct tags of spec.go.
var (
	defaultStart         = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	defaultDimensions    = []string{"data", "model", "compute", "storage"}
	defaultVerification  = []string{"consensus", "proof-of-learning", "tee", "zk", "optimistic", "storage-proof", "none"}
	defaultSettlement    = []string{"emissions", "fees", "royalties", "staking"}
	defaultVerifCross    = 20.0
	defaultSettleCross   = 5.0
	defaultPopQuality    = Dist{Dist: "uniform", Min: 0.2, Max: 0.8}
	defaultPopOpenness   = Dist{Dist: "uniform", Min: 0.2, Max: 0.8}
	defaultPopVerif      = []string{"none"}
	defaultPopIncentive  = []string{"fees"}
	defaultAppTypeRecipe = []AppType{
		{Name: "inference-agent", Weight: 1, Needs: []string{"model", "compute"}},
		{Name: "training", Weight: 1, Needs: []string{"data", "compute", "storage"}},
		{Name: "data-app", Weight: 1, Needs: []string{"data", "storage"}},
	}
)

// MaxFileBytes bounds the size of an input file (a scenario, a sweep file,
// a design's points): 16 MiB, a thousand times the largest example, so that
// a mistaken path (a log, a disk image, /dev/zero) fails at once instead of
// filling the memory.
const MaxFileBytes = 16 << 20

// ReadFileLimited reads the file at path, refusing one larger than
// MaxFileBytes after reading at most one byte more than that.
func ReadFileLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%s: larger than the limit of %d MiB for an input file", path, MaxFileBytes>>20)
	}
	return data, nil
}

// Load reads, decodes, fills in and validates the scenario file at path.
// Its errors name the file and, where the key is in the file, the line and
// column: see Error.
func Load(path string) (*Spec, error) {
	data, err := ReadFileLimited(path)
	if err != nil {
		return nil, &Error{File: path, Msg: strings.TrimPrefix(strings.TrimPrefix(err.Error(), "open "+path+": "), path+": ")}
	}
	return Parse(path, data)
}

// Parse decodes the TOML scenario data, named name in errors (a file name),
// strictly (an unknown key is an error), fills in the defaults documented
// on each field and validates the result. It reports every problem it
// finds, joined: see Errors.
func Parse(name string, data []byte) (*Spec, error) {
	var root map[string]any
	if err := toml.Unmarshal(data, &root); err != nil {
		return nil, joinErrors([]*Error{syntaxError(name, err)})
	}
	src := newSource(name, data)
	s, d := decodeSpec(root)
	ps := d.probs
	// A posterior's path is relative to the scenario file.
	lp := s.loadPosteriors(filepath.Dir(name), nil)
	for _, p := range lp {
		if d.failed == nil {
			d.failed = map[string]bool{}
		}
		d.failed[p.p.idx] = true // not read again by check
	}
	ps = append(ps, lp...)
	ps = append(ps, s.check(src, d.failed)...)
	if len(ps) > 0 {
		return nil, joinErrors(src.errorsOf(ps))
	}
	return s, nil
}

// decodeSpec decodes the document root into a new Spec, strictly, and
// fills in its defaults; the decoder holds the problems and the keys that
// did not decode.
func decodeSpec(root map[string]any) (*Spec, *decoder) {
	d := new(decoder)
	s := new(Spec)
	d.decode(root, reflect.ValueOf(s).Elem(), path{}, true)
	s.fill(root, d.failed)
	for _, f := range d.pending {
		f(s)
	}
	return s, d
}

// fill sets the scenario-level defaults that depend on other values or
// differ between fields of one type; root is the document, failed the keys
// that did not decode (they count as absent).
func (s *Spec) fill(root map[string]any, failed map[string]bool) {
	has := func(keys ...string) bool {
		m := root
		for i, k := range keys {
			x, ok := m[k]
			if !ok || failed[strings.Join(keys[:i+1], ".")] {
				return false
			}
			if i < len(keys)-1 {
				if m, ok = x.(map[string]any); !ok {
					return false
				}
			}
		}
		return true
	}
	if !has("start") {
		s.Start = defaultStart
	}
	if !has("dimensions") {
		s.Dimensions = slices.Clone(defaultDimensions)
	}
	if !has("verification", "mechanisms") {
		s.Verification.Mechanisms = slices.Clone(defaultVerification)
	}
	if !has("verification", "cross") {
		s.Verification.Cross = defaultVerifCross
	}
	if !has("settlement", "mechanisms") {
		s.Settlement.Mechanisms = slices.Clone(defaultSettlement)
	}
	if !has("settlement", "cross") {
		s.Settlement.Cross = defaultSettleCross
	}
	if !has("app_types") {
		s.AppTypes = DefaultAppTypes(s.Dimensions)
	}
}

// DefaultAppTypes returns the app types a scenario gets when it declares
// none: those of inference agent (model+compute), training
// (data+compute+storage) and data app (data+storage) whose dimensions are
// all declared, a full-stack agent needing every dimension (when there are
// several), and a single-dimension app for each dimension no other type
// needs. All weigh 1.
func DefaultAppTypes(dims []string) []AppType {
	var out []AppType
	used := map[string]bool{}
	for _, r := range defaultAppTypeRecipe {
		ok := true
		for _, n := range r.Needs {
			ok = ok && slices.Contains(dims, n)
		}
		if ok {
			out = append(out, AppType{Name: r.Name, Weight: r.Weight, Needs: slices.Clone(r.Needs)})
			for _, n := range r.Needs {
				used[n] = true
			}
		}
	}
	if len(dims) > 1 {
		out = append(out, AppType{Name: "full-stack-agent", Weight: 1, Needs: slices.Clone(dims)})
	} else {
		for _, d := range dims {
			used[d] = false
		}
	}
	for _, d := range dims {
		if !used[d] {
			out = append(out, AppType{Name: d + "-app", Weight: 1, Needs: []string{d}})
			used[d] = true
		}
	}
	return out
}

// fill sets a protocol's default standards: its own name (proprietary) on
// every served dimension without one.
func (p *Protocol) fill(has func(string) bool, s *Spec) {
	for _, d := range sortedKeys(p.Serves) {
		if _, ok := p.Standards[d]; ok {
			continue
		}
		if p.Standards == nil {
			p.Standards = make(map[string]string, len(p.Serves))
		}
		p.Standards[d] = p.Name
	}
}

// fill sets a population's defaults that are not constants.
func (p *Population) fill(has func(string) bool, s *Spec) {
	if !has("dimensions") {
		p.Dimensions = slices.Clone(s.Dimensions)
	}
	if !has("quality") {
		p.Quality = defaultPopQuality
	}
	if !has("openness") {
		p.Openness = defaultPopOpenness
	}
	if !has("verification") {
		p.Verification = slices.Clone(defaultPopVerif)
	}
	if !has("incentive") {
		p.Incentive = slices.Clone(defaultPopIncentive)
	}
}

// fill scales a beta distribution to [0,1] unless a range is given.
func (d *Dist) fill(has func(string) bool, s *Spec) {
	if d.Dist == "beta" && !has("min") && !has("max") {
		d.Min, d.Max = 0, 1
	}
}

// fill makes a hub cover every declared verification mechanism unless told
// otherwise.
func (h *Hub) fill(has func(string) bool, s *Spec) {
	if !has("covers") {
		h.Covers = slices.Clone(s.Verification.Mechanisms)
	}
}

// Open loads nameOrPath: a file when it exists or ends in .toml, else the
// built-in scenario of that name.
func Open(nameOrPath string) (*Spec, error) {
	if _, err := os.Stat(nameOrPath); err == nil || strings.HasSuffix(nameOrPath, ".toml") {
		return Load(nameOrPath)
	}
	if _, ok := builtinFile(nameOrPath); ok {
		return Builtin(nameOrPath)
	}
	return nil, fmt.Errorf("no scenario file or built-in scenario named %q%s", nameOrPath, builtinHint(nameOrPath))
}
