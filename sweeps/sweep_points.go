package sweeps

import (
	"math"
	"strconv"

	"github.com/legolab/legolab/internal/portable"
)

// Point is one point of a sweep's design.
type Point struct {
	// Index is the point's place in the design, 0-based; seeds, shards and
	// output rows follow it.
	Index int
	// Block names the point's role in a structured design: "A", "B" or
	// "AB3" (A with parameter 3, 1-based, from B) for sobol, "T2" (the
	// second trajectory) for morris; "" for grid, random and lhs.
	Block string
	// Unit is the point in the unit cube, one coordinate per parameter in
	// the order of Sweep.Params: what the sensitivity estimators read.
	Unit []float64
	// Values are the parameter values as --set takes them.
	Values []string
	// Numbers are the same values as numbers; NaN for strings and booleans.
	Numbers []float64
}

// NumPoints returns the number of points of the sweep's design.
func (s *File) NumPoints() int {
	n, _ := s.pointCount()
	return n
}

// Points generates the sweep's design. It is a pure function of the sweep
// file: the same file gives the same points, in the same order, on every
// machine. The random designs draw from PCG streams keyed by the sweep's
// Seed, so the design and the replications share one master seed.
func (s *File) Points() ([]Point, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	k := len(s.Params)
	unit, block := designOf(s.Design).Points(s)
	pts := make([]Point, len(unit))
	for i, u := range unit {
		p := Point{Index: i, Block: block(i), Unit: u, Values: make([]string, k), Numbers: make([]float64, k)}
		for j := range s.Params {
			p.Values[j], p.Numbers[j] = s.Params[j].At(u[j])
		}
		pts[i] = p
	}
	return pts, nil
}

// At maps a unit coordinate u in [0,1] to the parameter's value, as text
// for --set and as a number (NaN for strings and booleans).
//
// A list of n values is cut into n equal bins, value j taking [j/n,
// (j+1)/n), so every value is equally likely under a uniform u and the grid
// coordinates l/(n−1) land on value l. A real range is min + u·(max−min),
// on the log scale when Scale is "log"; an int range cuts [min, max+1) the
// same way (log: [ln min, ln(max+1))) and floors, so every integer is
// equally likely (log: in proportion to its log-width). Reals are rounded
// to 6 significant digits, so that the value written in points.csv is the
// value that ran.
func (p *Param) At(u float64) (text string, num float64) {
	if p.Values != nil {
		n := len(p.Values)
		j := min(int(u*float64(n)), n-1)
		j = max(j, 0)
		v := p.Values[j]
		num = math.NaN()
		switch x := v.(type) {
		case int64:
			num = float64(x)
		case float64:
			num = x
		}
		return FormatValue(v), num
	}
	lo, hi := *p.Min, *p.Max
	if p.Type == "int" {
		var x float64
		if p.Scale == "log" {
			x = math.Floor(portable.Exp(math.Log(lo) + u*(math.Log(hi+1)-math.Log(lo))))
		} else {
			x = math.Floor(lo + u*(hi+1-lo))
		}
		x = min(max(x, lo), hi)
		return strconv.FormatFloat(x, 'f', 0, 64), x
	}
	var x float64
	if p.Scale == "log" {
		x = portable.Exp(math.Log(lo) + u*(math.Log(hi)-math.Log(lo)))
	} else {
		x = lo + u*(hi-lo)
	}
	x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 6, 64), 64)
	x = min(max(x, lo), hi)
	return strconv.FormatFloat(x, 'g', -1, 64), x
}
