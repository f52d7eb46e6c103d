package scenarios

import (
	"math"
	"strings"
	"testing"
)

func TestParseAssertion(t *testing.T) {
	fn := func(f, a string) Term { return Term{Func: f, Arg: a} }
	num := func(x float64) Term { return Term{Const: x, IsConst: true} }
	cases := []struct {
		in   string
		want Assertion
	}{
		{"p_by_horizon(hub) >= 0.5", Assertion{fn("p_by_horizon", "hub"), num(0.5), ">="}},
		{"median_day(hub) < median_day(defacto)", Assertion{fn("median_day", "hub"), fn("median_day", "defacto"), "<"}},
		{"rmst_days(base)<=3650", Assertion{fn("rmst_days", "base"), num(3650), "<="}},
		{"  p_lo( both ) > 0.1 ", Assertion{fn("p_lo", "both"), num(0.1), ">"}},
		{"p_hi(x) ≤ 0.9", Assertion{fn("p_hi", "x"), num(0.9), "<="}},
		{"st(hubs.interlink.adapter_cost) ≥ 0.1", Assertion{fn("st", "hubs.interlink.adapter_cost"), num(0.1), ">="}},
		{"s1(protocols.\"Sahara AI\".openness) != 0", Assertion{fn("s1", `protocols."Sahara AI".openness`), num(0), "!="}},
		{"mu_star(builders.q_per_year) == 1e-3", Assertion{fn("mu_star", "builders.q_per_year"), num(0.001), "=="}},
		{"final.composability_index(hub) ≠ -2", Assertion{fn("final.composability_index", "hub"), num(-2), "!="}},
		{"0.5 < p_by_horizon(hub)", Assertion{num(0.5), fn("p_by_horizon", "hub"), "<"}},
		{"final_hhi(base) > 0", Assertion{fn("final_hhi", "base"), num(0), ">"}},
		{"shocks_seen(shocks[0]) > 0", Assertion{fn("shocks_seen", "shocks[0]"), num(0), ">"}},
	}
	for _, c := range cases {
		got, err := ParseAssertion(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("%q = %+v; want %+v", c.in, got, c.want)
		}
	}
	bad := []struct{ in, msg string }{
		{"", "no comparison"},
		{"p_by_horizon(hub)", "no comparison"},
		{"p_by_horizon(hub) >= ", "right side: missing"},
		{">= 0.5", "left side: missing"},
		{"0.5 < 0.6", "compares two numbers"},
		{"p_by_horizon >= 0.5", "needs its argument"},
		{"p_by_horizon() >= 0.5", "expected one argument"},
		{"p_by_horizon(hub >= 0.5", "no comparison"},
		{"p_by_horizon(hub) >= high", "neither a finite number"},
		{"p_by_horizon(hub) >= nan", "neither a finite number"},
		{"9x(hub) > 1", "not a function name"},
		{"p(a(b)) > 1", "expected one argument"},
	}
	for _, c := range bad {
		_, err := ParseAssertion(c.in)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q: error %v; want one containing %q", c.in, err, c.msg)
		}
	}
}

func TestTermScopeAndHolds(t *testing.T) {
	scopes := map[string]string{
		"p_by_horizon": "variant", "median_day": "variant", "rmst_days": "variant", "p_lo": "variant", "p_hi": "variant",
		"final.hhi": "variant", "final_outside_share": "variant", "s1": "parameter", "st": "parameter", "mu_star": "parameter",
		"final": "", "finals_x": "", "other": "",
	}
	for f, want := range scopes {
		if got := (Term{Func: f, Arg: "x"}).Scope(); got != want {
			t.Errorf("Scope(%s) = %q; want %q", f, got, want)
		}
	}
	holds := []struct {
		op   string
		l, r float64
		want bool
	}{
		{"<", 1, 2, true}, {"<", 2, 2, false}, {"<=", 2, 2, true}, {">", 3, 2, true}, {">=", 1, 2, false},
		{"==", 2, 2, true}, {"!=", 2, 2, false}, {"<", math.NaN(), 2, false}, {">=", math.NaN(), 2, false}, {"!=", math.NaN(), 2, true},
	}
	for _, h := range holds {
		if got := (Assertion{Op: h.op}).Holds(h.l, h.r); got != h.want {
			t.Errorf("%v %s %v = %v; want %v", h.l, h.op, h.r, got, h.want)
		}
	}
	a, _ := ParseAssertion("median_day(hub)≤median_day(defacto)")
	if got, want := a.String(), "median_day(hub) <= median_day(defacto)"; got != want {
		t.Errorf("String = %q; want %q", got, want)
	}
}
