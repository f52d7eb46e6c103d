package main

import (
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"

	"github.com/legolab/legolab/calibrations"
	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/scenarios"
)

func init() { commands = append(commands, newValidateCmd) }

func newValidateCmd(e *env) *cobra.Command {
	var brief bool
	c := &cobra.Command{
		Use:   "validate FILE|BUILTIN...",
		Short: "Check scenario (and sweep and calibration) files, reporting every problem",
		Long: `Validate loads each scenario file (or built-in scenario) as legolab run would:
strictly (an unknown key is an error, with a "did you mean"), with its
defaults, and through every semantic rule (ranges, references, duplicates,
empty sets, absurd sizes, variants, expectations). A sweep file (one with
top-level scenario and design keys) is checked with its base scenario, and
a calibration file (one with [[series]] and a cutoff) with its scenario and
its data.

It prints "FILE: ok" on stdout for each valid file, and every problem of the
others on stderr, one a line:

  FILE:LINE:COL: key.path: message     where the key is in the file
  FILE: key.path: message              where no position applies

followed, for syntax and type errors, by an excerpt of the file (--brief
leaves it out). A valid scenario may also get warnings on stderr, for
settings that are legal but almost certainly mistakes (a hub that can never
get its first member), which do not change the exit status:

  FILE: warning: key.path: message

Exit status: 0 all valid, 1 some invalid, 2 usage error.`,
		Example: `  legolab validate examples/*.toml
  legolab validate deai-2025 my-scenario.toml`,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("validate needs at least one scenario file or built-in name (see legolab scenarios)")
			}
			bad := false
			for _, a := range args {
				warnings, err := validateOne(a)
				for _, w := range warnings {
					fmt.Fprintf(e.stderr, "%s: warning: %s\n", a, w)
				}
				if err == nil {
					fmt.Fprintf(e.stdout, "%s: ok\n", a)
					continue
				}
				bad = true
				for _, pe := range scenarios.Errors(err) {
					line := pe.Error()
					if pe.File == "" {
						line = a + ": " + line
					}
					fmt.Fprintln(e.stderr, line)
					if pe.Context != "" && !brief {
						for _, l := range strings.Split(strings.TrimRight(pe.Context, "\n"), "\n") {
							fmt.Fprintln(e.stderr, "    "+l)
						}
					}
				}
			}
			if bad {
				return errSilent
			}
			return nil
		},
	}
	c.Flags().BoolVar(&brief, "brief", false, "one line per problem, without the file excerpts")
	return c
}

// validateOne checks a scenario file, a built-in name or a sweep file,
// returning the scenario's advisory warnings when it is valid.
func validateOne(arg string) (warnings []string, err error) {
	if data, err := scenarios.ReadFileLimited(arg); err == nil && isSweep(data) {
		return nil, validateSweep(arg, data)
	} else if err == nil && calibrations.IsCalibration(data) {
		_, err := lab.ReadCalibration(data, arg)
		return nil, err
	}
	spec, err := scenarios.Open(arg)
	if err != nil {
		return nil, err
	}
	return spec.Warnings(), nil
}

// validateSweep reports every problem of a sweep file at once, as legolab
// sweep does (lab.ReadSweep): the file's own, those against its base
// scenario and the lab's checks of outcomes and [[expect]] assertions.
func validateSweep(path string, data []byte) error {
	_, err := lab.ReadSweep(data, path)
	return err
}

// isSweep reports whether a document is a sweep file: it names a base
// scenario and a design. A document that does not parse is left to the
// scenario loader, which reports why.
func isSweep(data []byte) bool {
	var head map[string]any
	if toml.Unmarshal(data, &head) != nil {
		return false
	}
	_, scen := head["scenario"]
	_, design := head["design"]
	return scen && design
}
