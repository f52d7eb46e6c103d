package stats

import (
	"math"
	"slices"
)

// SketchCap is the number of values a Sketch stores exactly: up to SketchCap values its
// quantiles are exact, and it is also the size of the buffer that later values pass through.
const SketchCap = 4096

// sketchDelta is the t-digest compression δ. With the k₁ scale function a digest holds at
// most δ+1 centroids, and a centroid near the median spans at most π/δ ≈ 0.8% of the weight,
// so the rank error stays well under 1% while the tails are far finer.
const sketchDelta = 400

// centroid is a cluster of w values with mean m.
type centroid struct {
	m, w float64
}

// Sketch is a streaming quantile summary for fan charts whose memory does not grow with the
// number of values: it keeps the first SketchCap values exactly, then becomes a merging
// t-digest (Dunning & Ertl 2019, k₁ scale function, δ = 400) fed through a SketchCap buffer.
// It uses no randomness: the same sequence of Add and Merge calls gives bit-identical
// results. It holds at most SketchCap values and 2(δ+1) centroids, about 45 KB. The zero
// value is not ready for use; call NewSketch. A Sketch is not safe for concurrent use.
type Sketch struct {
	raw      []float64  // values not yet compressed, in Add order until a compression sorts them
	c, spare []centroid // the digest, sorted by mean, and a buffer of the same size for compress
	n        int
	sum      float64
	min, max float64
}

// NewSketch returns an empty Sketch.
func NewSketch() *Sketch {
	return &Sketch{min: math.Inf(1), max: math.Inf(-1)}
}

// Add adds one value. It panics on a NaN or infinite value, which no average can absorb.
func (s *Sketch) Add(x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		panic("stats: sketch value must be finite")
	}
	if s.raw == nil {
		s.raw = make([]float64, 0, SketchCap)
	}
	if len(s.raw) == SketchCap {
		s.compress(nil)
	}
	s.raw = append(s.raw, x)
	s.n++
	s.sum += x
	s.min = min(s.min, x)
	s.max = max(s.max, x)
}

// Merge adds the values summarised by o to s, leaving o unchanged. While the two together
// hold at most SketchCap values the result stays exact. The result depends on the order of
// merges, which the caller fixes (for instance by replication).
func (s *Sketch) Merge(o *Sketch) {
	if o == nil || o.n == 0 {
		return
	}
	if o == s {
		o = s.clone()
	}
	s.sum += o.sum
	s.min = min(s.min, o.min)
	s.max = max(s.max, o.max)
	if len(s.c) == 0 && len(o.c) == 0 && s.n+o.n <= SketchCap {
		s.raw = append(s.raw, o.raw...)
		s.n += o.n
		return
	}
	s.n += o.n
	s.raw = append(s.raw, o.raw...)
	extra := slices.Clone(o.c)
	s.compress(extra)
	if cap(s.raw) > SketchCap {
		s.raw = make([]float64, 0, SketchCap)
	}
}

// clone returns a deep copy of s.
func (s *Sketch) clone() *Sketch {
	c := *s
	c.raw = slices.Clone(s.raw)
	c.c = slices.Clone(s.c)
	c.spare = nil
	return &c
}

// compress folds the buffered values and the extra centroids (sorted by mean) into the
// digest and empties the buffer.
func (s *Sketch) compress(extra []centroid) {
	slices.Sort(s.raw)
	if len(extra) > 0 {
		// Merging two digests: fold the other's centroids in by mean first.
		all := make([]centroid, 0, len(s.c)+len(extra))
		i, j := 0, 0
		for i < len(s.c) || j < len(extra) {
			if j == len(extra) || (i < len(s.c) && s.c[i].m <= extra[j].m) {
				all = append(all, s.c[i])
				i++
			} else {
				all = append(all, extra[j])
				j++
			}
		}
		s.c = all
	}
	tc := tdigestCompressor{out: s.spare[:0], total: float64(s.n)}
	i, j := 0, 0
	for i < len(s.c) || j < len(s.raw) {
		if j == len(s.raw) || (i < len(s.c) && s.c[i].m <= s.raw[j]) {
			tc.push(s.c[i])
			i++
		} else {
			tc.push(centroid{m: s.raw[j], w: 1})
			j++
		}
	}
	s.spare = s.c[:0]
	s.c = tc.finish()
	s.raw = s.raw[:0]
}

