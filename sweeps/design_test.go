package sweeps

import (
	"fmt"
	"math"
	"testing"
)

// TestSobolKnownValues checks the first eight unscrambled points against
// the published sequence: dimensions 1 and 2 as SciPy's
// qmc.Sobol(d=2, scramble=False).random_base2(3) prints them, dimension 3
// worked by hand from Joe & Kuo's row "s=2 a=1 m=1,3" (v = 1/2, 3/4, 3/8 by
// the recurrence m_3 = 2·m_2 ⊕ 4·m_1 ⊕ m_1 = 3) in Gray-code order.
func TestSobolKnownValues(t *testing.T) {
	want := [][]float64{
		{0, 0, 0},
		{0.5, 0.5, 0.5},
		{0.75, 0.25, 0.25},
		{0.25, 0.75, 0.75},
		{0.375, 0.375, 0.625},
		{0.875, 0.875, 0.125},
		{0.625, 0.125, 0.875},
		{0.125, 0.625, 0.375},
	}
	got := SobolPoints(8, 3, false, 0)
	for i := range want {
		for d := range want[i] {
			if got[i][d] != want[i][d] {
				t.Errorf("point %d dim %d: got %v, want %v", i, d+1, got[i][d], want[i][d])
			}
		}
	}
}

// TestSobolDirectionNumbers checks the direction table's invariants: every
// m_k is odd and below 2^k, so every direction number has its leading bit
// at position k.
func TestSobolDirectionNumbers(t *testing.T) {
	for d, v := range sobolDirections {
		for j, x := range v {
			m := x >> (sobolBits - 1 - j)
			if m%2 != 1 || uint64(m) >= uint64(1)<<(j+1) {
				t.Fatalf("dimension %d direction %d: m = %d, want odd and < 2^%d", d+1, j+1, m, j+1)
			}
		}
	}
}

// stratified reports the first stratum of width 1/n along dimension d that
// does not hold exactly one point, or -1.
func stratified(pts [][]float64, d, n int) int {
	count := make([]int, n)
	for _, p := range pts {
		s := int(p[d] * float64(n))
		if s < 0 || s >= n {
			return s
		}
		count[s]++
	}
	for s, c := range count {
		if c != 1 {
			return s
		}
	}
	return -1
}

// TestSobolNet checks the net property, unscrambled and scrambled: with
// N = 2^m points every dimension puts one point in each interval
// [s/N, (s+1)/N), and dimensions 1 and 2 (a (0,m,2)-net) put one point in
// each of the N elementary boxes 2^-a × 2^-(m−a).
func TestSobolNet(t *testing.T) {
	for _, scramble := range []bool{false, true} {
		for _, seed := range []uint64{1, 2, 99} {
			for m := 1; m <= 9; m++ {
				n := 1 << m
				pts := SobolPoints(n, SobolMaxDims, scramble, seed)
				name := fmt.Sprintf("scramble=%v seed=%d N=%d", scramble, seed, n)
				for d := range SobolMaxDims {
					if s := stratified(pts, d, n); s >= 0 {
						t.Fatalf("%s: dimension %d stratum %d does not hold exactly one point", name, d+1, s)
					}
				}
				for a := 0; a <= m; a++ {
					boxes := map[[2]int]int{}
					for _, p := range pts {
						boxes[[2]int{int(p[0] * float64(int(1)<<a)), int(p[1] * float64(int(1)<<(m-a)))}]++
					}
					if len(boxes) != n {
						t.Fatalf("%s: boxes 2^-%d × 2^-%d: %d of %d hold a point", name, a, m-a, len(boxes), n)
					}
				}
				if !scramble {
					break // the unscrambled sequence does not depend on the seed
				}
			}
		}
	}
}

