package eval

import (
	"encoding/json"
	"math"
	"strconv"
)

// Metric is a measured value in a result. NaN and infinities (nothing to measure, such as no
// object found, or identical frames giving an infinite PSNR) are written to JSON as null and
// read back as NaN, since JSON has no numbers for them.
type Metric float64

// MarshalJSON implements json.Marshaler.
func (m Metric) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(m)) || math.IsInf(float64(m), 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(m), 'g', 7, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *Metric) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = Metric(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = Metric(v)
	return nil
}
