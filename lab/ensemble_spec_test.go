package lab

import (
	"reflect"
	"testing"

	toml "github.com/pelletier/go-toml/v2"
)

// TestTOMLValueQuoting checks that tomlValue writes strings and keys that
// TOML reads back to the same value: strconv.Quote's \x escapes and Go
// escapes of unprintable runes are not TOML.
func TestTOMLValueQuoting(t *testing.T) {
	for _, v := range []any{
		"plain",
		"a \"quoted\" \\ word",
		"ctrl\x01\x7f tab\t nl\n",
		"unicode é ü 日本 \u00ad soft hyphen \u200b zero width",
		map[string]any{"odd key": "x", "plain": int64(1), "ké": true},
		[]any{"a\x1b", 1.5, false},
	} {
		text := "v = " + tomlValue(v) + "\n"
		var got map[string]any
		if err := toml.Unmarshal([]byte(text), &got); err != nil {
			t.Errorf("tomlValue(%q) = %s: not TOML: %v", v, text, err)
			continue
		}
		if !reflect.DeepEqual(got["v"], v) {
			t.Errorf("tomlValue(%q) = %s reads back as %q", v, text, got["v"])
		}
	}
}
