package calibrations

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/legolab/legolab/calib"
	"github.com/legolab/legolab/data"
	"github.com/legolab/legolab/scenarios"
)

// Limits that keep a calibration file a short, hand-written document: a
// run's cost grows with its particles and simulations, and every point is
// simulated by every particle.
const (
	// MaxFileBytes bounds the calibration file itself.
	MaxFileBytes = 1 << 20
	// MaxParticles bounds abc.particles.
	MaxParticles = 100_000
	// MaxSimulations bounds abc.max_simulations.
	MaxSimulations = 100_000_000
	// MaxGenerations bounds abc.max_generations.
	MaxGenerations = 1000
	// MaxSeries bounds the number of [[series]].
	MaxSeries = 64
	// MaxPoints bounds the observed points of all series together.
	MaxPoints = 10_000
)

// AnalogsData is the data value that names the embedded copy of
// data/analogs.csv.
const AnalogsData = "analogs"

// File is a calibration file (TOML): a scenario, the priors of it to fit,
// the observed series and how they meet the model. Parse fills in the
// defaults below, resolves the scenario and the data, and validates it all.
type File struct {
	// Name identifies the calibration in outputs: lower-case letters,
	// digits and '-'. Required.
	Name string `toml:"name" jsonschema:"required,pattern=^[a-z0-9-]+$"`
	// Description is one line for the report.
	Description string `toml:"description"`
	// Scenario is the model fitted: a built-in scenario name, or a file
	// path relative to the calibration file's directory. Required.
	Scenario string `toml:"scenario" jsonschema:"required"`
	// Variant is the scenario's variant to fit; "" (the default) is the
	// scenario's base, no variant applied.
	Variant string `toml:"variant"`
	// Start is the calendar date (YYYY-MM-DD) of model day 0. Required.
	Start time.Time `toml:"start" jsonschema:"required"`
	// Cutoff is the information cutoff (YYYY-MM-DD): points dated after it
	// are held out (simulated and scored, not fitted). Required, not
	// before start.
	Cutoff time.Time `toml:"cutoff" jsonschema:"required"`
	// Seed is the master seed of the ABC-SMC run. Default 1.
	Seed uint64 `toml:"seed" default:"1"`
	// Free are the key paths of the priors to calibrate, each a prior of
	// the scenario (of the variant, when one is named), no choice prior.
	// Default: every continuous prior. Priors not free stay at their
	// central value (the median).
	Free []string `toml:"free"`
	// ABC tunes the ABC-SMC run; every key is optional.
	ABC ABC `toml:"abc"`
	// Series are the observed series, 1 to 64 of them.
	Series []Series `toml:"series" jsonschema:"required"`

	// Path is the file the calibration was read from ("" when parsed from
	// bytes without a name), Builtin the built-in's name when it is one.
	Path    string `toml:"-"`
	Builtin string `toml:"-"`
	// Dir is the directory relative paths are resolved against.
	Dir string `toml:"-"`
	// Spec is the resolved scenario with the variant applied; Base the
	// scenario as loaded; ScenarioSource its TOML.
	Spec           *scenarios.Spec `toml:"-"`
	Base           *scenarios.Spec `toml:"-"`
	ScenarioSource []byte          `toml:"-"`
	// Keys are the canonical key paths of the free priors, in Free order,
	// and Priors those priors (Key canonical).
	Keys   []string          `toml:"-"`
	Priors []scenarios.Prior `toml:"-"`

	doc  *scenarios.Document
	fsys fs.FS // where a built-in's relative paths are read; nil: the OS
}

