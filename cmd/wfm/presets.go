package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/diffusion"
	"github.com/wfm-platform/wfm/textenc"
)

// presetRow is one model preset and its parameter count, computed from the layer shapes.
type presetRow struct {
	Family    string `json:"family"`
	Name      string `json:"name"`
	Width     int    `json:"width"`
	Blocks    int    `json:"blocks"`
	Heads     int    `json:"heads"`
	Params    int64  `json:"params"`
	Published string `json:"published,omitempty"` // the size in the reference's model name
}

// publishedDiffusion are the sizes NVIDIA gives its Cosmos-1.0 diffusion models in their names.
var publishedDiffusion = map[string]string{"7b": "7B", "7b-v2w": "7B", "14b": "14B", "14b-v2w": "14B"}

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "presets",
		Short: "List the model presets and their parameter counts",
		Long: `presets lists the diffusion transformer, autoregressive decoder and T5 text-encoder presets
with their widths and parameter counts, computed from the layer shapes alone (nothing is
allocated, so the 7B to 14B shapes are listed on any machine). For the published diffusion and
autoregressive sizes it also prints the size in the reference's model name and the difference.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var rows []presetRow
			for _, name := range diffusion.PresetNames() {
				c, err := diffusion.Preset(name)
				if err != nil {
					return err
				}
				rows = append(rows, presetRow{Family: "diffusion", Name: name, Width: c.ModelChannels,
					Blocks: c.NumBlocks, Heads: c.NumHeads, Params: c.ParamCount(), Published: publishedDiffusion[name]})
			}
			for _, name := range autoregressive.PresetNames() {
				c, err := autoregressive.Preset(name)
				if err != nil {
					return err
				}
				pub := ""
				if p, ok := autoregressive.PublishedParams[name]; ok {
					pub = fmt.Sprintf("%gB", p/1e9)
				}
				rows = append(rows, presetRow{Family: "autoregressive", Name: name, Width: c.DModel,
					Blocks: c.NumLayers, Heads: c.NumHeads, Params: c.NumParams(), Published: pub})
			}
			for _, name := range textenc.PresetNames() {
				c, err := textenc.Preset(name)
				if err != nil {
					return err
				}
				rows = append(rows, presetRow{Family: "textenc", Name: name, Width: c.DModel,
					Blocks: c.NumLayers, Heads: c.NumHeads, Params: c.Params()})
			}
			return printResult(cmd.OutOrStdout(), rows, func(w io.Writer) error {
				fmt.Fprintf(w, "%-14s %-16s %6s %6s %5s %16s  %s\n", "family", "preset", "width", "blocks", "heads", "parameters", "published")
				for _, r := range rows {
					pub := ""
					if r.Published != "" {
						var want float64
						fmt.Sscanf(r.Published, "%gB", &want)
						pub = fmt.Sprintf("%s (ours %+.1f%%)", r.Published, 100*(float64(r.Params)/(want*1e9)-1))
					}
					fmt.Fprintf(w, "%-14s %-16s %6d %6d %5d %16d  %s\n", r.Family, r.Name, r.Width, r.Blocks, r.Heads, r.Params, pub)
				}
				return nil
			})
		},
	})
}
