package scenarios

import (
	"embed"
	"fmt"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

//go:embed builtin/*.toml
var builtinFS embed.FS

// BuiltinInfo names a built-in scenario and says what it is.
type BuiltinInfo struct {
	Name        string
	Description string
}

// builtinFile returns the source of the built-in scenario name.
func builtinFile(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, false
	}
	b, err := builtinFS.ReadFile("builtin/" + name + ".toml")
	return b, err == nil
}

// BuiltinNames returns the names of the built-in scenarios: Default first,
// then the others in alphabetical order.
func BuiltinNames() []string {
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		panic("scenarios: reading embedded built-ins: " + err.Error())
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".toml"); ok && n != Default {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return append([]string{Default}, names...)
}

// Builtins lists the built-in scenarios with their one-line descriptions,
// in the order of BuiltinNames.
func Builtins() []BuiltinInfo {
	names := BuiltinNames()
	out := make([]BuiltinInfo, len(names))
	for i, n := range names {
		src, _ := builtinFile(n)
		var head struct {
			Description string `toml:"description"`
		}
		// A built-in that does not parse fails its tests; here the
		// description is merely left empty.
		_ = toml.Unmarshal(src, &head)
		out[i] = BuiltinInfo{Name: n, Description: head.Description}
	}
	return out
}

// BuiltinSource returns the TOML source of a built-in scenario, comments
// and all, for a user to start from.
func BuiltinSource(name string) ([]byte, error) {
	src, ok := builtinFile(name)
	if !ok {
		return nil, fmt.Errorf("no built-in scenario named %q%s", name, builtinHint(name))
	}
	return slices.Clone(src), nil
}

// Builtin loads the built-in scenario name; each call returns a new Spec.
// Its errors name the file builtin/NAME.toml.
func Builtin(name string) (*Spec, error) {
	src, err := BuiltinSource(name)
	if err != nil {
		return nil, err
	}
	return Parse("builtin/"+name+".toml", src)
}

// builtinHint suggests a near built-in name and lists them all.
func builtinHint(name string) string {
	names := BuiltinNames()
	hint := ""
	if s := suggest(name, names); s != "" {
		hint = "; did you mean " + s + "?"
	}
	return hint + " (built-ins: " + strings.Join(names, ", ") + ")"
}
