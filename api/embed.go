// Package api holds the wire contract of the provisioning API: api/openapi.yaml (with its prose in
// api/README.md), embedded so that tests can validate traffic against it.
package api

import _ "embed"

// OpenAPI is the content of api/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