// ABC tunes the ABC-SMC run (calib.Settings). Zero values take calib's
// defaults.
type ABC struct {
	// Particles is the population size N, in [2, 100000]. Default 500.
	Particles int `toml:"particles"`
	// Alpha is the quantile of the accepted distances that becomes the
	// next tolerance, in (0, 1). Default 0.5.
	Alpha float64 `toml:"alpha"`
	// MaxGenerations counts generation 0 (the prior), in [1, 1000].
	// Default 20.
	MaxGenerations int `toml:"max_generations"`
	// MaxSimulations is the simulation budget of the run, in [particles,
	// 1e8]. Default 1,000,000.
	MaxSimulations int `toml:"max_simulations"`
	// MinAcceptance is the lowest acceptance rate of a generation, in
	// (0, 1]. Default 0.005.
	MinAcceptance float64 `toml:"min_acceptance"`
	// MinEpsDecrease is the lowest relative decrease of ε a generation may
	// achieve, in (0, 1). Default 0.01.
	MinEpsDecrease float64 `toml:"min_eps_decrease"`
	// Kernel is the perturbation kernel: "standard" (default) or "olcm".
	Kernel string `toml:"kernel" jsonschema:"enum=standard,enum=olcm"`
}

// Series is one observed series and how it meets the model.
type Series struct {
	// Name is the series name: in the data file, the rows of that series.
	// Required, unique.
	Name string `toml:"name" jsonschema:"required"`
	// Data is "analogs" (the embedded data/analogs.csv) or a CSV path in
	// the analogs.csv layout, relative to the calibration file. Set data
	// or [[series.points]], not both.
	Data string `toml:"data"`
	// Observable is the model observable the series meets, any name of
	// `legolab scenarios show`'s observables for the scenario (e.g.
	// builders_cum, hub_members_ibc). Required.
	Observable string `toml:"observable" jsonschema:"required"`
	// Transform is the scale of the distance: "log1p" (counts), "log"
	// (money) or "identity" (shares). Required.
	Transform string `toml:"transform" jsonschema:"required,enum=log1p,enum=log,enum=identity"`
	// Scale is the observation operator: the value compared is scale ×
	// observable(day). Finite, > 0. Default 1.
	Scale float64 `toml:"scale" default:"1"`
	// Discrepancy is the model-discrepancy sd (calib.Target.Discrepancy):
	// on the log scales an sd in log units, on identity a relative sd.
	// Required, > 0.
	Discrepancy float64 `toml:"discrepancy" jsonschema:"required,exclusiveMinimum=0"`
	// Unit is the observed unit, for the report (inline points; a data
	// file's unit column overrides it).
	Unit string `toml:"unit"`
	// Points are inline observed values, instead of data.
	Points []Point `toml:"points"`

	// Observed are the series' values, from data or points, in date order.
	Observed []calib.Observation `toml:"-"`
}

// Point is one inline observed value.
type Point struct {
	// Date is the day the value holds (YYYY-MM-DD). Required.
	Date time.Time `toml:"date" jsonschema:"required"`
	// Value is the observed value, in the series' unit. Required, finite.
	Value *float64 `toml:"value" jsonschema:"required"`
	// Kind is how the value meets the model: "point" (default), "approx",
	// "lower_bound" or "capped".
	Kind string `toml:"kind" default:"point" jsonschema:"enum=point,enum=approx,enum=lower_bound,enum=capped"`
	// Source is where the value comes from (a URL, or "synthetic: ...").
	// Required.
	Source string `toml:"source" jsonschema:"required"`
	// Note is free text.
	Note string `toml:"note"`
}

// Options are what Parse needs from the packages above it.
type Options struct {
	// Observables lists the observables of a scenario
	// (observe.Observables); nil skips the check of series' observables.
	Observables func(*scenarios.Spec) []string
}

var nameRE = regexp.MustCompile(`^[a-z0-9-]+$`)

// Load reads, parses and validates the calibration file at path.
func Load(path string, opt Options) (*File, error) {
	data, err := scenarios.ReadFileLimited(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path, opt)
}

