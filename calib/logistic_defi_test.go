package calib

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// TestDefiLogisticBaseline computes the baseline of the pre-registered DeFi out-of-sample
// test (docs/model.md, Pre-registered out-of-sample tests, a): the logistic curve fitted by
// FitLogistic to the value-locked points of calibrations/builtin/defi-tvl-2019.toml dated up
// to its cutoff, and its PIT and CRPS (log scale) at each held-out 2020 point. Run with -v to
// print them; the test asserts only the set-up the pre-registration states (4 points fitted,
// 10 held out in 2020), so that a change of the file cannot silently change the test.
func TestDefiLogisticBaseline(t *testing.T) {
	src, err := os.ReadFile("../calibrations/builtin/defi-tvl-2019.toml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Start, Cutoff string
		Series        []struct {
			Points []struct {
				Date  string
				Value float64
			}
		}
	}
	dec := toml.NewDecoder(strings.NewReader(string(src)))
	if err := dec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	start, err := time.Parse(time.DateOnly, f.Start)
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) float64 {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Sub(start).Hours() / 24
	}
	var ts, ys []float64
	type held struct {
		date string
		t, y float64
	}
	var out []held
	for _, p := range f.Series[0].Points {
		switch {
		case p.Date <= f.Cutoff:
			ts, ys = append(ts, day(p.Date)), append(ys, p.Value)
		case strings.HasPrefix(p.Date, "2020-"):
			out = append(out, held{p.Date, day(p.Date), p.Value})
		}
	}
	if len(ts) != 4 || len(out) != 10 {
		t.Fatalf("%d points fitted and %d held out in 2020; the pre-registration says 4 and 10", len(ts), len(out))
	}
	fit, err := FitLogistic(ts, ys)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("logistic fit to %d points: K %.6g thousand ETH, R %.6g per day, T0 day %.6g, SSR %.6g, sigma %.6g", fit.N, fit.K, fit.R, fit.T0, fit.SSR, fit.Sigma)
	sum := 0.0
	for _, h := range out {
		c := fit.CRPS(h.t, h.y)
		sum += c
		t.Logf("%s day %4.0f: observed %8.1f, baseline median %8.1f, PIT %.4f, CRPS %.4f", h.date, h.t, h.y, fit.Curve(h.t), fit.PIT(h.t, h.y), c)
	}
	t.Logf("mean CRPS (log scale) over the 10 held-out 2020 points: %.4f", sum/float64(len(out)))
	if math.IsNaN(sum) {
		t.Errorf("CRPS is NaN")
	}
}
