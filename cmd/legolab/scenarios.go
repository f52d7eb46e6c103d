package main

import (
	"bytes"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/legolab/legolab/scenarios"
)

func init() { commands = append(commands, newScenariosCmd) }

func newScenariosCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios",
		Long: `Scenarios lists the built-in scenarios, the default (` + scenarios.Default + `) first, each
with a one-line description. 'legolab scenarios show NAME' prints one as a
commented TOML file to start your own from:

  legolab scenarios show deai-2025 > examples/my.toml

Its first line, "#:schema ` + showSchemaPath + `", points editors
(Taplo, Even Better TOML) at the format's JSON Schema from a file one
directory below the repository root, as examples/ is; elsewhere, change the
path or use the URL docs/scenarios.md gives.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			for _, b := range scenarios.Builtins() {
				mark := ""
				if b.Name == scenarios.Default {
					mark = " (default)"
				}
				fmt.Fprintf(w, "%s\t%s%s\n", b.Name, b.Description, mark)
			}
			return w.Flush()
		},
	}
	c.AddCommand(&cobra.Command{
		Use:   "show NAME",
		Short: "Print a built-in scenario's TOML source",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			// An unknown name is bad input, as for legolab run: exit 1,
			// with the built-ins and a did-you-mean.
			src, err := scenarios.BuiltinSource(args[0])
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(showSource(src))
			return err
		},
	})
	return c
}

// showSchemaPath is the schema directive's path in `scenarios show`
// output: right for a copy one directory below the repository root
// (examples/my.toml), where users are told to keep their scenarios. The
// built-ins' own "../scenario.schema.json" is relative to
// scenarios/builtin/ and wrong anywhere else.
const showSchemaPath = "../scenarios/scenario.schema.json"

// showSource returns a built-in's source with its schema directive
// re-pointed for a user's copy.
func showSource(src []byte) []byte {
	const directive = "#:schema "
	if !bytes.HasPrefix(src, []byte(directive)) {
		return src
	}
	_, rest, _ := bytes.Cut(src, []byte("\n"))
	return append([]byte(directive+showSchemaPath+"\n"), rest...)
}
