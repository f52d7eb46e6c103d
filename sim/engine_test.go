package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// recorder records the arguments of the events it runs, with their times.
type recorder struct {
	e    *Engine
	id   ActionID // act, registered
	args []int64
	at   []float64
}

func (r *recorder) act(arg int64) {
	r.args = append(r.args, arg)
	r.at = append(r.at, r.e.Now())
}

func newRecorder() *recorder {
	r := &recorder{e: New(16)}
	r.id = r.e.Register(r.act)
	return r
}

func TestOrdering(t *testing.T) {
	r := newRecorder()
	times := []float64{5, 1, 3, 2, 4, 0.5, 10, 7}
	for i, tm := range times {
		r.e.At(tm, 0, r.id, int64(i))
	}
	if err := r.e.Run(context.Background(), math.Inf(1)); err != nil {
		t.Fatal(err)
	}
	want := []int64{5, 1, 3, 2, 4, 0, 7, 6}
	if fmt.Sprint(r.args) != fmt.Sprint(want) {
		t.Errorf("order: got %v; want %v", r.args, want)
	}
	for i := 1; i < len(r.at); i++ {
		if r.at[i] < r.at[i-1] {
			t.Errorf("time went back: %v", r.at)
		}
	}
}

func TestFIFOTiesAndPriority(t *testing.T) {
	r := newRecorder()
	// 200 events at the same time: FIFO within a priority, lower priority
	// first, negative priorities before zero.
	for i := 0; i < 200; i++ {
		r.e.At(1, i%2-1, r.id, int64(i))
	}
	r.e.Run(context.Background(), 2)
	var want []int64
	for i := 0; i < 200; i += 2 {
		want = append(want, int64(i))
	}
	for i := 1; i < 200; i += 2 {
		want = append(want, int64(i))
	}
	if fmt.Sprint(r.args) != fmt.Sprint(want) {
		t.Errorf("ties: got %v; want %v", r.args, want)
	}
}

func TestTiesScheduledDuringRun(t *testing.T) {
	e := New(4)
	var got []int64
	var act ActionID
	act = e.Register(func(arg int64) {
		got = append(got, arg)
		if arg < 3 {
			// Scheduled at the current time: runs after the events already
			// pending at this time.
			e.After(0, 0, act, arg+10)
		}
	})
	for i := int64(0); i < 3; i++ {
		e.At(0, 0, act, i)
	}
	e.Run(context.Background(), 1)
	want := []int64{0, 1, 2, 10, 11, 12}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v; want %v", got, want)
	}
}

func TestCancel(t *testing.T) {
	r := newRecorder()
	var ids []ID
	for i := 0; i < 10; i++ {
		ids = append(ids, r.e.At(float64(i), 0, r.id, int64(i)))
	}
	r.e.Cancel(ids[3])
	r.e.Cancel(ids[7])
	r.e.Cancel(ids[7]) // twice is harmless
	r.e.Cancel(0)      // the zero ID is never issued
	r.e.Cancel(ID(1 << 40))
	r.e.Run(context.Background(), 100)
	want := []int64{0, 1, 2, 4, 5, 6, 8, 9}
	if fmt.Sprint(r.args) != fmt.Sprint(want) {
		t.Errorf("got %v; want %v", r.args, want)
	}
	// Cancelling an event that already ran does nothing.
	r.e.Cancel(ids[0])
	r.e.At(200, 0, r.id, 42)
	r.e.Run(context.Background(), 300)
	if r.args[len(r.args)-1] != 42 {
		t.Errorf("event after cancel of a past one did not run: %v", r.args)
	}
}

func TestRunUntil(t *testing.T) {
	r := newRecorder()
	for i := 1; i <= 10; i++ {
		r.e.At(float64(i), 0, r.id, int64(i))
	}
	r.e.Run(context.Background(), 5)
	if len(r.args) != 5 {
		t.Errorf("events by 5: got %d; want 5", len(r.args))
	}
	if r.e.Now() != 5 {
		t.Errorf("now: got %g; want 5", r.e.Now())
	}
	r.e.Run(context.Background(), 5.5)
	if r.e.Now() != 5.5 || len(r.args) != 5 {
		t.Errorf("after 5.5: now %g, %d events", r.e.Now(), len(r.args))
	}
	r.e.Run(context.Background(), math.Inf(1))
	if len(r.args) != 10 || r.e.Now() != 10 {
		t.Errorf("after all: now %g, %d events", r.e.Now(), len(r.args))
	}
}

func TestStop(t *testing.T) {
	e := New(4)
	n := 0
	act := e.Register(func(arg int64) {
		n++
		if arg == 3 {
			e.Stop()
		}
	})
	for i := 0; i < 10; i++ {
		e.At(float64(i), 0, act, int64(i))
	}
	e.Run(context.Background(), 100)
	if n != 4 || e.Now() != 3 {
		t.Errorf("stop: ran %d events, now %g; want 4, 3", n, e.Now())
	}
}