// TestSobolScrambled checks that scrambling stays in [0,1), is a pure
// function of the seed, changes with it, and makes each point uniform:
// over many seeds the first point's coordinate has mean 1/2 and variance
// 1/12 within 4 standard errors.
func TestSobolScrambled(t *testing.T) {
	a := SobolPoints(64, 6, true, 7)
	b := SobolPoints(64, 6, true, 7)
	c := SobolPoints(64, 6, true, 8)
	same, differ := true, false
	for i := range a {
		for d := range a[i] {
			if a[i][d] < 0 || a[i][d] >= 1 {
				t.Fatalf("point %d dim %d = %v, outside [0,1)", i, d, a[i][d])
			}
			same = same && a[i][d] == b[i][d]
			differ = differ || a[i][d] != c[i][d]
		}
	}
	if !same {
		t.Error("same seed gave different points")
	}
	if !differ {
		t.Error("different seeds gave the same points")
	}
	const seeds = 4000
	var sum, sumSq float64
	for s := range uint64(seeds) {
		u := SobolPoints(1, 3, true, s)[0][2]
		sum += u
		sumSq += u * u
	}
	mean := sum / seeds
	variance := sumSq/seeds - mean*mean
	if se := math.Sqrt(1.0 / 12 / seeds); math.Abs(mean-0.5) > 4*se {
		t.Errorf("first scrambled point: mean %v, want 0.5 ± %v", mean, 4*se)
	}
	if math.Abs(variance-1.0/12) > 0.01 {
		t.Errorf("first scrambled point: variance %v, want %v", variance, 1.0/12)
	}
}

func TestSobolPanics(t *testing.T) {
	for _, c := range []struct {
		name    string
		n, dims int
	}{{"zero dims", 4, 0}, {"too many dims", 4, SobolMaxDims + 1}, {"negative n", -1, 2}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: SobolPoints(%d, %d) did not panic", c.name, c.n, c.dims)
				}
			}()
			SobolPoints(c.n, c.dims, false, 0)
		}()
	}
}

func TestLatinHypercube(t *testing.T) {
	for _, n := range []int{1, 2, 7, 50} {
		pts := LatinHypercube(n, 4, 3)
		if len(pts) != n {
			t.Fatalf("n=%d: got %d points", n, len(pts))
		}
		for d := range 4 {
			if s := stratified(pts, d, n); s >= 0 {
				t.Errorf("n=%d: dimension %d stratum %d does not hold exactly one point", n, d, s)
			}
		}
	}
	a, b := LatinHypercube(20, 3, 5), LatinHypercube(20, 3, 5)
	for i := range a {
		for d := range a[i] {
			if a[i][d] != b[i][d] {
				t.Fatalf("point %d dim %d: %v then %v for the same seed", i, d, a[i][d], b[i][d])
			}
		}
	}
}

func TestUniformPoints(t *testing.T) {
	pts := UniformPoints(2000, 2, 11)
	var sum float64
	for _, p := range pts {
		for _, u := range p {
			if u < 0 || u >= 1 {
				t.Fatalf("%v outside [0,1)", u)
			}
			sum += u
		}
	}
	mean := sum / 4000
	if se := math.Sqrt(1.0 / 12 / 4000); math.Abs(mean-0.5) > 4*se {
		t.Errorf("mean %v, want 0.5 ± %v", mean, 4*se)
	}
}

func TestGridPoints(t *testing.T) {
	got := GridPoints([]int{2, 3})
	want := [][]float64{{0, 0}, {0, 0.5}, {0, 1}, {1, 0}, {1, 0.5}, {1, 1}}
	if len(got) != len(want) {
		t.Fatalf("got %d points, want %d", len(got), len(want))
	}
	for i := range want {
		for d := range want[i] {
			if got[i][d] != want[i][d] {
				t.Errorf("point %d: got %v, want %v", i, got[i], want[i])
			}
		}
	}
	if got := GridPoints([]int{1, 2}); len(got) != 2 || got[1][0] != 0 || got[1][1] != 1 {
		t.Errorf("single level: got %v, want [[0 0] [0 1]]", got)
	}
}

