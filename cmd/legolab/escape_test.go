package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTerminalGetsNoControls: ESC and BEL in names reached the terminal
// raw. A run's table names each variant, and an error quotes the bad key;
// neither may carry a control character to the terminal.
func TestTerminalGetsNoControls(t *testing.T) {
	dir := t.TempDir()
	evil := `evil\u001b]0;owned\u0007\u001b[2J`
	scen := strings.Replace(cliScenario, `name = "hub"`, `name = "`+evil+`"`, 1)
	good := filepath.Join(dir, "evil.toml")
	if err := os.WriteFile(good, []byte(scen), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte(cliScenario+"\"\\u001b[31mkey\\u0007\" = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		args []string
		code int
	}{
		{"run table", []string{"run", good, "--runs", "4", "--out", filepath.Join(dir, "out"), "--no-report", "--quiet"}, 0},
		{"validate error", []string{"validate", bad}, 1},
		{"run error", []string{"run", bad, "--out", filepath.Join(dir, "out2")}, 1},
	} {
		code, stdout, stderr := sweepCLI(ctx, c.args...)
		if code != c.code {
			t.Fatalf("%s: exit %d; want %d\n%s", c.name, code, c.code, stderr)
		}
		for stream, s := range map[string]string{"stdout": stdout, "stderr": stderr} {
			if i := strings.IndexAny(s, "\x1b\a"); i >= 0 {
				t.Errorf("%s: %s has a control character at byte %d: %q", c.name, stream, i, s)
			}
		}
		if all := stdout + stderr; c.code == 0 && !strings.Contains(all, `\x1b`) {
			t.Errorf("%s: output does not show the ESC as \\x1b:\n%s", c.name, all)
		}
	}
}
