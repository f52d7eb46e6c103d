package calib

import (
	"math"
	"strings"
	"testing"
)

// TestFitLogisticExact checks that FitLogistic recovers a logistic curve from exact values
// of it, spread over its rise and saturation, and that the same inputs give the same fit.
func TestFitLogisticExact(t *testing.T) {
	want := Logistic{K: 20000, R: 0.008, T0: 900}
	ts := []float64{200, 400, 600, 800, 1000, 1200, 1400}
	ys := make([]float64, len(ts))
	for i, x := range ts {
		ys[i] = want.Curve(x)
	}
	got, err := FitLogistic(ts, ys)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"K", got.K, want.K}, {"R", got.R, want.R}, {"T0", got.T0, want.T0}} {
		if math.Abs(c.got-c.want) > 1e-3*math.Abs(c.want) {
			t.Errorf("%s = %g; want %g (relative error ≤ 1e-3)", c.name, c.got, c.want)
		}
	}
	if got.SSR > 1e-8 || got.N != len(ts) {
		t.Errorf("SSR %g, N %d; want ≈0 and %d", got.SSR, got.N, len(ts))
	}
	again, _ := FitLogistic(ts, ys)
	if again != got {
		t.Errorf("second fit %+v; first %+v: not deterministic", again, got)
	}
}

// TestFitLogisticLeastSquares checks on noisy values that the fit is the least-squares one:
// no point of a fine grid over (log R, T0), with log K profiled out, has a smaller SSR, and
// Sigma is sqrt(SSR / (N − 3)).
func TestFitLogisticLeastSquares(t *testing.T) {
	ts := []float64{212, 396, 577, 760, 900}
	ys := []float64{420, 1990, 2180, 5200, 4700}
	fit, err := FitLogistic(ts, ys)
	if err != nil {
		t.Fatal(err)
	}
	ssr := func(k, r, t0 float64) float64 {
		s := 0.0
		for i := range ts {
			e := math.Log(ys[i]) - math.Log(k/(1+math.Exp(-r*(ts[i]-t0))))
			s += e * e
		}
		return s
	}
	if got := ssr(fit.K, fit.R, fit.T0); math.Abs(got-fit.SSR) > 1e-9*math.Max(1, got) {
		t.Errorf("SSR reported %g; recomputed %g", fit.SSR, got)
	}
	span := ts[len(ts)-1] - ts[0]
	for i := range 301 {
		lr := math.Log(0.01/span) + math.Log(1e4)*float64(i)/300
		for j := range 301 {
			t0 := ts[0] - 2*span + 7*span*float64(j)/300
			r := math.Exp(lr)
			a := 0.0
			for k := range ts {
				a += math.Log(ys[k]) + math.Log1p(math.Exp(-r*(ts[k]-t0)))
			}
			a /= float64(len(ts))
			if s := ssr(math.Exp(a), r, t0); s < fit.SSR-1e-9 {
				t.Fatalf("grid point R %g T0 %g has SSR %g < the fit's %g", r, t0, s, fit.SSR)
			}
		}
	}
	if want := math.Sqrt(fit.SSR / 2); math.Abs(fit.Sigma-want) > 1e-12 {
		t.Errorf("Sigma %g; want sqrt(SSR/(5−3)) = %g", fit.Sigma, want)
	}
}

// TestLogisticScores checks PIT and CRPS: the PIT of the curve's own value is 1/2 and of
// exp(μ + σ) is Φ(1); the closed-form CRPS equals ∫ (F(x) − 1{x ≥ obs})² dx, integrated
// numerically (trapezoid, step σ/2000 over μ ± 12σ).
func TestLogisticScores(t *testing.T) {
	l := Logistic{K: 100, R: 0.01, T0: 50, Sigma: 0.4}
	mu := math.Log(l.Curve(80))
	if got := l.PIT(80, l.Curve(80)); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("PIT of the curve = %g; want 0.5", got)
	}
	if got, want := l.PIT(80, math.Exp(mu+l.Sigma)), 0.8413447460685429; math.Abs(got-want) > 1e-9 {
		t.Errorf("PIT at +1σ = %g; want Φ(1) = %g", got, want)
	}
	for _, obs := range []float64{mu - 1, mu, mu + 0.3, mu + 2} {
		h := l.Sigma / 2000
		sum := 0.0
		for x := mu - 12*l.Sigma; x <= mu+12*l.Sigma; x += h {
			f := 0.5 * math.Erfc(-(x-mu)/(l.Sigma*math.Sqrt2))
			if x >= obs {
				f--
			}
			sum += f * f * h
		}
		if got := l.CRPS(80, math.Exp(obs)); math.Abs(got-sum) > 1e-3*l.Sigma {
			t.Errorf("CRPS at log obs %g = %g; numerical integral %g", obs, got, sum)
		}
	}
}

func TestFitLogisticErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		t, y []float64
		want string
	}{
		{"too few", []float64{1, 2, 3}, []float64{1, 2, 3}, "need at least 4"},
		{"mismatch", []float64{1, 2, 3, 4}, []float64{1, 2, 3}, "4 times and 3 values"},
		{"zero value", []float64{1, 2, 3, 4}, []float64{1, 0, 3, 4}, "value 1 is 0"},
		{"NaN time", []float64{1, math.NaN(), 3, 4}, []float64{1, 2, 3, 4}, "time 1 is NaN"},
		{"one time", []float64{2, 2, 2, 2}, []float64{1, 2, 3, 4}, "same time"},
	} {
		_, err := FitLogistic(tc.t, tc.y)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v; want it to contain %q", tc.name, err, tc.want)
		}
	}
}
