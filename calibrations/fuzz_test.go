package calibrations

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// FuzzParse feeds arbitrary bytes to Parse (as a file in examples/, so that
// scenario = "bass.toml" resolves): it must never panic, every problem
// must be a *scenarios.Error with a one-line message naming no Go type,
// and whatever it accepts must be consistent: free keys and priors paired,
// every series with observed points, all within the scenario's horizon.
// Run it with `go test ./calibrations -run '^$' -fuzz FuzzParse -fuzztime 20s`.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "examples", "calibrate-*.toml"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(goodHead + goodSeries))
	f.Add([]byte(goodHead + "[[series]]\nname = \"defi_tvl\"\ndata = \"analogs\"\nobservable = \"builders_cum\"\ntransform = \"log\"\ndiscrepancy = 0.3\n"))
	f.Add([]byte("name = 3\nscenario = [1]\nstart = \"x\"\n[abc]\nparticles = -1\n[[series]]\npoints = 2\n"))
	name := filepath.Join("..", "examples", "fuzz.toml")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, name, opt)
		if err != nil {
			if c != nil {
				t.Fatalf("Parse returned a File and an error: %v", err)
			}
			for _, e := range scenarios.Errors(err) {
				if e.Msg == "" {
					t.Fatalf("malformed problem %#v", e)
				}
				if strings.Contains(e.Msg, "\n") && e.File == name {
					t.Fatalf("problem message spans lines: %q", e.Msg)
				}
				if strings.Contains(e.Msg, "calibrations.") || strings.Contains(e.Msg, "struct field") {
					t.Fatalf("problem names a Go type: %q", e.Msg)
				}
			}
			return
		}
		if len(c.Keys) == 0 || len(c.Keys) != len(c.Priors) {
			t.Fatalf("accepted %d keys and %d priors", len(c.Keys), len(c.Priors))
		}
		for _, s := range c.Series {
			if len(s.Observed) == 0 {
				t.Fatalf("accepted series %q without points", s.Name)
			}
			for _, o := range s.Observed {
				if d := Day(c.Start, o.Date); d < 0 || d > c.Spec.HorizonDays {
					t.Fatalf("accepted a point at day %g outside [0, %g]", d, c.Spec.HorizonDays)
				}
			}
		}
	})
}
