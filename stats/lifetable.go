package stats

import (
	"cmp"
	"math"
	"slices"
)

// LifeTable holds right-censored times to event as counts per distinct
// time: what the Kaplan–Meier estimator and the log-rank test need, in
// memory that grows with the number of distinct times rather than of
// observations. The Lego detector fires on sample days and censoring
// happens only at the horizon, so an ensemble's table has at most one row
// per sample day, however many replications it holds. The zero value is an
// empty table.
type LifeTable struct {
	rows  []lifeRow
	index map[float64]int // time -> position in rows
	n     int
	// firstCensored is the lowest observation index censored, −1 if none.
	firstCensored int
	sorted        bool
}

// lifeRow counts the events d and censorings c at time t; first is the
// lowest observation index with an event at t (−1 if none).
type lifeRow struct {
	t     float64
	d, c  int
	first int
}

// Add records observation o, the index-th (0-based) of the table. It
// panics on a negative or NaN time, as KaplanMeier does.
func (lt *LifeTable) Add(index int, o Obs) {
	if math.IsNaN(o.Time) || o.Time < 0 {
		panic("stats: observation time must be a non-negative number")
	}
	if lt.index == nil {
		lt.index = make(map[float64]int)
		lt.firstCensored = -1
	}
	i, ok := lt.index[o.Time]
	if !ok {
		i = len(lt.rows)
		lt.rows = append(lt.rows, lifeRow{t: o.Time, first: -1})
		lt.index[o.Time] = i
		lt.sorted = false
	}
	r := &lt.rows[i]
	if o.Event {
		r.d++
		if r.first < 0 || index < r.first {
			r.first = index
		}
	} else {
		r.c++
		if lt.firstCensored < 0 || index < lt.firstCensored {
			lt.firstCensored = index
		}
	}
	lt.n++
}

// N returns the number of observations.
func (lt *LifeTable) N() int { return lt.n }

// Events returns the number of observed events.
func (lt *LifeTable) Events() int {
	e := 0
	for _, r := range lt.rows {
		e += r.d
	}
	return e
}

// sortRows orders the rows by time, once after each batch of new times.
func (lt *LifeTable) sortRows() {
	if lt.sorted {
		return
	}
	slices.SortFunc(lt.rows, func(a, b lifeRow) int { return cmp.Compare(a.t, b.t) })
	for i, r := range lt.rows {
		lt.index[r.t] = i
	}
	lt.sorted = true
}

// KaplanMeier is KaplanMeier(obs, horizon) of the observations in the
// table, bit for bit: the same product-limit steps, Greenwood sums and
// log-log band, computed from the counts. Times in the table must not
// exceed horizon.
func (lt *LifeTable) KaplanMeier(horizon float64) KM {
	lt.sortRows()
	km := KM{N: lt.n, Horizon: horizon, Points: []KMPoint{{Day: 0, Survival: 1, Lo: 1, Hi: 1}}}
	s, gw := 1.0, 0.0
	atRisk := lt.n
	for _, r := range lt.rows {
		if r.t > horizon {
			panic("stats: life table time beyond the horizon")
		}
		if r.d > 0 {
			n, dd := float64(atRisk), float64(r.d)
			s *= 1 - dd/n
			if r.d < atRisk {
				gw += dd / (n * (n - dd))
			} else {
				gw = math.Inf(1)
			}
			lo, hi := logLogBand(s, gw)
			km.Points = append(km.Points, KMPoint{Day: r.t, Survival: s, Lo: lo, Hi: hi})
			km.Events += r.d
			km.steps = append(km.steps, kmCount{n: atRisk, d: r.d})
		}
		atRisk -= r.d + r.c
	}
	return km
}

// FirstAt returns the lowest observation index with an event at time t,
// or −1 if there is none.
func (lt *LifeTable) FirstAt(t float64) int {
	if i, ok := lt.index[t]; ok {
		return lt.rows[i].first
	}
	return -1
}

// FirstCensored returns the lowest observation index that is censored, or
// −1 if there is none.
func (lt *LifeTable) FirstCensored() int {
	if lt.n == 0 {
		return -1
	}
	return lt.firstCensored
}

// LogRankTables is the log-rank test of LogRank on the observations in two
// tables; LogRank itself builds the tables and calls it.
func LogRankTables(a, b *LifeTable) (chi2, p float64) {
	a.sortRows()
	b.sortRows()
	nA, n := float64(a.n), float64(a.n+b.n)
	var oMinusE, v float64
	i, j := 0, 0
	for i < len(a.rows) || j < len(b.rows) {
		var t float64
		switch {
		case j == len(b.rows) || (i < len(a.rows) && a.rows[i].t <= b.rows[j].t):
			t = a.rows[i].t
		default:
			t = b.rows[j].t
		}
		var d, dA, removed, removedA float64
		if i < len(a.rows) && a.rows[i].t == t {
			r := a.rows[i]
			d += float64(r.d)
			dA += float64(r.d)
			removed += float64(r.d + r.c)
			removedA += float64(r.d + r.c)
			i++
		}
		if j < len(b.rows) && b.rows[j].t == t {
			r := b.rows[j]
			d += float64(r.d)
			removed += float64(r.d + r.c)
			j++
		}
		if d > 0 && n > 0 {
			frac := nA / n
			oMinusE += dA - d*frac
			if n > 1 {
				v += d * frac * (1 - frac) * (n - d) / (n - 1)
			}
		}
		n -= removed
		nA -= removedA
	}
	if !(v > 0) {
		return 0, 1
	}
	chi2 = oMinusE * oMinusE / v
	return chi2, chiSquare1Sf(chi2)
}