// Parse parses and validates a calibration file's contents; name is used
// in messages and to resolve the paths the file names. Every problem is
// reported at once, in the words scenario files use, each as
// "name:line:col: key.path: message": syntax errors, unknown keys (with a
// "did you mean"), values of the wrong type, invalid values, and the
// problems of the file against its scenario and its data. On error the
// File is nil.
func Parse(data []byte, name string, opt Options) (*File, error) {
	f, err := Decode(data, name, opt)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Decode is Parse returning whatever was decoded beside the errors (nil
// only when the file is not TOML), for validators.
func Decode(data []byte, name string, opt Options) (*File, error) {
	return decode(data, name, nil, opt)
}

func decode(src []byte, name string, fsys fs.FS, opt Options) (*File, error) {
	file := name
	if file == "" {
		file = "calibration"
	}
	if len(src) > MaxFileBytes {
		return nil, scenarios.JoinErrors([]*scenarios.Error{{File: file, Msg: fmt.Sprintf("larger than the limit of %d KiB for a calibration file", MaxFileBytes>>10)}})
	}
	doc, err := scenarios.ParseDocument(file, src)
	if err != nil {
		return nil, err
	}
	f := &File{Path: name, doc: doc, fsys: fsys}
	if name != "" && fsys == nil {
		f.Dir = filepath.Dir(name)
	}
	errs := scenarios.Errors(doc.Decode(f))
	errs = append(errs, f.validate(opt)...)
	if len(errs) > 0 {
		return f, scenarios.JoinErrors(errs)
	}
	return f, nil
}

// ErrorAt returns an error for the value at key path in the file, located
// at its file:line:col when known.
func (f *File) ErrorAt(key, msg string) error { return f.errorAt(key, msg) }

func (f *File) errorAt(key, msg string) *scenarios.Error {
	if f.doc != nil {
		return f.doc.ErrorAt(key, msg)
	}
	file := f.Path
	if file == "" {
		file = "calibration"
	}
	return &scenarios.Error{File: file, Path: key, Msg: msg}
}

func (f *File) has(key string) bool { return f.doc != nil && f.doc.Has(key) }

// validate checks the file and resolves its scenario, free priors and data.
func (f *File) validate(opt Options) []*scenarios.Error {
	var errs []*scenarios.Error
	bad := func(key, format string, args ...any) {
		if f.doc != nil && f.doc.Failed(key) {
			return // the decoding problem says it
		}
		errs = append(errs, f.errorAt(key, fmt.Sprintf(format, args...)))
	}
	switch {
	case f.Name == "":
		bad("name", "required: the calibration's name, lower-case letters, digits and '-'")
	case !nameRE.MatchString(f.Name) || len(f.Name) > 64:
		bad("name", "%s must be 1 to 64 lower-case letters, digits and '-'", scenarios.QuoteString(f.Name))
	}
	if f.Start.IsZero() {
		bad("start", "required: the calendar date of model day 0, e.g. start = \"2021-02-18\"")
	}
	if f.Cutoff.IsZero() {
		bad("cutoff", "required: the information cutoff; points after it are held out")
	} else if !f.Start.IsZero() && f.Cutoff.Before(f.Start) {
		bad("cutoff", "%s is before start %s", date(f.Cutoff), date(f.Start))
	}
	f.validateABC(bad)
	f.resolveScenario(bad, &errs)
	f.resolveFree(bad)
	f.validateSeries(bad, opt)
	return errs
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

func num(x float64) string { return fmt.Sprint(x) }

func (f *File) validateABC(bad func(key, format string, args ...any)) {
	a := &f.ABC
	if f.has("abc.particles") && (a.Particles < 2 || a.Particles > MaxParticles) {
		bad("abc.particles", "must be in [2, %d], got %d", MaxParticles, a.Particles)
	}
	if f.has("abc.alpha") && !(a.Alpha > 0 && a.Alpha < 1) {
		bad("abc.alpha", "must be in (0, 1), got %s", num(a.Alpha))
	}
	if f.has("abc.max_generations") && (a.MaxGenerations < 1 || a.MaxGenerations > MaxGenerations) {
		bad("abc.max_generations", "must be in [1, %d], got %d", MaxGenerations, a.MaxGenerations)
	}
	if f.has("abc.max_simulations") {
		n := a.Particles
		if n == 0 {
			n = 500
		}
		if a.MaxSimulations < n || a.MaxSimulations > MaxSimulations {
			bad("abc.max_simulations", "must be in [particles = %d, %d], got %d", n, MaxSimulations, a.MaxSimulations)
		}
	}
	if f.has("abc.min_acceptance") && !(a.MinAcceptance > 0 && a.MinAcceptance <= 1) {
		bad("abc.min_acceptance", "must be in (0, 1], got %s", num(a.MinAcceptance))
	}
	if f.has("abc.min_eps_decrease") && !(a.MinEpsDecrease > 0 && a.MinEpsDecrease < 1) {
		bad("abc.min_eps_decrease", "must be in (0, 1), got %s", num(a.MinEpsDecrease))
	}
	if f.has("abc.kernel") && a.Kernel != "standard" && a.Kernel != "olcm" {
		bad("abc.kernel", "%s", scenarios.NotOneOf(a.Kernel, []string{"standard", "olcm"}, "a kernel", ""))
	}
}

// Settings are the ABC-SMC settings of the file (calib's defaults where it
// sets none), without workers, progress or checkpointing.
func (f *File) Settings() calib.Settings {
	a := f.ABC
	return calib.Settings{
		Particles: a.Particles, Alpha: a.Alpha, MaxGenerations: a.MaxGenerations,
		MaxSimulations: a.MaxSimulations, MinAcceptance: a.MinAcceptance,
		MinEpsDecrease: a.MinEpsDecrease, Kernel: calib.KernelKind(a.Kernel), Seed: f.Seed,
	}
}

// ScenarioPath returns the scenario as a path when Scenario names a file
// (it contains a path separator or ends in .toml), resolved against the
// calibration file's directory, and "" for a built-in scenario name.
func (f *File) ScenarioPath() string {
	if !strings.ContainsAny(f.Scenario, `/\`) && !strings.HasSuffix(f.Scenario, ".toml") {
		return ""
	}
	return f.resolve(f.Scenario)
}

func (f *File) resolve(p string) string {
	if f.fsys != nil {
		return path.Join("builtin", p)
	}
	if filepath.IsAbs(p) || f.Dir == "" {
		return p
	}
	return filepath.Join(f.Dir, p)
}

// readRel reads a file the calibration names, relative to it.
func (f *File) readRel(p string) ([]byte, error) {
	if f.fsys != nil {
		b, err := fs.ReadFile(f.fsys, p)
		if err != nil {
			return nil, fmt.Errorf("built-in calibration %s: %w", f.Builtin, err)
		}
		return b, nil
	}
	return scenarios.ReadFileLimited(p)
}

func (f *File) resolveScenario(bad func(key, format string, args ...any), errs *[]*scenarios.Error) {
	if f.Scenario == "" {
		bad("scenario", "required: a built-in scenario name or a scenario file relative to the calibration file")
		return
	}
	var spec *scenarios.Spec
	var err error
	if p := f.ScenarioPath(); p != "" {
		var src []byte
		if src, err = f.readRel(p); err != nil {
			bad("scenario", "cannot read %s: %v", p, err)
			return
		}
		f.ScenarioSource = src
		spec, err = scenarios.Parse(p, src)
	} else {
		if f.ScenarioSource, err = scenarios.BuiltinSource(f.Scenario); err != nil {
			bad("scenario", "%v", err)
			return
		}
		spec, err = scenarios.Builtin(f.Scenario)
	}
	if err != nil {
		bad("scenario", "the scenario %s is not valid (its problems follow)", scenarios.QuoteString(f.Scenario))
		*errs = append(*errs, scenarios.Errors(err)...)
		return
	}
	f.Base = spec
	names := spec.VariantNames()
	switch {
	case f.Variant == "" || f.Variant == "base" && len(spec.Variants) == 0:
		c := spec.Clone()
		c.Variants = nil
		f.Spec = c
	case !slices.Contains(names, f.Variant):
		if len(spec.Variants) == 0 {
			bad("variant", "the scenario %s has no variants; leave variant out", scenarios.QuoteString(f.Scenario))
		} else {
			bad("variant", "%s", scenarios.NotOneOf(f.Variant, names, "a variant of "+f.Scenario, ""))
		}
		return
	default:
		v, err := spec.Variant(f.Variant)
		if err != nil {
			bad("variant", "%v", err)
			return
		}
		f.Spec = v
	}
}

// priors returns the priors of the fitted variant, canonical keys.
func (f *File) priors() ([]scenarios.Prior, error) {
	if f.Variant == "" || f.Variant == "base" && len(f.Base.Variants) == 0 {
		b := f.Base.Clone()
		b.Variants = nil
		return b.VariantPriors("base")
	}
	return f.Base.VariantPriors(f.Variant)
}

// PriorSpec is the scenario whose priors (Spec.Sampler(PriorVariant()))
// are the calibration's: the base without its variants, or the scenario
// as loaded with the variant named.
func (f *File) PriorSpec() (*scenarios.Spec, string) {
	if f.Variant == "" || f.Variant == "base" && len(f.Base.Variants) == 0 {
		b := f.Base.Clone()
		b.Variants = nil
		return b, "base"
	}
	return f.Base, f.Variant
}

func (f *File) resolveFree(bad func(key, format string, args ...any)) {
	if f.Spec == nil {
		return
	}
	priors, err := f.priors()
	if err != nil {
		bad("scenario", "the scenario's priors: %v", err)
		return
	}
	byKey := map[string]scenarios.Prior{}
	var keys []string
	for _, p := range priors {
		byKey[p.Key] = p
		keys = append(keys, p.Key)
	}
	if !f.has("free") {
		for _, p := range priors {
			if p.Dist != "choice" {
				f.Keys = append(f.Keys, p.Key)
				f.Priors = append(f.Priors, p)
			}
		}
		if len(f.Keys) == 0 {
			bad("scenario", "%s has no continuous priors to calibrate: declare [[priors]] in it", scenarios.QuoteString(f.Scenario))
		}
		return
	}
	if len(f.Free) == 0 {
		bad("free", "must not be empty: name the priors to calibrate, or leave free out for all of them")
	}
	seen := map[string]int{}
	for i, k := range f.Free {
		at := fmt.Sprintf("free[%d]", i)
		canon, err := f.Spec.CanonicalKey(k)
		if err != nil {
			bad(at, "%s is not a key of the scenario: %s", scenarios.QuoteString(k), firstMsg(err))
			continue
		}
		p, ok := byKey[canon]
		switch {
		case !ok:
			bad(at, "%s has no prior in the scenario%s; free keys are its priors%s", scenarios.QuoteString(k), f.variantText(), scenarios.DidYouMean(canon, keys))
			continue
		case p.Dist == "choice":
			bad(at, "%s has a choice prior, which is discrete: a calibration fits continuous priors only", scenarios.QuoteString(k))
			continue
		}
		if j, dup := seen[canon]; dup {
			bad(at, "%s is free[%d] again", scenarios.QuoteString(k), j)
			continue
		}
		seen[canon] = i
		f.Keys = append(f.Keys, canon)
		f.Priors = append(f.Priors, p)
	}
}

func (f *File) variantText() string {
	if f.Variant == "" {
		return ""
	}
	return " (variant " + f.Variant + ")"
}

func firstMsg(err error) string {
	if es := scenarios.Errors(err); len(es) > 0 {
		return es[0].Msg
	}
	return err.Error()
}

var transforms = map[string]calib.Transform{"log1p": calib.Log1p, "log": calib.Log, "identity": calib.Identity}

// TransformOf is the series' calib transform.
func (s *Series) TransformOf() calib.Transform { return transforms[s.Transform] }

func (f *File) validateSeries(bad func(key, format string, args ...any), opt Options) {
	if len(f.Series) == 0 {
		bad("series", "at least one [[series]] is required")
		return
	}
	if len(f.Series) > MaxSeries {
		bad("series", "%d series is more than the limit of %d", len(f.Series), MaxSeries)
		return
	}
	var obsNames []string
	if f.Spec != nil && opt.Observables != nil {
		obsNames = opt.Observables(f.Spec)
	}
	var horizon float64 = -1
	if f.Spec != nil {
		horizon = f.Spec.HorizonDays
	}
	names := map[string]int{}
	total, fitted := 0, 0
	var analogs []calib.Observation
	var analogsErr error
	analogsRead := false
	for i := range f.Series {
		s := &f.Series[i]
		at := fmt.Sprintf("series[%d]", i)
		if s.Name == "" {
			bad(at+".name", "required: the series name")
		} else if j, dup := names[s.Name]; dup {
			bad(at+".name", "%s is series[%d]'s name too", scenarios.QuoteString(s.Name), j)
		}
		names[s.Name] = i
		switch {
		case s.Observable == "":
			bad(at+".observable", "required: the model observable the series meets, e.g. builders_cum")
		case obsNames != nil && !slices.Contains(obsNames, s.Observable):
			bad(at+".observable", "%s is not an observable of the scenario%s", scenarios.QuoteString(s.Observable), scenarios.DidYouMean(s.Observable, obsNames))
		}
		if _, ok := transforms[s.Transform]; !ok {
			if s.Transform == "" {
				bad(at+".transform", "required: log1p (counts), log (money) or identity")
			} else {
				bad(at+".transform", "%s", scenarios.NotOneOf(s.Transform, []string{"log1p", "log", "identity"}, "a transform", ""))
			}
		}
		if !(s.Scale > 0) || math.IsInf(s.Scale, 0) {
			bad(at+".scale", "must be a finite number > 0, got %s", num(s.Scale))
		}
		if !f.has(at + ".discrepancy") {
			bad(at+".discrepancy", "required: the model-discrepancy sd (on a log scale, in log units), > 0")
		} else if !(s.Discrepancy > 0) || math.IsInf(s.Discrepancy, 0) {
			bad(at+".discrepancy", "must be a finite number > 0, got %s", num(s.Discrepancy))
		}
		hasData, hasPoints := s.Data != "", f.has(at+".points")
		switch {
		case hasData && hasPoints:
			bad(at, "set data or [[series.points]], not both")
			continue
		case !hasData && !hasPoints:
			bad(at, "set data = \"analogs\" (or a CSV file) or give [[series.points]]")
			continue
		}
		// pointErr reports a problem with observation j of the series: at
		// its key for an inline point, at data (naming the CSV line) else.
		var dataName string
		pointErr := func(j int, o calib.Observation, field, format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			if hasPoints {
				bad(fmt.Sprintf("%s.points[%d].%s", at, j, field), "%s", msg)
				return
			}
			bad(at+".data", "%s:%d: %s %s: %s", dataName, o.Line, s.Name, date(o.Date), msg)
		}
		// pointIdx[j] is the index into points of inline observation j.
		var pointIdx []int
		if hasData {
			var obs []calib.Observation
			if s.Data == AnalogsData {
				dataName = "analogs.csv"
				if !analogsRead {
					analogs, analogsErr = calib.ReadObserved(bytes.NewReader(data.Analogs), "analogs.csv")
					analogsRead = true
				}
				if analogsErr != nil {
					bad(at+".data", "the embedded analogs.csv: %v", analogsErr)
					continue
				}
				obs = analogs
			} else {
				p := f.resolve(s.Data)
				dataName = p
				src, err := f.readRel(p)
				if err != nil {
					bad(at+".data", "cannot read %s: %v", p, err)
					continue
				}
				if obs, err = calib.ReadObserved(bytes.NewReader(src), p); err != nil {
					bad(at+".data", "%s", strings.ReplaceAll(err.Error(), "\n", "; "))
					continue
				}
			}
			s.Observed = calib.Series(obs, s.Name)
			if len(s.Observed) == 0 {
				bad(at+".name", "%s has no rows in %s", scenarios.QuoteString(s.Name), dataName)
				continue
			}
			if s.Unit == "" {
				s.Unit = s.Observed[0].Unit
			}
		} else {
			if len(s.Points) == 0 {
				bad(at+".points", "must not be empty")
				continue
			}
			seen := map[string]int{}
			for j, p := range s.Points {
				pat := fmt.Sprintf("%s.points[%d]", at, j)
				ok := true
				if p.Date.IsZero() {
					bad(pat+".date", "required: the day the value holds (YYYY-MM-DD)")
					ok = false
				} else if k, dup := seen[date(p.Date)]; dup {
					bad(pat+".date", "%s is points[%d]'s date too", date(p.Date), k)
					ok = false
				}
				if p.Value == nil {
					bad(pat+".value", "required: the observed value")
					ok = false
				} else if math.IsNaN(*p.Value) || math.IsInf(*p.Value, 0) {
					bad(pat+".value", "must be a finite number, got %s", num(*p.Value))
					ok = false
				}
				if !slices.Contains([]string{"point", "approx", "lower_bound", "capped"}, p.Kind) {
					bad(pat+".kind", "%s", scenarios.NotOneOf(p.Kind, []string{"point", "approx", "lower_bound", "capped"}, "a kind", ""))
					ok = false
				}
				if strings.TrimSpace(p.Source) == "" {
					bad(pat+".source", "required: where the value comes from (a URL, or \"synthetic: ...\")")
					ok = false
				}
				if !ok {
					continue
				}
				seen[date(p.Date)] = j
				pointIdx = append(pointIdx, j)
				s.Observed = append(s.Observed, calib.Observation{Series: s.Name, Date: p.Date, Value: *p.Value, Unit: s.Unit,
					Kind: calib.Kind(p.Kind), Source: p.Source, Note: p.Note})
			}
		}
		total += len(s.Observed)
		for j, o := range s.Observed {
			if f.Start.IsZero() {
				break
			}
			idx := j
			if hasPoints {
				idx = pointIdx[j]
			}
			day := Day(f.Start, o.Date)
			switch {
			case day < 0:
				pointErr(idx, o, "date", "%s is before start %s", date(o.Date), date(f.Start))
			case horizon >= 0 && day > horizon:
				pointErr(idx, o, "date", "%s is after start + horizon_days (%s, day %s of the scenario)", date(o.Date), date(f.Start.AddDate(0, 0, int(horizon))), num(horizon))
			case s.Transform == "log" && !(o.Value > 0):
				pointErr(idx, o, "value", "%s on the log scale must be > 0", num(o.Value))
			}
			if !f.Cutoff.IsZero() && !o.Date.After(f.Cutoff) {
				fitted++
			}
		}
		slices.SortStableFunc(s.Observed, func(a, b calib.Observation) int { return a.Date.Compare(b.Date) })
	}
	if total > MaxPoints {
		bad("series", "%d observed points is more than the limit of %d", total, MaxPoints)
	}
	if total > 0 && fitted == 0 && !f.Cutoff.IsZero() {
		bad("cutoff", "%s is before every observed point: nothing is left to fit", date(f.Cutoff))
	}
}

// Day is the model day of calendar date d for a model starting at start.
func Day(start, d time.Time) float64 { return d.Sub(start).Hours() / 24 }

// HeldOut reports whether an observation dated d is held out (after the
// cutoff).
func (f *File) HeldOut(d time.Time) bool { return d.After(f.Cutoff) }
