package scenarios

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
)

// Design kinds of a sweep.
const (
	DesignGrid   = "grid"
	DesignRandom = "random"
	DesignLHS    = "lhs"
	DesignSobol  = "sobol"
	DesignMorris = "morris"
)

// sweepDesignKinds lists the design kinds in the order messages name them.
var sweepDesignKinds = []string{DesignGrid, DesignRandom, DesignLHS, DesignSobol, DesignMorris}

// Limits that keep a sweep file from asking for more than a machine can
// hold: a design's points are generated up front.
const (
	// SweepMaxPoints bounds the number of points of one sweep.
	SweepMaxPoints = 1 << 22
	// SweepMaxSobolParams is the most parameters a sobol design supports
	// (two Sobol' dimensions per parameter).
	SweepMaxSobolParams = SobolMaxDims / 2
)

// Sweep is a parameter sweep over a base scenario, as read from a sweep
// file (TOML). LoadSweep and ParseSweep fill in the defaults below and
// validate it; they do not open the base scenario, which lab resolves.
type Sweep struct {
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

	// Design is how points are placed: "grid" (full factorial), "random"
	// (independent uniform), "lhs" (Latin hypercube), "sobol" (Saltelli's
	// A, B, AB_i blocks on a scrambled Sobol' sequence, for Sobol' indices)
	// or "morris" (one-at-a-time trajectories, for elementary effects).
	// Required.
	Design string `toml:"design"`
	// Samples is the number of points of a random or lhs design, and the
	// base sample N of a sobol design (a power of two), which then runs
	// N·(k+2) points for k parameters. Required for those designs, unused
	// otherwise.
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
	Scramble bool `toml:"scramble"`
	// Bootstrap is the number of bootstrap resamples of the Sobol' index
	// confidence intervals. Default 1000; 0 turns the intervals off. Only
	// for sobol.
	Bootstrap int `toml:"bootstrap"`

	// Replications is the number of replications of every variant at every
	// point, ≥ 1. Default 20.
	Replications int `toml:"replications"`
	// Seed is the master seed; every point's seed derives from it and the
	// point's index. Default 1.
	Seed uint64 `toml:"seed"`
	// CommonSeed runs every point on the same seed (common random numbers
	// across points), which lowers the noise of differences between points
	// at the price of correlated errors. Default false: a seed per point.
	CommonSeed bool `toml:"common_seed"`

	// Params are the swept parameters, in the order of the design's
	// dimensions. At least one.
	Params []SweepParam `toml:"params"`
	// Outcomes are the per-point outcomes whose sensitivity is analysed,
	// each "measure(variant)" with measure p_by_horizon, median_day,
	// rmst_days or a final observable's name. Default: p_by_horizon and
	// rmst_days of every variant.
	Outcomes []string `toml:"outcomes"`
	// Expect are assertions that `legolab check` evaluates on the sweep's
	// outputs.
	Expect []Expect `toml:"expect"`

	// Path is the file the sweep was read from; empty when parsed from
	// bytes without a name.
	Path string `toml:"-"`
	// Dir is the directory a relative Scenario path is resolved against.
	Dir string `toml:"-"`

	// pos maps key paths ("params[1].min") to their value's place in the
	// file, keyPos to their key's.
	pos, keyPos map[string]sweepPos
}

