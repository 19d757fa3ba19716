package chatapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wfm-platform/wfm/internal/chatapi"
)

func ExampleClient_Complete() {
	// A stand-in for vLLM, llama.cpp's server or any other OpenAI-compatible server.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"choices":[{"message":{"role":"assistant","content":"A red ball falls."},"finish_reason":"stop"}]}`)
	}))
	defer srv.Close()

	c := &chatapi.Client{URL: chatapi.Endpoint(srv.URL + "/v1"), Attempts: 3}
	reply, err := c.Complete(context.Background(), chatapi.Request{Model: "my-model", MaxTokens: 64,
		Messages: []chatapi.Message{{Role: "user", Text: "Describe a falling ball."}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reply.Content, reply.FinishReason)
	// Output: A red ball falls. stop
}