// tdigestCompressor merges a stream of centroids sorted by mean into as few centroids as
// the k₁ scale function k(q) = δ/(2π)·asin(2q−1) allows: a centroid may grow while it spans
// at most one unit of k.
type tdigestCompressor struct {
	out         []centroid
	cur         centroid
	started     bool
	done, limit float64 // weight in finished centroids; weight allowed before closing cur
	total       float64
}

func tdigestLimit(doneFrac float64) float64 {
	k := sketchDelta/(2*math.Pi)*math.Asin(2*min(max(doneFrac, 0), 1)-1) + 1
	arg := 2 * math.Pi * k / sketchDelta
	if arg >= math.Pi/2 {
		return 1
	}
	return (1 + math.Sin(arg)) / 2
}

func (t *tdigestCompressor) push(x centroid) {
	if !t.started {
		t.cur, t.started = x, true
		t.limit = t.total * tdigestLimit(0)
		return
	}
	if t.done+t.cur.w+x.w <= t.limit {
		w := t.cur.w + x.w
		t.cur.m += (x.m - t.cur.m) * x.w / w
		t.cur.w = w
		return
	}
	t.done += t.cur.w
	t.out = append(t.out, t.cur)
	t.limit = t.total * tdigestLimit(t.done/t.total)
	t.cur = x
}

func (t *tdigestCompressor) finish() []centroid {
	if t.started {
		t.out = append(t.out, t.cur)
	}
	return t.out
}

// Quantile returns the q-quantile, 0 <= q <= 1, of the values added; NaN if there are none.
// While exact it is the linearly interpolated order statistic at rank q(n−1) (Hyndman & Fan
// type 7, the default of R and NumPy); afterwards it interpolates linearly between the
// centroid centres, anchored at the exact minimum and maximum. It does not change s.
func (s *Sketch) Quantile(q float64) float64 {
	if !(q >= 0 && q <= 1) {
		panic("stats: quantile must be in [0, 1]")
	}
	if s.n == 0 {
		return math.NaN()
	}
	raw := slices.Clone(s.raw)
	slices.Sort(raw)
	if len(s.c) == 0 {
		return Quantile(raw, q)
	}
	pos := q * float64(s.n)
	prevPos, prevVal := 0.0, s.min
	cum := 0.0
	i, j := 0, 0
	for i < len(s.c) || j < len(raw) {
		var c centroid
		if j == len(raw) || (i < len(s.c) && s.c[i].m <= raw[j]) {
			c = s.c[i]
			i++
		} else {
			c = centroid{m: raw[j], w: 1}
			j++
		}
		center := cum + c.w/2
		if pos <= center {
			return lerpAt(prevPos, prevVal, center, c.m, pos)
		}
		prevPos, prevVal = center, c.m
		cum += c.w
	}
	return lerpAt(prevPos, prevVal, float64(s.n), s.max, pos)
}

// lerpAt interpolates linearly between (x0, y0) and (x1, y1) at x.
func lerpAt(x0, y0, x1, y1, x float64) float64 {
	if x1 <= x0 {
		return y1
	}
	return y0 + (y1-y0)*(x-x0)/(x1-x0)
}

// Mean returns the mean of the values added, exactly up to rounding; NaN if there are none.
func (s *Sketch) Mean() float64 {
	if s.n == 0 {
		return math.NaN()
	}
	return s.sum / float64(s.n)
}

// Count returns the number of values added, including those merged in.
func (s *Sketch) Count() int { return s.n }

// Size returns the number of stored values and centroids, which never exceeds
// SketchCap + sketchDelta + 1 whatever Count is.
func (s *Sketch) Size() int { return len(s.raw) + len(s.c) }