// SweepParam is one swept parameter: a key path and either a list of values
// or a range.
type SweepParam struct {
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

// Assertion parsing is the scenario language's; ParseSweep checks only that
// an assertion is there. lab checks the rest when it loads the sweep.

// sweepPos is a place in a sweep file.
type sweepPos struct{ line, col int }

// LoadSweep reads, parses and validates the sweep file at path.
func LoadSweep(path string) (*Sweep, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSweep(data, path)
}

// ParseSweep parses and validates a sweep file's contents; name is used in
// messages and to resolve a relative base scenario path. Unknown keys are
// errors with a suggestion; every problem found is reported at once, each
// as "name:line:col: key.path: message" (a type mismatch stops decoding, so
// it comes alone).
func ParseSweep(data []byte, name string) (*Sweep, error) {
	s, err := DecodeSweep(data, name)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// DecodeSweep is ParseSweep for a validator that goes on after the file's
// own problems: it returns the decoded sweep, defaults filled in, with every
// problem ParseSweep finds, and a nil Sweep only when the file does not
// decode at all (a syntax or type error). A sweep returned with an error
// may be inconsistent (a range without max, min > max): check it further
// with CheckBase only, never run it.
func DecodeSweep(data []byte, name string) (*Sweep, error) {
	s := &Sweep{Path: name}
	if name != "" {
		s.Dir = filepath.Dir(name)
	}
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(s)
	var strict *toml.StrictMissingError
	if err != nil && !errors.As(err, &strict) {
		return nil, sweepDecodeError(name, err)
	}
	// The document parsed, so indexing it cannot fail.
	s.pos, s.keyPos, _ = sweepKeyIndex(data)
	var errs []error
	if strict != nil {
		for i := range strict.Errors {
			errs = append(errs, s.unknownKey(&strict.Errors[i]))
		}
	}
	// Unknown keys do not stop the other checks.
	s.defaults()
	errs = append(errs, s.validate()...)
	if len(errs) > 0 {
		return s, sweepJoin(errs)
	}
	return s, nil
}

// sweepJoin joins problems in file order, those without a place last.
func sweepJoin(errs []error) error {
	line := func(err error) (int, int) {
		var e *Error
		if errors.As(err, &e) && e.Line > 0 {
			return e.Line, e.Col
		}
		return math.MaxInt, 0
	}
	slices.SortStableFunc(errs, func(a, b error) int {
		la, ca := line(a)
		lb, cb := line(b)
		if la != lb {
			return cmp.Compare(la, lb)
		}
		return cmp.Compare(ca, cb)
	})
	return errors.Join(errs...)
}

// defaults fills in the documented defaults of keys absent from the file.
func (s *Sweep) defaults() {
	if s.Name == "" && s.Path != "" {
		s.Name = strings.TrimSuffix(filepath.Base(s.Path), filepath.Ext(s.Path))
	}
	if _, ok := s.pos["seed"]; !ok {
		s.Seed = 1
	}
	if _, ok := s.pos["scramble"]; !ok {
		s.Scramble = true
	}
	if _, ok := s.pos["bootstrap"]; !ok && s.Design == DesignSobol {
		s.Bootstrap = 1000
	}
	if _, ok := s.pos["replications"]; !ok {
		s.Replications = 20
	}
	if s.Design == DesignMorris && s.Levels == 0 {
		s.Levels = 4
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

// Validate checks a sweep whose defaults are filled in and returns every
// problem found, joined; nil if there is none.
func (s *Sweep) Validate() error { return sweepJoin(s.validate()) }

func (s *Sweep) validate() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
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
			bad(key, "empty variant name")
		case seen[v]:
			bad(key, "variant %q listed twice", v)
		}
		seen[v] = true
	}
	if s.Replications < 1 {
		bad("replications", "must be >= 1, got %d", s.Replications)
	}
	if s.Bootstrap < 0 {
		bad("bootstrap", "must be >= 0, got %d", s.Bootstrap)
	}
	k := len(s.Params)
	if k == 0 {
		bad("params", "at least one [[params]] is required")
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
			bad(at+".key", "%q is not a key path", p.Key)
		default:
			if j, dup := keys[p.Key]; dup {
				bad(at+".key", "%q is already swept by params[%d]", p.Key, j)
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
			bad(fmt.Sprintf("expect[%d].assert", i), "required: an assertion such as \"st(%s) >= 0.1\"", sweepFirstKey(s))
		}
	}
	return errs
}

func sweepFirstKey(s *Sweep) string {
	if len(s.Params) > 0 && s.Params[0].Key != "" {
		return s.Params[0].Key
	}
	return "hubs.interlink.adapter_cost"
}

// validateDesign checks the design and the keys that belong to it.
func (s *Sweep) validateDesign(bad func(key, format string, args ...any)) {
	k := len(s.Params)
	has := func(key string) bool { _, ok := s.pos[key]; return ok }
	unused := func(key, why string) {
		if has(key) {
			bad(key, "not used by a %s design%s; remove it", s.Design, why)
		}
	}
	switch s.Design {
	case "":
		bad("design", "required: one of %s", sweepQuoteList(sweepDesignKinds))
		return
	case DesignGrid, DesignRandom, DesignLHS, DesignSobol, DesignMorris:
	default:
		bad("design", "unknown design %q%s; want one of %s", s.Design, sweepSuggest(s.Design, sweepDesignKinds), sweepQuoteList(sweepDesignKinds))
		return
	}
	if s.Design != DesignSobol {
		unused("scramble", "")
		unused("bootstrap", "")
	}
	switch s.Design {
	case DesignGrid:
		unused("samples", " (a grid's size is the product of its parameters' value counts)")
		unused("trajectories", "")
		if has("levels") && s.Levels < 2 {
			bad("levels", "must be >= 2, got %d", s.Levels)
		}
	case DesignRandom, DesignLHS:
		unused("trajectories", "")
		unused("levels", "")
		if s.Samples < 2 {
			bad("samples", "a %s design needs samples >= 2, got %d", s.Design, s.Samples)
		}
	case DesignSobol:
		unused("trajectories", "")
		unused("levels", "")
		switch {
		case s.Samples < 2:
			bad("samples", "a sobol design needs samples N >= 2, a power of two, got %d", s.Samples)
		case !IsPowerOfTwo(s.Samples):
			bad("samples", "a sobol design needs N a power of two, got %d; the nearest valid N is %d", s.Samples, NearestPowerOfTwo(s.Samples))
		}
		if k > SweepMaxSobolParams {
			bad("params", "a sobol design supports up to %d parameters, got %d", SweepMaxSobolParams, k)
		}
	case DesignMorris:
		unused("samples", "")
		if s.Trajectories < 2 {
			bad("trajectories", "a morris design needs trajectories r >= 2 (σ needs two), got %d", s.Trajectories)
		}
		if s.Levels < 2 || s.Levels%2 != 0 {
			bad("levels", "a morris design needs an even number of levels p >= 2, got %d", s.Levels)
		}
	}
	if n, ok := s.pointCount(); ok && n > SweepMaxPoints {
		bad("design", "%d points is more than the limit of %d", n, SweepMaxPoints)
	}
}

// validate checks one parameter at key path at.
func (p *SweepParam) validate(s *Sweep, at string, bad func(key, format string, args ...any)) {
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
		bad(at+".levels", "must be >= 2, got %d", p.Levels)
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
		kind := sweepValueKind(p.Values[0])
		seen := map[string]int{}
		for j, v := range p.Values {
			vk := fmt.Sprintf("%s.values[%d]", at, j)
			switch {
			case sweepValueKind(v) == "":
				bad(vk, "must be a number, a string or a boolean, got %T", v)
				continue
			case sweepValueKind(v) != kind:
				bad(vk, "is a %s but values[0] is a %s; all values must be of one kind", sweepValueKind(v), kind)
				continue
			}
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				bad(vk, "must be finite, got %v", f)
			}
			t := sweepFormatValue(v)
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
	switch p.Scale {
	case "linear", "log":
	default:
		bad(at+".scale", "must be \"linear\" or \"log\", got %q%s", p.Scale, sweepSuggest(p.Scale, []string{"linear", "log"}))
	}
	switch p.Type {
	case "real", "int":
	default:
		bad(at+".type", "must be \"real\" or \"int\", got %q%s", p.Type, sweepSuggest(p.Type, []string{"real", "int"}))
	}
	if p.Min == nil || p.Max == nil {
		return
	}
	lo, hi := *p.Min, *p.Max
	for _, e := range []struct {
		key string
		v   float64
	}{{at + ".min", lo}, {at + ".max", hi}} {
		if math.IsNaN(e.v) || math.IsInf(e.v, 0) {
			bad(e.key, "must be finite, got %v", e.v)
		} else if p.Type == "int" && (e.v != math.Trunc(e.v) || math.Abs(e.v) > 1<<53) {
			bad(e.key, "must be an integer for type = \"int\", got %v", e.v)
		}
	}
	if !(lo < hi) {
		bad(at+".max", "must be greater than min (%v), got %v", lo, hi)
	}
	if p.Scale == "log" && !(lo > 0) {
		bad(at+".min", "must be > 0 for scale = \"log\", got %v", lo)
	}
	if s.Design == DesignGrid && p.Levels == 0 && s.Levels == 0 {
		bad(at, "a grid needs the number of values of this range: set levels here or at the top of the file")
	}
}

// sweepValueKind names the kind of a decoded TOML value: "number", "string",
// "boolean", or "" for anything else.
func sweepValueKind(v any) string {
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

// sweepFormatValue writes a decoded TOML value as `--set` takes it.
func sweepFormatValue(v any) string {
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
func (s *Sweep) ScenarioPath() string {
	if !strings.ContainsAny(s.Scenario, `/\`) && !strings.HasSuffix(s.Scenario, ".toml") {
		return ""
	}
	if filepath.IsAbs(s.Scenario) || s.Dir == "" {
		return s.Scenario
	}
	return filepath.Join(s.Dir, s.Scenario)
}

// ErrorAt returns an error for the value at key path in the sweep file,
// prefixed with its file:line:col when known, so that callers checking the
// sweep against its base scenario report like the parser does.
func (s *Sweep) ErrorAt(key, msg string) error { return s.errorAt(key, msg) }

func (s *Sweep) errorAt(key, msg string) error {
	e := &Error{File: s.Path, Path: key, Msg: msg}
	if e.File == "" {
		e.File = "sweep"
	}
	// Fall back to the nearest enclosing key that has a place.
	for k := key; k != ""; k = sweepParentKey(k) {
		if p, ok := s.pos[k]; ok {
			e.Line, e.Col = p.line, p.col
			break
		}
	}
	return e
}

// sweepParentKey returns the key path enclosing key: "params[1].min" →
// "params[1]" → "params" → "".
func sweepParentKey(key string) string {
	if strings.HasSuffix(key, "]") {
		if i := strings.LastIndexByte(key, '['); i > 0 {
			return key[:i]
		}
	}
	if i := strings.LastIndexByte(key, '.'); i > 0 {
		return key[:i]
	}
	return ""
}

// pointCount returns the number of points the design will have, and false
// when the design is invalid.
func (s *Sweep) pointCount() (int, bool) {
	k := len(s.Params)
	switch s.Design {
	case DesignGrid:
		n := 1
		for _, p := range s.Params {
			l := p.levelCount(s)
			if l < 1 {
				return 0, false
			}
			if n > SweepMaxPoints {
				return n, true
			}
			n *= l
		}
		return n, true
	case DesignRandom, DesignLHS:
		return s.Samples, s.Samples >= 1
	case DesignSobol:
		return s.Samples * (k + 2), s.Samples >= 1 && k >= 1
	case DesignMorris:
		return s.Trajectories * (k + 1), s.Trajectories >= 1 && k >= 1
	}
	return 0, false
}

// ParamLevels returns the number of distinct grid values of parameter j:
// its list's length, or its range's levels (its own, else the sweep's).
func (s *Sweep) ParamLevels(j int) int { return s.Params[j].levelCount(s) }

// levelCount is the number of grid values of p.
func (p *SweepParam) levelCount(s *Sweep) int {
	switch {
	case p.Values != nil:
		return len(p.Values)
	case p.Levels != 0:
		return p.Levels
	}
	return s.Levels
}

// unknownKey turns a strict-mode decode error into a message with the key's
// full path (array tables indexed) and a suggestion.
func (s *Sweep) unknownKey(de *toml.DecodeError) error {
	row, col := de.Position()
	key := strings.Join(de.Key(), ".")
	// Recover the indexed path ("params[1].kye") from the key index: the
	// key recorded at the same place.
	var at []string
	for k, p := range s.keyPos {
		if p.line == row && p.col == col && strings.HasSuffix(k, de.Key()[len(de.Key())-1]) {
			at = append(at, k)
		}
	}
	if len(at) > 0 {
		slices.Sort(at)
		key = at[0]
	}
	parts := de.Key()
	known := sweepKnownKeys(parts[:len(parts)-1])
	file := s.Path
	if file == "" {
		file = "sweep"
	}
	return &Error{File: file, Line: row, Col: col, Path: key, Msg: "unknown key" + sweepSuggest(parts[len(parts)-1], known)}
}

// sweepKnownKeys lists the keys allowed in the table at path (array tables
// by name), for suggestions.
func sweepKnownKeys(path []string) []string {
	switch {
	case len(path) == 0:
		return []string{"name", "description", "scenario", "variants", "design", "samples", "trajectories",
			"levels", "scramble", "bootstrap", "replications", "seed", "common_seed", "params", "outcomes", "expect"}
	case len(path) == 1 && path[0] == "params":
		return []string{"key", "values", "min", "max", "scale", "type", "levels"}
	case len(path) == 1 && path[0] == "expect":
		return []string{"assert", "note"}
	}
	return nil
}

// sweepDecodeError formats a go-toml syntax or type error with its place and
// the line it is on.
func sweepDecodeError(name string, err error) error {
	if name == "" {
		name = "sweep"
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return &Error{File: name, Line: row, Col: col, Path: strings.Join(de.Key(), "."),
			Msg: strings.TrimPrefix(de.Error(), "toml: "), Context: de.String()}
	}
	return &Error{File: name, Msg: err.Error()}
}

// sweepSuggest returns `; did you mean "x"?` for the candidate nearest got, or
// "" when none is near.
func sweepSuggest(got string, candidates []string) string {
	if got == "" {
		return ""
	}
	// A prefix ("lin" → "linear") is a near miss whatever its distance.
	for _, c := range candidates {
		if len(got) >= 3 && strings.HasPrefix(c, strings.ToLower(got)) {
			return fmt.Sprintf("; did you mean %q?", c)
		}
	}
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := levenshtein(strings.ToLower(got), c); d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(got)/3)
	if best == "" || bestD > limit || got == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func sweepQuoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}
