package torchfile

// FormatError reports a file that is not a PyTorch archive this package can read, or that
// exceeds the reader's Limits. Path names the file (empty when the bytes came from a reader
// without a name) and Member the archive member (such as "archive/data.pkl") when the problem
// is in one.
type FormatError struct {
	Path   string
	Member string
	Reason string
}

func (e *FormatError) Error() string {
	s := "torchfile: "
	if e.Path != "" {
		s += e.Path + ": "
	}
	if e.Member != "" {
		s += e.Member + ": "
	}
	return s + e.Reason
}
