package serve

import _ "embed"

// OpenAPI is the OpenAPI 3.0 document of the API (openapi.json, served at /v1/openapi.json).
//
//go:embed openapi.json
var OpenAPI []byte
