package sim

import (
	"math"
	"testing"
)

// TestStreamGolden pins the (seed, replication, stream) mapping: changing it
// changes every published result.
func TestStreamGolden(t *testing.T) {
	cases := []struct {
		seed, rep, stream uint64
		want              [3]uint64
	}{
		{1, 0, 0, [3]uint64{0x793a13bb7c6fc901, 0xa58ec633b2f6709e, 0x3fab362e0d7d790e}},
		{1, 1, 0, [3]uint64{0xe03cf564ed1fd730, 0x9e95cd7ea6bfe969, 0xc9c8cf26f39153c5}},
		{1, 0, StreamID("arrivals"), [3]uint64{0x25a7e1fa5babb894, 0xe075602f59ebebd9, 0x71b3bf0276f337e0}},
		{42, 7, StreamID("choice"), [3]uint64{0xd65bd1cd9b9ebbdd, 0x9bf8ade1f77ceecf, 0xd46d2911bef7673a}},
	}
	for _, c := range cases {
		r := NewStream(c.seed, c.rep, c.stream)
		var got [3]uint64
		for i := range got {
			got[i] = r.Uint64()
		}
		if got != c.want {
			t.Errorf("NewStream(%d, %d, %d): got %#x; want %#x", c.seed, c.rep, c.stream, got, c.want)
		}
	}
	if got, want := StreamID("arrivals"), uint64(0xb10bc22ca203cc53); got != want {
		t.Errorf("StreamID(arrivals): got %#x; want %#x", got, want)
	}
}

// TestStreamIndependence checks that neighbouring streams are uncorrelated:
// the sample correlation of their uniforms is within 4 standard errors of 0,
// and their means are within 4 standard errors of 1/2.
func TestStreamIndependence(t *testing.T) {
	const n = 20000
	pairs := [][2][3]uint64{
		{{1, 0, 0}, {1, 1, 0}},
		{{1, 0, 0}, {1, 0, 1}},
		{{1, 0, 0}, {2, 0, 0}},
		{{0, 0, 0}, {0, 0, 1}},
	}
	for _, p := range pairs {
		a := NewStream(p[0][0], p[0][1], p[0][2])
		b := NewStream(p[1][0], p[1][1], p[1][2])
		var sa, sb, sab, saa, sbb float64
		for i := 0; i < n; i++ {
			x, y := a.Float64(), b.Float64()
			sa += x
			sb += y
			sab += x * y
			saa += x * x
			sbb += y * y
		}
		ma, mb := sa/n, sb/n
		cov := sab/n - ma*mb
		rho := cov / math.Sqrt((saa/n-ma*ma)*(sbb/n-mb*mb))
		se := 1 / math.Sqrt(n)
		if math.Abs(rho) > 4*se {
			t.Errorf("streams %v and %v: correlation %g beyond 4 SE (%g)", p[0], p[1], rho, 4*se)
		}
		seMean := math.Sqrt(1.0 / 12 / n)
		if math.Abs(ma-0.5) > 4*seMean || math.Abs(mb-0.5) > 4*seMean {
			t.Errorf("streams %v, %v: means %g, %g", p[0], p[1], ma, mb)
		}
	}
}

func TestStreamDistinct(t *testing.T) {
	seen := map[uint64][3]uint64{}
	for seed := uint64(0); seed < 8; seed++ {
		for rep := uint64(0); rep < 8; rep++ {
			for s := uint64(0); s < 8; s++ {
				v := NewStream(seed, rep, s).Uint64()
				if prev, ok := seen[v]; ok {
					t.Fatalf("streams %v and %v start with the same value", prev, [3]uint64{seed, rep, s})
				}
				seen[v] = [3]uint64{seed, rep, s}
			}
		}
	}
}
