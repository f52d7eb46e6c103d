package sweeps

import (
	"fmt"

	"github.com/legolab/legolab/scenarios"
	"math"
	"slices"
	"strings"
)

// CheckBase checks a sweep against its base scenario and returns every
// problem, joined in file order; nil if there is none. It checks that
// each variant the sweep lists is one of base's, that each parameter's key
// path can be set, and that the scenario stays valid — for the base and
// for each variant the sweep runs — with the parameter at each end of its
// range (min and max) and at each of its values, so that a range wider than
// the key allows fails here, not after hours of running:
//
//	params[0].max: protocols.Bittensor.openness must be in [0, 1], got 2
//
// It tolerates a sweep that DecodeSweep found problems in (a range without
// max, an empty list), checking what it can. It does not check outcomes
// and [[expect]] assertions, whose measures the lab package knows.
func (s *File) CheckBase(base *scenarios.Spec) error {
	var errs []*scenarios.Error
	bad := func(key, format string, args ...any) {
		errs = append(errs, s.errorAt(key, fmt.Sprintf(format, args...)))
	}
	all := base.VariantNames()
	var run []string
	for i, v := range s.Variants {
		if v == "" || slices.Contains(s.Variants[:i], v) {
			continue // reported by validate
		}
		if !slices.Contains(all, v) {
			bad(fmt.Sprintf("variants[%d]", i), "%s", scenarios.NotOneOf(v, all, "a variant of scenario "+base.Name, "its variants"))
			continue
		}
		run = append(run, v)
	}
	if len(s.Variants) == 0 {
		run = all
	}
	canon := map[string]int{}
	for j := range s.Params {
		pe := s.checkParam(base, j, run)
		errs = append(errs, pe...)
		p := &s.Params[j]
		if len(pe) > 0 || p.Key == "" {
			continue
		}
		// Two spellings of one value (a hub by name and by index, an
		// alias) would set it twice, the later silently winning.
		c, err := base.CanonicalPath(p.Key)
		if err != nil || c == "" {
			continue
		}
		if i, dup := canon[c]; dup && s.Params[i].Key != p.Key {
			bad(fmt.Sprintf("params[%d].key", j), "%s is %s, already swept by params[%d] as %s", scenarios.QuoteString(p.Key), c, i, scenarios.QuoteString(s.Params[i].Key))
			continue
		}
		canon[c] = j
	}
	if len(errs) == 0 {
		return nil
	}
	return scenarios.JoinErrors(errs)
}

// probe is one value a parameter takes, at the key path of the file
// that sets it.
type probe struct{ at, text string }

// probes returns the values of parameter j to check: the ends of a range,
// as the design places them (At(0), At(1)), or each value of a list, as TOML
// literals for Spec.Set. Values DecodeSweep found bad are left out.
func (p *Param) probes(j int) []probe {
	at := fmt.Sprintf("params[%d]", j)
	if p.Values != nil {
		var out []probe
		for k, v := range p.Values {
			if k > 0 && valueKind(v) != valueKind(p.Values[0]) {
				continue
			}
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				continue
			}
			text := FormatValue(v)
			switch v.(type) {
			case string:
				text = scenarios.QuoteString(text)
			case bool, int64, float64:
			default:
				continue
			}
			out = append(out, probe{fmt.Sprintf("%s.values[%d]", at, k), text})
		}
		return out
	}
	if p.Min == nil || p.Max == nil || p.Type != "real" && p.Type != "int" || p.Scale != "linear" && p.Scale != "log" {
		return nil
	}
	lo, hi := *p.Min, *p.Max
	if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) || !(lo < hi) || p.Scale == "log" && !(lo > 0) {
		return nil
	}
	a, _ := p.At(0)
	b, _ := p.At(1)
	return []probe{{at + ".min", a}, {at + ".max", b}}
}

// checkParam checks parameter j at each of its probes, for the base and
// each variant in run.
func (s *File) checkParam(base *scenarios.Spec, j int, run []string) []*scenarios.Error {
	p := &s.Params[j]
	if p.Key == "" || strings.ContainsAny(p.Key, " \t=\n") {
		return nil // reported by validate
	}
	probes := p.probes(j)
	// Resolve the key once: a bad path fails for every value alike, and is
	// reported once, at the key.
	if err := base.Clone().CheckPath(p.Key); err != nil {
		return []*scenarios.Error{s.errorAt(fmt.Sprintf("params[%d].key", j), err.Error())}
	}
	var errs []*scenarios.Error
	for _, pr := range probes {
		c := base.Clone()
		if err := c.Set(p.Key, pr.text); err != nil {
			errs = append(errs, s.errorAt(pr.at, scenarioMsg(err)))
			continue
		}
		if err := c.Validate(); err != nil {
			errs = append(errs, s.errorAt(pr.at, scenarioMsg(err)))
			continue
		}
		seen := map[string]bool{}
		for _, v := range run {
			if _, err := c.Variant(v); err != nil {
				if m := scenarioMsg(err); !seen[m] {
					seen[m] = true
					errs = append(errs, s.errorAt(pr.at, m))
				}
			}
		}
	}
	return errs
}

// scenarioMsg formats a scenario's problems for a sweep file's key:
// "protocols.Bittensor.openness must be in [0, 1], got 2", several joined
// by "; ".
func scenarioMsg(err error) string {
	var parts []string
	for _, e := range scenarios.Errors(err) {
		if e.Path != "" {
			parts = append(parts, e.Path+" "+e.Msg)
		} else {
			parts = append(parts, e.Msg)
		}
	}
	return strings.Join(parts, "; ")
}
