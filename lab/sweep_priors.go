package lab

import (
	"fmt"

	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
)

// sweepSamplers returns, per variant, the sampler of the base scenario's
// priors without the swept keys (a swept key's value overrides its
// prior), or nil when the sweep draws no θ: the base has no priors, the
// sweep is Fixed, or every prior is swept.
func (s *Sweep) sweepSamplers() ([]*scenarios.Sampler, error) {
	if s.Fixed || !hasPriors(s.Base) {
		return nil, nil
	}
	var swept []string
	for _, p := range s.File.Params {
		k, err := s.Base.CanonicalKey(p.Key)
		if err != nil {
			return nil, fmt.Errorf("sweep parameter %s: %w", p.Key, err)
		}
		swept = append(swept, k)
	}
	out := make([]*scenarios.Sampler, len(s.Variants))
	drawn := false
	for v, name := range s.Variants {
		sm, err := s.Base.Sampler(name)
		if err != nil {
			return nil, fmt.Errorf("priors of variant %s: %w", name, err)
		}
		out[v] = sm.Without(swept...)
		drawn = drawn || out[v].Len() > 0
	}
	if !drawn {
		return nil, nil
	}
	return out, nil
}

// sweepSpec is the scenario replication r of variant v runs at a point
// whose master seed is seed: the point's spec with θ drawn from
// sim.NewStream(seed, r, ThetaStream) applied. θ depends only on the
// point's seed and r, so any sharding or resume draws the same θ, and
// with common_seed every point shares it.
func sweepSpec(spec *scenarios.Spec, sm []*scenarios.Sampler, v, r int, seed uint64) (*scenarios.Spec, error) {
	if sm == nil || sm[v].Len() == 0 {
		return spec, nil
	}
	t := sm[v].Draw(sim.NewStream(seed, uint64(r), sim.StreamID(ThetaStream)))
	ws, err := spec.WithTheta(t)
	if err != nil {
		return nil, fmt.Errorf("θ of replication %d: %w", r, err)
	}
	return ws, nil
}
