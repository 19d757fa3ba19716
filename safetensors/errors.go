package safetensors

// FormatError reports a file, header or tensor that does not follow the safetensors format, or
// that exceeds the reader's Limits. Path is empty when the bytes did not come from a named file
// (ParseHeader, Encode); Tensor is empty when the problem is not about one tensor.
type FormatError struct {
	Path   string
	Tensor string
	Reason string
}

func (e *FormatError) Error() string {
	s := "safetensors: "
	if e.Path != "" {
		s += e.Path + ": "
	}
	if e.Tensor != "" {
		s += "tensor " + quote(e.Tensor) + ": "
	}
	return s + e.Reason
}

// withPath returns err with Path set when err is a *FormatError without one.
func withPath(err error, path string) error {
	if fe, ok := err.(*FormatError); ok && fe.Path == "" {
		c := *fe
		c.Path = path
		return &c
	}
	return err
}