// TestMorrisTrajectories checks Morris's structure: r blocks of k+1 grid
// points, consecutive points differing in exactly one parameter by exactly
// Δ = p/(2(p−1)), each parameter moving once per trajectory, and the
// levels used evenly (every level is equally likely by construction).
func TestMorrisTrajectories(t *testing.T) {
	for _, c := range []struct{ r, k, p int }{{1, 1, 2}, {10, 3, 4}, {50, 5, 6}, {400, 2, 4}} {
		name := fmt.Sprintf("r=%d k=%d p=%d", c.r, c.k, c.p)
		pts := MorrisTrajectories(c.r, c.k, c.p, 9)
		if len(pts) != c.r*(c.k+1) {
			t.Fatalf("%s: got %d points, want %d", name, len(pts), c.r*(c.k+1))
		}
		delta := float64(c.p) / (2 * float64(c.p-1))
		levelCount := make([]int, c.p)
		for tr := range c.r {
			moved := make([]bool, c.k)
			for s := range c.k + 1 {
				row := pts[tr*(c.k+1)+s]
				for _, u := range row {
					l := u * float64(c.p-1)
					if math.Abs(l-math.Round(l)) > 1e-12 || u < 0 || u > 1 {
						t.Fatalf("%s: trajectory %d step %d: %v is not on the %d-level grid", name, tr, s, u, c.p)
					}
					levelCount[int(math.Round(l))]++
				}
				if s == 0 {
					continue
				}
				prev := pts[tr*(c.k+1)+s-1]
				changed := -1
				for i := range row {
					if row[i] != prev[i] {
						if changed >= 0 {
							t.Fatalf("%s: trajectory %d step %d moves two parameters", name, tr, s)
						}
						changed = i
					}
				}
				if changed < 0 || moved[changed] {
					t.Fatalf("%s: trajectory %d step %d moves no new parameter", name, tr, s)
				}
				moved[changed] = true
				if d := math.Abs(row[changed] - prev[changed]); math.Abs(d-delta) > 1e-12 {
					t.Fatalf("%s: trajectory %d step %d moves by %v, want Δ = %v", name, tr, s, d, delta)
				}
			}
		}
		if c.r >= 400 {
			total := c.r * (c.k + 1) * c.k
			for l, n := range levelCount {
				want := float64(total) / float64(c.p)
				if math.Abs(float64(n)-want) > 5*math.Sqrt(want) {
					t.Errorf("%s: level %d used %d times, want about %.0f", name, l, n, want)
				}
			}
		}
	}
}

// TestSaltelliPoints checks the block structure: A and B are the two halves
// of a 2k-dimensional Sobol' sample and AB_i is A with column i from B.
func TestSaltelliPoints(t *testing.T) {
	const n, k = 8, 3
	pts := SaltelliPoints(n, k, true, 4)
	base := SobolPoints(n, 2*k, true, 4)
	if len(pts) != n*(k+2) {
		t.Fatalf("got %d points, want %d", len(pts), n*(k+2))
	}
	for j := range n {
		for c := range k {
			a, b := base[j][c], base[j][k+c]
			if pts[j][c] != a || pts[n+j][c] != b {
				t.Fatalf("row %d column %d: A, B = %v, %v; want %v, %v", j, c, pts[j][c], pts[n+j][c], a, b)
			}
			for i := range k {
				want := a
				if i == c {
					want = b
				}
				if got := pts[(2+i)*n+j][c]; got != want {
					t.Fatalf("AB_%d row %d column %d: got %v, want %v", i+1, j, c, got, want)
				}
			}
		}
	}
}

func TestNearestPowerOfTwo(t *testing.T) {
	for _, c := range []struct{ n, want int }{{0, 2}, {1, 2}, {3, 2}, {5, 4}, {6, 4}, {7, 8}, {48, 32}, {49, 64}, {100, 128}, {1000, 1024}} {
		if got := NearestPowerOfTwo(c.n); got != c.want {
			t.Errorf("NearestPowerOfTwo(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}

func BenchmarkSobolPoints(b *testing.B) {
	for _, n := range []int{256, 4096} {
		b.Run(fmt.Sprintf("n=%d/dims=20/scrambled", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SobolPoints(n, 20, true, 1)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*20), "ns/coord")
		})
	}
}

// ExampleSobolPoints prints the first points of the two-dimensional Sobol'
// sequence, plain and Owen-scrambled: each set of four puts one point in
// every quarter of each axis.
func ExampleSobolPoints() {
	for _, p := range SobolPoints(4, 2, false, 0) {
		fmt.Printf("%.3f %.3f\n", p[0], p[1])
	}
	for _, p := range SobolPoints(4, 2, true, 1) {
		fmt.Printf("quarters %d %d\n", int(p[0]*4), int(p[1]*4))
	}
	// Output:
	// 0.000 0.000
	// 0.500 0.500
	// 0.750 0.250
	// 0.250 0.750
	// quarters 3 1
	// quarters 1 2
	// quarters 0 0
	// quarters 2 3
}
