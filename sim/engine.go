// Package sim is legolab's discrete-event engine: a clock in days, a
// value-typed event set with a total order, and seeded random streams.
//
// The engine is single-goroutine and synchronous. Events are callbacks, not
// processes: a model registers its Actions once, each receiving one integer
// argument, and schedules events by ActionID, so that millions of events
// cost no allocation and the event set holds no pointers (no write barriers,
// nothing for the garbage collector to scan). An event is 16 bytes: its
// time and one key word (priority, sequence number, action and, when it
// fits in 24 bits, the argument). Ties in time are broken by priority
// (lower first, in [MinPriority, MaxPriority]) and then by insertion order,
// never by heap accident (as SimPy's (time, priority, eid) key).
//
// The events of most actions are in a 4-ary heap. Those of the actions
// registered with RegisterFar, many and far ahead, are in a bucket queue
// over a small heap (calendar.go): a pop then sifts through the events of
// one bucket rather than through all of them. Both give the same order.
//
// Package sim imports nothing of the project and knows no domain.
package sim

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// Action is an event callback. It receives the argument given when the event
// was scheduled (an agent index, say); the engine's clock already reads the
// event's time.
type Action func(arg int64)

// ActionID names an Action registered with an engine (Engine.Register).
type ActionID uint8

// ID identifies a scheduled event, for Cancel. The zero ID is never issued.
type ID uint64

// event is one entry of the event set: 16 bytes, stored by value, holding
// no pointer. Four children of a node of the 4-ary heap fill one 64-byte
// cache line (with the argument beside them, 24 bytes, they spanned two or
// three), which is what the heap's speed on a large set comes down to.
type event struct {
	t   float64
	key uint64 // priority, sequence number, action, argument (see below)
}

// Layout of an event key, from the top bit down:
//
//	priority + 8   prioBits  (a priority in [MinPriority, MaxPriority])
//	sequence       seqBits   (FIFO among equal times and priorities)
//	action         actBits
//	spilled        1         (set: the payload indexes Engine.spill)
//	payload        payBits   (the argument, if in [0, 2^payBits))
//
// Only the priority and the sequence number order events: the sequence
// numbers of pending events are distinct, so the bits below them never
// decide a comparison. An argument outside [0, 2^payBits) (a negative
// one, or one with high bits, such as a slot and a generation packed in
// one word) is kept in a side table, its index in the payload; arguments
// that fit (agent indices, most model arguments) cost nothing more.
//
// When the sequence number reaches maxSeq, the pending events are
// renumbered 1..n in the same order (renumber), so an engine never runs out
// of them; 2^27 is far above the events pending at once, so this is rare
// (at most once per 2^26 events) and costs O(n log n).
const (
	payBits   = 24
	spillBit  = 1 << payBits
	payMask   = spillBit - 1
	actShift  = payBits + 1
	actBits   = 8
	seqShift  = actShift + actBits
	seqBits   = 27
	maxSeq    = 1<<seqBits - 1
	prioShift = seqShift + seqBits
	prioBits  = 64 - prioShift
)

// MinPriority and MaxPriority bound the priority of an event: sixteen
// levels, more than a model needs to order its kinds of simultaneous events
// (agents uses six).
const (
	MinPriority = -1 << (prioBits - 1)
	MaxPriority = 1<<(prioBits-1) - 1
)

// before reports whether a is ordered before b: by time, then priority,
// then sequence number (FIFO among equals).
func before(a, b *event) bool {
	return a.t < b.t || (a.t == b.t && a.key < b.key)
}

// less is before as 0 or 1, computed without a branch. Times are never
// negative (At refuses a time before Now, which starts at 0), so their IEEE
// bits, with the sign of a -0 cleared, order as the times do, and (time
// bits, key) compares as one 128-bit unsigned number: by the borrow of a
// subtraction.
func less(a, b *event) int {
	_, borrow := bits.Sub64(a.key, b.key, 0)
	_, borrow = bits.Sub64(math.Float64bits(a.t)&^signBit, math.Float64bits(b.t)&^signBit, borrow)
	return int(borrow)
}

