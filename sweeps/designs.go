package sweeps

import (
	"slices"
	"strconv"
)

// Design kinds of a sweep.
const (
	DesignGrid   = "grid"
	DesignRandom = "random"
	DesignLHS    = "lhs"
	DesignSobol  = "sobol"
	DesignMorris = "morris"
	DesignCSV    = "csv"
)

// Sensitivity methods: the estimator a design's points serve.
const (
	// MethodMainEffect is the correlation ratio Var(E[Y|X])/Var(Y) of
	// points binned by each parameter's level or unit coordinate.
	MethodMainEffect = "main-effect"
	// MethodSobol is Saltelli's S1 and Jansen's ST from A, B, AB_i blocks.
	MethodSobol = "sobol"
	// MethodMorris is Morris's elementary effects μ*, μ, σ.
	MethodMorris = "morris"
)

// Design is one way of placing a sweep's points. Adding a design is one
// entry in Designs and one generator; its estimator and renderer are those
// of its Method.
type Design struct {
	// Name is the value of the sweep file's design key.
	Name string
	// Method is the sensitivity estimator the points serve.
	Method string
	// Keys are the design-specific top-level keys the design uses; a key
	// that another design uses is an error here ("not used by a grid
	// design").
	Keys []string
	// OwnParams says the design supplies the parameters (from its points
	// file), so [[params]] must be absent.
	OwnParams bool
	// Defaults fills in the design's defaults of absent keys; nil for none.
	Defaults func(s *File)
	// Validate checks the design's keys, reporting each problem with bad.
	// It may fill in what it reads (a csv design's parameters).
	Validate func(s *File, bad badFunc)
	// Count returns the number of points, and false when the design's keys
	// do not give one.
	Count func(s *File) (int, bool)
	// Points returns the points in the unit cube, one coordinate per
	// parameter, and each point's block (see Point.Block). It runs only on
	// a valid sweep.
	Points func(s *File) (unit [][]float64, block func(i int) string)
}

// Designs are the sweep designs, in the order messages name them.
var Designs = []Design{
	{
		Name: DesignGrid, Method: MethodMainEffect, Keys: []string{"levels"},
		Validate: func(s *File, bad badFunc) {
			if s.has("levels") && s.Levels < 2 {
				bad("levels", "must be ≥ 2, got %d", s.Levels)
			}
		},
		Count: func(s *File) (int, bool) {
			n := 1
			for i := range s.Params {
				l := s.Params[i].levelCount(s)
				if l < 1 {
					return 0, false
				}
				n = mulCount(n, l)
			}
			return n, true
		},
		Points: func(s *File) ([][]float64, func(int) string) {
			levels := make([]int, len(s.Params))
			for j := range s.Params {
				levels[j] = s.Params[j].levelCount(s)
			}
			return GridPoints(levels), noBlock
		},
	},
	{
		Name: DesignRandom, Method: MethodMainEffect, Keys: []string{"samples"},
		Validate: validateSamples, Count: countSamples,
		Points: func(s *File) ([][]float64, func(int) string) {
			return UniformPoints(s.Samples, len(s.Params), s.Seed), noBlock
		},
	},
	{
		Name: DesignLHS, Method: MethodMainEffect, Keys: []string{"samples"},
		Validate: validateSamples, Count: countSamples,
		Points: func(s *File) ([][]float64, func(int) string) {
			return LatinHypercube(s.Samples, len(s.Params), s.Seed), noBlock
		},
	},
	{
		Name: DesignSobol, Method: MethodSobol, Keys: []string{"samples", "scramble", "bootstrap"},
		Defaults: func(s *File) {
			if !s.has("bootstrap") {
				s.Bootstrap = 1000
			}
		},
		Validate: func(s *File, bad badFunc) {
			switch {
			case s.Samples < 2:
				bad("samples", "a sobol design needs samples N ≥ 2, a power of two, got %d", s.Samples)
			case !IsPowerOfTwo(s.Samples):
				bad("samples", "a sobol design needs N a power of two, got %d; the nearest valid N is %d", s.Samples, NearestPowerOfTwo(s.Samples))
			}
			if k := len(s.Params); k > MaxSobolParams {
				bad("params", "a sobol design supports up to %d parameters, got %d", MaxSobolParams, k)
			}
		},
		Count: func(s *File) (int, bool) {
			k := len(s.Params)
			return mulCount(s.Samples, k+2), s.Samples >= 1 && k >= 1
		},
		Points: func(s *File) ([][]float64, func(int) string) {
			n := s.Samples
			return SaltelliPoints(n, len(s.Params), s.Scramble, s.Seed), func(i int) string {
				switch b := i / n; b {
				case 0:
					return "A"
				case 1:
					return "B"
				default:
					return "AB" + strconv.Itoa(b-1)
				}
			}
		},
	},
	{
		Name: DesignMorris, Method: MethodMorris, Keys: []string{"trajectories", "levels"},
		Defaults: func(s *File) {
			if s.Levels == 0 {
				s.Levels = 4
			}
		},
		Validate: func(s *File, bad badFunc) {
			if s.Trajectories < 2 {
				bad("trajectories", "a morris design needs trajectories r ≥ 2 (σ needs two), got %d", s.Trajectories)
			}
			if s.Levels < 2 || s.Levels%2 != 0 {
				bad("levels", "a morris design needs an even number of levels p ≥ 2, got %d", s.Levels)
			}
		},
		Count: func(s *File) (int, bool) {
			k := len(s.Params)
			return mulCount(s.Trajectories, k+1), s.Trajectories >= 1 && k >= 1
		},
		Points: func(s *File) ([][]float64, func(int) string) {
			k := len(s.Params)
			return MorrisTrajectories(s.Trajectories, k, s.Levels, s.Seed), func(i int) string { return "T" + strconv.Itoa(i/(k+1)+1) }
		},
	},
	{
		Name: DesignCSV, Method: MethodMainEffect, Keys: []string{"points_csv"}, OwnParams: true,
		Validate: validateCSV,
		Count:    func(s *File) (int, bool) { return len(s.read), s.read != nil },
		Points:   func(s *File) ([][]float64, func(int) string) { return s.read, noBlock },
	},
}

func noBlock(int) string { return "" }

// mulCount multiplies two non-negative counts, saturating at MaxPoints+1
// (more than any design may have), so that sizes near 2^62 are refused by
// the limit instead of wrapping around.
func mulCount(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > (MaxPoints+1)/b {
		return MaxPoints + 1
	}
	return min(a*b, MaxPoints+1)
}

func validateSamples(s *File, bad badFunc) {
	if s.Samples < 2 {
		bad("samples", "a %s design needs samples ≥ 2, got %d", s.Design, s.Samples)
	}
}

func countSamples(s *File) (int, bool) { return s.Samples, s.Samples >= 1 }

// DesignNames returns the names of the Designs, in order.
func DesignNames() []string {
	out := make([]string, len(Designs))
	for i, d := range Designs {
		out[i] = d.Name
	}
	return out
}

// designOf returns the design named name, or nil.
func designOf(name string) *Design {
	for i := range Designs {
		if Designs[i].Name == name {
			return &Designs[i]
		}
	}
	return nil
}

// MethodOf returns the sensitivity method of the design named name, or ""
// for an unknown design.
func MethodOf(name string) string {
	if d := designOf(name); d != nil {
		return d.Method
	}
	return ""
}

func (d *Design) uses(key string) bool { return slices.Contains(d.Keys, key) }

// designKeys returns every design-specific key, in first-use order.
func designKeys() []string {
	var out []string
	for _, d := range Designs {
		for _, k := range d.Keys {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}
