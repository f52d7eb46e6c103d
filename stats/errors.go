package stats

import "fmt"

// errorf returns an error whose message starts with the package name, as every error of
// the package does.
func errorf(format string, args ...any) error {
	return fmt.Errorf("stats: "+format, args...)
}
