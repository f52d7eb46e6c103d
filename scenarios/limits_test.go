package scenarios

import (
	"fmt"
	"strings"
	"testing"
)

// TestModelLimits checks that validate rejects more hubs or dimensions
// than the model's 64-bit masks hold, at the key, and accepts the limit.
func TestModelLimits(t *testing.T) {
	hubs := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "[[hubs]]\nname = \"h%d\"\n", i)
		}
		return b.String()
	}
	dims := func(n int) string {
		q := make([]string, n)
		for i := range q {
			q[i] = fmt.Sprintf("%q", fmt.Sprintf("d%d", i))
		}
		return "dimensions = [" + strings.Join(q, ", ") + "]\n"
	}
	for _, c := range []struct{ name, src, want string }{
		{"65 hubs", "name = \"x\"\n" + hubs(MaxHubs+1), "lim.toml:2:3: hubs: must have at most 64 hubs (the model's limit), got 65"},
		{"64 hubs", "name = \"x\"\n" + hubs(MaxHubs), ""},
		{"65 dimensions", "name = \"x\"\n" + dims(MaxDimensions+1), "lim.toml:2:1: dimensions: must have at most 64 dimensions (the model's limit), got 65"},
		{"64 dimensions", "name = \"x\"\n" + dims(MaxDimensions), ""},
	} {
		_, err := Parse("lim.toml", []byte(c.src))
		limit := false
		for _, e := range Errors(err) {
			if strings.Contains(e.Msg, "the model's limit") {
				limit = true
				if e.Error() != c.want {
					t.Errorf("%s: %v; want %s", c.name, e, c.want)
				}
			}
		}
		if limit != (c.want != "") {
			t.Errorf("%s: limit reported %v, want %v (errors: %v)", c.name, limit, c.want != "", err)
		}
	}
}
