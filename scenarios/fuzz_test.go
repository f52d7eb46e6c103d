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

// FuzzSet feeds arbitrary key paths and values to Set on the default
// scenario: never a panic, and an accepted assignment that validates must
// encode and read back unchanged.
func FuzzSet(f *testing.F) {
	base, err := Builtin(Default)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][2]string{
		{"hub.adapter_cost", "30"}, {"protocols.Bittensor.openness", "0.7"}, {"variants.hub.hub.launch_day", "180"},
		{`protocols."Sahara".serves.data`, "0.2"}, {"shocks", "[{kind='crash', day=1.0}]"}, {"variants[1].set", "{a = 1}"},
		{"hubs", "[]"}, {"protocols[0].token", "{ emission_per_day = 5 }"}, {"start", "2030-01-01"}, {"variants.both.set.hub.enabled", "false"},
		{"dimensions[2]", `"gpu"`}, {"expect[0].assert", `"p_hi(hub) > 0"`}, {"a[", "1"}, {`"x`, "1"}, {"protocols.Bittensor", "{}"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		s := base.Clone()
		if err := s.Set(key, value); err != nil {
			for _, e := range Errors(err) {
				if e.Msg == "" {
					t.Fatalf("empty problem for %q=%q", key, value)
				}
			}
			return
		}
		if s.Validate() != nil {
			return
		}
		enc, err := s.Encode()
		if err != nil {
			t.Fatalf("Encode after %q=%q: %v", key, value, err)
		}
		back, err := Parse("encoded.toml", enc)
		if err != nil {
			t.Fatalf("Parse(Encode) after %q=%q: %v\n%s", key, value, err, enc)
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip after %q=%q differs\n%s", key, value, enc)
		}
	})
}
