package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Assertion is a parsed [[expect]] assert: Left Op Right, where each side
// is a function of a variant or parameter, or a number (not both numbers).
//
//	p_by_horizon(hub) >= 0.5
//	median_day(hub) < median_day(defacto)
//	final.composability_index(both) ≥ 0.3
//	st(hubs.interlink.adapter_cost) >= 0.1
type Assertion struct {
	Left, Right Term
	// Op is one of <, <=, >, >=, ==, != (≤, ≥ and ≠ are read as <=, >=
	// and !=).
	Op string
}

// Term is one side of an Assertion: Func(Arg), or the number Const when
// IsConst.
type Term struct {
	Func, Arg string
	Const     float64
	IsConst   bool
}

// Functions an assertion may call. Variant functions take a variant name
// ("base" when the scenario has none); sweep functions take a parameter's
// key path; final.METRIC and final_METRIC take a variant and read the
// metric's ensemble mean at the horizon.
var (
	variantFuncs = []string{"p_by_horizon", "median_day", "rmst_days", "p_lo", "p_hi"}
	sweepFuncs   = []string{"s1", "st", "mu_star"}
)

// Scope says what the argument of t names: "variant" (p_by_horizon,
// median_day, rmst_days, p_lo, p_hi, final.METRIC, final_METRIC),
// "parameter" (s1, st, mu_star: sweep sensitivity indices), or "" for a
// number or an unknown function.
func (t Term) Scope() string {
	switch {
	case t.IsConst:
		return ""
	case slices.Contains(variantFuncs, t.Func), isFinal(t.Func):
		return "variant"
	case slices.Contains(sweepFuncs, t.Func):
		return "parameter"
	}
	return ""
}

// Metric returns the metric of a final.METRIC or final_METRIC term, or "".
func (t Term) Metric() string {
	if m, ok := strings.CutPrefix(t.Func, "final."); ok {
		return m
	}
	if m, ok := strings.CutPrefix(t.Func, "final_"); ok {
		return m
	}
	return ""
}

func isFinal(f string) bool {
	m := Term{Func: f}.Metric()
	return m != ""
}

// String formats t as it would be written.
func (t Term) String() string {
	if t.IsConst {
		return strconv.FormatFloat(t.Const, 'g', -1, 64)
	}
	return t.Func + "(" + t.Arg + ")"
}

// String formats a as it would be written, with ASCII operators.
func (a Assertion) String() string {
	return a.Left.String() + " " + a.Op + " " + a.Right.String()
}

// Holds reports whether left Op right, for the values of the two sides.
// NaN (a quantity that does not exist, like the median of a curve that
// never falls to one half) makes every comparison false except !=.
func (a Assertion) Holds(left, right float64) bool {
	switch a.Op {
	case "<":
		return left < right
	case "<=":
		return left <= right
	case ">":
		return left > right
	case ">=":
		return left >= right
	case "==":
		return left == right
	case "!=":
		return left != right
	}
	panic("scenarios: unknown operator " + a.Op)
}

var ops = []struct{ text, op string }{
	{"<=", "<="}, {">=", ">="}, {"==", "=="}, {"!=", "!="},
	{"≤", "<="}, {"≥", ">="}, {"≠", "!="}, {"<", "<"}, {">", ">"},
}

// ParseAssertion parses an assertion of the form FUNC(ARG) OP NUMBER,
// NUMBER OP FUNC(ARG) or FUNC(ARG) OP FUNC(ARG). FUNC is any identifier
// (letters, digits, _ and .); which functions exist is Validate's business.
func ParseAssertion(s string) (Assertion, error) {
	// Find the operator outside parentheses.
	depth := 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 {
			for _, o := range ops {
				if strings.HasPrefix(s[i:], o.text) {
					left, err := parseTerm(s[:i])
					if err != nil {
						return Assertion{}, fmt.Errorf("assertion %q: left side: %v", s, err)
					}
					right, err := parseTerm(s[i+len(o.text):])
					if err != nil {
						return Assertion{}, fmt.Errorf("assertion %q: right side: %v", s, err)
					}
					if left.IsConst && right.IsConst {
						return Assertion{}, fmt.Errorf("assertion %q compares two numbers; one side must be a function such as p_by_horizon(base)", s)
					}
					return Assertion{Left: left, Right: right, Op: o.op}, nil
				}
			}
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return Assertion{}, fmt.Errorf("assertion %q has no comparison: write FUNC(ARG) OP NUMBER or FUNC(ARG) OP FUNC(ARG) with OP one of < <= > >= == != ≤ ≥", s)
}

func parseTerm(s string) (Term, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Term{}, fmt.Errorf("missing")
	}
	if open := strings.IndexByte(s, '('); open >= 0 {
		if !strings.HasSuffix(s, ")") {
			return Term{}, fmt.Errorf("%q: expected FUNC(ARG)", s)
		}
		f := strings.TrimSpace(s[:open])
		arg := strings.TrimSpace(s[open+1 : len(s)-1])
		if !isIdent(f) {
			return Term{}, fmt.Errorf("%q: %q is not a function name", s, f)
		}
		if arg == "" || strings.ContainsAny(arg, "()") {
			return Term{}, fmt.Errorf("%q: expected one argument, a variant name or a parameter's key path", s)
		}
		return Term{Func: f, Arg: arg}, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		if t := (Term{Func: s}); t.Scope() != "" {
			return Term{}, fmt.Errorf("%q: a function needs its argument, as in %s(base)", s, s)
		}
		return Term{}, fmt.Errorf("%q is neither a finite number nor FUNC(ARG)", s)
	}
	return Term{Const: x, IsConst: true}, nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r == '.' && i > 0 || unicode.IsLetter(r) || unicode.IsDigit(r) && i > 0) {
			return false
		}
	}
	return !strings.HasSuffix(s, ".")
}

// checkExpect parses each assertion and checks its functions and their
// arguments.
func (c *checker) checkExpect() {
	ep := path{}.key("expect")
	known := slices.Concat(variantFuncs, sweepFuncs, []string{"final.METRIC", "final_METRIC"})
	for i, e := range c.s.Expect {
		p := ep.elem(i, "").key("assert")
		a, err := ParseAssertion(e.Assert)
		if err != nil {
			c.bad(p, "%v", err)
			continue
		}
		for _, t := range []Term{a.Left, a.Right} {
			if t.IsConst {
				continue
			}
			switch t.Scope() {
			case "variant":
				if m := t.Metric(); m != "" && !isIdent(m) {
					c.bad(p, "%s: %q is not a metric name", t, m)
				}
				if names := c.s.VariantNames(); !slices.Contains(names, t.Arg) {
					c.bad(p, "%s: no variant named %s%s", t, quoteString(t.Arg), didYouMean(t.Arg, names))
				}
			case "parameter":
				segs, err := parsePath(t.Arg)
				if err != nil {
					c.bad(p, "%s: %v", t, err)
					continue
				}
				st := setter{spec: c.s.Clone(), dry: true}
				st.set(segs, nil, "", "")
				for _, pr := range st.d.probs {
					c.bad(p, "%s: %s: %s", t, pr.p.disp, pr.msg)
				}
			default:
				c.bad(p, "unknown function %s%s", quoteString(t.Func), didYouMean(t.Func, known))
			}
		}
	}
}
