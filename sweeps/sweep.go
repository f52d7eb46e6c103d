package sweeps

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/legolab/legolab/scenarios"
)

// Limits that keep a sweep file from asking for more than a machine can
// hold: a design's points are generated up front.
const (
	// MaxPoints bounds the number of points of one sweep.
	MaxPoints = 1 << 22
	// MaxSobolParams is the most parameters a sobol design supports (two
	// Sobol' dimensions per parameter).
	MaxSobolParams = SobolMaxDims / 2
	// MaxBootstrap bounds a sobol design's bootstrap resamples: the
	// percentile intervals do not move at two digits past a few thousand.
	MaxBootstrap = 100000
	// MaxBootstrapWork bounds resamples × N × (k+1), the bootstrap's
	// elementary steps: about a minute on one core.
	MaxBootstrapWork = 1e10
	// MaxReplications bounds the replications of every variant at every
	// point.
	MaxReplications = 1 << 20
)

// pointsText describes the design's number of points for a message,
// computed in floating point so that it does not overflow.
func (s *File) pointsText() string {
	k := float64(len(s.Params))
	var n float64
	switch s.Design {
	case DesignSobol:
		n = float64(s.Samples) * (k + 2)
	case DesignMorris:
		n = float64(s.Trajectories) * (k + 1)
	case DesignGrid:
		n = 1
		for i := range s.Params {
			n *= float64(s.Params[i].levelCount(s))
		}
	default:
		if c, ok := s.pointCount(); ok {
			n = float64(c)
		}
	}
	if n < 1e15 {
		return strconv.FormatFloat(n, 'f', 0, 64)
	}
	return "about " + strconv.FormatFloat(n, 'g', 3, 64)
}

// durationText formats seconds for an estimate: "40 s", "3 min", "5 h".
func durationText(sec float64) string {
	switch {
	case sec < 120:
		return fmt.Sprintf("%.0f s", sec)
	case sec < 7200:
		return fmt.Sprintf("%.0f min", sec/60)
	case sec < 48*3600:
		return fmt.Sprintf("%.0f h", sec/3600)
	}
	return fmt.Sprintf("%.0f days", sec/86400)
}

