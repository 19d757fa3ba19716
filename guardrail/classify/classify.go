package classify

import (
	"context"
	"image"
)

// Result is a classifier's verdict on one prompt or image.
type Result struct {
	Safe bool `json:"safe"`
	// Categories are the hazard categories the model named, e.g. "S1 violent crimes".
	Categories []string `json:"categories,omitempty"`
	// Score is the model's probability that the input is unsafe, where it gives one.
	Score float64 `json:"score,omitempty"`
	Model string  `json:"model"`
}

// TextClassifier labels a prompt. An error means no verdict: callers must not treat it as safe.
type TextClassifier interface {
	Name() string
	ClassifyText(ctx context.Context, text string) (Result, error)
}

// ImageClassifier labels one video frame. An error means no verdict.
type ImageClassifier interface {
	Name() string
	ClassifyImage(ctx context.Context, img image.Image) (Result, error)
}
