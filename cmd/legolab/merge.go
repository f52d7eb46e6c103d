package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/legolab/legolab/lab"
)

func init() { commands = append(commands, newMergeCmd) }

func newMergeCmd(e *env) *cobra.Command {
	var out string
	var top int
	var quiet, noReport, force bool
	c := &cobra.Command{
		Use:   "merge DIR... --out DIR",
		Short: "Combine the shard folders of a sweep",
		Long: `Combine the folders written by 'legolab sweep --shard K/N' (one per shard,
all N of them) into one sweep folder, byte-identical to an unsharded run's.
Merge refuses folders of different sweeps (sweep file, base scenario,
seed, replications or legolab version differ: it says which), a missing or
duplicated shard, and an unfinished one (continue it with --resume first).
An existing non-empty --out is refused unless --force, and even then it is
replaced only if it is a sweep folder legolab marked (its .legolab.json) and
holds no file legolab did not write. --out is locked for the whole command
and each shard folder shared-locked while it is read: a folder another
legolab command is writing is refused at once (docs/outputs.md).`,
		Example: `  legolab merge out/shard-* --out out/sweep
  legolab merge results/shard-0 results/shard-1 results/shard-2 --out results/all`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, dirs []string) error {
			if out == "" {
				return usagef("merge needs --out DIR")
			}
			sum, err := lab.MergeSweepContext(c.Context(), dirs, out, !noReport, force)
			if err != nil {
				return interruptedOr(c.Context(), err)
			}
			printSensitivity(e.stdout, sum, top)
			if !quiet {
				fmt.Fprintf(e.stderr, "Merged %d shard folders into %s\n", len(dirs), out)
			}
			return nil
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "output directory of the merged sweep (required)")
	c.Flags().IntVar(&top, "top", 5, "parameters shown per outcome in the table")
	c.Flags().BoolVarP(&quiet, "quiet", "q", false, "no notes on stderr")
	c.Flags().BoolVar(&noReport, "no-report", false, "leave out the charts (plots/) and report.html")
	c.Flags().BoolVar(&force, "force", false, "replace an existing sweep folder at --out")
	return c
}
