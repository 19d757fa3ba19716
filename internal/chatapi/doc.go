// Package chatapi is a client for the chat-completions HTTP API that OpenAI defined and that
// vLLM, llama.cpp's server, Ollama, SGLang and TGI also serve (POST {base}/chat/completions,
// https://platform.openai.com/docs/api-reference/chat). Three parts of the platform call
// language models this way: the prompt upsampler (package prompt), the Llama Guard classifier
// (guardrail/classify) and the clip captioner (curate). This package holds what they share:
// it builds the request (text content, or text and images as PNG data URLs for vision
// models), sends the bearer token, bounds each attempt in time, retries transport errors,
// timeouts, 429 and 5xx with doubling back-off (honouring Retry-After), bounds the size of
// the answer, and reads the first choice's text out of it. Its errors name the endpoint and
// the HTTP status; the callers turn them into their own error types.
//
// It is our own, not a library, because what we need is small and sits at the centre of
// three packages: one non-streamed completion with one choice, text out, from servers that
// differ in small ways (content as a string or as text parts). The Go SDKs for this API
// (openai-go, go-openai) follow OpenAI's own service and cover all of it (files, assistants,
// tools, streaming); we know of no well-kept Go library for just the compatible subset. A
// page of code tested here is less to carry than such a dependency.
package chatapi
