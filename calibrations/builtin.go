package calibrations

import (
	"embed"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/legolab/legolab/scenarios"
)

// builtinFS holds the built-in calibrations, builtin/NAME.toml.
//
//go:embed builtin
var builtinFS embed.FS

// BuiltinInfo names a built-in calibration and says what it is.
type BuiltinInfo struct {
	Name        string
	Description string
}

// BuiltinNames returns the names of the built-in calibrations, sorted.
func BuiltinNames() []string {
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		panic("calibrations: reading embedded built-ins: " + err.Error())
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".toml"); ok && !e.IsDir() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Builtins lists the built-in calibrations with their descriptions, in the
// order of BuiltinNames.
func Builtins() []BuiltinInfo {
	names := BuiltinNames()
	out := make([]BuiltinInfo, len(names))
	for i, n := range names {
		src, _ := BuiltinSource(n)
		var head struct {
			Description string `toml:"description"`
		}
		_ = toml.Unmarshal(src, &head) // a built-in that does not parse fails its tests
		out[i] = BuiltinInfo{Name: n, Description: head.Description}
	}
	return out
}

// BuiltinSource returns the TOML of the built-in calibration name.
func BuiltinSource(name string) ([]byte, error) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, fmt.Errorf("no built-in calibration named %q%s", name, hint(name))
	}
	b, err := builtinFS.ReadFile("builtin/" + name + ".toml")
	if err != nil {
		return nil, fmt.Errorf("no built-in calibration named %q%s", name, hint(name))
	}
	return b, nil
}

func hint(name string) string {
	names := BuiltinNames()
	if len(names) == 0 {
		return " (there are none yet)"
	}
	return scenarios.DidYouMean(name, names)
}

// Builtin parses and validates the built-in calibration name. Its relative
// paths (a scenario or data file) are read from the embedded builtin/
// folder.
func Builtin(name string, opt Options) (*File, error) {
	src, err := BuiltinSource(name)
	if err != nil {
		return nil, err
	}
	f, err := decode(src, "builtin/"+name+".toml", builtinFS, opt)
	if err != nil {
		return nil, err
	}
	f.Builtin = name
	return f, nil
}

// Open loads nameOrPath: a file when it exists or ends in .toml, else the
// built-in calibration of that name.
func Open(nameOrPath string, opt Options) (*File, error) {
	if _, err := os.Stat(nameOrPath); err == nil || strings.HasSuffix(nameOrPath, ".toml") {
		return Load(nameOrPath, opt)
	}
	if _, err := BuiltinSource(nameOrPath); err == nil {
		return Builtin(nameOrPath, opt)
	}
	return nil, fmt.Errorf("no calibration file or built-in calibration named %q%s", nameOrPath, hint(nameOrPath))
}

// IsCalibration reports whether a document is a calibration file: it has
// [[series]], or names a scenario with a cutoff, free keys or an [abc]
// table, and no sweep design (keys no scenario file has). A document that
// does not parse is not one.
func IsCalibration(data []byte) bool {
	var head map[string]any
	if toml.Unmarshal(data, &head) != nil {
		return false
	}
	has := func(k string) bool { _, ok := head[k]; return ok }
	if has("design") {
		return false
	}
	return has("series") || has("scenario") && (has("cutoff") || has("free") || has("abc"))
}
