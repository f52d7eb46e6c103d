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
			var act ActionID
			act = e.Register(func(arg int64) {
				left--
				if left <= 0 {
					e.Stop()
				}
				e.After(rng.ExpFloat64(), 0, act, arg)
			})
			for i := 0; i < n; i++ {
				e.At(rng.ExpFloat64(), 0, act, int64(i))
			}
			// Warm up: one pass over every entity.
			left = n
			e.Run(context.Background(), math.Inf(1))
			b.ReportAllocs()
			b.ResetTimer()
			left = b.N
			cpu := cpuTime()
			e.Run(context.Background(), math.Inf(1))
			b.StopTimer()
			reportCPU(b, cpu, b.N)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkBareHeap is the reference the engine's overhead is measured
// against: a plain 4-ary heap of 16-byte (time, kind, arg) values (bareHeap)
// running the same hold model.
func BenchmarkBareHeap(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			h := make(bareHeap, 0, n)
			push, pop := h.push, h.pop
			for i := 0; i < n; i++ {
				push(bassItem{t: rng.ExpFloat64(), arg: int32(i)})
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				x := pop()
				x.t += rng.ExpFloat64()
				push(x)
			}
			reportCPU(b, cpu, b.N)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// Parameters of the Bass reduction of legolab's model (one protocol, one
// app type, interop off), as in lab's floor benchmark and agents'
// TestBassDiffusion: M builders, p and q per year, exponential app
// lifetimes, a ten-year horizon sampled weekly, and the default choice
// weights (w_q = 3, w_n = 0.3, β = 1, outside utility 2).
const (
	bassM        = 2000
	bassP, bassQ = 0.03 / 365.25, 0.38 / 365.25
	bassLife     = 365
	bassHorizon  = 3652.5
	bassEvery    = 7
	bassQuality  = 1.0
	bassWQ       = 3
	bassWN       = 0.3
	bassBeta     = 1
	bassOutside  = 2
)

// bareBass runs one replication of the stochastic Bass process written
// directly on a bare 4-ary value heap of (time, kind, arg) events, with the
// sampling of the model's Bass reduction: from the "arrivals" stream an
// exponential gap at rate λ = (p + q·N/M)(M − N), a thinning uniform (always
// accepted: the rate is exact) and an app-type uniform; from "choice" one
// uniform for the logit between the protocol and the outside option; from
// "lifetime" an exponential lifetime. It returns the builders at each weekly
// sample day. h and out are reused between calls.
func bareBass(rep uint64, h bareHeap, out []int32) (bareHeap, []int32) {
	rArr := NewStream(1, rep, StreamID("arrivals"))
	rChoice := NewStream(1, rep, StreamID("choice"))
	rLife := NewStream(1, rep, StreamID("lifetime"))
	h = h[:0]
	out = out[:0]
	push, pop := h.push, h.pop
	n, apps := 0, 0
	rate := func() float64 { return (bassP + bassQ*float64(n)/bassM) * float64(bassM-n) }
	push(bassItem{t: rArr.ExpFloat64() / rate()})
	next := 0.0
	for len(h) > 0 && h[0].t <= bassHorizon {
		x := pop()
		for next < x.t {
			out = append(out, int32(n))
			next += bassEvery
		}
		if x.kind == 1 {
			if x.arg >= 0 {
				apps--
			}
			continue
		}
		lam := rate()
		if rArr.Float64()*lam <= lam {
			n++
			_ = rArr.Float64() // app type
			uIn := bassWQ*bassQuality + bassWN*math.Log1p(float64(apps))
			best := math.Max(uIn, bassOutside)
			wIn := math.Exp(bassBeta * (uIn - best))
			sum := wIn + math.Exp(bassBeta*(bassOutside-best))
			arg := int32(-1) // the outside option
			if rChoice.Float64()*sum < wIn {
				arg = 0
				apps++
			}
			push(bassItem{t: x.t + rLife.ExpFloat64()*bassLife, kind: 1, arg: arg})
		}
		if n < bassM {
			push(bassItem{t: x.t + rArr.ExpFloat64()/rate()})
		}
	}
	for next <= bassHorizon {
		out = append(out, int32(n))
		next += bassEvery
	}
	return h, out
}

// bassItem is one event of bareBass: an arrival (kind 0) or an app's death
// (kind 1; arg -1 for an app on the outside option).
type bassItem struct {
	t    float64
	kind int32
	arg  int32
}

// BenchmarkBareBass is the floor for a replication of the model's Bass
// reduction: the same process and draws, with nothing but a bare heap and
// the model's 40 lines. One b.N iteration is one replication; lab's
// BenchmarkFloor compares lab.Replicate with it in the same run.
func BenchmarkBareBass(b *testing.B) {
	var h bareHeap
	var out []int32
	b.ReportAllocs()
	rep := uint64(0)
	cpu := cpuTime()
	for b.Loop() {
		h, out = bareBass(rep, h, out)
		rep++
	}
	reportCPU(b, cpu, int(rep))
	b.ReportMetric(float64(out[len(out)-1]), "builders")
}

// bareHeap is a plain 4-ary min-heap of values by time, the floor the
// engine's queue is measured against (BenchmarkBareHeap, BenchmarkBareBass).
type bareHeap []bassItem

func (h *bareHeap) push(x bassItem) {
	*h = append(*h, x)
	q := *h
	i := len(q) - 1
	for i > 0 {
		p := (i - 1) / 4
		if q[p].t <= x.t {
			break
		}
		q[i] = q[p]
		i = p
	}
	q[i] = x
}

func (h *bareHeap) pop() bassItem {
	q := *h
	top := q[0]
	last := q[len(q)-1]
	q = q[:len(q)-1]
	*h = q
	n := len(q)
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
			if q[j].t < q[m].t {
				m = j
			}
		}
		if q[m].t >= last.t {
			break
		}
		q[i] = q[m]
		i = m
	}
	q[i] = last
	return top
}