func TestContextCancel(t *testing.T) {
	e := New(4)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	var act ActionID
	act = e.Register(func(int64) {
		n++
		if n == 1000 {
			cancel()
		}
		e.After(1, 0, act, 0)
	})
	e.At(0, 0, act, 0)
	err := e.Run(ctx, math.Inf(1))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err: got %v; want context.Canceled", err)
	}
	if n < 1000 || n > 1000+ctxEvery {
		t.Errorf("events after cancel: got %d; want within %d of 1000", n, ctxEvery)
	}
}

func TestMisusePanics(t *testing.T) {
	var noop ActionID // registered on each case's engine
	cases := []struct {
		name string
		f    func(e *Engine)
		want string
	}{
		{"past", func(e *Engine) { e.At(1, 0, noop, 0) }, "Engine.At: time 1 is before now"},
		{"nan", func(e *Engine) { e.At(math.NaN(), 0, noop, 0) }, "Engine.At: time is NaN"},
		{"nil action", func(e *Engine) { e.Register(nil) }, "Engine.Register: nil action"},
		{"nil far action", func(e *Engine) { e.RegisterFar(nil) }, "Engine.RegisterFar: nil action"},
		{"unregistered", func(e *Engine) { e.At(10, 0, noop+1, 0) }, "Engine.At: action 1 not registered"},
		{"too many actions", func(e *Engine) {
			for range 1 << actBits {
				e.Register(func(int64) {})
			}
		}, "Engine.Register: more than 256 actions"},
		{"negative delay", func(e *Engine) { e.After(-1, 0, noop, 0) }, "Engine.After: delay -1"},
		{"nan delay", func(e *Engine) { e.After(math.NaN(), 0, noop, 0) }, "Engine.After: delay NaN"},
		{"priority", func(e *Engine) { e.At(10, 1<<20, noop, 0) }, "Engine.At: priority 1048576 outside"},
		{"priority above", func(e *Engine) { e.At(10, MaxPriority+1, noop, 0) }, "Engine.At: priority 8 outside [-8, 7]"},
		{"priority below", func(e *Engine) { e.At(10, MinPriority-1, noop, 0) }, "Engine.At: priority -9 outside [-8, 7]"},
		{"pending at renumbering", func(e *Engine) {
			e.seqMax = 20
			for range 20 {
				e.At(10, 0, noop, 0)
			}
		}, "Engine.At: more than 10 pending events"},
		{"nan until", func(e *Engine) { e.Run(context.Background(), math.NaN()) }, "Engine.Run: until is NaN"},
		{"released twice", func(e *Engine) { e.Release(); e.Release() }, "Release of a released engine"},
	}
	for _, c := range cases {
		e := New(1)
		noop = e.Register(func(int64) {})
		e.At(2, 0, noop, 0)
		e.Run(context.Background(), 2)
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "sim: ") || !strings.Contains(msg, c.want) {
					t.Errorf("%s: panic %q; want one containing %q", c.name, msg, c.want)
				}
			}()
			c.f(e)
		}()
	}
}

// TestReleaseReuses checks that New reuses a released engine's memory (so
// that a replication loop allocates no event set), and that the engine it
// returns is at time 0 with no event, no action, nothing processed.
func TestReleaseReuses(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	run := func() *Engine {
		e := New(1024)
		act := e.RegisterFar(func(int64) {})
		for i := range 2000 {
			e.After(float64(i%300), 0, act, int64(i)-1000) // some spilled
		}
		e.Run(context.Background(), 100)
		return e
	}
	run().Release()
	allocs := testing.AllocsPerRun(20, func() { run().Release() })
	if allocs > 2 { // the action's closure; growth of nothing
		t.Errorf("a released engine's run allocated %v times; want at most 2", allocs)
	}
	e := run()
	e.Release()
	f := New(1024)
	if f.Now() != 0 || f.Pending() != 0 || f.Processed() != 0 || len(f.actions) != 0 {
		t.Errorf("New after Release: now %v, %d pending, %d processed, %d actions; want a fresh engine",
			f.Now(), f.Pending(), f.Processed(), len(f.actions))
	}
}

func TestStep(t *testing.T) {
	r := newRecorder()
	id := r.e.At(1, 0, r.id, 1)
	r.e.At(2, 0, r.id, 2)
	r.e.Cancel(id)
	if !r.e.Step() || r.e.Now() != 2 || len(r.args) != 1 || r.args[0] != 2 {
		t.Errorf("step: now %g args %v", r.e.Now(), r.args)
	}
	if r.e.Step() {
		t.Error("step on an empty engine reported true")
	}
}

