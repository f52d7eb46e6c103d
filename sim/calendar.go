package sim

import (
	"math"
	"slices"
)

// calendar holds the events of the actions registered with RegisterFar: a
// bucket queue (Brown's calendar queue, 1988, without its resizing) over
// a small heap. Such events are many and far ahead (an agent's death
// after an exponential lifetime, say), and in one 4-ary heap each pop
// sifts through log₄ n levels; here only the events of the current
// bucket are in a heap, and the others wait unordered in their bucket.
//
// Time is cut into buckets of width w: event time t is in bucket
// b(t) = ⌊t/w⌋, which never decreases as t grows. Three places hold the
// events:
//
//   - heap: a 4-ary heap of every event with b(t) ≤ cur;
//   - ring[b mod ringSize]: the events of bucket b, unordered, for
//     cur < b ≤ cur + ringSize, as a list through pool;
//   - beyond: a 4-ary heap of the events with b(t) > cur + ringSize.
//
// An event in a later bucket is later than every event of an earlier one,
// so while heap is not empty its root is the next far event. When it
// empties, advance moves cur to the next bucket that holds events and
// makes them the heap. Events come out in the order of a single heap: by
// time, then key.
//
// The width is set once, from the median delay of the first
// calendarSample far events scheduled (a median, so that a few huge or
// infinite delays do not make one bucket of everything): until then, and
// for good if that median is 0 or infinite, every event is in heap and
// the calendar is the plain heap it replaces. The order of the events
// never depends on the width, only the speed.
type calendar struct {
	heap   []event
	spare  []event // the heap's memory before the width was set, for reuse
	beyond []event
	// ring[s] is the first node in pool of the bucket b with
	// b mod ringSize = s, or -1 when it has no event. The buckets share
	// pool, so that the events take the room of a single heap, and a
	// growing number of them costs one allocation each time it doubles.
	// An int32 indexes it: renumber allows at most 2^26 pending events.
	ring   [ringSize]int32
	pool   []node
	free   int32     // the first unused node of pool, or -1
	inRing int       // events in ring
	cur    int64     // the last bucket of heap
	inv    float64   // 1/w, 0 while the width is unset
	room   int       // the events New was told to make room for
	delays []float64 // of the first far events, for the width
}

// node is an event of ring and the index in pool of the next event of its
// bucket (or of the next unused node), or -1.
type node struct {
	ev   event
	next int32
}

const (
	ringSize = 256
	ringMask = ringSize - 1
	// calendarSample is how many far events' delays set the width, and
	// bucketsPerMean how many buckets span the mean of an exponential
	// delay of that median: such lifetimes put e^{−256/64} ≈ 2% of their
	// events past the ring, and a bucket holds about 1/64 of the pending
	// events.
	calendarSample = 256
	bucketsPerMean = 64
	// maxBucket bounds b(t), so that +Inf and huge times have a bucket
	// (the last one) and cur + ringSize cannot overflow.
	maxBucket = 1 << 62
)

// len returns the number of events held.
func (c *calendar) len() int { return len(c.heap) + c.inRing + len(c.beyond) }

// bucket returns b(t) for a time t ≥ 0 (not NaN).
func (c *calendar) bucket(t float64) int64 {
	b := t * c.inv
	if !(b < maxBucket) {
		return maxBucket
	}
	return int64(b)
}

// push adds ev, scheduled at time now.
func (c *calendar) push(ev event, now float64) {
	if c.inv == 0 {
		c.heap = append(c.heap, ev)
		up(c.heap)
		if len(c.delays) < calendarSample {
			c.sample(ev.t - now)
		}
		return
	}
	c.place(ev)
}

// place puts ev where its bucket says, with the width set.
func (c *calendar) place(ev event) {
	b := c.bucket(ev.t)
	switch {
	case b <= c.cur:
		c.heap = append(c.heap, ev)
		up(c.heap)
	case b-c.cur <= ringSize:
		s := &c.ring[b&ringMask]
		i := c.free
		if i >= 0 {
			c.free = c.pool[i].next
			c.pool[i] = node{ev, *s}
		} else {
			i = int32(len(c.pool))
			c.pool = append(c.pool, node{ev, *s})
		}
		*s = i
		c.inRing++
	default:
		c.beyond = append(c.beyond, ev)
		up(c.beyond)
	}
}

// sample records the delay of a far event while the width is unset, and
// sets it after calendarSample of them.
func (c *calendar) sample(delay float64) {
	if cap(c.delays) == 0 {
		c.delays = make([]float64, 0, calendarSample)
	}
	c.delays = append(c.delays, delay)
	if len(c.delays) < calendarSample {
		return
	}
	slices.Sort(c.delays)
	w := c.delays[calendarSample/2] / math.Ln2 / bucketsPerMean
	if !(w > 0) || math.IsInf(w, 1) || math.IsInf(1/w, 1) {
		return // no width: the calendar stays one heap
	}
	c.inv = 1 / w
	for i := range c.ring {
		c.ring[i] = -1
	}
	c.free = -1
	if cap(c.pool) < c.room {
		c.pool = make([]node, 0, c.room)
	}
	// Redistribute the events held so far, from the bucket of the earliest.
	held := c.heap
	c.cur = c.bucket(held[0].t)
	if cap(c.spare) < cap(held) {
		c.spare = make([]event, 0, cap(held))
	}
	c.heap = c.spare[:0]
	for _, ev := range held {
		c.place(ev)
	}
	c.spare = held[:0] // for a released engine's next calendar
}

// advance makes heap hold the events of the next bucket that has any. It
// is called when heap is empty and events are held elsewhere.
func (c *calendar) advance() {
	for len(c.heap) == 0 {
		if c.inRing == 0 {
			// Every event is beyond the ring: the earliest's bucket is the
			// next, and pull moves its events to heap.
			c.cur = c.bucket(c.beyond[0].t)
			c.pull()
			continue
		}
		// The ring holds buckets cur+1, ..., cur+ringSize: the first that
		// has events is the next.
		b := c.cur + 1
		for c.ring[b&ringMask] < 0 {
			if b++; b > c.cur+ringSize {
				panic("sim: calendar: inRing counts events that are not in ring")
			}
		}
		s := &c.ring[b&ringMask]
		c.cur = b
		for i := *s; i >= 0; {
			n := &c.pool[i]
			c.heap = append(c.heap, n.ev)
			i, n.next, c.free = n.next, c.free, i
		}
		*s = -1
		c.inRing -= len(c.heap)
		heapify(c.heap)
		c.pull()
	}
}

// pull moves the events of beyond that are now within the ring (or the
// heap) to their place.
func (c *calendar) pull() {
	for len(c.beyond) > 0 && c.bucket(c.beyond[0].t)-c.cur <= ringSize {
		ev := c.beyond[0]
		n := len(c.beyond) - 1
		x := c.beyond[n]
		c.beyond = c.beyond[:n]
		down(c.beyond, x)
		c.place(ev)
	}
}

// each calls fn on every event held, in no particular order.
func (c *calendar) each(fn func(*event)) {
	for _, h := range [][]event{c.heap, c.beyond} {
		for i := range h {
			fn(&h[i])
		}
	}
	if c.inv == 0 {
		return // ring is unused
	}
	for _, i := range c.ring {
		for ; i >= 0; i = c.pool[i].next {
			fn(&c.pool[i].ev)
		}
	}
}

// heapify makes h a 4-ary heap.
func heapify(h []event) {
	for i := 1; i < len(h); i++ {
		up(h[:i+1])
	}
}
