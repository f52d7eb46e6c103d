package lab

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
)

// NewEnsemble prepares an ensemble of spec, a loaded scenario with any
// overrides already applied: runs replications per variant from master
// seed, of the named variants (all when variants is empty, always in the
// scenario's declaration order). The resolved scenario written to
// scenario.toml records runs, seed and the chosen variants, so that
// `legolab run DIR/scenario.toml` alone reproduces the run. The caller
// sets Jobs and the rest, and passes a Sink to Run.
func NewEnsemble(spec *scenarios.Spec, variants []string, runs int, seed uint64) (*Ensemble, error) {
	all := spec.VariantNames()
	for i, name := range variants {
		if !slices.Contains(all, name) {
			return nil, fmt.Errorf("no variant named %q in scenario %s (it has %v)", name, spec.Name, all)
		}
		if slices.Contains(variants[:i], name) {
			return nil, fmt.Errorf("variant %q given twice", name)
		}
	}
	chosen := all
	if len(variants) > 0 {
		chosen = slices.DeleteFunc(slices.Clone(all), func(n string) bool { return !slices.Contains(variants, n) })
	}
	base := spec.Clone()
	base.Runs, base.Seed = runs, seed
	if len(base.Variants) > 0 {
		base.Variants = slices.DeleteFunc(base.Variants, func(v scenarios.Variant) bool { return !slices.Contains(chosen, v.Name) })
	}
	e := &Ensemble{Scenario: base, Runs: runs, Seed: seed}
	for _, name := range chosen {
		vs, err := base.Variant(name)
		if err != nil {
			return nil, err
		}
		// Variants are compared day by day on common random numbers: they
		// must share the calendar.
		if vs.HorizonDays != base.HorizonDays || vs.SampleEveryDays != base.SampleEveryDays || !vs.Start.Equal(base.Start) {
			return nil, fmt.Errorf("variant %s changes start, horizon_days or sample_every_days; variants of one run must share them", name)
		}
		desc := ""
		var set []metrics.Parameter
		if i := slices.IndexFunc(base.Variants, func(v scenarios.Variant) bool { return v.Name == name }); i >= 0 {
			desc = base.Variants[i].Description
			set = FlattenSet(base.Variants[i].Set)
		}
		e.Variants = append(e.Variants, Variant{Name: name, Description: desc, Spec: vs, Set: set})
	}
	toml, err := base.Encode()
	if err != nil {
		return nil, fmt.Errorf("encoding the resolved scenario: %w", err)
	}
	e.ScenarioTOML = toml
	for _, p := range base.Parameters() {
		e.Parameters = append(e.Parameters, metrics.Parameter{Key: p.Key, Value: p.Value})
	}
	return e, nil
}

// FlattenSet lists a variant's overrides (scenarios.Variant.Set, nested
// tables or dotted keys) as key paths with their values in TOML syntax.
// The decoded TOML no longer knows the file's order, so the keys are
// sorted: the list is the same for every load of the same scenario.
func FlattenSet(set map[string]any) []metrics.Parameter {
	var out []metrics.Parameter
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			path := k
			if prefix != "" {
				path = prefix + "." + k
			}
			if sub, ok := m[k].(map[string]any); ok && len(sub) > 0 {
				walk(path, sub)
				continue
			}
			out = append(out, metrics.Parameter{Key: path, Value: tomlValue(m[k])})
		}
	}
	walk("", set)
	return out
}

// tomlValue writes a decoded TOML value back in TOML syntax, as the
// parameter table shows the base's values.
func tomlValue(v any) string {
	switch x := v.(type) {
	case string:
		return scenarios.QuoteString(x)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		switch {
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		case math.IsNaN(x):
			return "nan"
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	case time.Time:
		if x.Equal(time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)) {
			return x.UTC().Format(time.DateOnly)
		}
		return x.Format(time.RFC3339Nano)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = tomlValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = scenarios.QuoteKey(k) + " = " + tomlValue(x[k])
		}
		if len(parts) == 0 {
			return "{}"
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