const signBit = 1 << 63

func (ev *event) seq() uint64 { return ev.key >> seqShift & maxSeq }

func (ev *event) action() ActionID { return ActionID(ev.key >> actShift) }

// Engine is a discrete-event simulation engine. The zero value is not
// usable; call New.
type Engine struct {
	now    float64
	seq    uint64 // the last sequence number given
	seqMax uint64 // the sequence number that triggers renumber: maxSeq, lower in tests
	// near is a 4-ary min-heap of the events of the actions registered
	// with Register; far holds those of RegisterFar (calendar.go).
	near    []event
	far     calendar
	actions []registered
	// spill holds the arguments that do not fit an event key; a free
	// entry holds the index of the next free one (free is the first, or
	// -1).
	spill []int64
	free  int64
	// IDs: the event of sequence number s has ID s+idBase, or ids[s-1]
	// for s <= len(ids) (the events pending at the last renumbering).
	lastID    ID
	idBase    uint64
	ids       []ID
	cancelled map[ID]struct{}
	stopped   bool
	processed uint64
	inPool    bool // released, for a later New
}

// New returns an engine at time 0 with room for capacity pending events
// (and as many spilled arguments). It reuses the memory of an engine given
// to Release, if one is at hand.
func New(capacity int) *Engine {
	if e, ok := spares.Get().(*Engine); ok {
		e.reset(capacity)
		return e
	}
	return &Engine{
		seqMax:  maxSeq,
		near:    make([]event, 0, 16),
		far:     calendar{heap: make([]event, 0, min(capacity, 2*calendarSample)), room: capacity},
		spill:   make([]int64, 0, capacity),
		free:    -1,
		actions: make([]registered, 0, 16),
	}
}

// spares holds the engines given to Release, for New.
var spares sync.Pool

// Release hands the engine's memory to a later New, which reuses it rather
// than allocating its event set afresh: a replication's engine is most of
// its allocations. The engine must not be used after. An engine that is not
// released is collected as usual.
func (e *Engine) Release() {
	if e.inPool {
		panic("sim: Release of a released engine")
	}
	e.inPool = true
	clear(e.actions) // their callbacks hold their models
	e.actions = e.actions[:0]
	spares.Put(e)
}

// reset makes a released engine what New(capacity) returns, keeping its
// slices' memory.
func (e *Engine) reset(capacity int) {
	far := &e.far
	*e = Engine{
		seqMax: maxSeq,
		near:   e.near[:0],
		far: calendar{
			heap: far.heap[:0], spare: far.spare[:0], beyond: far.beyond[:0],
			pool: far.pool[:0], delays: far.delays[:0], room: capacity,
		},
		spill:   e.spill[:0],
		free:    -1,
		actions: e.actions[:0],
	}
}

// Now returns the current simulation time in days.
func (e *Engine) Now() float64 { return e.now }

// Pending returns the number of scheduled events, cancelled ones included
// until they are popped.
func (e *Engine) Pending() int { return len(e.near) + e.far.len() }

// Processed returns the number of events executed so far.
func (e *Engine) Processed() uint64 { return e.processed }

// Register adds fn to the engine's actions and returns its id, for At and
// After. A model registers each of its actions once, before scheduling. It
// panics if fn is nil or if more than 256 actions are registered.
func (e *Engine) Register(fn Action) ActionID { return e.register(fn, false, "Register") }

// RegisterFar is Register for an action whose events are many and
// scheduled far ahead (an agent's death after its lifetime, say): they are
// kept apart from the others, in a bucket queue (see the package comment),
// which speeds up the scheduling and running of both. Events run in the same order
// whichever way their actions were registered.
func (e *Engine) RegisterFar(fn Action) ActionID { return e.register(fn, true, "RegisterFar") }

