package serve

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/jpeg" // condition images may be JPEG
	_ "image/png"  // or PNG
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

// uploadLimits bound what a condition upload may decode to.
var uploadLimits = video.Limits{MaxWidth: 2048, MaxHeight: 2048, MaxFrames: 512, MaxBytes: 512 << 20}

// Upload formats, by the extension the server stores them under (which is what
// worldgen.ReadInput and video.Read choose their decoder by).
var uploadFormats = map[string]string{
	"image/png":  ".png",
	"image/jpeg": ".jpg",
	"image/gif":  ".gif",
	"video/mp4":  ".mp4",
	"video/webm": ".webm",
}

// sniffUpload names the format of an upload from its first bytes (http.DetectContentType, and
// the Y4M signature it does not know), never from the name or type the client claims.
func sniffUpload(data []byte) (contentType, ext string, err error) {
	if bytes.HasPrefix(data, []byte("YUV4MPEG2 ")) {
		return "video/x-yuv4mpeg", ".y4m", nil
	}
	ct := http.DetectContentType(data)
	ct, _, _ = strings.Cut(ct, ";")
	if ext, ok := uploadFormats[ct]; ok {
		return ct, ext, nil
	}
	return ct, "", &RequestError{Field: "input", Reason: "unsupported content " + ct + " (want PNG, JPEG, GIF, Y4M, MP4 or WebM)"}
}

// decodeMedia decodes an upload of the given extension (sniffUpload's) within lim; an error is
// a RequestError naming field. Images, GIF and Y4M are decoded from data; MP4 and WebM need a
// file for ffmpeg: path, which must hold data (the server's path never shows in the error).
func decodeMedia(ctx context.Context, data []byte, ext, field string, lim video.Limits, path string) (*video.Clip, error) {
	bad := func(err error) error { return &RequestError{Field: field, Reason: err.Error()} }
	opts := video.Options{Limits: lim}
	switch ext {
	case ".png", ".jpg":
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, bad(err)
		}
		if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > lim.MaxWidth || cfg.Height > lim.MaxHeight {
			return nil, &RequestError{Field: field, Reason: "image too large or empty"}
		}
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, bad(err)
		}
		return video.FromImages([]image.Image{img}, worldgen.DefaultFPS)
	case ".gif":
		c, err := video.DecodeGIF(data, field, opts)
		if err != nil {
			return nil, bad(err)
		}
		return c, nil
	case ".y4m":
		c, err := video.DecodeY4M(bytes.NewReader(data), field, opts)
		if err != nil {
			return nil, bad(err)
		}
		return c, nil
	}
	c, err := video.Read(ctx, path, opts)
	if err != nil {
		return nil, &RequestError{Field: field, Reason: strings.ReplaceAll(err.Error(), path, field)}
	}
	return c, nil
}

// needsFile reports whether decodeMedia reads an upload of extension ext from a file.
func needsFile(ext string) bool { return ext == ".mp4" || ext == ".webm" }

// transportError reports whether a body's read error is the transport's (a body over the
// limit, or too slow), which writeErr answers as such, rather than malformed content.
func transportError(err error) bool {
	var tooBig *http.MaxBytesError
	return errors.As(err, &tooBig) || errors.Is(err, os.ErrDeadlineExceeded)
}

// parseMultipartSubmission reads a multipart POST /v1/videos: the "request" field holds the
// JSON VideoParams (at most maxRequest bytes), the optional "input" file the condition image or
// video (at most maxUpload bytes). Any other part, or either twice, is refused.
func parseMultipartSubmission(body io.Reader, boundary string, maxRequest, maxUpload int64) (VideoParams, *upload, error) {
	mr := multipart.NewReader(body, boundary)
	var (
		req []byte
		up  *upload
	)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if transportError(err) {
				return VideoParams{}, nil, err
			}
			return VideoParams{}, nil, invalidf("multipart body: %v", err)
		}
		name := part.FormName()
		var limit int64
		switch {
		case name == "request" && req == nil:
			limit = maxRequest
		case name == "input" && up == nil:
			limit = maxUpload
		default:
			part.Close()
			return VideoParams{}, nil, invalidf("multipart body: unexpected part %q (want one request field and at most one input file)", name)
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		part.Close()
		if err != nil {
			if transportError(err) {
				return VideoParams{}, nil, err
			}
			return VideoParams{}, nil, invalidf("multipart part %q: %v", name, err)
		}
		if int64(len(data)) > limit {
			return VideoParams{}, nil, &http.MaxBytesError{Limit: limit}
		}
		if name == "request" {
			req = data
			if req == nil {
				req = []byte{}
			}
		} else {
			if len(data) == 0 {
				return VideoParams{}, nil, &RequestError{Field: "input", Reason: "empty file"}
			}
			up = &upload{data: data}
		}
	}
	if req == nil {
		return VideoParams{}, nil, &RequestError{Field: "request", Reason: "missing: a multipart submission needs the JSON parameters in a field named request"}
	}
	p, err := ParseVideoParams(req)
	return p, up, err
}
