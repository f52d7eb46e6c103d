package calibrations_test

import (
	"fmt"
	"path/filepath"

	"github.com/legolab/legolab/calibrations"
)

// Example reads the Bass example: the free priors (canonical key paths),
// and the observed points, fitted or held out by the cutoff.
func Example() {
	f, err := calibrations.Load(filepath.Join("..", "examples", "calibrate-bass.toml"), calibrations.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Name, f.Keys)
	s := f.Series[0]
	held := 0
	for _, o := range s.Observed {
		if f.HeldOut(o.Date) {
			held++
		}
	}
	fmt.Printf("%s meets %s on the %s scale: %d points, %d held out\n", s.Name, s.Observable, s.Transform, len(s.Observed), held)
	// Output:
	// bass [builders.p_per_year builders.q_per_year builders.market_potential]
	// builders meets builders_cum on the log1p scale: 10 points, 3 held out
}
