package lab

import (
	"strconv"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// namedSpec is a variant's resolved scenario, named scenario/variant for a
// test's messages.
type namedSpec struct {
	name, variant string
	spec          *scenarios.Spec
}

// builtinVariants returns every variant of the built-in scenarios named
// (of all of them when none is), with a market potential above maxMarket
// lowered to it to keep a test fast (scale is the benchmarks' business);
// maxMarket 0 lowers none.
func builtinVariants(t testing.TB, maxMarket float64, names ...string) []namedSpec {
	t.Helper()
	if len(names) == 0 {
		names = scenarios.BuiltinNames()
	}
	var out []namedSpec
	for _, name := range names {
		base, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if maxMarket > 0 && base.Builders.MarketPotential > maxMarket {
			if err := base.Set("builders.market_potential", strconv.FormatFloat(maxMarket, 'g', -1, 64)); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range base.VariantNames() {
			spec, err := base.Variant(v)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, namedSpec{name + "/" + v, v, spec})
		}
	}
	return out
}
