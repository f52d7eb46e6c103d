// Package sim is legolab's discrete-event engine: a clock in days, a
// value-typed event set with a total order, and seeded random streams.
//
// The engine is single-goroutine and synchronous. Events are callbacks, not
// processes: a model registers its Actions once, each receiving one integer
// argument, and schedules events by ActionID, so that millions of events
// cost no allocation and the event set holds no pointers (no write barriers,
// nothing for the garbage collector to scan). Ties in time are broken by priority (lower first) and
// then by insertion order, never by heap accident (as SimPy's
// (time, priority, eid) key).
//
// Package sim imports nothing of the project and knows no domain.
package sim

import (
	"context"
	"fmt"
	"math"
)

// Action is an event callback. It receives the argument given when the event
// was scheduled (an agent index, say); the engine's clock already reads the
// event's time.
type Action func(arg int64)

// ActionID names an Action registered with an engine (Engine.Register).
type ActionID uint8

// ID identifies a scheduled event, for Cancel. The zero ID is never issued.
type ID uint64

// event is one entry of the event set. It is stored by value and holds no
// pointer.
type event struct {
	t   float64
	key uint64 // priority (16 bits), sequence number (seqBits), action (actBits)
	arg int64
}

// Layout of an event key, from the top: the priority, the sequence number,
// the action. The action's bits lie below the sequence number, so they never
// affect the order. 2^40 events per engine is more than any run schedules
// (three hours at 10^8 events/s); 2^8 actions more than any model declares.
const (
	actBits = 8
	seqBits = 40
	maxSeq  = 1<<seqBits - 1
	seqMask = maxSeq << actBits
)

// before reports whether a is ordered before b: by time, then priority,
// then sequence number (FIFO among equals).
func before(a, b *event) bool {
	return a.t < b.t || (a.t == b.t && a.key < b.key)
}

func (ev *event) seq() uint64 { return ev.key & seqMask >> actBits }

func (ev *event) action() ActionID { return ActionID(ev.key) }

// Engine is a discrete-event simulation engine. The zero value is not
// usable; call New.
type Engine struct {
	now       float64
	seq       uint64
	heap      []event // 4-ary min-heap
	actions   []Action
	cancelled map[ID]struct{}
	stopped   bool
	processed uint64
}

// New returns an engine at time 0 with room for capacity pending events.
func New(capacity int) *Engine {
	return &Engine{heap: make([]event, 0, capacity), actions: make([]Action, 0, 16)}
}

// Now returns the current simulation time in days.
func (e *Engine) Now() float64 { return e.now }

// Pending returns the number of scheduled events, cancelled ones included
// until they are popped.
func (e *Engine) Pending() int { return len(e.heap) }

// Processed returns the number of events executed so far.
func (e *Engine) Processed() uint64 { return e.processed }

// Register adds fn to the engine's actions and returns its id, for At and
// After. A model registers each of its actions once, before scheduling. It
// panics if fn is nil or if more than 256 actions are registered.
func (e *Engine) Register(fn Action) ActionID {
	if fn == nil {
		panic("sim: Engine.Register: nil action")
	}
	if len(e.actions) == 1<<actBits {
		panic(fmt.Sprintf("sim: Engine.Register: more than %d actions", 1<<actBits))
	}
	e.actions = append(e.actions, fn)
	return ActionID(len(e.actions) - 1)
}

