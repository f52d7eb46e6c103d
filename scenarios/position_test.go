package scenarios

import (
	"runtime"
	"strings"
	"testing"
)

// TestDeepKeyLinearMemory: the position index of an 80 KB dotted key
// (40,000 levels) grew with the square of the depth and took 1.7 GB to
// reject. It must stay linear in the file size: here, under 64 MB of
// allocations for an 80 KB file (a quadratic index needs ~40,000²/2
// path bytes, more than 800 MB). The hostile suite's case of the same
// input only caps its time, which the quadratic index met on a fast
// machine.
func TestDeepKeyLinearMemory(t *testing.T) {
	src := []byte("name = \"x\"\n" + strings.Repeat("a.", 40000) + "a = 1\n")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Parse("deep.toml", src)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "deep.toml:2:1: a: unknown key") {
		t.Errorf("err = %v; want the unknown key at 2:1", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("parsing allocated %d MB; want under 64 MB (linear in the 80 KB file)", got>>20)
	}
}
