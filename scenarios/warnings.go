package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Warnings returns advisory problems of a valid scenario: settings the
// rules accept but that are almost certainly mistakes, each as
// "key.path: message". It checks the base scenario and each variant;
// a warning that holds in some variants names them. Today it finds:
//
//   - an enabled hub that can never get its first member: with no members
//     the hub's reach is zero, so a protocol joins only when openness ×
//     join_incentive > adapter_cost (docs/model.md, "Hubs"), and no
//     protocol the hub covers is open enough.
//
// The order is stable: the scenario's declaration order.
func (s *Spec) Warnings() []string {
	type hit struct {
		msg      string
		variants []string
	}
	hits := map[string]*hit{}
	var order []string
	check := func(spec *Spec, variant string) {
		for i := range spec.Hubs {
			h := &spec.Hubs[i]
			if h.Enabled != nil && !*h.Enabled {
				continue
			}
			open, who := spec.maxCoveredOpenness(h)
			if open*h.JoinIncentive > h.AdapterCost {
				continue
			}
			key := path{}.key("hubs").elem(i, h.Name).key("join_incentive").disp
			msg := fmt.Sprintf("hub %s can never get a first member: with no members only the incentive counts, and join_incentive %s × openness %s (%s, the most open protocol it covers) is not above adapter_cost %s; raise join_incentive to at least %s or lower adapter_cost",
				h.Name, num(h.JoinIncentive), num(open), who, num(h.AdapterCost), num(math.Floor(h.AdapterCost/open*100)/100+0.01))
			if open <= 0 {
				msg = fmt.Sprintf("hub %s can never get a first member: no protocol it covers has openness above 0", h.Name)
			}
			if hits[key] == nil {
				hits[key] = &hit{msg: msg}
				order = append(order, key)
			}
			if variant != "" {
				hits[key].variants = append(hits[key].variants, variant)
			}
		}
	}
	if len(s.Variants) == 0 {
		check(s, "")
	} else {
		for _, v := range s.Variants {
			vs, err := s.Variant(v.Name)
			if err != nil {
				continue // Validate reports it
			}
			check(vs, v.Name)
		}
	}
	var out []string
	for _, key := range order {
		h := hits[key]
		where := ""
		if len(h.variants) > 0 && len(h.variants) < len(s.Variants) {
			where = " (in variant" + pluralS(len(h.variants)) + " " + strings.Join(h.variants, ", ") + ")"
		}
		out = append(out, key+": "+h.msg+where)
	}
	return out
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// maxCoveredOpenness returns the highest openness a protocol the hub
// covers can have, and which protocol (or population) has it. A
// population's bound is its distribution's upper end (1 when unbounded);
// its members' mechanisms are drawn, so a population counts as covered.
func (s *Spec) maxCoveredOpenness(h *Hub) (float64, string) {
	best, who := 0.0, "none"
	for _, p := range s.Protocols {
		if len(h.Covers) > 0 && !slices.Contains(h.Covers, p.Verification) {
			continue
		}
		if p.Openness > best || who == "none" {
			best, who = p.Openness, p.Name
		}
	}
	for _, pop := range s.Populations {
		hi := distMax(pop.Openness)
		if hi > best || who == "none" {
			best, who = hi, "population "+pop.Prefix
		}
	}
	return min(best, 1), who
}

// distMax is the upper end of a distribution's support, clipped to 1 for
// an openness (unbounded families count as 1).
func distMax(d Dist) float64 {
	switch d.Dist {
	case "", "const":
		return d.Value
	case "uniform":
		return d.Max
	case "beta":
		if d.Min == 0 && d.Max == 0 {
			return 1
		}
		return d.Max
	case "normal":
		if d.Max > d.Min {
			return d.Max
		}
	}
	return 1
}