// At schedules action a with argument arg at absolute time t with the given
// priority (lower runs first among events at the same time). It panics if t
// is NaN or before Now, or if a was not registered: those are programming
// errors.
func (e *Engine) At(t float64, priority int, a ActionID, arg int64) ID {
	if math.IsNaN(t) {
		panic("sim: Engine.At: time is NaN")
	}
	if t < e.now {
		panic(fmt.Sprintf("sim: Engine.At: time %g is before now (%g)", t, e.now))
	}
	if int(a) >= len(e.actions) {
		panic(fmt.Sprintf("sim: Engine.At: action %d not registered", a))
	}
	if priority < math.MinInt16 || priority > math.MaxInt16 {
		panic(fmt.Sprintf("sim: Engine.At: priority %d outside [%d, %d]", priority, math.MinInt16, math.MaxInt16))
	}
	if e.seq == maxSeq {
		panic("sim: Engine.At: more than 2^40 events scheduled")
	}
	e.seq++
	key := uint64(priority-math.MinInt16)<<(seqBits+actBits) | e.seq<<actBits | uint64(a)
	e.heap = append(e.heap, event{t: t, key: key, arg: arg})
	e.up(len(e.heap) - 1)
	return ID(e.seq)
}

// After schedules action a with argument arg at Now()+delay. It panics if delay is negative or
// NaN.
func (e *Engine) After(delay float64, priority int, a ActionID, arg int64) ID {
	if math.IsNaN(delay) || delay < 0 {
		panic(fmt.Sprintf("sim: Engine.After: delay %g is negative or NaN", delay))
	}
	return e.At(e.now+delay, priority, a, arg)
}

// Cancel cancels a scheduled event. Cancelling an event that already ran or
// was already cancelled does nothing. Cancellation is lazy: the event stays
// in the set and is skipped when it comes up.
func (e *Engine) Cancel(id ID) {
	if id == 0 || uint64(id) > e.seq {
		return
	}
	if e.cancelled == nil {
		e.cancelled = make(map[ID]struct{})
	}
	e.cancelled[id] = struct{}{}
}

// Stop makes the running Run return after the current event.
func (e *Engine) Stop() { e.stopped = true }

// ctxEvery is how many events run between two checks of the context.
const ctxEvery = 64

// Run executes events in order while their time is at most until, then sets
// the clock to until (unless stopped early). It returns ctx.Err() if the
// context is cancelled (checked between events), nil otherwise. A handler may
// call Stop to end the run after its own event; the clock then stays at that
// event's time.
func (e *Engine) Run(ctx context.Context, until float64) error {
	if math.IsNaN(until) {
		panic("sim: Engine.Run: until is NaN")
	}
	e.stopped = false
	done := ctx.Done()
	for n := 0; len(e.heap) > 0; n++ {
		if n%ctxEvery == 0 && done != nil {
			select {
			case <-done:
				return ctx.Err()
			default:
			}
		}
		if e.heap[0].t > until {
			break
		}
		if !e.fire() {
			continue
		}
		if e.stopped {
			return nil
		}
	}
	if until > e.now && !math.IsInf(until, 1) {
		e.now = until
	}
	return nil
}

// Step runs the next pending event, skipping cancelled ones. It reports
// false when no event is left.
func (e *Engine) Step() bool {
	for len(e.heap) > 0 {
		if e.fire() {
			return true
		}
	}
	return false
}

// fire pops the next event and runs it, unless it was cancelled. It
// reports whether an event ran. The set must not be empty.
func (e *Engine) fire() bool {
	ev := e.heap[0]
	e.pop()
	if e.cancelled != nil {
		if _, ok := e.cancelled[ID(ev.seq())]; ok {
			delete(e.cancelled, ID(ev.seq()))
			return false
		}
	}
	e.now = ev.t
	e.processed++
	e.actions[ev.action()](ev.arg)
	return true
}

func (e *Engine) up(i int) {
	h := e.heap
	x := h[i]
	for i > 0 {
		p := (i - 1) / 4
		if !before(&x, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = x
}

func (e *Engine) pop() {
	n := len(e.heap) - 1
	x := e.heap[n]
	// Reslicing the field in place stores only its length: no write
	// barrier while the collector runs (the pointer is unchanged).
	e.heap = e.heap[:n]
	h := e.heap
	if n == 0 {
		return
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := c + 4
		if end > n {
			end = n
		}
		for j := c + 1; j < end; j++ {
			if before(&h[j], &h[m]) {
				m = j
			}
		}
		if !before(&h[m], &x) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = x
}
