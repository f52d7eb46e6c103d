package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// TestCompletion: shells get the built-in scenario names where a command
// takes one, and a shell legolab does not know is a usage error.
func TestCompletion(t *testing.T) {
	ctx := context.Background()
	var all []string
	for _, b := range scenarios.Builtins() {
		all = append(all, b.Name)
	}
	// offered returns the candidates of a __complete request (cobra's
	// hidden protocol: a candidate per line, tab and description, then a
	// ":DIRECTIVE" line).
	offered := func(args ...string) []string {
		code, stdout, stderr := sweepCLI(ctx, append([]string{"__complete"}, args...)...)
		if code != 0 {
			t.Fatalf("__complete %q: exit %d: %s", args, code, stderr)
		}
		var out []string
		for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
			if !strings.HasPrefix(line, ":") {
				name, _, _ := strings.Cut(line, "\t")
				out = append(out, name)
			}
		}
		return out
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", ""}, all},
		{[]string{"validate", "a.toml", ""}, all},
		{[]string{"scenarios", "show", ""}, all},
		{[]string{"scenarios", "show", "de"}, slices.DeleteFunc(slices.Clone(all), func(n string) bool { return !strings.HasPrefix(n, "de") })},
		{[]string{"run", "deai-2025", ""}, nil},
	} {
		if got := offered(c.args...); !slices.Equal(got, c.want) {
			t.Errorf("completing %q offers %q; want %q", c.args, got, c.want)
		}
	}
	if code, _, stderr := sweepCLI(ctx, "completion", "nosh"); code != 2 {
		t.Errorf("completion nosh: exit %d; want 2 (%s)", code, stderr)
	}
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		if code, stdout, stderr := sweepCLI(ctx, "completion", sh); code != 0 || !strings.Contains(stdout, "legolab") {
			t.Errorf("completion %s: exit %d, %d bytes (%s)", sh, code, len(stdout), stderr)
		}
	}
}
