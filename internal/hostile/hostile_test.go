package hostile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// legolab is the command under test, built once by TestMain.
var legolab string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hostile")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	legolab = filepath.Join(dir, "legolab")
	build := exec.Command("go", "build", "-o", legolab, "github.com/legolab/legolab/cmd/legolab")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building legolab:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hostileCase is one hostile input: the files it writes into a fresh
// folder (the working directory of the command), the command's arguments
// and environment, and what must come of it.
type hostileCase struct {
	name  string
	files map[string]string
	args  []string
	env   []string
	// code is the exit status wanted; stderr and stdout must contain
	// every string of want (the clear error, or a sign of the safe result).
	code int
	want []string
	// limit caps the command's time; 0 means 20 s.
	limit time.Duration
}

// sweepOver is a sweep file over the built-in deai-2025 with extra
// top-level lines and one parameter.
func sweepOver(top string) string {
	return "scenario = \"deai-2025\"\n" + top + "\n[[params]]\nkey = \"hubs.interlink.adapter_cost\"\nmin = 5\nmax = 80\n"
}

// runCase runs c's command in a fresh folder and returns the exit status
// and the combined output.
func runCase(t *testing.T, c hostileCase) (int, string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range c.files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	limit := c.limit
	if limit == 0 {
		limit = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, legolab, c.args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), c.env...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s: still running after %v: %s", c.name, limit, clip(out))
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return code, string(out)
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// TestHostileInputs runs every case: each input once made legolab panic,
// run out of memory, run without end, or misreport; now each gets a clear
// error (or a safe result) quickly.
func TestHostileInputs(t *testing.T) {
	const near62 = "4611686018427387904" // 2^62
	for _, c := range []hostileCase{
		{
			name:  "sobol samples near 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = " + near62)},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"s.toml:2:1: design:", "is more than the limit of 4194304"},
		},
		{
			// NearestPowerOfTwo looped for ever past 2^62.
			name:  "sobol samples just past 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = 4611686018427387905")},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"the nearest valid N is 4611686018427387904"},
		},
		{
			name:  "morris trajectories near 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"morris\"\ntrajectories = " + near62)},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"design: about 9.22e+18 points is more than the limit"},
		},
		{
			name:  "grid levels near 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"grid\"\nlevels = " + near62)},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"is more than the limit of 4194304"},
		},
		{
			name:  "bootstrap = 1e9",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = 16\nbootstrap = 1000000000")},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"s.toml:4:1: bootstrap: must be in [0, 100000], got 1000000000"},
		},
		{
			name:  "bootstrap near 2^63",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = 16\nbootstrap = 9223372036854775807")},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"bootstrap: must be in [0, 100000]"},
		},
		{
			name:  "bootstrap that would take many minutes",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = 1048576\nbootstrap = 100000")},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"bootstrap: 100000 resamples of 1048576 rows × 1 parameters is about 2.1e+11 operations (~17 min)"},
		},
		{
			name:  "replications near 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4\nreplications = " + near62)},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"replications: must be ≤ 1048576"},
		},
		{
			name: "run /dev/zero", args: []string{"run", "/dev/zero"}, code: 1,
			want: []string{"larger than the limit of 16 MiB"}, limit: 10 * time.Second,
		},
		{
			name: "validate /dev/zero", args: []string{"validate", "/dev/zero"}, code: 1,
			want: []string{"larger than the limit of 16 MiB"}, limit: 10 * time.Second,
		},
		{
			name:  "sweep whose base scenario is /dev/zero",
			files: map[string]string{"s.toml": "scenario = \"/dev/zero\"\ndesign = \"lhs\"\nsamples = 4\n[[params]]\nkey = \"seed\"\nvalues = [1, 2]\n"},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"larger than the limit of 16 MiB"}, limit: 10 * time.Second,
		},
		{
			name:  "--shard 0/0",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4\nreplications = 1")},
			args:  []string{"sweep", "s.toml", "--shard", "0/0", "-q"}, code: 2,
			want: []string{"want K/N with 1 <= K <= N"},
		},
		{
			name:  "--shard auto with index -1 and count 0",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4\nreplications = 1")},
			args:  []string{"sweep", "s.toml", "--shard", "auto", "-q"},
			env:   []string{"LEGOLAB_SHARD_INDEX=-1", "LEGOLAB_SHARD_COUNT=0"}, code: 2,
			want: []string{"LEGOLAB_SHARD_COUNT=0: want at least 1"},
		},
		{
			name:  "--shard auto with Kubernetes index -1",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4\nreplications = 1")},
			args:  []string{"sweep", "s.toml", "--shard", "auto", "--shard-count", "3", "-q"},
			env:   []string{"JOB_COMPLETION_INDEX=-1"}, code: 2,
			want: []string{"shard 0/3: want K/N with 1 <= K <= N"},
		},
		{
			// Half of all point seeds are ≥ 2^63; run --seed refused them
			// after computing, at encoding scenario.toml.
			name: "run --seed 2^64-1",
			args: []string{"run", "defi-2017", "--runs", "1", "--seed", "18446744073709551615", "--out", "o", "--quiet"},
			code: 0,
		},
		{
			// isUsage matched message substrings: a file named like a
			// cobra message exited 2 with "Run 'legolab --help'".
			name: "a file named like a usage message", args: []string{"run", "unknown command accepts .toml"}, code: 1,
			want: []string{"unknown command accepts .toml"},
		},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			code, out := runCase(t, c)
			if code != c.code {
				t.Errorf("%s: exit %d, want %d: %s", c.name, code, c.code, clip([]byte(out)))
			}
			if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
				t.Errorf("%s: panicked: %s", c.name, clip([]byte(out)))
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s: output lacks %q: %s", c.name, w, clip([]byte(out)))
				}
			}
		})
	}
}