// File is a parameter sweep over a base scenario, as read from a sweep file
// (TOML). Load and Parse fill in the defaults below and validate it; they
// do not open the base scenario, which lab resolves.
type File struct {
	// Name identifies the sweep in outputs. Default: the file name without
	// its extension.
	Name string `toml:"name"`
	// Description is one line for the report.
	Description string `toml:"description"`
	// Scenario is the base scenario: a file path, relative to the sweep
	// file's directory, or a built-in name. Required.
	Scenario string `toml:"scenario"`
	// Variants are the base scenario's variants to run at every point, on
	// common random numbers. Default: all of them.
	Variants []string `toml:"variants"`

	// Design is how points are placed, one of the Designs: "grid" (full
	// factorial), "random" (independent uniform), "lhs" (Latin hypercube),
	// "sobol" (Saltelli's A, B, AB_i blocks on a scrambled Sobol' sequence,
	// for Sobol' indices), "morris" (one-at-a-time trajectories, for
	// elementary effects) or "csv" (an explicit list of points). Required.
	Design string `toml:"design"`
	// Samples is the number of points of a random or lhs design, and the
	// base sample N of a sobol design (a power of two), which then runs
	// N·(k+2) points for k parameters. Required for those designs; a csv
	// design sets it to its number of rows; unused otherwise.
	Samples int `toml:"samples"`
	// Trajectories is Morris's r, ≥ 2; a morris design runs r·(k+1) points.
	// Required for morris, unused otherwise.
	Trajectories int `toml:"trajectories"`
	// Levels is Morris's p, an even number ≥ 2 (default 4), or for a grid
	// the number of evenly spaced values of every range parameter that does
	// not set its own. Unused by other designs.
	Levels int `toml:"levels"`
	// Scramble Owen-scrambles the Sobol' sequence of a sobol design. Default
	// true; false gives the plain Joe–Kuo sequence, whose first point is the
	// corner of the cube.
	Scramble bool `toml:"scramble" default:"true"`
	// Bootstrap is the number of bootstrap resamples of the Sobol' index
	// confidence intervals. Default 1000; 0 turns the intervals off. Only
	// for sobol.
	Bootstrap int `toml:"bootstrap"`
	// PointsCSV is the CSV file of a csv design, relative to the sweep
	// file's directory: a header row naming the swept keys, then one row
	// per point. Required for csv, unused otherwise; the parameters then
	// come from its header, not from [[params]].
	PointsCSV string `toml:"points_csv"`

	// Replications is the number of replications of every variant at every
	// point, ≥ 1. Default 20.
	Replications int `toml:"replications" default:"20"`
	// Seed is the master seed; every point's seed derives from it and the
	// point's index. Default 1.
	Seed uint64 `toml:"seed" default:"1"`
	// CommonSeed runs every point on the same seed (common random numbers
	// across points), which lowers the noise of differences between points
	// at the price of correlated errors. Default false: a seed per point.
	CommonSeed bool `toml:"common_seed"`

	// Params are the swept parameters, in the order of the design's
	// dimensions. At least one.
	Params []Param `toml:"params"`
	// Outcomes are the per-point outcomes whose sensitivity is analysed,
	// each "measure(variant)" with measure p_by_horizon, median_day,
	// rmst_days or a final observable's name. Default: p_by_horizon and
	// rmst_days of every variant.
	Outcomes []string `toml:"outcomes"`
	// Expect are assertions that `legolab check` evaluates on the sweep's
	// outputs.
	Expect []scenarios.Expect `toml:"expect"`

	// Path is the file the sweep was read from; empty when parsed from
	// bytes without a name.
	Path string `toml:"-"`
	// Dir is the directory a relative Scenario path is resolved against.
	Dir string `toml:"-"`

	// doc is the decoded document: which keys it sets, and where.
	doc *scenarios.Document
	// ext locates key paths whose values come from another file (the
	// parameters of a csv design).
	ext map[string]*scenarios.Error
	// read holds the unit points a design read from a file in its Validate
	// (a csv design's rows), for its Count and Points.
	read [][]float64
}

// Param is one swept parameter: a key path and either a list of values or
// a range.
type Param struct {
	// Key is the parameter's key path, as `legolab run --set` takes it, e.g.
	// "hubs.interlink.adapter_cost". Required, unique.
	Key string `toml:"key"`
	// Values are the values to take, in order (numbers, strings or booleans,
	// all of one kind). A grid takes each; other designs pick among them
	// uniformly. Set either Values or Min and Max.
	Values []any `toml:"values"`
	// Min and Max bound a range, Min < Max.
	Min *float64 `toml:"min"`
	Max *float64 `toml:"max"`
	// Scale of a range: "linear" (default) or "log" (needs Min > 0).
	Scale string `toml:"scale"`
	// Type of a range: "real" (default) or "int" (integral Min and Max; all
	// integers of the range equally likely).
	Type string `toml:"type"`
	// Levels is the number of evenly spaced grid values of a range, ≥ 2.
	// Default: the sweep's Levels. Only for grid designs.
	Levels int `toml:"levels"`
}

// Assertion parsing is the scenario language's; Parse checks only that an
// assertion is there. lab checks the rest when it loads the sweep.

