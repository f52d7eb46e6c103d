package metrics

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchReplications returns n replications of each of the named variants in
// the shape of deai-2025 (31 observables, 523 weekly sample days over ten
// years): even observables are non-decreasing counts (ties, as counts
// have), odd ones shares in [0, 1].
func benchReplications(variants []string, n int) [][]*Replication {
	const nObs, nDays = 31, 523
	rng := rand.New(rand.NewPCG(1, 2))
	names := make([]string, nObs)
	for k := range names {
		names[k] = fmt.Sprintf("obs%d", k)
	}
	days := make([]float64, nDays)
	for i := range days {
		days[i] = float64(7 * i)
	}
	out := make([][]*Replication, n)
	for r := range out {
		out[r] = make([]*Replication, len(variants))
		for v, name := range variants {
			rep := &Replication{Variant: name, Index: r, Seed: 1, LegoDay: float64(rng.IntN(3650)), Reached: rng.IntN(2) == 0,
				Names: names, Days: days, Values: make([][]float64, nObs), Final: make([]float64, nObs)}
			for k := range rep.Values {
				s := make([]float64, nDays)
				x := 0.0
				for i := range s {
					if k%2 == 0 {
						x += float64(rng.IntN(3))
					} else {
						x = rng.Float64()
					}
					s[i] = x
				}
				rep.Values[k] = s
				rep.Final[k] = s[nDays-1]
			}
			out[r][v] = rep
		}
	}
	return out
}

// BenchmarkEnsembleAdd times Ensemble.Add of one replication of each of
// four variants in deai-2025's shape, the aggregation a run does on one
// goroutine for every replication, with the fans updated on 1, 2 and 4
// goroutines (SetParallelism); ns/replication is per variant's
// replication, wall time.
func BenchmarkEnsembleAdd(b *testing.B) {
	variants := []string{"a", "b", "c", "d"}
	const distinct = 16
	reps := benchReplications(variants, distinct)
	for _, parallel := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("parallel=%d", parallel), func(b *testing.B) {
			e := NewEnsemble(variants, reps[0][0].Names, 3650)
			e.SetParallelism(parallel)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				batch := reps[i%distinct]
				for _, r := range batch {
					r.Index = i
				}
				if err := e.Add(batch); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i*len(variants)), "ns/replication")
		})
	}
}
