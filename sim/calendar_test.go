package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestCalendarAgainstReference runs random programs whose events are all
// on a RegisterFar action, so that they go through the calendar: delays
// drawn from exponentials of several means (from a fraction of a bucket
// to many ring spans), with ties, zero delays, huge and infinite ones,
// and cancellations, over a low renumbering threshold for some. The
// events must run in refQueue's order, at its times, with its
// arguments. Each kind of program must also have used what it is meant
// to test: a width set or not, events in the ring, a ring grown, events
// beyond the ring, a jump over an empty ring. Each program but the first
// runs on a reused engine.
func TestCalendarAgainstReference(t *testing.T) {
	kinds := []struct {
		name     string
		delay    func(r *rand.Rand) float64
		width    bool // the width must be set
		beyond   bool // events must have waited beyond the ring
		jump     bool // advance must have jumped over an empty ring
		seqLimit uint64
	}{
		{"exponential", func(r *rand.Rand) float64 { return r.ExpFloat64() * 30 }, true, true, false, 0},
		{"exponential renumbered", func(r *rand.Rand) float64 { return r.ExpFloat64() * 30 }, true, true, false, 4000},
		{"ties", func(r *rand.Rand) float64 { return float64(r.IntN(3)) * 40 }, true, false, false, 0},
		{"mixed scales", func(r *rand.Rand) float64 {
			switch r.IntN(10) {
			case 0:
				return 0
			case 1:
				return r.ExpFloat64() * 1e4 // far past the ring
			case 2:
				return math.Inf(1)
			case 3:
				return 1e300 // the last bucket
			}
			return r.ExpFloat64()
		}, true, true, false, 0},
		{"bursts", func(r *rand.Rand) float64 {
			if r.IntN(50) == 0 {
				return 1e5 + r.Float64() // a lone event long after the rest
			}
			return r.ExpFloat64() * 5
		}, true, true, true, 0},
		{"zero delays", func(*rand.Rand) float64 { return 0 }, false, false, false, 0},
		{"infinite delays", func(*rand.Rand) float64 { return math.Inf(1) }, false, false, false, 0},
	}
	var prev *Engine
	for _, k := range kinds {
		for trial := range 4 {
			name := fmt.Sprintf("%s/%d", k.name, trial)
			seed := uint64(trial)
			type rec struct {
				t   float64
				arg int64
			}
			program := func(now float64, r *rand.Rand, at func(float64, int, int64) ID, cancel func(ID), ids *[]ID, ran int) {
				if ran >= 6000 {
					return
				}
				for n := r.IntN(3); n > 0; n-- { // one on average
					*ids = append(*ids, at(now+k.delay(r), r.IntN(3)-1, r.Int64N(1<<30)-1<<29))
				}
				if r.IntN(8) == 0 && len(*ids) > 0 {
					cancel((*ids)[r.IntN(len(*ids))])
				}
			}
			// The reference.
			var want []rec
			{
				r := NewStream(seed, 1, StreamID("calendar"))
				q := &refQueue{}
				var ids []ID
				for range 600 {
					ids = append(ids, q.at(k.delay(r), r.IntN(3)-1, r.Int64N(1<<30)-1<<29))
				}
				for len(q.pending) > 0 {
					ev := q.next()
					want = append(want, rec{ev.t, ev.arg})
					program(q.now, r, q.at, q.cancel, &ids, len(want))
				}
			}
			// The engine.
			var got []rec
			var sawBeyond, sawRing, sawJump bool
			// Every trial after the first runs on the previous one's
			// engine, reset as New resets a released engine: its slices
			// still hold that program's events.
			e := prev
			if e == nil {
				e = New(64)
			} else {
				e.reset(64)
			}
			prev = e
			if k.seqLimit > 0 {
				e.seqMax = k.seqLimit
			}
			r := NewStream(seed, 1, StreamID("calendar"))
			var act ActionID
			at := func(t float64, prio int, arg int64) ID { return e.At(t, prio, act, arg) }
			var ids []ID
			act = e.RegisterFar(func(arg int64) {
				got = append(got, rec{e.Now(), arg})
				c := &e.far
				sawBeyond = sawBeyond || len(c.beyond) > 0
				sawRing = sawRing || c.inRing > 0
				program(e.Now(), r, at, e.Cancel, &ids, len(got))
			})
			for range 600 {
				ids = append(ids, at(k.delay(r), r.IntN(3)-1, r.Int64N(1<<30)-1<<29))
			}
			for e.Pending() > 0 {
				c := &e.far
				if len(c.heap) == 0 && c.inRing == 0 && len(c.beyond) > 0 {
					sawJump = true
				}
				if !e.Step() {
					break
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%s: %d events ran; want %d", name, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s: event %d: got %+v; want %+v", name, i, got[i], want[i])
				}
			}
			if set := e.far.inv > 0; set != k.width {
				t.Errorf("%s: width set %v; want %v", name, set, k.width)
			}
			if k.width && !sawRing {
				t.Errorf("%s: no event waited in the ring", name)
			}
			if k.width && len(e.far.pool) <= 64 { // New(64) makes room for 64
				t.Errorf("%s: the ring's pool never grew", name)
			}
			if k.beyond && !sawBeyond {
				t.Errorf("%s: no event waited beyond the ring", name)
			}
			if k.jump && !sawJump {
				t.Errorf("%s: advance never jumped over an empty ring", name)
			}
			if k.seqLimit > 0 && e.ids == nil {
				t.Errorf("%s: never renumbered", name)
			}
		}
	}
}

// TestCalendarWidth checks the width against its definition: the median
// of the first calendarSample far delays, an infinite one among them, as
// the mean of an exponential, over bucketsPerMean.
func TestCalendarWidth(t *testing.T) {
	e := New(0)
	act := e.RegisterFar(func(int64) {})
	r := rand.New(rand.NewPCG(4, 2))
	var ds []float64
	for i := range calendarSample {
		d := r.ExpFloat64() * 100
		if i%17 == 0 {
			d = math.Inf(1)
		}
		ds = append(ds, d)
		e.After(d, 0, act, 0)
		if set := e.far.inv > 0; set != (i == calendarSample-1) {
			t.Fatalf("after %d far events: width set %v", i+1, set)
		}
	}
	// The median by counting: the value with half the others below it.
	var median float64
	for _, d := range ds {
		below := 0
		for _, x := range ds {
			if x < d {
				below++
			}
		}
		if below == calendarSample/2 {
			median = d
		}
	}
	want := median / math.Ln2 / bucketsPerMean
	if got := 1 / e.far.inv; math.Abs(got-want) > 1e-12*want {
		t.Errorf("width %v; want %v", got, want)
	}
	if n := e.Pending(); n != calendarSample {
		t.Errorf("%d pending after the redistribution; want %d", n, calendarSample)
	}
}
