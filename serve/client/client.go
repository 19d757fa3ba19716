// Package client is a small Go client of `wfm serve` (package serve): submit generation jobs,
// follow them, fetch their videos, and call the tokenizer and guard endpoints. Load runs the
// load test of `wfm bench serve`.
//
//	c := client.New("http://127.0.0.1:8080", os.Getenv("WFM_API_KEY"))
//	v, err := c.CreateVideo(ctx, serve.VideoParams{Prompt: "a red ball falls"}, nil)
//	...
//	v, err = c.Wait(ctx, v.ID)
//	mp4, _, err := c.Content(ctx, v.ID, "mp4")
package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/serve"
)

// Client talks to one server. The zero HTTP uses http.DefaultClient.
type Client struct {
	BaseURL string
	// Key is the API key sent as a bearer token ("" for none).
	Key  string
	HTTP *http.Client
}

// New returns a client of the server at baseURL (http://HOST:PORT).
func New(baseURL, key string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Key: key}
}

// Error is a response with an error status: the server's error object, the status and, for
// 429, how long the server asked to wait.
type Error struct {
	Status     int
	RetryAfter time.Duration
	serve.APIError
}

// Error gives the status code, the server's error code and its message.
func (e *Error) Error() string {
	return fmt.Sprintf("wfm serve: %d %s: %s", e.Status, e.Code, e.Message)
}