// hold runs the hold model: n entities, each rescheduled after an Exp(1)
// delay, for events events; it returns the sequence of (time, entity).
func hold(seed uint64, n, events int) []string {
	e := New(n)
	rng := NewStream(seed, 0, StreamID("hold"))
	var out []string
	var act ActionID
	act = e.Register(func(arg int64) {
		out = append(out, fmt.Sprintf("%.12g:%d", e.Now(), arg))
		if len(out) < events {
			e.After(rng.ExpFloat64(), 0, act, arg)
		} else {
			e.Stop()
		}
	})
	for i := 0; i < n; i++ {
		e.At(rng.ExpFloat64(), 0, act, int64(i))
	}
	e.Run(context.Background(), math.Inf(1))
	return out
}

func TestDeterminism(t *testing.T) {
	a := hold(11, 100, 5000)
	b := hold(11, 100, 5000)
	c := hold(12, 100, 5000)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Error("same seed gave different event sequences")
	}
	if strings.Join(a, ",") == strings.Join(c, ",") {
		t.Error("different seeds gave the same event sequence")
	}
}

// TestHeapAgainstSort checks the event order on many random schedules
// against a reference: sort by (time, priority, insertion).
func TestHeapAgainstSort(t *testing.T) {
	rng := NewStream(3, 0, 0)
	for trial := 0; trial < 50; trial++ {
		e := New(0)
		type key struct {
			t    float64
			prio int
			seq  int
		}
		var keys []key
		var got []int64
		act := e.Register(func(arg int64) { got = append(got, arg) })
		n := 1 + rng.IntN(300)
		for i := 0; i < n; i++ {
			k := key{float64(rng.IntN(20)), rng.IntN(3), i}
			keys = append(keys, k)
			e.At(k.t, k.prio, act, int64(i))
		}
		e.Run(context.Background(), math.Inf(1))
		// insertion sort of the reference (stable by construction)
		ref := append([]key(nil), keys...)
		for i := 1; i < len(ref); i++ {
			for j := i; j > 0; j-- {
				a, b := ref[j-1], ref[j]
				less := b.t < a.t || (b.t == a.t && b.prio < a.prio)
				if !less {
					break
				}
				ref[j-1], ref[j] = b, a
			}
		}
		for i := range ref {
			if got[i] != int64(ref[i].seq) {
				t.Fatalf("trial %d: position %d: got %d; want %d", trial, i, got[i], ref[i].seq)
			}
		}
	}
}

// TestActions checks that each event runs the action it was scheduled with
// and that the action's bits in the key never change the order.
func TestActions(t *testing.T) {
	e := New(8)
	var got []string
	var ids [3]ActionID
	for k := range ids {
		ids[k] = e.Register(func(arg int64) { got = append(got, fmt.Sprintf("%d:%d", k, arg)) })
	}
	// Same time and priority: FIFO, whatever the action ids.
	e.At(1, 0, ids[2], 0)
	e.At(1, 0, ids[0], 1)
	e.At(1, 0, ids[1], 2)
	e.At(0.5, 0, ids[2], 3)
	e.Run(context.Background(), 2)
	want := "[2:3 2:0 0:1 1:2]"
	if fmt.Sprint(got) != want {
		t.Errorf("got %v; want %s", got, want)
	}
}

// refQueue is the reference event set: a plain list, the least (time,
// priority, insertion) entry found by a linear scan.
type refQueue struct {
	now     float64
	lastID  ID
	pending []refEvent
}

type refEvent struct {
	t    float64
	prio int
	id   ID
	arg  int64
}

func (q *refQueue) at(t float64, prio int, arg int64) ID {
	q.lastID++
	q.pending = append(q.pending, refEvent{t, prio, q.lastID, arg})
	return q.lastID
}

func (q *refQueue) cancel(id ID) {
	for i, ev := range q.pending {
		if ev.id == id {
			q.pending = append(q.pending[:i], q.pending[i+1:]...)
			return
		}
	}
}

// next removes and returns the least pending event.
func (q *refQueue) next() refEvent {
	m := 0
	for i, ev := range q.pending {
		b := q.pending[m]
		if ev.t < b.t || ev.t == b.t && (ev.prio < b.prio || ev.prio == b.prio && ev.id < b.id) {
			m = i
		}
	}
	ev := q.pending[m]
	q.pending = append(q.pending[:m], q.pending[m+1:]...)
	q.now = ev.t
	return ev
}

