package sweeps

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// joeKuo holds the Sobol' direction-number initialisers of Joe & Kuo (2008),
// file new-joe-kuo-6.21201, for dimensions 2 to SobolMaxDims, one row each as
// "s a m_1 … m_s": s the degree of the primitive polynomial, a its inner
// coefficients as bits, m_k the initial direction integers. Dimension 1 is
// the van der Corput sequence and needs none. A data table, not a
// dependency: Saltelli's scheme takes two columns per parameter, so 40
// dimensions cover sweeps of up to 20 parameters.
const joeKuo = "1 0 1|2 1 1 3|3 1 1 3 1|3 2 1 1 1|4 1 1 1 3 3|4 4 1 3 5 13|" +
	"5 2 1 1 5 5 17|5 4 1 1 5 5 5|5 7 1 1 7 11 19|5 11 1 1 5 1 1|5 13 1 1 1 3 11|" +
	"5 14 1 3 5 5 31|6 1 1 3 3 9 7 49|6 13 1 1 1 15 21 21|6 16 1 3 1 13 27 49|" +
	"6 19 1 1 1 15 7 5|6 22 1 3 1 15 13 25|6 25 1 1 5 5 19 61|7 1 1 3 7 11 23 15 103|" +
	"7 4 1 3 7 13 13 15 69|7 7 1 1 3 13 7 35 63|7 8 1 3 5 9 1 25 53|" +
	"7 14 1 3 1 13 9 35 107|7 19 1 3 1 5 27 61 31|7 21 1 1 5 11 19 41 61|" +
	"7 28 1 3 5 3 3 13 69|7 31 1 1 7 13 1 19 1|7 32 1 3 7 5 13 19 59|" +
	"7 37 1 1 3 9 25 29 41|7 41 1 3 5 13 23 1 55|7 42 1 3 7 3 13 59 17|" +
	"7 50 1 3 1 3 5 53 69|7 55 1 1 5 5 23 33 13|7 56 1 1 7 7 1 61 123|" +
	"7 59 1 1 7 9 13 61 49|7 62 1 3 3 5 3 55 33|8 14 1 3 1 15 31 13 49 245|" +
	"8 21 1 3 5 15 31 59 63 97|8 22 1 3 1 11 11 11 77 249"

// SobolMaxDims is the number of dimensions SobolPoints supports.
const SobolMaxDims = 40

// sobolBits is the precision of the generated points: coordinates are
// multiples of 2^-32, enough for any parameter range and for 2^31 points.
const sobolBits = 32

// sobolDirections[d][j] is direction number j of dimension d, scaled to 32
// bits (the j-th binary digit is bit 31−j).
var sobolDirections = buildSobolDirections()

func buildSobolDirections() [][sobolBits]uint32 {
	rows := strings.Split(joeKuo, "|")
	dirs := make([][sobolBits]uint32, 1, len(rows)+1)
	for j := range sobolBits {
		dirs[0][j] = 1 << (sobolBits - 1 - j)
	}
	for r, row := range rows {
		f := strings.Fields(row)
		nums := make([]uint32, len(f))
		for i, s := range f {
			n, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				panic(fmt.Sprintf("sweeps: direction table row %d: %v", r+2, err))
			}
			nums[i] = uint32(n)
		}
		s, a, m := int(nums[0]), nums[1], nums[2:]
		if len(m) != s {
			panic(fmt.Sprintf("sweeps: direction table row %d has degree %d and %d numbers", r+2, s, len(m)))
		}
		var v [sobolBits]uint32
		for j := range sobolBits {
			if j < s {
				v[j] = m[j] << (sobolBits - 1 - j)
				continue
			}
			// Bratley & Fox (1988) recurrence as Joe & Kuo state it: the
			// primitive polynomial's inner coefficients are the bits of a.
			x := v[j-s] ^ (v[j-s] >> s)
			for k := 1; k < s; k++ {
				if (a>>(s-1-k))&1 == 1 {
					x ^= v[j-k]
				}
			}
			v[j] = x
		}
		dirs = append(dirs, v)
	}
	if len(dirs) != SobolMaxDims {
		panic(fmt.Sprintf("sweeps: direction table has %d dimensions, want %d", len(dirs), SobolMaxDims))
	}
	return dirs
}

// SobolPoints returns the first n points of the dims-dimensional Sobol'
// sequence (Sobol' 1967, direction numbers of Joe & Kuo 2008) in Gray-code
// order, the order of Joe & Kuo's own generator and of SciPy, whose first
// 2^m points are a (t,m,s)-net. With scramble true every coordinate is
// Owen-scrambled (Owen 1995: nested uniform scrambling in base 2, each node
// of the binary digit tree flipped by an independent bit), the flips drawn
// from a hash of seed, so the set keeps its net structure, is uniform on
// [0,1)^dims point by point, and a different seed gives an independent
// replicate. Unscrambled, the first point is the origin. It panics unless
// 1 <= dims <= SobolMaxDims and 0 <= n < 2^31.
func SobolPoints(n, dims int, scramble bool, seed uint64) [][]float64 {
	if dims < 1 || dims > SobolMaxDims {
		panic(fmt.Sprintf("sweeps: sobol dimensions must be in [1,%d], got %d", SobolMaxDims, dims))
	}
	if n < 0 || n >= 1<<31 {
		panic(fmt.Sprintf("sweeps: sobol point count must be in [0,2^31), got %d", n))
	}
	keys := make([]uint64, dims)
	for d := range keys {
		keys[d] = designMix64(seed ^ designMix64(uint64(d)+0x5851F42D4C957F2D))
	}
	out := designMatrix(n, dims)
	for i := range out {
		g := uint32(i ^ (i >> 1))
		for d := range dims {
			var x uint32
			for j, gg := 0, g; gg != 0; j, gg = j+1, gg>>1 {
				if gg&1 == 1 {
					x ^= sobolDirections[d][j]
				}
			}
			if scramble {
				x = owenScramble(x, keys[d])
			}
			out[i][d] = float64(x) / (1 << sobolBits)
		}
	}
	return out
}

// owenScramble applies a nested uniform scramble to the 32 binary digits of
// x: digit k (k = 0 the most significant) is flipped by a bit that depends
// on key and on the k digits above it, as in Owen's (1995) random tree of
// permutations. The tree is never stored: its bits are hashes.
func owenScramble(x uint32, key uint64) uint32 {
	var flips uint32
	for k := range sobolBits {
		// The prefix of length k, tagged with a leading 1 so that prefixes of
		// different lengths never collide.
		// (A shift by 32 is 0 in Go, the empty prefix.)
		prefix := uint64(x>>(sobolBits-k)) | uint64(1)<<k
		if designMix64(key^designMix64(prefix))&1 == 1 {
			flips |= 1 << (sobolBits - 1 - k)
		}
	}
	return x ^ flips
}

// designMix64 is the SplitMix64 output function (Steele, Lea & Flood 2014),
// the same mixer as sim's streams; the generators depend on no other package
// of the project, so they keep their own copy.
func designMix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// IsPowerOfTwo reports whether n is a positive power of two.
func IsPowerOfTwo(n int) bool { return n > 0 && n&(n-1) == 0 }

// NearestPowerOfTwo returns the power of two nearest n (the smaller on a
// tie), at least 2.
func NearestPowerOfTwo(n int) int {
	if n <= 2 {
		return 2
	}
	lo := 1
	for lo <= n/2 { // lo*2 <= n, without overflowing near 2^62
		lo *= 2
	}
	if lo > math.MaxInt/2 || n-lo <= 2*lo-n {
		return lo
	}
	return 2 * lo
}
