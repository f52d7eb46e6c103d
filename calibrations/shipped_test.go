package calibrations

import (
	"encoding/csv"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
)

// TestShippedPosteriors checks that each built-in posterior
// (scenarios/builtin/posteriors/NAME.csv, a copy of the posterior.csv of the
// built-in calibration NAME) still belongs to its calibration file: the
// header is generation, particle, weight, distance and the file's free keys
// in order; there is one row per particle; weights are positive and sum to
// 1; every value lies within its prior's bounds. A calibration file changed
// after its posterior was copied (a key added, renamed or reordered, a
// prior narrowed) fails here rather than in a run that carries it.
func TestShippedPosteriors(t *testing.T) {
	for _, name := range []string{"ibc", "layerzero", "bittensor", "defi-tvl"} {
		f, err := Builtin(name, Options{}) // observables are checked where observe is (cmd/legolab)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fh, err := os.Open("../scenarios/builtin/posteriors/" + name + ".csv")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rows, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := append([]string{"generation", "particle", "weight", "distance"}, f.Keys...)
		if !slices.Equal(rows[0], want) {
			t.Fatalf("%s: header %v; want %v", name, rows[0], want)
		}
		if n := len(rows) - 1; n != f.ABC.Particles {
			t.Errorf("%s: %d particles; the file asks for %d", name, n, f.ABC.Particles)
		}
		sum := 0.0
		for i, r := range rows[1:] {
			w, err := strconv.ParseFloat(r[2], 64)
			if err != nil || !(w > 0) {
				t.Errorf("%s row %d: weight %q", name, i+2, r[2])
			}
			sum += w
			for k, p := range f.Priors {
				v, err := strconv.ParseFloat(r[4+k], 64)
				if err != nil || (p.Min != nil && v < *p.Min) || (p.Max != nil && v > *p.Max) {
					t.Errorf("%s row %d: %s = %q outside its prior", name, i+2, f.Keys[k], r[4+k])
				}
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: weights sum to %.17g; want 1", name, sum)
		}
	}
}
