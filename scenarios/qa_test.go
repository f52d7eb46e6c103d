package scenarios

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/legolab/legolab/stats"
)

// TestBytesPerFan: the ensemble-size estimate counts a fan at its real
// size.
func TestBytesPerFan(t *testing.T) {
	if got := unsafe.Sizeof(stats.Fan{}); got != bytesPerFan {
		t.Errorf("bytesPerFan = %d; stats.Fan has %d bytes", bytesPerFan, got)
	}
}

// TestEnsembleSizeIndependentOfRuns checks that the ensemble estimate is
// variants × observables × samples fans, whatever runs is: deai-2025 with
// 100,000 runs is valid, and a scenario over the limit names a key the file
// sets (horizon_days here), never runs.
func TestEnsembleSizeIndependentOfRuns(t *testing.T) {
	s, err := Builtin(Default)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply([]string{"runs=100000"}); err != nil {
		t.Errorf("deai-2025 with runs=100000: %v; want valid", err)
	}
	for _, v := range s.VariantNames() {
		if _, err := s.Variant(v); err != nil {
			t.Errorf("variant %s with runs=100000: %v", v, err)
		}
	}
	// 20 fixed + 2×4 dimensions observables × 1 variant × 96 B per fan:
	// the limit is crossed above 4 GiB / (28 × 96) samples.
	limit := float64(MaxEnsembleBytes) / (28 * bytesPerFan)
	src := "name = \"big\"\nhorizon_days = 36500\nsample_every_days = 0.005\n[[protocols]]\nname = \"A\"\nserves = { data = 0.5 }\n"
	samples := 36500/0.005 + 1
	if samples <= limit {
		t.Fatalf("test setup: %v samples under the limit %v", samples, limit)
	}
	_, err = Parse("big.toml", []byte(src))
	errs := Errors(err)
	if len(errs) != 1 || errs[0].Path != "sample_every_days" || !strings.Contains(errs[0].Msg, "whatever the number of runs") {
		t.Errorf("big: %v; want one ensemble-size problem at sample_every_days", err)
	}
}

// TestApplyEmptyTableAsInFile checks that --set KEY={} on a map means an
// empty map, judged as in a file: serves = {} is an error either way.
func TestApplyEmptyTableAsInFile(t *testing.T) {
	s, err := Builtin(Default)
	if err != nil {
		t.Fatal(err)
	}
	// Without the built-in's priors, whose serves.<d> keys an empty map
	// would also remove (each reported at its prior).
	s.Priors = nil
	err = s.Apply([]string{"protocols.Bittensor.serves={}"})
	errs := Errors(err)
	if len(errs) != 1 || errs[0].Path != "protocols.Bittensor.serves" || !strings.HasPrefix(errs[0].Msg, "must not be empty") {
		t.Errorf("serves={}: %v; want protocols.Bittensor.serves: must not be empty", err)
	}
	src := "name = \"v\"\n[[protocols]]\nname = \"A\"\nserves = { data = 0.5 }\n[[variants]]\nname = \"empty\"\nset.protocols.A.serves = {}\n"
	_, err = Parse("v.toml", []byte(src))
	if errs := Errors(err); len(errs) != 1 || !strings.Contains(errs[0].Error(), "variants.empty.protocols.A.serves: must not be empty") {
		t.Errorf("variant serves = {}: %v; want one must-not-be-empty problem", err)
	}
}

// TestWarningsHubWithoutFirstMember checks the hub warning against the
// join rule: the hub gets a first member iff max openness × join_incentive
// > adapter_cost, among the protocols it covers.
func TestWarningsHubWithoutFirstMember(t *testing.T) {
	for _, tc := range []struct {
		name, hub string
		warn      bool
	}{
		{"no incentive", "join_incentive = 0", true},
		{"at the threshold", "join_incentive = 50", true}, // 0.8 × 50 = 40, not above
		{"above", "join_incentive = 51", false},
		{"disabled", "join_incentive = 0\nenabled = false", false},
		{"covers only the closed one", "join_incentive = 51\ncovers = [\"tee\"]", true}, // 0.2 × 51 < 40
	} {
		src := "name = \"w\"\n[verification]\nmechanisms = [\"consensus\", \"tee\"]\n" +
			"[[protocols]]\nname = \"Open\"\nserves = { data = 0.5 }\nverification = \"consensus\"\nopenness = 0.8\n" +
			"[[protocols]]\nname = \"Closed\"\nserves = { data = 0.5 }\nverification = \"tee\"\nopenness = 0.2\n" +
			"[[hubs]]\nname = \"h\"\nadapter_cost = 40\n" + tc.hub + "\n"
		s, err := Parse(tc.name+".toml", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		w := s.Warnings()
		if got := len(w) == 1 && strings.HasPrefix(w[0], "hubs.h.join_incentive: hub h can never get a first member"); got != tc.warn || len(w) > 1 {
			t.Errorf("%s: warnings %q; want a hub warning: %v", tc.name, w, tc.warn)
		}
	}
	for _, name := range BuiltinNames() {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if w := s.Warnings(); len(w) > 0 {
			t.Errorf("built-in %s: warnings %q; want none", name, w)
		}
	}
	two, err := Load("../examples/two-hubs.toml")
	if err != nil {
		t.Fatal(err)
	}
	if w := two.Warnings(); len(w) > 0 {
		t.Errorf("examples/two-hubs.toml: warnings %q; want none", w)
	}
}
