package calib

import "math/rand/v2"

// The random streams of a run. Attempt a of generation g draws its proposal
// (the ancestor and the kernel step, or the prior draw in generation 0) from
// stream(seed, g, a, streamProposal) and runs the simulator on
// stream(seed, g, a, streamSimulate): a PCG generator whose two keys are
// fixed mixes (SplitMix64's finaliser) of those four numbers. Neither the
// worker that runs an attempt nor the order attempts finish in enters, so
// a run is the same for any worker count, and a resumed run draws what the
// uninterrupted one would have.
const (
	streamProposal = 0
	streamSimulate = 1
	// SBC history h: the true θ, its synthetic history, the posterior draws
	// it is ranked among, each from stream(seed, h, 0, kind).
	streamSBCTruth   = 3
	streamSBCHistory = 4
	streamSBCDraws   = 5
)

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func stream(seed uint64, generation, attempt int, kind uint64) *rand.Rand {
	k1 := mix64(seed ^ mix64(uint64(generation)+0x9E3779B97F4A7C15))
	k1 = mix64(k1 ^ mix64(uint64(attempt)+0xD1B54A32D192ED03))
	k2 := mix64(k1 ^ mix64(kind+0x8CB92BA72F3D8DD7))
	return rand.New(rand.NewPCG(k1, k2))
}
