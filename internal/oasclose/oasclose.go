// Package oasclose makes an OpenAPI document strict for validation in tests: its object schemas
// are closed, so that a body may not carry a field the contract does not list. Both contract
// checkers (internal/apispec for the reference contract, internal/webexspec for Cisco's Webex
// specs) load their documents through it.
package oasclose

import (
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// CloseObjectSchemas flattens every allOf of object parts into one object schema (so that a
// composed object such as a list item "User plus includes" can be closed as a whole while User stays
// closed on its own), then sets additionalProperties: false on every object schema that lists
// properties, says nothing about additional ones and is not a part of a remaining composition.
func CloseObjectSchemas(doc *openapi3.T) {
	var all []*openapi3.Schema
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		all = append(all, s)
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, p := range group {
				walk(p)
			}
		}
		for _, name := range sortedKeys(s.Properties) {
			walk(s.Properties[name])
		}
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
	}
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.Schemas) {
			walk(doc.Components.Schemas[name])
		}
	}
	for _, p := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(p).Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			if op.Responses == nil {
				continue
			}
			for _, code := range sortedKeys(op.Responses.Map()) {
				if r := op.Responses.Value(code); r != nil && r.Value != nil {
					for _, mt := range r.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
	flattened := map[*openapi3.Schema]bool{}
	for _, s := range all {
		flattenAllOf(s, flattened)
	}
	parts := map[*openapi3.Schema]bool{} // parts of the compositions that could not be flattened
	for _, s := range all {
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, p := range group {
				if p != nil && p.Value != nil {
					parts[p.Value] = true
				}
			}
		}
	}
	closed := false
	for _, s := range all {
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil && !parts[s] {
			s.AdditionalProperties.Has = &closed
		}
	}
}

// flattenAllOf replaces the allOf of s by the union of its object parts' properties and required
// lists (parts first flattened themselves). It leaves s alone when a part is not a plain object,
// allows additional properties, or defines a property that another part defines differently.
func flattenAllOf(s *openapi3.Schema, done map[*openapi3.Schema]bool) {
	if done[s] || len(s.AllOf) == 0 {
		return
	}
	done[s] = true
	props := openapi3.Schemas{}
	for name, p := range s.Properties {
		props[name] = p
	}
	required := slices.Clone(s.Required)
	for _, ref := range s.AllOf {
		if ref == nil || ref.Value == nil {
			return
		}
		p := ref.Value
		flattenAllOf(p, done)
		plain := len(p.AllOf) == 0 && len(p.AnyOf) == 0 && len(p.OneOf) == 0 && p.Not == nil &&
			(p.Type == nil || p.Type.Is(openapi3.TypeObject)) && p.AdditionalProperties.Has == nil &&
			p.AdditionalProperties.Schema == nil
		if !plain {
			return
		}
		for name, prop := range p.Properties {
			if have, ok := props[name]; ok && have.Value != prop.Value {
				return
			}
			props[name] = prop
		}
		for _, r := range p.Required {
			if !slices.Contains(required, r) {
				required = append(required, r)
			}
		}
	}
	s.AllOf = nil
	s.Properties = props
	s.Required = required
	s.Type = &openapi3.Types{openapi3.TypeObject}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
