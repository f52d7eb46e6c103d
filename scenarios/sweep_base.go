package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"
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
func (s *Sweep) CheckBase(base *Spec) error {
	var errs []error
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
			bad(fmt.Sprintf("variants[%d]", i), "no variant %q in scenario %s (it has %s)%s", v, base.Name, strings.Join(all, ", "), sweepSuggest(v, all))
			continue
		}
		run = append(run, v)
	}
	if len(s.Variants) == 0 {
		run = all
	}
	for j := range s.Params {
		errs = append(errs, s.checkParam(base, j, run)...)
	}
	if len(errs) == 0 {
		return nil
	}
	return sweepJoin(errs)
}

// sweepProbe is one value a parameter takes, at the key path of the file
// that sets it.
type sweepProbe struct{ at, text string }

// probes returns the values of parameter j to check: the ends of a range,
// as the design places them (At(0), At(1)), or each value of a list, as TOML
// literals for Spec.Set. Values DecodeSweep found bad are left out.
func (p *SweepParam) probes(j int) []sweepProbe {
	at := fmt.Sprintf("params[%d]", j)
	if p.Values != nil {
		var out []sweepProbe
		for k, v := range p.Values {
			if k > 0 && sweepValueKind(v) != sweepValueKind(p.Values[0]) {
				continue
			}
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				continue
			}
			text := sweepFormatValue(v)
			switch v.(type) {
			case string:
				text = strconv.Quote(text)
			case bool, int64, float64:
			default:
				continue
			}
			out = append(out, sweepProbe{fmt.Sprintf("%s.values[%d]", at, k), text})
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
	return []sweepProbe{{at + ".min", a}, {at + ".max", b}}
}

// checkParam checks parameter j at each of its probes, for the base and
// each variant in run.
func (s *Sweep) checkParam(base *Spec, j int, run []string) []error {
	p := &s.Params[j]
	if p.Key == "" || strings.ContainsAny(p.Key, " \t=\n") {
		return nil // reported by validate
	}
	probes := p.probes(j)
	// Resolve the key once: a bad path fails for every value alike, and is
	// reported once, at the key.
	if err := base.Clone().dryPath(p.Key); err != nil {
		return []error{s.errorAt(fmt.Sprintf("params[%d].key", j), err.Error())}
	}
	var errs []error
	for _, pr := range probes {
		c := base.Clone()
		if err := c.Set(p.Key, pr.text); err != nil {
			errs = append(errs, s.errorAt(pr.at, sweepScenarioMsg(err)))
			continue
		}
		if err := c.Validate(); err != nil {
			errs = append(errs, s.errorAt(pr.at, sweepScenarioMsg(err)))
			continue
		}
		seen := map[string]bool{}
		for _, v := range run {
			if _, err := c.Variant(v); err != nil {
				if m := sweepScenarioMsg(err); !seen[m] {
					seen[m] = true
					errs = append(errs, s.errorAt(pr.at, m))
				}
			}
		}
	}
	return errs
}

// sweepScenarioMsg formats a scenario's problems for a sweep file's key:
// "protocols.Bittensor.openness must be in [0, 1], got 2", several joined
// by "; ".
func sweepScenarioMsg(err error) string {
	var parts []string
	for _, e := range Errors(err) {
		if e.Path != "" {
			parts = append(parts, e.Path+" "+e.Msg)
		} else {
			parts = append(parts, e.Msg)
		}
	}
	return strings.Join(parts, "; ")
}

// dryPath resolves keyPath against s without setting anything, reporting
// a path that names no value.
func (s *Spec) dryPath(keyPath string) error {
	segs, err := parsePath(keyPath)
	if err != nil {
		return &Error{Path: keyPath, Msg: err.Error()}
	}
	st := setter{spec: s, dry: true}
	st.set(segs, nil, "", "")
	return joinErrors((*source)(nil).errorsOf(st.d.probs))
}
