package sweeps

import (
	"fmt"
	"math/rand/v2"
)

// Design generators. Each is a pure function of its arguments: the same
// arguments give the same points on every machine, which is what lets a
// sweep be split into shards and merged. Points are in the unit cube
// [0,1)^k (grid and Morris points may sit on 1); a sweep maps them to
// parameter values with SweepParam.At.

// Second PCG seed words, one per design, so that designs drawn from the same
// seed are independent.
const (
	designStreamUniform = 0x756e69666f726d // "uniform"
	designStreamLHS     = 0x6c6873         // "lhs"
	designStreamMorris  = 0x6d6f72726973   // "morris"
)

// UniformPoints returns n points drawn independently and uniformly on
// [0,1)^k from the PCG stream (seed, "uniform"). It panics on a negative n
// or k.
func UniformPoints(n, k int, seed uint64) [][]float64 {
	designCheckSize("uniform", n, k)
	rng := rand.New(rand.NewPCG(seed, designStreamUniform))
	out := designMatrix(n, k)
	for i := range out {
		for j := range out[i] {
			out[i][j] = rng.Float64()
		}
	}
	return out
}

// LatinHypercube returns a Latin hypercube sample of n points on [0,1)^k
// (McKay, Beckman & Conover 1979): in every dimension each of the n strata
// [s/n, (s+1)/n) holds exactly one point, placed uniformly within it, and
// the strata are paired across dimensions by independent random
// permutations from the PCG stream (seed, "lhs"). It panics on a negative n
// or k.
func LatinHypercube(n, k int, seed uint64) [][]float64 {
	designCheckSize("lhs", n, k)
	rng := rand.New(rand.NewPCG(seed, designStreamLHS))
	out := designMatrix(n, k)
	for j := range k {
		perm := rng.Perm(n)
		for i := range n {
			out[i][j] = (float64(perm[i]) + rng.Float64()) / float64(n)
		}
	}
	return out
}

// GridPoints returns the full factorial grid with levels[j] evenly spaced
// values of dimension j, at u = l/(levels[j]−1) for l = 0 … levels[j]−1 (u =
// 0 for a single level). Points are in row-major order: the last dimension
// varies fastest. It panics on a level count below 1.
func GridPoints(levels []int) [][]float64 {
	n := 1
	for j, l := range levels {
		if l < 1 {
			panic(fmt.Sprintf("sweeps: grid dimension %d needs at least one level, got %d", j, l))
		}
		n *= l
	}
	out := designMatrix(n, len(levels))
	for i := range out {
		rest := i
		for j := len(levels) - 1; j >= 0; j-- {
			l := rest % levels[j]
			rest /= levels[j]
			if levels[j] > 1 {
				out[i][j] = float64(l) / float64(levels[j]-1)
			}
		}
	}
	return out
}

// MorrisTrajectories returns r one-at-a-time trajectories of Morris (1991)
// on the p-level grid {0, 1/(p−1), …, 1} of [0,1]^k, as r blocks of k+1
// consecutive points. Each trajectory starts at a random grid point and
// moves every parameter exactly once, in a random order, by Δ = p/(2(p−1))
// up or down (Morris's choice, which makes every level equally likely),
// staying inside the cube. Draws come from the PCG stream (seed, "morris").
// It panics unless r >= 1, k >= 1 and p is even and >= 2.
func MorrisTrajectories(r, k, p int, seed uint64) [][]float64 {
	if r < 1 || k < 1 || p < 2 || p%2 != 0 {
		panic(fmt.Sprintf("sweeps: morris needs r >= 1, k >= 1 and an even p >= 2, got r=%d k=%d p=%d", r, k, p))
	}
	rng := rand.New(rand.NewPCG(seed, designStreamMorris))
	h := p / 2 // Δ in grid steps
	out := designMatrix(r*(k+1), k)
	level := make([]int, k)
	for t := range r {
		order := rng.Perm(k)
		for i := range level {
			// A move up needs a start in the lower half of the levels, a move
			// down one in the upper half; both halves have p/2 levels.
			level[i] = rng.IntN(h)
			if rng.IntN(2) == 1 {
				level[i] += h
			}
		}
		row := t * (k + 1)
		set := func(row int) {
			for i, l := range level {
				out[row][i] = float64(l) / float64(p-1)
			}
		}
		set(row)
		for s, i := range order {
			if level[i] < h {
				level[i] += h
			} else {
				level[i] -= h
			}
			set(row + s + 1)
		}
	}
	return out
}

// SaltelliPoints returns the Saltelli (2002, 2010) design for Sobol'
// indices of k parameters from N base rows: the blocks A, B and AB_1 …
// AB_k, each of N points, in that order, N·(k+2) in all. A and B are the
// first and last k columns of a 2k-dimensional Sobol' sample (SobolPoints
// with the given scramble and seed), and AB_i is A with column i taken from
// B. It panics unless N is a power of two and 1 <= k <= SobolMaxDims/2.
func SaltelliPoints(n, k int, scramble bool, seed uint64) [][]float64 {
	if !IsPowerOfTwo(n) {
		panic(fmt.Sprintf("sweeps: saltelli needs a power-of-two N, got %d", n))
	}
	if k < 1 || 2*k > SobolMaxDims {
		panic(fmt.Sprintf("sweeps: saltelli needs 1 <= k <= %d, got %d", SobolMaxDims/2, k))
	}
	base := SobolPoints(n, 2*k, scramble, seed)
	out := designMatrix(n*(k+2), k)
	for j, row := range base {
		copy(out[j], row[:k])   // A
		copy(out[n+j], row[k:]) // B
		for i := range k {
			ab := out[(2+i)*n+j]
			copy(ab, row[:k])
			ab[i] = row[k+i]
		}
	}
	return out
}

func designCheckSize(name string, n, k int) {
	if n < 0 || k < 0 {
		panic(fmt.Sprintf("sweeps: %s design needs n, k >= 0, got n=%d k=%d", name, n, k))
	}
}

// designMatrix returns n rows of k zeros backed by one allocation.
func designMatrix(n, k int) [][]float64 {
	flat := make([]float64, n*k)
	out := make([][]float64, n)
	for i := range out {
		out[i] = flat[i*k : (i+1)*k : (i+1)*k]
	}
	return out
}
