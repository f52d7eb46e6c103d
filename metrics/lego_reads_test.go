package metrics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// TestLegoReadsComposability checks LegoReadsComposability's promise on
// random series and rules: where it says the detector cannot read the
// composability index, any value there (NaN, far below or far above every
// threshold) leaves DetectLego's and LeftTruncated's results unchanged.
// The series have bursts of composed apps, so that some runs reach the Lego
// moment, some are left-truncated and some neither; the test asserts each
// happens, and that the index is skipped at most samples.
func TestLegoReadsComposability(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	var reached, truncated, skipped, samples int
	for c := range 3000 {
		n := 5 + rng.IntN(120)
		days := make([]float64, n)
		apps := make([]float64, n)
		composed := make([]float64, n)
		comp := make([]float64, n)
		step := []float64{1, 7, 7, 10.5, 30}[rng.IntN(5)]
		burst := rng.IntN(n)
		for i := range days {
			days[i] = float64(i) * step
			if i > 0 {
				if rng.IntN(4) == 0 {
					days[i] -= step * rng.Float64() * 0.5 // irregular sampling
				}
				a := float64(rng.IntN(20))
				k := math.Floor(a * rng.Float64() * 0.3)
				if i >= burst && i < burst+10 {
					k = a
				}
				apps[i] = apps[i-1] + a
				composed[i] = composed[i-1] + k
			}
			comp[i] = rng.Float64()
		}
		rule := scenarios.Lego{
			Rule:                 []string{"", "window", "window", "logistic"}[rng.IntN(4)],
			WindowDays:           []float64{0, step, 3 * step, 10 * step, 90}[rng.IntN(5)],
			ComposabilityMin:     []float64{0, 0.2, 0.5, 0.9}[rng.IntN(4)],
			ComposedShareMin:     []float64{0, 0.2, 0.5}[rng.IntN(3)],
			MinComposedPerWindow: []float64{0, 5, 20}[rng.IntN(3)],
			GrowthMin:            []float64{0, 1, 2}[rng.IntN(3)],
		}
		wantDay, wantReached := DetectLego(days, comp, apps, composed, rule)
		wantTrunc := LeftTruncated(days, comp, apps, composed, rule)
		if wantReached {
			reached++
		}
		if wantTrunc {
			truncated++
		}
		for _, fill := range []float64{math.NaN(), -1e9, 1e9} {
			masked := append([]float64(nil), comp...)
			for i := range masked {
				if !LegoReadsComposability(days[:i+1], apps[:i+1], composed[:i+1], rule) {
					masked[i] = fill
					if fill != fill {
						skipped++
					}
				}
			}
			if math.IsNaN(fill) {
				samples += n
			}
			day, ok := DetectLego(days, masked, apps, composed, rule)
			if day != wantDay || ok != wantReached {
				t.Fatalf("case %d (rule %+v), unread samples %v: DetectLego = %v, %v; want %v, %v", c, rule, fill, day, ok, wantDay, wantReached)
			}
			if got := LeftTruncated(days, masked, apps, composed, rule); got != wantTrunc {
				t.Fatalf("case %d (rule %+v), unread samples %v: LeftTruncated = %v; want %v", c, rule, fill, got, wantTrunc)
			}
		}
	}
	if reached < 100 || truncated < 50 || reached == 3000 {
		t.Errorf("%d of 3000 cases reached, %d left-truncated: the cases do not exercise the detector", reached, truncated)
	}
	if skipped < samples/2 {
		t.Errorf("the index is needed at %d of %d samples: the test shows little", samples-skipped, samples)
	}
	t.Logf("%d reached, %d left-truncated, index read at %d of %d samples", reached, truncated, samples-skipped, samples)
}

// TestLegoReadsCursor checks LegoReads against LegoReadsComposability on
// growing series, asked at each sample in turn as a collector does, and
// interpolateFrom against interpolate bit for bit, on times that mostly
// grow but sometimes go back (the search's path) or repeat, with sample
// days irregular and sometimes tied.
func TestLegoReadsCursor(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 4))
	backs := 0
	for c := range 2000 {
		n := 2 + rng.IntN(150)
		days := make([]float64, n)
		apps := make([]float64, n)
		composed := make([]float64, n)
		step := []float64{1, 7, 10.5}[rng.IntN(3)]
		for i := 1; i < n; i++ {
			days[i] = days[i-1] + step*[]float64{1, 0.5, 1.5, 0}[rng.IntN(4)]
			a := float64(rng.IntN(20))
			apps[i] = apps[i-1] + a
			composed[i] = composed[i-1] + math.Floor(a*rng.Float64())
		}
		rule := scenarios.Lego{Rule: "window", WindowDays: []float64{step, 3 * step, 10 * step}[rng.IntN(3)],
			ComposedShareMin: []float64{0, 0.2}[rng.IntN(2)], MinComposedPerWindow: []float64{0, 5}[rng.IntN(2)],
			GrowthMin: []float64{0, 1}[rng.IntN(2)]}
		var r LegoReads
		for i := range n {
			want := LegoReadsComposability(days[:i+1], apps[:i+1], composed[:i+1], rule)
			if got := r.Composability(days[:i+1], apps[:i+1], composed[:i+1], rule); got != want {
				t.Fatalf("case %d, sample %d: LegoReads says %v; LegoReadsComposability %v", c, i, got, want)
			}
		}
		from := 0
		x := days[0] - step
		for range 3 * n {
			switch k := rng.IntN(10); {
			case k == 0:
				x -= step * 5 * rng.Float64() // back
				backs++
			case k == 1: // the same time again
			case k == 2:
				x = days[rng.IntN(n)] // a sample day itself
			default:
				x += step * rng.Float64()
			}
			want, got := interpolate(days, composed, x), interpolateFrom(days, composed, x, &from)
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("case %d: interpolateFrom(%v) = %v; interpolate %v", c, x, got, want)
			}
		}
	}
	if backs == 0 {
		t.Fatal("no time went back")
	}
}
