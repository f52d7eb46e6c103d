package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Parse: it must never panic, every
// problem must be a located *Error, and whatever it accepts must encode and
// read back to an equal Spec whose variants all apply. The corpus in
// testdata/fuzz/FuzzLoad holds the built-ins, the bad files and what past
// runs found; CI runs `go test ./scenarios -run '^$' -fuzz FuzzLoad
// -fuzztime 60s`.
func FuzzLoad(f *testing.F) {
	for _, n := range BuiltinNames() {
		src, err := BuiltinSource(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.toml"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.toml", data)
		if err != nil {
			if s != nil {
				t.Fatalf("Parse returned a Spec and an error: %v", err)
			}
			for _, e := range Errors(err) {
				if e.File != "fuzz.toml" || e.Msg == "" {
					t.Fatalf("malformed problem %#v", e)
				}
				if strings.ContainsAny(e.Msg, "\n") {
					t.Fatalf("problem message spans lines: %q", e.Msg)
				}
			}
			return
		}
		enc, err := s.Encode()
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		back, err := Parse("encoded.toml", enc)
		if err != nil {
			t.Fatalf("Parse(Encode(s)): %v\n%s", err, enc)
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("Parse(Encode(s)) != s\n%s", enc)
		}
		for _, v := range s.VariantNames() {
			if _, err := s.Variant(v); err != nil {
				t.Fatalf("Variant(%s) of a valid scenario: %v", v, err)
			}
		}
		for _, p := range s.Parameters() {
			if err := s.Clone().Set(p.Key, p.Value); err != nil {
				t.Fatalf("Set(%s, %s): %v", p.Key, p.Value, err)
			}
		}
	})
}
