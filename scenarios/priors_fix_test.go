package scenarios

import (
	"slices"
	"testing"
)

// TestFixKeysDropsThePrior checks that a key fixed by --set (FixKeys, then
// Apply) is no longer drawn: its prior goes, whatever spelling names it,
// and the value set is the one every θ carries.
func TestFixKeysDropsThePrior(t *testing.T) {
	s, err := Load("../examples/priors.toml")
	if err != nil {
		t.Fatal(err)
	}
	before := len(s.Priors)
	// The file writes hub.adapter_cost; fix it by its canonical spelling.
	dropped, err := s.FixKeys([]string{"hubs.interlink.adapter_cost", "builders.p_per_year"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"hubs.interlink.adapter_cost"}; !slices.Equal(dropped, want) {
		t.Fatalf("dropped %v, want %v (p_per_year has no prior)", dropped, want)
	}
	if len(s.Priors) != before-1 {
		t.Fatalf("%d priors left of %d, want one fewer", len(s.Priors), before)
	}
	if err := s.Apply([]string{"hub.adapter_cost=33"}); err != nil {
		t.Fatal(err)
	}
	sm, err := s.Sampler("hub")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(sm.Keys(), "hubs.interlink.adapter_cost") {
		t.Fatalf("the sampler still draws the fixed key: %v", sm.Keys())
	}
	// A variant's own prior goes too.
	if _, err := s.FixKeys([]string{"hub.join_incentive"}); err != nil {
		t.Fatal(err)
	}
	for _, v := range s.Variants {
		for _, p := range v.Priors {
			if p.Key == "hub.join_incentive" {
				t.Fatalf("variant %s keeps its prior on the fixed key", v.Name)
			}
		}
	}
}
