package http_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// schemaChecker validates JSON values against the subset of JSON Schema
// that openapi.json uses: type (a name or a list, "null" among them for
// nullable values), properties, required, additionalProperties, items,
// enum, allOf, format date-time, and $ref to #/components/….
type schemaChecker struct {
	doc map[string]any
}

// resolve follows a $ref such as #/components/schemas/Incident.
func (c schemaChecker) resolve(ref string) (map[string]any, error) {
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("unsupported $ref %q", ref)
	}
	var node any = c.doc
	for _, part := range strings.Split(path, "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q: %q is not an object", ref, part)
		}
		if node, ok = m[part]; !ok {
			return nil, fmt.Errorf("$ref %q: no %q", ref, part)
		}
	}
	m, ok := node.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("$ref %q is not an object", ref)
	}
	return m, nil
}

// check returns every way v breaks schema, each prefixed with its JSON
// path; nothing means v is valid. An object's properties must all be
// documented unless additionalProperties says otherwise.
func (c schemaChecker) check(schema map[string]any, v any, at string) []string {
	return c.checkSchema(schema, v, at, false)
}

// checkSchema is check; lenient lets objects hold properties the schema
// does not name, for the parts of an allOf, each of which names only some.
func (c schemaChecker) checkSchema(schema map[string]any, v any, at string, lenient bool) []string {
	if ref, ok := schema["$ref"].(string); ok {
		target, err := c.resolve(ref)
		if err != nil {
			return []string{at + ": " + err.Error()}
		}
		return c.checkSchema(target, v, at, lenient)
	}
	var errs []string
	if all, ok := schema["allOf"].([]any); ok {
		errs = append(errs, c.checkAllOf(all, v, at, lenient)...)
	}
	if types := schemaTypes(schema); len(types) > 0 && !slices.Contains(types, jsonType(v)) {
		if !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
			return append(errs, fmt.Sprintf("%s: %s, want %s", at, jsonType(v), strings.Join(types, " or ")))
		}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	if s, ok := v.(string); ok && schema["format"] == "date-time" {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", at, s))
		}
	}
	switch v := v.(type) {
	case map[string]any:
		errs = append(errs, c.checkObject(schema, v, at, lenient)...)
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, item := range v {
				errs = append(errs, c.check(items, item, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

// checkAllOf checks v against every part leniently, then, unless lenient,
// that each of v's properties is named by a part.
func (c schemaChecker) checkAllOf(parts []any, v any, at string, lenient bool) []string {
	var errs []string
	known := map[string]bool{}
	for _, p := range parts {
		part := p.(map[string]any)
		errs = append(errs, c.checkSchema(part, v, at, true)...)
		if ref, ok := part["$ref"].(string); ok {
			part, _ = c.resolve(ref)
		}
		for k := range dig(part, "properties").(map[string]any) {
			known[k] = true
		}
	}
	if obj, ok := v.(map[string]any); ok && !lenient {
		for k := range obj {
			if !known[k] {
				errs = append(errs, fmt.Sprintf("%s: property %q is not documented", at, k))
			}
		}
	}
	return errs
}

// checkObject checks an object's required, properties and
// additionalProperties.
func (c schemaChecker) checkObject(schema map[string]any, v map[string]any, at string, lenient bool) []string {
	var errs []string
	for _, r := range asList(schema["required"]) {
		if _, ok := v[r.(string)]; !ok {
			errs = append(errs, fmt.Sprintf("%s: required property %q is missing", at, r))
		}
	}
	props, _ := schema["properties"].(map[string]any)
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if p, ok := props[k].(map[string]any); ok {
			errs = append(errs, c.check(p, v[k], at+"."+k)...)
			continue
		}
		switch extra := schema["additionalProperties"].(type) {
		case bool:
			if !extra {
				errs = append(errs, fmt.Sprintf("%s: property %q is not documented", at, k))
			}
		case map[string]any:
			errs = append(errs, c.check(extra, v[k], at+"."+k)...)
		default:
			if props != nil && !lenient && !hasAllOf(schema) {
				errs = append(errs, fmt.Sprintf("%s: property %q is not documented", at, k))
			}
		}
	}
	return errs
}

// hasAllOf reports whether the schema combines others, whose properties
// the object may hold.
func hasAllOf(schema map[string]any) bool {
	_, ok := schema["allOf"]
	return ok
}

// schemaTypes returns the schema's type as a list.
func schemaTypes(schema map[string]any) []string {
	var out []string
	switch t := schema["type"].(type) {
	case string:
		out = append(out, t)
	case []any:
		for _, s := range t {
			out = append(out, s.(string))
		}
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// jsonType names the JSON Schema type of a value decoded by encoding/json.
func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case json.Number:
		if strings.ContainsAny(string(v), ".eE") {
			return "number"
		}
		return "integer"
	}
	return fmt.Sprintf("%T", v)
}