// Load reads, parses and validates the sweep file at path.
func Load(path string) (*File, error) {
	data, err := scenarios.ReadFileLimited(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse parses and validates a sweep file's contents; name is used in
// messages and to resolve the relative paths the file names. Every problem
// is reported at once, in the words scenario files use, each as
// "name:line:col: key.path: message": syntax errors, unknown keys (with a
// "did you mean"), values of the wrong type and invalid values.
func Parse(data []byte, name string) (*File, error) {
	s, err := Decode(data, name)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Decode is Parse for a validator that goes on after the file's own
// problems: it returns the decoded sweep, defaults filled in, with every
// problem Parse finds, and a nil File only when the file is not TOML. A
// value of the wrong type counts as absent. A sweep returned with an error
// may be inconsistent (a range without max, min > max): check it further
// with CheckBase only, never run it.
func Decode(data []byte, name string) (*File, error) {
	file := name
	if file == "" {
		file = "sweep"
	}
	doc, err := scenarios.ParseDocument(file, data)
	if err != nil {
		return nil, err
	}
	s := &File{Path: name, doc: doc}
	if name != "" {
		s.Dir = filepath.Dir(name)
	}
	errs := scenarios.Errors(doc.Decode(s))
	s.defaults()
	errs = append(errs, s.validate()...)
	return s, scenarios.JoinErrors(errs)
}

// has reports whether the file sets the key at path and it decoded.
func (s *File) has(key string) bool { return s.doc != nil && s.doc.Has(key) }

// defaults fills in the documented defaults that depend on other keys (the
// others are `default` tags).
func (s *File) defaults() {
	if s.Name == "" && s.Path != "" {
		s.Name = strings.TrimSuffix(filepath.Base(s.Path), filepath.Ext(s.Path))
	}
	if d := designOf(s.Design); d != nil && d.Defaults != nil {
		d.Defaults(s)
	}
	for i := range s.Params {
		p := &s.Params[i]
		if p.Values == nil {
			if p.Scale == "" {
				p.Scale = "linear"
			}
			if p.Type == "" {
				p.Type = "real"
			}
		}
	}
}

// badFunc records a problem with the value at a positional key path.
type badFunc func(key, format string, args ...any)

// Validate checks a sweep whose defaults are filled in and returns every
// problem found, joined; nil if there is none.
func (s *File) Validate() error { return scenarios.JoinErrors(s.validate()) }

func (s *File) validate() []*scenarios.Error {
	var errs []*scenarios.Error
	bad := func(key, format string, args ...any) {
		if s.doc != nil && s.doc.Failed(key) {
			return // the decoding problem says it
		}
		errs = append(errs, s.errorAt(key, fmt.Sprintf(format, args...)))
	}
	if s.Scenario == "" {
		bad("scenario", "required: a scenario file (relative to the sweep file) or a built-in name")
	}
	seen := map[string]bool{}
	for i, v := range s.Variants {
		key := fmt.Sprintf("variants[%d]", i)
		switch {
		case v == "":
			bad(key, "must not be empty")
		case seen[v]:
			bad(key, "duplicate variant %s", scenarios.QuoteString(v))
		}
		seen[v] = true
	}
	if s.Replications < 1 {
		bad("replications", "must be ≥ 1, got %d", s.Replications)
	}
	if s.Bootstrap < 0 || s.Bootstrap > MaxBootstrap {
		bad("bootstrap", "must be in [0, %d], got %d", MaxBootstrap, s.Bootstrap)
	}
	if s.Replications > MaxReplications {
		bad("replications", "must be ≤ %d, got %d", MaxReplications, s.Replications)
	}
	if d := designOf(s.Design); d == nil || !d.OwnParams {
		if len(s.Params) == 0 {
			bad("params", "at least one [[params]] is required")
		}
	} else if s.has("params") {
		bad("params", "not used by a %s design, which reads its parameters from its points; remove it", d.Name)
		s.Params = nil
	}
	s.validateDesign(bad)
	keys := map[string]int{}
	for i := range s.Params {
		p := &s.Params[i]
		at := fmt.Sprintf("params[%d]", i)
		switch {
		case p.Key == "":
			bad(at+".key", "required: the parameter's key path, as --set takes it")
		case strings.ContainsAny(p.Key, " \t=\n"):
			bad(at+".key", "%s is not a key path", scenarios.QuoteString(p.Key))
		default:
			if j, dup := keys[p.Key]; dup {
				bad(at+".key", "%s is already swept by params[%d]", scenarios.QuoteString(p.Key), j)
			}
			keys[p.Key] = i
		}
		p.validate(s, at, bad)
	}
	for i, o := range s.Outcomes {
		if _, _, err := ParseOutcome(o); err != nil {
			bad(fmt.Sprintf("outcomes[%d]", i), "%v", err)
		}
	}
	for i, e := range s.Expect {
		if strings.TrimSpace(e.Assert) == "" {
			bad(fmt.Sprintf("expect[%d].assert", i), "required: an assertion such as \"st(%s) >= 0.1\"", firstKey(s))
		}
	}
	return errs
}

func firstKey(s *File) string {
	if len(s.Params) > 0 && s.Params[0].Key != "" {
		return s.Params[0].Key
	}
	return "hubs.interlink.adapter_cost"
}

// validateDesign checks the design and the keys that belong to it: those of
// the design's Keys it needs, and none of the other designs' keys.
func (s *File) validateDesign(bad badFunc) {
	d := designOf(s.Design)
	if s.Design == "" {
		bad("design", "required: one of %s", strings.Join(DesignNames(), ", "))
		return
	}
	if d == nil {
		bad("design", "%s", scenarios.NotOneOf(s.Design, DesignNames(), "a design", ""))
		return
	}
	for _, k := range designKeys() {
		if s.has(k) && !d.uses(k) {
			bad(k, "not used by a %s design; remove it", d.Name)
		}
	}
	if d.Validate != nil {
		d.Validate(s, bad)
	}
	if n, ok := d.Count(s); ok && n > MaxPoints {
		bad("design", "%s points is more than the limit of %d", s.pointsText(), MaxPoints)
	} else if ok && d.Method == MethodSobol && s.Bootstrap > 0 {
		// The bootstrap resamples N rows Bootstrap times for k indices
		// after every point is computed: refuse hours of it up front.
		work := float64(s.Bootstrap) * float64(s.Samples) * float64(len(s.Params)+1)
		if work > MaxBootstrapWork {
			bad("bootstrap", "%d resamples of %d rows × %d parameters is about %.2g operations (~%s), more than the limit of %.0g; lower bootstrap or samples",
				s.Bootstrap, s.Samples, len(s.Params), work, durationText(work/2e8), float64(MaxBootstrapWork))
		}
	}
}

// validate checks one parameter at key path at.
func (p *Param) validate(s *File, at string, bad badFunc) {
	hasRange := p.Min != nil || p.Max != nil
	switch {
	case p.Values != nil && hasRange:
		bad(at, "set either values or min and max, not both")
		return
	case p.Values == nil && !hasRange:
		bad(at, "set values = [...] or min and max")
		return
	}
	if p.Levels != 0 && s.Design != DesignGrid {
		bad(at+".levels", "only a grid design takes levels per parameter")
	} else if p.Levels != 0 && p.Levels < 2 {
		bad(at+".levels", "must be ≥ 2, got %d", p.Levels)
	}
	if p.Values != nil {
		if p.Scale != "" {
			bad(at+".scale", "applies to a range (min, max), not to a list of values")
		}
		if p.Type != "" {
			bad(at+".type", "applies to a range (min, max); a list's values have their own types")
		}
		if p.Levels != 0 {
			bad(at+".levels", "a list of values has as many levels as values")
		}
		if len(p.Values) == 0 {
			bad(at+".values", "must not be empty")
			return
		}
		kind := valueKind(p.Values[0])
		seen := map[string]int{}
		for j, v := range p.Values {
			vk := fmt.Sprintf("%s.values[%d]", at, j)
			switch {
			case valueKind(v) == "":
				bad(vk, "expected a number, a string or a boolean, got %s", describe(v))
				continue
			case valueKind(v) != kind:
				bad(vk, "is a %s but values[0] is a %s; all values must be of one kind", valueKind(v), kind)
				continue
			}
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				bad(vk, "must be a finite number, got %s", num(f))
			}
			t := FormatValue(v)
			if j0, dup := seen[t]; dup {
				bad(vk, "%s repeats values[%d]", t, j0)
			}
			seen[t] = j
		}
		return
	}
	if p.Min == nil {
		bad(at, "a range needs min")
	}
	if p.Max == nil {
		bad(at, "a range needs max")
	}
	if p.Scale != "linear" && p.Scale != "log" {
		bad(at+".scale", "%s", scenarios.NotOneOf(p.Scale, []string{"linear", "log"}, "a scale", ""))
	}
	if p.Type != "real" && p.Type != "int" {
		bad(at+".type", "%s", scenarios.NotOneOf(p.Type, []string{"real", "int"}, "a range type", ""))
	}
	if p.Min == nil || p.Max == nil {
		return
	}
	lo, hi := *p.Min, *p.Max
	for _, e := range []struct {
		key string
		v   float64
	}{{at + ".min", lo}, {at + ".max", hi}} {
		if p.Type == "int" && (e.v != math.Trunc(e.v) || math.Abs(e.v) > 1<<53) {
			bad(e.key, "must be an integer for type = \"int\", got %s", num(e.v))
		}
	}
	if !(lo < hi) {
		bad(at+".max", "must be > min (%s), got %s", num(lo), num(hi))
	}
	if p.Scale == "log" && !(lo > 0) {
		bad(at+".min", "must be > 0 for scale = \"log\", got %s", num(lo))
	}
	if s.Design == DesignGrid && p.Levels == 0 && s.Levels == 0 {
		bad(at, "a grid needs the number of values of this range: set levels here or at the top of the file")
	}
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// describe names a decoded TOML value for a message, as scenario files do.
func describe(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%v", v)
}

// valueKind names the kind of a decoded TOML value: "number", "string",
// "boolean", or "" for anything else.
func valueKind(v any) string {
	switch v.(type) {
	case int64, float64:
		return "number"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	return ""
}

// FormatValue writes a decoded TOML value as `--set` takes it.
func FormatValue(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// ParseOutcome splits an outcome "measure(variant)" into its measure and
// variant. It checks the form only: which measures and variants exist is
// known once the base scenario has run.
func ParseOutcome(s string) (measure, variant string, err error) {
	t := strings.TrimSpace(s)
	open := strings.IndexByte(t, '(')
	if open <= 0 || !strings.HasSuffix(t, ")") {
		return "", "", fmt.Errorf("outcome %q must be measure(variant), e.g. \"p_by_horizon(hub)\"", s)
	}
	measure = strings.TrimSpace(t[:open])
	variant = strings.TrimSpace(t[open+1 : len(t)-1])
	if variant == "" || strings.ContainsAny(variant, "(),") || strings.ContainsAny(measure, " ()") {
		return "", "", fmt.Errorf("outcome %q must be measure(variant), e.g. \"p_by_horizon(hub)\"", s)
	}
	return measure, variant, nil
}

// ScenarioPath returns the base scenario as a path when Scenario names a
// file (it contains a path separator or ends in .toml), resolved against
// the sweep file's directory, and "" when it names a built-in scenario.
func (s *File) ScenarioPath() string {
	if !strings.ContainsAny(s.Scenario, `/\`) && !strings.HasSuffix(s.Scenario, ".toml") {
		return ""
	}
	return s.resolve(s.Scenario)
}

// resolve returns a path the file names, relative to its directory.
func (s *File) resolve(p string) string {
	if filepath.IsAbs(p) || s.Dir == "" {
		return p
	}
	return filepath.Join(s.Dir, p)
}

// ErrorAt returns an error for the value at key path in the sweep file,
// located at its file:line:col when known (else at its nearest enclosing
// key), so that callers checking the sweep against its base scenario report
// like the parser does.
func (s *File) ErrorAt(key, msg string) error { return s.errorAt(key, msg) }

func (s *File) errorAt(key, msg string) *scenarios.Error {
	if e, ok := s.ext[key]; ok {
		c := *e
		c.Msg = msg
		return &c
	}
	if s.doc != nil {
		return s.doc.ErrorAt(key, msg)
	}
	file := s.Path
	if file == "" {
		file = "sweep"
	}
	return &scenarios.Error{File: file, Path: key, Msg: msg}
}

// pointCount returns the number of points the design will have, and false
// when the design is invalid.
func (s *File) pointCount() (int, bool) {
	if d := designOf(s.Design); d != nil {
		return d.Count(s)
	}
	return 0, false
}

// ParamLevels returns the number of distinct grid values of parameter j:
// its list's length, or its range's levels (its own, else the sweep's).
func (s *File) ParamLevels(j int) int { return s.Params[j].levelCount(s) }

// levelCount is the number of grid values of p.
func (p *Param) levelCount(s *File) int {
	switch {
	case p.Values != nil:
		return len(p.Values)
	case p.Levels != 0:
		return p.Levels
	}
	return s.Levels
}
