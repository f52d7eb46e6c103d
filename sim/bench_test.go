package sim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkHold is the classic hold model for event sets (Vaucher & Duval
// 1975; Jones 1986): n entities, each popped and rescheduled after an Exp(1)
// delay drawn from a seeded stream. One b.N iteration is one event.
func BenchmarkHold(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			e := New(n)
			rng := NewStream(1, 0, StreamID("hold"))
			left := 0
			var act Action
			act = func(arg int64) {
				left--
				if left <= 0 {
					e.Stop()
				}
				e.After(rng.ExpFloat64(), 0, act, arg)
			}
			for i := 0; i < n; i++ {
				e.At(rng.ExpFloat64(), 0, act, int64(i))
			}
			// Warm up: one pass over every entity.
			left = n
			e.Run(context.Background(), math.Inf(1))
			b.ReportAllocs()
			b.ResetTimer()
			left = b.N
			e.Run(context.Background(), math.Inf(1))
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkBareHeap is the reference the engine's overhead is measured
// against: a plain 4-ary heap of (time, id) structs running the same hold
// model.
func BenchmarkBareHeap(b *testing.B) {
	type item struct {
		t  float64
		id int32
	}
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			h := make([]item, 0, n)
			push := func(x item) {
				h = append(h, x)
				i := len(h) - 1
				for i > 0 {
					p := (i - 1) / 4
					if h[p].t <= x.t {
						break
					}
					h[i] = h[p]
					i = p
				}
				h[i] = x
			}
			pop := func() item {
				top := h[0]
				last := h[len(h)-1]
				h = h[:len(h)-1]
				n := len(h)
				if n == 0 {
					return top
				}
				i := 0
				for {
					c := 4*i + 1
					if c >= n {
						break
					}
					m := c
					for j := c + 1; j < c+4 && j < n; j++ {
						if h[j].t < h[m].t {
							m = j
						}
					}
					if h[m].t >= last.t {
						break
					}
					h[i] = h[m]
					i = m
				}
				h[i] = last
				return top
			}
			for i := 0; i < n; i++ {
				push(item{rng.ExpFloat64(), int32(i)})
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				x := pop()
				x.t += rng.ExpFloat64()
				push(x)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
