package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// TestScenariosPriors checks legolab scenarios priors: one row per prior of
// the first variant, in θ order, with its canonical key, family, central
// value and source; then the priors a later variant replaces or adds; and
// a plain line for a scenario without priors.
func TestScenariosPriors(t *testing.T) {
	s, err := scenarios.Builtin("deai-2025")
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.VariantPriors("siloed")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := validateRun(t, "scenarios", "priors", "deai-2025")
	if code != 0 {
		t.Fatalf("scenarios priors deai-2025: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if got, want := len(lines), len(list)+2+len(s.Posteriors); got != want {
		t.Fatalf("scenarios priors deai-2025: %d lines; want %d (title, header, a row per prior, a line per posterior):\n%s", got, want, stdout)
	}
	if !strings.HasPrefix(lines[0], "55 priors (siloed, defacto, hub, both)") {
		t.Errorf("title %q; want 55 priors and the variants", lines[0])
	}
	if f := strings.Fields(lines[1]); strings.Join(f, " ") != "key dist range central source" {
		t.Errorf("header %q", lines[1])
	}
	// A key a posterior carries shows the posterior and the prior it
	// replaces; every other row its prior and source.
	from := map[string]string{}
	for _, p := range s.Posteriors {
		for _, k := range p.Keys {
			c, err := s.CanonicalKey(k)
			if err != nil {
				t.Fatal(err)
			}
			from[c] = p.From
		}
	}
	for i, p := range list {
		row := lines[i+2]
		f := strings.Fields(row)
		if name, ok := from[p.Key]; ok {
			if f[0] != p.Key || f[1] != "posterior" || !strings.Contains(row, "replaces "+p.Dist) || !strings.HasSuffix(row, "from "+name) {
				t.Errorf("row %d = %q; want %s posterior replaces %s … from %s", i, row, p.Key, p.Dist, name)
			}
			continue
		}
		if f[0] != p.Key || f[1] != p.Dist || !strings.HasSuffix(row, p.Source) {
			t.Errorf("row %d = %q; want %s %s … %s", i, row, p.Key, p.Dist, p.Source)
		}
	}
	// The knife edge's two priors, now replaced by the LayerZero posterior.
	for _, want := range []string{
		"hubs.interlink.adapter_cost posterior replaces loguniform [13.33, 120]",
		"hubs.interlink.join_incentive posterior replaces uniform [0, 120]",
	} {
		if !strings.Contains(collapse(stdout), collapse(want)) {
			t.Errorf("scenarios priors deai-2025 lacks %q", want)
		}
	}

	// A variant's own prior: examples/priors.toml's hub replaces none of
	// the base's and adds join_incentive.
	code, stdout, stderr = validateRun(t, "scenarios", "priors", filepath.Join("..", "..", "examples", "priors.toml"))
	if code != 0 {
		t.Fatalf("scenarios priors examples/priors.toml: exit %d: %s", code, stderr)
	}
	_, after, ok := strings.Cut(stdout, "in variant hub:\n")
	if !ok || !strings.HasPrefix(collapse(after), "hubs.interlink.join_incentive uniform [30, 90] 60 ") {
		t.Errorf("examples/priors.toml: want the hub variant's join_incentive prior after its title:\n%s", stdout)
	}

	code, stdout, _ = validateRun(t, "scenarios", "priors", "../../examples/minimal.toml")
	if code != 0 || stdout != "no priors: every value is fixed\n" {
		t.Errorf("scenarios priors examples/minimal.toml: exit %d, %q; want 0 and no priors", code, stdout)
	}
	code, _, stderr = validateRun(t, "scenarios", "priors", "nope")
	if code != 1 || !strings.Contains(stderr, "nope") {
		t.Errorf("scenarios priors nope: exit %d, stderr %q; want 1 and the name", code, stderr)
	}
}

// collapse replaces each run of spaces by one, so that a test does not
// depend on the table's column widths.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