func (e *Engine) register(fn Action, far bool, name string) ActionID {
	if fn == nil {
		panic("sim: Engine." + name + ": nil action")
	}
	if len(e.actions) == 1<<actBits {
		panic(fmt.Sprintf("sim: Engine.%s: more than %d actions", name, 1<<actBits))
	}
	e.actions = append(e.actions, registered{fn, far})
	return ActionID(len(e.actions) - 1)
}

// registered is an action and where its events go.
type registered struct {
	fn  Action
	far bool
}

// At schedules action a with argument arg at absolute time t with the given
// priority (lower runs first among events at the same time). It panics if t
// is NaN or before Now, if a was not registered, or if priority is outside
// [MinPriority, MaxPriority]: those are programming errors.
func (e *Engine) At(t float64, priority int, a ActionID, arg int64) ID {
	if math.IsNaN(t) {
		panic("sim: Engine.At: time is NaN")
	}
	if t < e.now {
		panic(fmt.Sprintf("sim: Engine.At: time %g is before now (%g)", t, e.now))
	}
	return e.schedule(t, priority, a, arg)
}

// schedule is At for a time t known to be a number, not before Now.
func (e *Engine) schedule(t float64, priority int, a ActionID, arg int64) ID {
	if int(a) >= len(e.actions) {
		panic(fmt.Sprintf("sim: Engine.At: action %d not registered", a))
	}
	if priority < MinPriority || priority > MaxPriority {
		panic(fmt.Sprintf("sim: Engine.At: priority %d outside [%d, %d]", priority, MinPriority, MaxPriority))
	}
	if e.seq == e.seqMax {
		e.renumber()
	}
	e.seq++
	e.lastID++
	key := uint64(priority-MinPriority)<<prioShift | e.seq<<seqShift | uint64(a)<<actShift
	if uint64(arg) <= payMask {
		key |= uint64(arg)
	} else {
		key |= spillBit | e.spillArg(arg)
	}
	if e.actions[a].far {
		e.far.push(event{t: t, key: key}, e.now)
	} else {
		e.near = append(e.near, event{t: t, key: key})
		up(e.near)
	}
	return e.lastID
}

// After schedules action a with argument arg at Now()+delay. It panics if delay is negative or
// NaN.
func (e *Engine) After(delay float64, priority int, a ActionID, arg int64) ID {
	if math.IsNaN(delay) || delay < 0 {
		panic(fmt.Sprintf("sim: Engine.After: delay %g is negative or NaN", delay))
	}
	// now + delay is a number (delay is finite or +Inf), not before now.
	return e.schedule(e.now+delay, priority, a, arg)
}

