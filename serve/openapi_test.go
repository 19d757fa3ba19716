package serve

import (
	"encoding/json"
	"errors"
	"net/http"
	"os/exec"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/worldgen"
)

// jsonFields are the JSON names of struct type t's fields (embedded structs not expected).
func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPISchemas: every schema of the committed document has exactly the JSON fields of
// the Go type the server encodes, every $ref resolves, and every operation answers a 2xx with
// a body description.
func TestOpenAPISchemas(t *testing.T) {
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
				Required   []string       `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	types := map[string]reflect.Type{
		"VideoParams": reflect.TypeFor[VideoParams](), "Video": reflect.TypeFor[Video](),
		"VideoList": reflect.TypeFor[VideoList](), "Verdict": reflect.TypeFor[guardrail.Verdict](),
		"Report": reflect.TypeFor[worldgen.Report](), "APIError": reflect.TypeFor[APIError](),
		"ErrorBody": reflect.TypeFor[errorBody](), "ModelInfo": reflect.TypeFor[ModelInfo](),
		"ModelList": reflect.TypeFor[ModelList](), "Health": reflect.TypeFor[Health](),
		"ReportFile": reflect.TypeFor[ReportFile](), "ReportList": reflect.TypeFor[ReportList](),
	}
	for name, typ := range types {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("the document has no schema %s", name)
			continue
		}
		var props []string
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		if want := jsonFields(typ); !slices.Equal(props, want) {
			t.Errorf("schema %s has properties %v, the Go type %v", name, props, want)
		}
		for _, r := range s.Required {
			if s.Properties[r] == nil {
				t.Errorf("schema %s requires %s, which it does not define", name, r)
			}
		}
	}
	for name := range doc.Components.Schemas {
		if types[name] == nil {
			t.Errorf("schema %s: no Go type checked against it", name)
		}
	}
	raw := string(OpenAPI)
	for _, part := range strings.Split(raw, `"$ref": "#/components/schemas/`)[1:] {
		name, _, _ := strings.Cut(part, `"`)
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("$ref to a missing schema %s", name)
		}
	}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			var o struct {
				Responses map[string]struct {
					Content map[string]any `json:"content"`
				} `json:"responses"`
			}
			if err := json.Unmarshal(op, &o); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			ok := false
			for code, r := range o.Responses {
				if strings.HasPrefix(code, "2") && len(r.Content) > 0 {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s %s: no 2xx response with a body", method, path)
			}
		}
	}
}

// TestOpenAPIRoutes: every operation of the document reaches a handler of the server (none is
// the catch-all's "no such endpoint", a 405, or the page's 404).
func TestOpenAPIRoutes(t *testing.T) {
	resetFake()
	releaseFake()
	ts := startServer(t, Config{Models: []string{"fake:m"}, ReportsDir: t.TempDir()})
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	id := "vid_" + strings.Repeat("0", 32)
	for path, ops := range doc.Paths {
		for method := range ops {
			p := strings.NewReplacer("{id}", id, "{name}", "none.md").Replace(path)
			m := strings.ToUpper(method)
			req, _ := http.NewRequest(m, ts.URL+p, strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			r, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var e errorBody
			if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				_ = json.NewDecoder(r.Body).Decode(&e)
			}
			r.Body.Close()
			if r.StatusCode == http.StatusMethodNotAllowed || strings.HasPrefix(e.Error.Message, "no such endpoint") {
				t.Errorf("%s %s: %d %q: not routed", m, p, r.StatusCode, e.Error.Message)
			}
			if r.StatusCode == http.StatusNotFound && e.Error.Code == "" && !strings.HasPrefix(p, "/reports/") {
				t.Errorf("%s %s: the page's 404", m, p)
			}
		}
	}
}

// TestOpenAPIValidates runs the committed document through openapi-spec-validator (the
// reference validator of OpenAPI 3.0, a Python package) where it is installed.
func TestOpenAPIValidates(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3: the OpenAPI document is not validated here")
	}
	const script = `import sys
try:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename
except ImportError:
    sys.exit(3)
d, _ = read_from_filename(sys.argv[1])
validate(d)`
	out, err := exec.CommandContext(t.Context(), py, "-c", script, "openapi.json").CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		t.Skip("no openapi-spec-validator (pip install openapi-spec-validator): the OpenAPI document is not validated here")
	}
	if err != nil {
		t.Fatalf("openapi.json does not validate: %v\n%s", err, out)
	}
}
