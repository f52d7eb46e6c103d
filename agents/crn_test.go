package agents

import (
	"fmt"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// TestCRNLiquidityMining checks common random numbers across a variant that
// only switches liquidity mining on: in defi-2017, Compound's builder share
// (from day 927) on and off must give the same replication, draw for draw,
// up to the mining start day, and different ones after it (else the test
// would compare two identical models).
func TestCRNLiquidityMining(t *testing.T) {
	on, err := scenarios.Builtin("defi-2017")
	if err != nil {
		t.Fatal(err)
	}
	if got := on.Protocols[1].Name; got != "Compound" {
		t.Fatalf("protocols[1] is %q; want Compound", got)
	}
	start := on.Protocols[1].Token.BuilderShareFromDay
	off, err := scenarios.Builtin("defi-2017")
	if err != nil {
		t.Fatal(err)
	}
	if err := off.Apply([]string{"protocols[1].token.builder_share=0"}); err != nil {
		t.Fatal(err)
	}
	state := func(m *Model) string {
		var o Observation
		m.Observe(&o)
		return fmt.Sprintf("builders %d apps %d composed %d events %d choices %d ci %v",
			o.BuildersCum, o.AppsLive, o.ComposedLive, m.Events(), m.Choices(), o.Composability)
	}
	diverged := 0
	for r := range reps(3, 8) {
		a, b := newModel(t, on, r), newModel(t, off, r)
		for day := 1.0; day < start; day++ {
			run(t, a, day)
			run(t, b, day)
			if sa, sb := state(a), state(b); sa != sb {
				t.Fatalf("replication %d, day %g (mining starts on day %g): on %s; off %s", r, day, start, sa, sb)
			}
		}
		run(t, a, on.HorizonDays)
		run(t, b, on.HorizonDays)
		if state(a) != state(b) {
			diverged++
		}
	}
	if diverged == 0 {
		t.Error("on and off runs agree at the horizon too: the test compares identical models")
	}
}
