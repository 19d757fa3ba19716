package geometry

import (
	"encoding/json"
	"math"
)

// JSON: encoding/json refuses NaN and infinities, which mark "not measured"
// here, so the result types write them as null, under snake_case keys.

func nullable(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// MarshalJSON writes the pair with NaN values as null.
func (p PairConsistency) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		From                int      `json:"from"`
		To                  int      `json:"to"`
		Keypoints1          int      `json:"keypoints1"`
		Keypoints2          int      `json:"keypoints2"`
		Matches             int      `json:"matches"`
		Inliers             int      `json:"inliers"`
		Estimated           bool     `json:"estimated"`
		F                   *Mat3    `json:"F,omitempty"`
		MeanSampson         *float64 `json:"mean_sampson_px"`
		MedianSampson       *float64 `json:"median_sampson_px"`
		MeanSampsonMatches  *float64 `json:"mean_sampson_matches_px"`
		Pose                *Pose    `json:"pose,omitempty"`
		FrontFraction       float64  `json:"front_fraction"`
		RotationErrorDeg    *float64 `json:"rotation_error_deg"`
		TranslationErrorDeg *float64 `json:"translation_error_deg"`
		PoseOK              bool     `json:"pose_ok"`
	}{
		p.From, p.To, p.Keypoints1, p.Keypoints2, p.Matches, p.Inliers, p.Estimated,
		fIfEstimated(p), nullable(p.MeanSampson), nullable(p.MedianSampson), nullable(p.MeanSampsonMatches),
		p.Pose, p.FrontFraction, nullable(p.RotationErrorDeg), nullable(p.TranslationErrorDeg), p.PoseOK,
	})
}

func fIfEstimated(p PairConsistency) *Mat3 {
	if !p.Estimated {
		return nil
	}
	return &p.F
}

// MarshalJSON writes the clip with NaN values as null.
func (c ClipConsistency) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Width           int               `json:"width"`
		Height          int               `json:"height"`
		Pairs           []PairConsistency `json:"pairs"`
		EstimatedPairs  int               `json:"estimated_pairs"`
		MeanSampson     *float64          `json:"mean_sampson_px"`
		MedianSampson   *float64          `json:"median_sampson_px"`
		PoseSuccessRate float64           `json:"pose_success_rate"`
		MeanInliers     float64           `json:"mean_inliers"`
	}{
		c.Width, c.Height, c.Pairs, c.EstimatedPairs, nullable(c.MeanSampson), nullable(c.MedianSampson),
		c.PoseSuccessRate, c.MeanInliers,
	})
}

// MarshalJSON writes the summary with NaN values as null.
func (s Summary) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Clips           int      `json:"clips"`
		MedianSampson   *float64 `json:"median_sampson_px"`
		PoseSuccessRate float64  `json:"pose_success_rate"`
	}{s.Clips, nullable(s.MedianSampson), s.PoseSuccessRate})
}

// poseJSON is how a Pose is written: T as a three-number array.
type poseJSON struct {
	R Mat3
	T [3]float64
}

// MarshalJSON writes the pose as {"R": [[...], [...], [...]], "T": [x, y, z]}.
func (p Pose) MarshalJSON() ([]byte, error) {
	return json.Marshal(poseJSON{p.R, [3]float64{p.T.X, p.T.Y, p.T.Z}})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (p *Pose) UnmarshalJSON(data []byte) error {
	var v poseJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*p = Pose{R: v.R, T: Vec3{X: v.T[0], Y: v.T[1], Z: v.T[2]}}
	return nil
}