// Cancel cancels a scheduled event. Cancelling an event that already ran or
// was already cancelled does nothing. Cancellation is lazy: the event stays
// in the set and is skipped when it comes up.
func (e *Engine) Cancel(id ID) {
	if id == 0 || id > e.lastID {
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
	for n := 0; ; n++ {
		if n%ctxEvery == 0 && done != nil {
			select {
			case <-done:
				return ctx.Err()
			default:
			}
		}
		h := e.next()
		if h == nil || (*h)[0].t > until {
			break
		}
		if !e.fire(h) {
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
	for {
		h := e.next()
		if h == nil {
			return false
		}
		if e.fire(h) {
			return true
		}
	}
}

// next returns the heap whose root is the next event, far or near, or nil
// when both are empty.
func (e *Engine) next() *[]event {
	f := &e.far
	if len(f.heap) == 0 && f.inRing+len(f.beyond) > 0 {
		f.advance()
	}
	if len(f.heap) > 0 && (len(e.near) == 0 || before(&f.heap[0], &e.near[0])) {
		return &f.heap
	}
	if len(e.near) > 0 {
		return &e.near
	}
	return nil
}

// fire pops the root of heap h (&e.near or &e.far.heap), the next event, and
// runs it, unless it was cancelled. It reports whether an event ran.
func (e *Engine) fire(h *[]event) bool {
	ev := (*h)[0]
	n := len(*h) - 1
	x := (*h)[n]
	// Reslicing the field in place stores only its length: no write
	// barrier while the collector runs (the pointer is unchanged).
	*h = (*h)[:n]
	down(*h, x)
	arg := int64(ev.key & payMask)
	if ev.key&spillBit != 0 {
		arg = e.unspill(arg)
	}
	if e.cancelled != nil {
		id := e.id(ev.seq())
		if _, ok := e.cancelled[id]; ok {
			delete(e.cancelled, id)
			return false
		}
	}
	e.now = ev.t
	e.processed++
	e.actions[ev.action()].fn(arg)
	return true
}

// spillArg stores arg in the side table and returns its index.
func (e *Engine) spillArg(arg int64) uint64 {
	if i := e.free; i >= 0 {
		e.free = e.spill[i]
		e.spill[i] = arg
		return uint64(i)
	}
	if len(e.spill) > payMask {
		panic(fmt.Sprintf("sim: Engine.At: more than 2^%d pending events with an argument outside [0, 2^%d)", payBits, payBits))
	}
	e.spill = append(e.spill, arg)
	return uint64(len(e.spill) - 1)
}

// unspill returns the argument at index i of the side table and frees the
// entry.
func (e *Engine) unspill(i int64) int64 {
	arg := e.spill[i]
	e.spill[i] = e.free
	e.free = i
	return arg
}

// id returns the ID of the event of sequence number s.
func (e *Engine) id(s uint64) ID {
	if s <= uint64(len(e.ids)) {
		return e.ids[s-1]
	}
	return ID(s + e.idBase)
}

// renumber gives the n pending events the sequence numbers 1..n in their
// order, which keeps every comparison, hence the heap, as it was. It panics
// if so many events are pending that renumbering would leave little room.
func (e *Engine) renumber() {
	n := e.Pending()
	if uint64(n) > e.seqMax/2 {
		panic(fmt.Sprintf("sim: Engine.At: more than %d pending events", e.seqMax/2))
	}
	byseq := make([]*event, 0, n)
	for i := range e.near {
		byseq = append(byseq, &e.near[i])
	}
	e.far.each(func(ev *event) { byseq = append(byseq, ev) })
	slices.SortFunc(byseq, func(a, b *event) int { return cmp.Compare(a.seq(), b.seq()) })
	ids := make([]ID, n)
	const seqField = maxSeq << seqShift
	for r, ev := range byseq {
		ids[r] = e.id(ev.seq())
		ev.key = ev.key&^seqField | uint64(r+1)<<seqShift
	}
	e.ids = ids
	e.seq = uint64(n)
	e.idBase = uint64(e.lastID) - uint64(n)
}

// up restores the heap order of h after an event was appended to it.
func up(h []event) {
	i := len(h) - 1
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

// branchFree is the index below which pop picks the least of four children
// without a branch. Which child is least is a coin toss, so a branch on it
// is mispredicted often; but a branch lets the processor start loading the
// next level before it knows, which wins where the heap no longer fits the
// cache. The first 4096 entries (64 KiB) are the levels every pop touches,
// which stay cached (measured on the hold model: 4096 beat 1024 and 16384
// at 2,000, 4,000 and 100,000 events).
const branchFree = 4096

// down puts x, the last event of a heap that lost its root, in its place
// in h, the rest of that heap.
func down(h []event, x event) {
	n := len(h)
	if n == 0 {
		return
	}
	i := 0
	for {
		c := 4*i + 1
		var m int
		if c < branchFree && c+3 < n {
			// A tournament: the least of each pair, then of the two.
			g := h[c : c+4 : c+4]
			a := less(&g[1], &g[0])
			b := 2 + less(&g[3], &g[2])
			m = c + a + (b-a)*less(&g[b&3], &g[a&3])
		} else {
			if c >= n {
				break
			}
			m = c
			end := min(c+4, n)
			for j := c + 1; j < end; j++ {
				if before(&h[j], &h[m]) {
					m = j
				}
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
