package scenarios

import (
	"sync"
	"testing"
)

// TestConcurrentReads runs the read-only methods on one Spec from several
// goroutines; with -race it proves they share nothing mutable.
func TestConcurrentReads(t *testing.T) {
	s, err := Builtin(Default)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, v := range s.VariantNames() {
				if _, err := s.Variant(v); err != nil {
					t.Error(err)
				}
			}
			if _, err := s.Encode(); err != nil {
				t.Error(err)
			}
			_ = s.Parameters()
			if err := s.Validate(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"deai-2025", "scale-1000"} {
		src, err := BuiltinSource(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Parse(name, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVariant(b *testing.B) {
	s, err := Builtin(Default)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := s.Variant("both"); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/variant")
}
