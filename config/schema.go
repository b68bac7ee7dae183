package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// SchemaDir is where the committed JSON Schemas live, relative to the project root.
const SchemaDir = "config/schema"

// Schema file names, one per kind of file.
const (
	VendorSchemaFile   = "vendor.schema.json"
	CustomerSchemaFile = "customer.schema.json"
)

// Schemas returns the JSON Schema (draft 2020-12) of each kind of file,
// generated from the Go types and their tags so it cannot drift from the
// decoder. Editors use it for completion and inline checks; the loader stays
// the authority (it checks what a schema cannot, such as overlaps).
func Schemas() map[string][]byte {
	out := map[string][]byte{}
	for file, s := range map[string]struct {
		t     reflect.Type
		title string
	}{
		VendorSchemaFile:   {reflect.TypeOf(Vendor{}), "privateconnect vendor.yaml"},
		CustomerSchemaFile: {reflect.TypeOf(Customer{}), "privateconnect customers/<name>.yaml"},
	} {
		root := schemaOf(s.t, reflect.StructField{})
		root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
		root["title"] = s.title
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // keep <region> readable in descriptions
		enc.SetIndent("", "  ")
		if err := enc.Encode(root); err != nil {
			panic(err) // only maps, strings and numbers: cannot fail
		}
		out[file] = buf.Bytes()
	}
	return out
}

// Generated returns every file generated from the Go types and their tags,
// by name: the JSON Schemas and the configuration reference.
func Generated() map[string][]byte {
	out := Schemas()
	out[ReferenceFile] = Reference()
	return out
}

// WriteSchemas writes every generated file (the schemas and the reference)
// into dir, each replaced atomically.
func WriteSchemas(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	schemas := Generated()
	names := make([]string, 0, len(schemas))
	for name := range schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := writeAtomic(filepath.Join(dir, name), schemas[name], true); err != nil {
			return err
		}
	}
	return nil
}

// schemaOf describes a Go type; f carries the tags of the field holding it.
// For a list, pattern, enum, minimum and maximum describe its items.
func schemaOf(t reflect.Type, f reflect.StructField) map[string]any {
	s := map[string]any{}
	doc := f.Tag.Get("doc")
	if d := f.Tag.Get("default"); d != "" {
		doc += " Default: " + d + "."
		s["default"], _ = defaultValue(f)
	} else if d := f.Tag.Get("defaultDoc"); d != "" {
		doc += " Default: " + d + "."
	}
	if doc != "" {
		s["description"] = doc
	}
	if t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			key := strings.Split(sf.Tag.Get("yaml"), ",")[0]
			if key == "" || key == "-" {
				continue
			}
			props[key] = schemaOf(sf.Type, sf)
			if sf.Tag.Get("pc") == "required" {
				required = append(required, key)
			}
		}
		s["type"] = "object"
		s["properties"] = props
		s["additionalProperties"] = false
		if len(required) > 0 {
			s["required"] = required
		}
	case reflect.Slice:
		item := schemaOf(t.Elem(), reflect.StructField{})
		constrain(item, f.Tag)
		s["type"] = "array"
		s["items"] = item
	case reflect.Map:
		value := schemaOf(t.Elem(), reflect.StructField{})
		constrain(value, f.Tag) // on a map, the tags apply to its values
		s["type"] = "object"
		s["additionalProperties"] = value
	case reflect.String:
		s["type"] = "string"
		constrain(s, f.Tag)
	case reflect.Int:
		s["type"] = "integer"
		constrain(s, f.Tag)
	case reflect.Bool:
		s["type"] = "boolean"
	default:
		panic(fmt.Sprintf("config: no schema for %s", t))
	}
	return s
}

func constrain(s map[string]any, tag reflect.StructTag) {
	if p := tag.Get("pattern"); p != "" {
		s["pattern"] = p
	}
	if e := tag.Get("enum"); e != "" {
		s["enum"] = enumValues(e, s["type"] == "integer")
	}
	for _, k := range []string{"minimum", "maximum"} {
		if v := tag.Get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				panic(fmt.Sprintf("config: %s tag %q is not a number", k, v))
			}
			s[k] = n
		}
	}
}

// enumValues expands an enum tag: a comma-separated list, or $regions and
// $logRetentionDays for the lists kept in regions.go.
func enumValues(tag string, integer bool) []any {
	var out []any
	switch tag {
	case "$regions":
		for _, r := range sortedKeys(azPrefix) {
			out = append(out, r)
		}
	case "$logRetentionDays":
		for _, d := range logRetentionDays {
			out = append(out, d)
		}
	default:
		for _, v := range strings.Split(tag, ",") {
			if integer {
				n, err := strconv.Atoi(v)
				if err != nil {
					panic(fmt.Sprintf("config: enum value %q is not a number", v))
				}
				out = append(out, n)
			} else {
				out = append(out, v)
			}
		}
	}
	return out
}

// writeAtomic writes data to path through a temporary file in the same
// directory, so a reader never sees half a file. With replace false it fails
// when path exists, and never overwrites it.
func writeAtomic(path string, data []byte, replace bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if replace {
		return os.Rename(tmp.Name(), path)
	}
	// A hard link fails if path exists: no window in which another writer's
	// file could be replaced.
	return os.Link(tmp.Name(), path)
}
