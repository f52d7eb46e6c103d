package sweeps

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// writeCSVSweep writes a csv sweep and its points file into a temporary
// directory and returns the sweep file's path.
func writeCSVSweep(t *testing.T, points string) string {
	t.Helper()
	dir := t.TempDir()
	sw := filepath.Join(dir, "sw.toml")
	if err := os.WriteFile(sw, []byte("scenario = \"deai-2025\"\ndesign = \"csv\"\npoints_csv = \"pts.csv\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pts.csv"), []byte(points), 0o644); err != nil {
		t.Fatal(err)
	}
	return sw
}

// TestCSVDesign checks that a csv design runs its rows in order, each
// column a parameter with its distinct values, and that Param.At maps each
// point's unit coordinates back to its cells.
func TestCSVDesign(t *testing.T) {
	sw := writeCSVSweep(t, "# comment\nhubs.interlink.adapter_cost, choice.outside_utility,hubs.interlink.enabled\n5,0,true\n20, 2.5,false\n5,2.5,true\n")
	s, err := Load(sw)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(s.Params), 3; got != want {
		t.Fatalf("params = %d, want %d", got, want)
	}
	if got, want := s.Params[1].Key, "choice.outside_utility"; got != want {
		t.Errorf("params[1].key = %q, want %q", got, want)
	}
	if got := len(s.Params[0].Values); got != 2 {
		t.Errorf("params[0] has %d values, want 2 (5 and 20)", got)
	}
	pts, err := s.Points()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"5", "0", "true"}, {"20", "2.5", "false"}, {"5", "2.5", "true"}}
	if len(pts) != len(want) {
		t.Fatalf("%d points, want %d", len(pts), len(want))
	}
	for i, p := range pts {
		if strings.Join(p.Values, ",") != strings.Join(want[i], ",") || p.Index != i || p.Block != "" {
			t.Errorf("point %d = %d %q %v; want %d \"\" %v", i, p.Index, p.Block, p.Values, i, want[i])
		}
	}
	if got, want := s.NumPoints(), 3; got != want || s.Samples != want {
		t.Errorf("NumPoints, Samples = %d, %d; want %d, %d", got, s.Samples, want, want)
	}
	base, err := scenarios.Builtin(scenarios.Default)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckBase(base); err != nil {
		t.Errorf("CheckBase: %v", err)
	}
	if got := s.Inputs(); len(got) != 1 || got[0] != "pts.csv" {
		t.Errorf("Inputs = %q, want [pts.csv]", got)
	}
}

// TestCSVDesignErrors checks that every problem of a points file is
// reported at once at its cell, FILE:LINE:COL: KEY: message.
func TestCSVDesignErrors(t *testing.T) {
	for _, c := range []struct {
		name, points string
		want         []string // suffixes after the directory
	}{
		{"bad cells", "a.b,c.d\n1,x\n\"s\",2\n,3\n1,nan\n",
			[]string{`pts.csv:3:1: a.b: is a string but the column's first value is a number; a column's values must be of one kind`,
				`pts.csv:3:5: c.d: is a number but the column's first value is a string; a column's values must be of one kind`,
				`pts.csv:4:1: a.b: empty cell: every point needs a value of every key`,
				`pts.csv:4:2: c.d: is a number but the column's first value is a string; a column's values must be of one kind`,
				`pts.csv:5:3: c.d: is a number but the column's first value is a string; a column's values must be of one kind`}},
		{"header", "a.b,,a.b,x y\n1,2,3,4\n",
			[]string{`pts.csv:1:5: column 2: the header must name the swept key`,
				`pts.csv:1:6: a.b: duplicate column (also column 1)`,
				`pts.csv:1:10: column 4: "x y" is not a key path`}},
		{"ragged", "a.b,c.d\n1,2\n3\n",
			[]string{`pts.csv:3:1: wrong number of fields`}},
		{"no rows", "a.b\n",
			[]string{`pts.csv:1:1: no points: the header needs at least one row below it`}},
		{"empty", "",
			[]string{`pts.csv:1:1: empty file: want a header row naming the swept keys`}},
		{"infinite", "a.b\n1e999\n",
			[]string{`pts.csv:2:1: a.b: must be a finite number, got 1e999`}},
	} {
		sw := writeCSVSweep(t, c.points)
		dir := filepath.Dir(sw) + string(filepath.Separator)
		_, err := Load(sw)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		var got []string
		for _, e := range scenarios.Errors(err) {
			got = append(got, strings.TrimPrefix(e.Error(), dir))
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: errors\n%s\nwant\n%s", c.name, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}

// TestCSVDesignFileErrors checks the sweep file's side: a missing or
// oversized points file, [[params]] beside it, a csv key in another design.
func TestCSVDesignFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, []byte("a.b\n"+strings.Repeat("1\n", MaxCSVBytes/2+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, src, want string }{
		{"missing", "scenario = \"x\"\ndesign = \"csv\"\npoints_csv = \"nothere.csv\"\n",
			"sw.toml:3:1: points_csv: cannot read " + filepath.Join(dir, "nothere.csv") + ": no such file or directory"},
		{"required", "scenario = \"x\"\ndesign = \"csv\"\n",
			"sw.toml: points_csv: required: a CSV file of points (relative to the sweep file), its header naming the swept keys"},
		{"too big", "scenario = \"x\"\ndesign = \"csv\"\npoints_csv = \"big.csv\"\n",
			"sw.toml:3:1: points_csv: the points file is more than the limit of 16777216 bytes"},
		{"params too", "scenario = \"x\"\ndesign = \"csv\"\npoints_csv = \"big.csv\"\n[[params]]\nkey = \"a\"\nvalues = [1]\n",
			"sw.toml:4:3: params: not used by a csv design, which reads its parameters from its points; remove it"},
		{"csv key elsewhere", "scenario = \"x\"\ndesign = \"lhs\"\nsamples = 4\npoints_csv = \"p.csv\"\n[[params]]\nkey = \"a\"\nvalues = [1]\n",
			"sw.toml:4:1: points_csv: not used by a lhs design; remove it"},
	} {
		_, err := Parse([]byte(c.src), filepath.Join(dir, "sw.toml"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want it to contain %s", c.name, err, c.want)
		}
	}
}

// TestCSVDesignCheckBase checks that a column naming no key of the base
// scenario, and a cell out of the key's range, are reported at the CSV
// header and cell.
func TestCSVDesignCheckBase(t *testing.T) {
	sw := writeCSVSweep(t, "hubs.interlink.adaptr_cost,protocols.Bittensor.openness\n5,0.5\n6,1.5\n")
	s, err := Load(sw)
	if err != nil {
		t.Fatal(err)
	}
	base, err := scenarios.Builtin(scenarios.Default)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(sw) + string(filepath.Separator)
	var got []string
	for _, e := range scenarios.Errors(s.CheckBase(base)) {
		got = append(got, strings.TrimPrefix(e.Error(), dir))
	}
	want := []string{
		"pts.csv:1:1: hubs.interlink.adaptr_cost: unknown key; did you mean adapter_cost?",
		"pts.csv:3:3: protocols.Bittensor.openness must be in [0, 1], got 1.5",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("CheckBase:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
