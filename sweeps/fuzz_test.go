package sweeps

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, every
// problem must be a located *scenarios.Error in one line that names no Go
// type, and whatever it accepts must generate its points: NumPoints of
// them, in order, each with a value per parameter and unit coordinates in
// [0, 1]. Run it with `go test ./sweeps -run '^$' -fuzz FuzzParse
// -fuzztime 20s`.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "examples", "sweep-*.toml"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(goodSweep))
	f.Add([]byte("scenario = \"x\"\ndesign = \"grid\"\nlevels = 3\n[[params]]\nkey = \"a\"\nmin = 1\nmax = 2\n[[params]]\nkey = \"b\"\nvalues = [\"u\", \"v\"]\n"))
	f.Add([]byte("scenario = \"x\"\ndesign = \"morris\"\ntrajectories = 2\n[[params]]\nkey = \"a\"\nmin = 1\nmax = 100\nscale = \"log\"\ntype = \"int\"\n"))
	f.Add([]byte("design = \"lhs\"\nsamples = \"four\"\nseed = -1\n[[params]]\nkey = 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.toml")
		if err != nil {
			if s != nil {
				t.Fatalf("Parse returned a File and an error: %v", err)
			}
			for _, e := range scenarios.Errors(err) {
				if e.File == "" || e.Msg == "" {
					t.Fatalf("malformed problem %#v", e)
				}
				if strings.Contains(e.Msg, "\n") {
					t.Fatalf("problem message spans lines: %q", e.Msg)
				}
				if strings.Contains(e.Msg, "sweeps.") || strings.Contains(e.Msg, "struct field") {
					t.Fatalf("problem names a Go type: %q", e.Msg)
				}
			}
			return
		}
		n := s.NumPoints()
		if n < 1 || n > MaxPoints {
			t.Fatalf("accepted a sweep of %d points", n)
		}
		if n > 1<<14 {
			return // valid, but too slow to generate at fuzzing speed
		}
		pts, err := s.Points()
		if err != nil {
			t.Fatalf("Points of a valid sweep: %v", err)
		}
		if len(pts) != n {
			t.Fatalf("Points = %d, NumPoints = %d", len(pts), n)
		}
		for i, p := range pts {
			if p.Index != i || len(p.Values) != len(s.Params) || len(p.Unit) != len(s.Params) {
				t.Fatalf("point %d malformed: %+v", i, p)
			}
			for _, u := range p.Unit {
				if !(u >= 0 && u <= 1) {
					t.Fatalf("point %d: unit coordinate %v outside [0, 1]", i, u)
				}
			}
		}
	})
}
