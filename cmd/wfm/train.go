package main

import "github.com/spf13/cobra"

// trainCmd is the parent of the model-specific training commands (train_*.go), which all run
// the shared loop of package train: checkpoints, exact resume, metrics.jsonl and loss plots.
var trainCmd = &cobra.Command{
	Use:   "train",
	Short: "Train or fine-tune a model (tokenizer, diffusion, autoregressive, medusa, textenc) with the shared training loop",
	Long: `train runs the shared training loop for one model family. Every run writes checkpoints
(weights, optimizer, data-loader position, RNG), metrics.jsonl and loss.png to --out, and running
the same command again resumes from the newest checkpoint with the same results as an
uninterrupted run. Ctrl-C saves a checkpoint and stops.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, args []string) error {
		return usagef("train needs a model: %s --help lists them", cmd.CommandPath())
	},
}

func init() { rootCmd.AddCommand(trainCmd) }
