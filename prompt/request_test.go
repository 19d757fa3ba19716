package prompt

// chatRequest is the request body the OpenAI adapter must send, as the test server reads it
// (with unknown fields refused). It is written out here rather than taken from
// internal/chatapi, so that the tests check the wire format itself.
type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	MaxTokens   int           `json:"max_tokens"`
	Temperature float64       `json:"temperature"`
	N           int           `json:"n"`
	Stream      bool          `json:"stream"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}
