package main

import (
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

  legolab scenarios show deai-2025 > my.toml`,
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
			src, err := scenarios.BuiltinSource(args[0])
			if err != nil {
				return usagef("%v", err)
			}
			_, err = e.stdout.Write(src)
			return err
		},
	})
	return c
}
