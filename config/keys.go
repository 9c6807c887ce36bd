package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// unknownKeys walks the YAML document against Config and returns one
// "line N: unknown key ..." message per key that Config does not have,
// with the full dotted path and the keys the section does have. The
// decoder's own KnownFields check finds the same keys, but names only the
// Go type, which means nothing to the person editing the file.
func unknownKeys(doc *yaml.Node) []string {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	var out []string
	checkKeys(doc.Content[0], reflect.TypeOf(Config{}), "", &out)
	return out
}

func checkKeys(n *yaml.Node, t reflect.Type, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if key == "<<" {
				continue
			}
			ft, ok := fields[key]
			if !ok {
				*out = append(*out, fmt.Sprintf("line %d: unknown key %q: %s", n.Content[i].Line, join(path, key), known(path, fields)))
				continue
			}
			checkKeys(n.Content[i+1], ft, join(path, key), out)
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkKeys(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), out)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for _, item := range n.Content {
			checkKeys(item, t.Elem(), path, out)
		}
	}
}

// yamlFields maps the YAML keys of struct type t to their types, following
// yaml.v3's rules: the tag's name, else the lower-cased field name, and
// inline structs flattened.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			for k, v := range yamlFields(f.Type) {
				fields[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	return fields
}

// known lists the keys a section accepts, for the error message.
func known(path string, fields map[string]reflect.Type) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	where := "the top level"
	if path != "" {
		where = path
	}
	return where + " accepts " + strings.Join(keys, ", ")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
