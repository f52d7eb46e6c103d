package sim

import "math/rand/v2"

// NewStream returns the generator of stream id for the given master seed and
// replication. Streams derive independent generators from one master seed.
//
// The mapping from (seed, replication, stream) to a PCG generator is a
// contract, fixed because changing it changes every published result:
//
//	k1 = mix64(seed ^ mix64(replication + 0x9E3779B97F4A7C15))
//	k2 = mix64(k1 ^ mix64(stream + 0xD1B54A32D192ED03))
//	generator = rand.New(rand.NewPCG(k1, k2))
//
// where mix64 is the SplitMix64 finaliser (Steele, Lea & Flood 2014) and
// stream is usually StreamID(name). Both PCG state words depend on all three
// inputs, so streams of different replications or ids start at unrelated
// points of the 2^128 sequence. Golden-value tests pin this mapping.
func NewStream(seed, replication, stream uint64) *rand.Rand {
	k1, k2 := StreamKeys(seed, replication, stream)
	return rand.New(rand.NewPCG(k1, k2))
}

// StreamKeys returns the two PCG seed words of NewStream.
func StreamKeys(seed, replication, stream uint64) (k1, k2 uint64) {
	k1 = mix64(seed ^ mix64(replication+0x9E3779B97F4A7C15))
	k2 = mix64(k1 ^ mix64(stream+0xD1B54A32D192ED03))
	return k1, k2
}

// StreamID names a stream: the 64-bit FNV-1a hash of name. Models use
// named streams ("arrivals", "choice", ...) so that adding a stream never
// shifts the others.
func StreamID(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return h
}

// mix64 is the SplitMix64 output function.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}
