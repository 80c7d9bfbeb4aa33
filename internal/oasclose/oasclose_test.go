package oasclose

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const doc = `{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {},
  "components": {"schemas": {
    "User": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
    "Extras": {"type": "object", "properties": {"email": {"type": "string"}}},
    "Listed": {"allOf": [{"$ref": "#/components/schemas/User"}, {"$ref": "#/components/schemas/Extras"}]},
    "Open": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": true},
    "Either": {"oneOf": [{"$ref": "#/components/schemas/User"}, {"type": "string"}]}
  }}
}`

// Object schemas are closed; an allOf of plain objects becomes one closed object with every
// part's properties and required list; a schema that allows more, and the parts of a
// composition that stays (oneOf), are left open.
func TestCloseObjectSchemas(t *testing.T) {
	d, err := openapi3.NewLoader().LoadFromData([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	CloseObjectSchemas(d)
	s := d.Components.Schemas
	closed := func(name string) bool {
		ap := s[name].Value.AdditionalProperties
		return ap.Has != nil && !*ap.Has
	}
	if !closed("Extras") || !closed("Listed") {
		t.Errorf("Extras closed %v, Listed closed %v: want both closed", closed("Extras"), closed("Listed"))
	}
	if closed("Open") {
		t.Error("a schema that allows additional properties was closed")
	}
	if closed("User") {
		t.Error("User is a part of the oneOf Either: closing it would refuse Either's other shapes")
	}
	listed := s["Listed"].Value
	if len(listed.AllOf) != 0 || len(listed.Properties) != 2 || len(listed.Required) != 1 {
		t.Fatalf("Listed not flattened: allOf %d, properties %v, required %v", len(listed.AllOf), listed.Properties, listed.Required)
	}
	if err := listed.VisitJSON(map[string]any{"id": "u1", "email": "a@b.c"}); err != nil {
		t.Errorf("a body with the parts' fields: %v", err)
	}
	if err := listed.VisitJSON(map[string]any{"id": "u1", "other": 1}); err == nil {
		t.Error("a body with a field no part lists was accepted")
	}
}