// do sends a request and returns the response of a 2xx status; other statuses are an *Error.
func (c *Client) do(ctx context.Context, method, path, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.Key)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	e := &Error{Status: resp.StatusCode}
	var body2 struct {
		Error serve.APIError `json:"error"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(data, &body2) == nil && body2.Error.Code != "" {
		e.APIError = body2.Error
	} else {
		e.Message = strings.TrimSpace(string(data))
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return nil, e
}

// getJSON decodes the JSON answer of a request into out.
func (c *Client) getJSON(ctx context.Context, method, path, contentType string, body io.Reader, out any) error {
	resp, err := c.do(ctx, method, path, contentType, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// CreateVideo submits a job. With input (a condition image or video's bytes) it is sent as
// multipart; the server sniffs the format.
func (c *Client) CreateVideo(ctx context.Context, p serve.VideoParams, input []byte) (*serve.Video, error) {
	js, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var v serve.Video
	if input == nil {
		return &v, c.getJSON(ctx, "POST", "/v1/videos", "application/json", bytes.NewReader(js), &v)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if err := mw.WriteField("request", string(js)); err != nil {
		return nil, err
	}
	fw, err := mw.CreateFormFile("input", "input")
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(input); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return &v, c.getJSON(ctx, "POST", "/v1/videos", mw.FormDataContentType(), &b, &v)
}

// Video returns a job's current state.
func (c *Client) Video(ctx context.Context, id string) (*serve.Video, error) {
	var v serve.Video
	return &v, c.getJSON(ctx, "GET", "/v1/videos/"+url.PathEscape(id), "", nil, &v)
}

// Cancel cancels a queued or running job; a finished job it deletes (its record and files:
// the answer has Deleted set).
func (c *Client) Cancel(ctx context.Context, id string) (*serve.Video, error) {
	var v serve.Video
	return &v, c.getJSON(ctx, "DELETE", "/v1/videos/"+url.PathEscape(id), "", nil, &v)
}

// Videos lists a page of jobs, newest first, after the job id after ("" for the first page).
func (c *Client) Videos(ctx context.Context, after string, limit int) (*serve.VideoList, error) {
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if after != "" {
		q.Set("after", after)
	}
	var l serve.VideoList
	return &l, c.getJSON(ctx, "GET", "/v1/videos?"+q.Encode(), "", nil, &l)
}

// Events follows a job's event stream, calling f with each state, until the job is finished
// (then it returns the last state) or the stream ends.
func (c *Client) Events(ctx context.Context, id string, f func(*serve.Video)) (*serve.Video, error) {
	resp, err := c.do(ctx, "GET", "/v1/videos/"+url.PathEscape(id)+"/events", "", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 4<<20)
	var last *serve.Video
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		v := new(serve.Video)
		if err := json.Unmarshal([]byte(data), v); err != nil {
			return last, fmt.Errorf("wfm serve: event of %s: %w", id, err)
		}
		last = v
		if f != nil {
			f(v)
		}
		if v.Finished() {
			return v, nil
		}
	}
	if err := sc.Err(); err != nil {
		return last, err
	}
	return last, errors.New("wfm serve: the event stream of " + id + " ended before the job finished")
}

// Wait returns the job once it is finished. It follows the event stream, and when the stream
// breaks (a server restarting) retries every poll until ctx is done; a job the server does not
// know is an error at once.
func (c *Client) Wait(ctx context.Context, id string, poll time.Duration) (*serve.Video, error) {
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	for {
		v, err := c.Events(ctx, id, nil)
		if err == nil && v != nil && v.Finished() {
			return v, nil
		}
		var e *Error
		if errors.As(err, &e) && e.Status == http.StatusNotFound {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// Content downloads a completed job's video in format (mp4, y4m or gif; "" is mp4) and returns
// it with its content type.
func (c *Client) Content(ctx context.Context, id, format string) ([]byte, string, error) {
	path := "/v1/videos/" + url.PathEscape(id) + "/content"
	if format != "" {
		path += "?format=" + url.QueryEscape(format)
	}
	resp, err := c.do(ctx, "GET", path, "", nil)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return data, resp.Header.Get("Content-Type"), err
}

// Tokenize encodes a video (its file's bytes) with the named tokenizer ("" for the server's
// first) and returns the tokens file.
func (c *Client) Tokenize(ctx context.Context, tokenizer string, videoData []byte) ([]byte, error) {
	return c.bytes(ctx, "/v1/tokenize?"+url.Values{"tokenizer": {tokenizer}}.Encode(), videoData)
}

// Detokenize decodes a tokens file into a video in format (y4m, gif or mp4; "" is y4m).
func (c *Client) Detokenize(ctx context.Context, tokenizer, format string, tokens []byte) ([]byte, error) {
	return c.bytes(ctx, "/v1/detokenize?"+url.Values{"tokenizer": {tokenizer}, "format": {format}}.Encode(), tokens)
}

func (c *Client) bytes(ctx context.Context, path string, body []byte) ([]byte, error) {
	resp, err := c.do(ctx, "POST", path, "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// GuardPrompt returns the pre-guard's verdict on prompt.
func (c *Client) GuardPrompt(ctx context.Context, prompt string) (guardrail.Verdict, error) {
	js, _ := json.Marshal(serve.GuardPromptRequest{Prompt: prompt})
	var out struct {
		Verdict guardrail.Verdict `json:"verdict"`
		Error   string            `json:"error"`
	}
	if err := c.getJSON(ctx, "POST", "/v1/guard/prompt", "application/json", bytes.NewReader(js), &out); err != nil {
		return guardrail.Verdict{}, err
	}
	if out.Error != "" {
		return out.Verdict, errors.New("wfm serve: the guard failed: " + out.Error)
	}
	return out.Verdict, nil
}

// Models lists the models and tokenizers served.
func (c *Client) Models(ctx context.Context) (*serve.ModelList, error) {
	var l serve.ModelList
	return &l, c.getJSON(ctx, "GET", "/v1/models", "", nil, &l)
}

// Reports lists the benchmark reports the server was given (its /reports/ folder).
func (c *Client) Reports(ctx context.Context) (*serve.ReportList, error) {
	var l serve.ReportList
	return &l, c.getJSON(ctx, "GET", "/v1/reports", "", nil, &l)
}

// Health is GET /healthz.
func (c *Client) Health(ctx context.Context) (*serve.Health, error) {
	var h serve.Health
	return &h, c.getJSON(ctx, "GET", "/healthz", "", nil, &h)
}
