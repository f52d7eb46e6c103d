package lab

import (
	"context"
	"testing"
)

func TestCalibrateBassSmoke(t *testing.T) {
	c, err := OpenCalibration("../examples/calibrate-bass.toml")
	if err != nil {
		t.Fatal(err)
	}
	c.Jobs = 2
	dir := t.TempDir() + "/out"
	res, err := c.Run(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Summary.Params {
		t.Logf("%s: mean %g [%g, %g] prior [%g, %g]", p.Key, p.Mean, p.Lo95, p.Hi95, p.PriorLo95, p.PriorHi95)
	}
	t.Logf("stop %s sims %d elapsed %v gens %d", res.Stop, res.Final.Simulations, res.Elapsed, len(res.Final.History))
	for _, s := range res.Summary.Series {
		for _, p := range s.Points {
			t.Logf("%s %v held=%v pit=%.3f crps=%.3f", p.Date, p.Value, p.HeldOut, p.PIT, p.CRPS)
		}
	}
}