// randomSchedule drives a random program on a scheduler: n events at
// first, and each event run schedules up to two more (with delays from a
// set of three, so that times tie often; with priorities in the whole
// range; with arguments inline and spilled, negative and extreme) and
// sometimes cancels an earlier event, ran or not. It stops after limit
// events have run. at and cancel schedule and cancel; now is the clock.
type randomSchedule struct {
	rng   *rand.Rand
	ids   []ID
	limit int
	ran   int
}

var extremeArgs = []int64{0, 1, payMask, payMask + 1, -1, math.MinInt64, math.MaxInt64, 7 | 3<<32}

func (p *randomSchedule) arg() int64 {
	if p.rng.IntN(4) == 0 {
		return extremeArgs[p.rng.IntN(len(extremeArgs))]
	}
	return p.rng.Int64N(3*payMask) - payMask // a third negative, a third spilled
}

func (p *randomSchedule) prio() int { return MinPriority + p.rng.IntN(MaxPriority-MinPriority+1) }

func (p *randomSchedule) delay() float64 { return []float64{0, 0.5, 1}[p.rng.IntN(3)] }

// step is what every event does: schedule and cancel with at and cancel.
func (p *randomSchedule) step(now float64, at func(float64, int, int64) ID, cancel func(ID)) {
	p.ran++
	if p.ran >= p.limit {
		return
	}
	for k := p.rng.IntN(3); k > 0; k-- { // one on average: the set neither dies out nor grows fast
		p.ids = append(p.ids, at(now+p.delay(), p.prio(), p.arg()))
	}
	if p.rng.IntN(8) == 0 && len(p.ids) > 0 {
		cancel(p.ids[p.rng.IntN(len(p.ids))])
	}
}

// TestOrderAgainstReference checks the engine against refQueue on random
// programs, with ties in time and priority, events scheduled and cancelled
// while running, and (with a low renumbering threshold) sequence numbers
// renumbered many times: the same events must run in the same order, at
// the same times, with the same arguments, and At must return the same IDs.
// Each program runs with one action, and with the events of odd arguments
// on an action registered with RegisterFar (both heaps in use).
func TestOrderAgainstReference(t *testing.T) {
	for trial := 0; trial <= 40; trial++ {
		seed := uint64(trial)
		n := 1 + trial*7
		if trial == 40 {
			n = 3 * branchFree // pop's branching levels too
		}
		type rec struct {
			t   float64
			arg int64
		}
		run := func(useEngine bool, seqMax uint64, split bool) ([]rec, []ID) {
			p := &randomSchedule{rng: NewStream(seed, 0, StreamID("program")), limit: 3000}
			var got []rec
			if useEngine {
				e := New(0)
				if seqMax > 0 {
					e.seqMax = seqMax
				}
				var act, actFar ActionID
				at := func(t float64, prio int, arg int64) ID {
					if split && arg&1 != 0 {
						return e.At(t, prio, actFar, arg)
					}
					return e.At(t, prio, act, arg)
				}
				fn := func(arg int64) {
					got = append(got, rec{e.Now(), arg})
					p.step(e.Now(), at, e.Cancel)
				}
				act = e.Register(fn)
				actFar = e.RegisterFar(fn)
				for i := 0; i < n; i++ {
					p.ids = append(p.ids, at(float64(p.rng.IntN(5)), p.prio(), p.arg()))
				}
				e.Run(context.Background(), math.Inf(1))
				if seqMax > 0 && uint64(len(p.ids)) > seqMax && e.ids == nil {
					t.Errorf("trial %d: seqMax %d: never renumbered", trial, seqMax)
				}
				if e.Pending() != 0 {
					t.Errorf("trial %d: %d events pending after the run", trial, e.Pending())
				}
				return got, p.ids
			}
			q := &refQueue{}
			for i := 0; i < n; i++ {
				p.ids = append(p.ids, q.at(float64(p.rng.IntN(5)), p.prio(), p.arg()))
			}
			for len(q.pending) > 0 {
				ev := q.next()
				got = append(got, rec{ev.t, ev.arg})
				p.step(q.now, q.at, q.cancel)
			}
			return got, p.ids
		}
		want, wantIDs := run(false, 0, false)
		for _, seqMax := range []uint64{0, 2*uint64(n) + 400} {
			for _, split := range []bool{false, true} {
				got, gotIDs := run(true, seqMax, split)
				if fmt.Sprint(gotIDs) != fmt.Sprint(wantIDs) {
					t.Fatalf("trial %d, seqMax %d, split %v: IDs differ from the reference", trial, seqMax, split)
				}
				if len(got) != len(want) {
					t.Fatalf("trial %d, seqMax %d, split %v: %d events ran; want %d", trial, seqMax, split, len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("trial %d, seqMax %d, split %v: event %d: got %+v; want %+v", trial, seqMax, split, i, got[i], want[i])
					}
				}
			}
		}
	}
}
