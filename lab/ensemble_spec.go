package lab

import (
	"fmt"
	"slices"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
)

// NewEnsemble prepares an ensemble of spec, a loaded scenario with any
// overrides already applied: runs replications per variant from master
// seed, of the named variants (all when variants is empty, always in the
// scenario's declaration order). The resolved scenario written to
// scenario.toml records runs, seed and the chosen variants, so that
// `legolab run DIR/scenario.toml` alone reproduces the run. The caller
// sets Out, Jobs and the rest.
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
		if i := slices.IndexFunc(base.Variants, func(v scenarios.Variant) bool { return v.Name == name }); i >= 0 {
			desc = base.Variants[i].Description
		}
		e.Variants = append(e.Variants, Variant{Name: name, Description: desc, Spec: vs})
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
