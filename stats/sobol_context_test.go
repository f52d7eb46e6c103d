package stats

import (
	"context"
	"errors"
	"testing"
)

// TestSobolContextStops checks that a cancelled context stops the
// bootstrap (which ignored SIGINT for 38 s after a large sweep) and that
// an uncancelled one gives Sobol's numbers.
func TestSobolContextStops(t *testing.T) {
	n := 64
	yA, yB := make([]float64, n), make([]float64, n)
	yAB := [][]float64{make([]float64, n)}
	for i := range n {
		yA[i], yB[i], yAB[0][i] = float64(i%7), float64(i%5), float64(i%3)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SobolContext(ctx, yA, yB, yAB, 100000, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
	a, err := Sobol(yA, yB, yAB, 50, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := SobolContext(context.Background(), yA, yB, yAB, 50, 1)
	if err != nil || a[0] != b[0] {
		t.Errorf("SobolContext = %v, %v; want Sobol's %v", b, err, a)
	}
}
