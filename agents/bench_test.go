package agents

import (
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// BenchmarkChoice times one provider choice (consideration set, utilities
// with the integration cost to an already chosen provider, logit draw) in
// the state of a built-in scenario at mid-horizon. The bounded
// consideration set makes the cost independent of the number of protocols:
// scale-1000 (≈250 providers per dimension) must stay within 2× of
// deai-2025 (≤ 4).
func BenchmarkChoice(b *testing.B) {
	for _, name := range []string{"deai-2025", "subnets-128", "scale-1000"} {
		b.Run(name, func(b *testing.B) {
			base, err := scenarios.Builtin(name)
			if err != nil {
				b.Fatal(err)
			}
			vs := base.VariantNames()
			spec, err := base.Variant(vs[len(vs)-1])
			if err != nil {
				b.Fatal(err)
			}
			m := newModel(b, spec, 0)
			run(b, m, spec.HorizonDays/2)
			model, compute := m.dimIndex("model"), m.dimIndex("compute")
			first := m.chooseProvider(model, nil, nil)
			for first < 0 {
				first = m.chooseProvider(model, nil, nil)
			}
			prevDims := []int{model}
			prev := []int32{first}
			providers := len(m.providers[compute])
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m.chooseProvider(compute, prevDims, prev)
			}
			b.ReportMetric(float64(providers), "providers")
		})
	}
}
