package config

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the committed JSON Schemas and reference in config/schema")

// The committed schemas are what editors read, and the reference what people
// read: they must be what the Go types generate today.
func TestSchemasUpToDate(t *testing.T) {
	dir := "schema" // config/schema, relative to this package
	if *update {
		require.NoError(t, WriteSchemas(dir))
	}
	generated := Generated()
	for name, want := range generated {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if !assert.NoError(t, err, "%s (run make schema)", name) {
			continue
		}
		assert.Equal(t, string(want), string(got), "config/schema/%s is stale: the Go types or their tags changed; run make schema and commit it", name)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		_, ok := generated[e.Name()]
		assert.True(t, ok, "config/schema/%s is not generated any more; remove it", e.Name())
	}
}

// The examples reference the schemas and must pass them; the base files of
// the validation test too. Checked with the subset of JSON Schema the
// generator emits.
func TestExamplesMatchSchemas(t *testing.T) {
	schemas := Schemas()
	files := map[string]string{"vendor.yaml": VendorSchemaFile}
	customers, _ := filepath.Glob("customers/*.yaml")
	for _, c := range customers {
		files[c] = CustomerSchemaFile
	}
	for file, schema := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Contains(t, string(data), "$schema=", "%s does not reference schema/%s for editors", file, schema)
		assert.Contains(t, string(data), schema, "%s does not reference schema/%s for editors", file, schema)
		assert.Empty(t, schemaCheck(t, schemas[schema], data), "%s fails its schema", file)
	}
	for _, doc := range []string{baseAcme, baseBeta} {
		assert.Empty(t, schemaCheck(t, schemas[CustomerSchemaFile], []byte(doc)), "valid customer fails the schema")
	}
}

// The schema must catch in the editor what it can: unknown keys, missing
// required keys, wrong types, patterns.
func TestSchemaRejects(t *testing.T) {
	cases := map[string]struct{ old, new, want string }{
		"unknown key":   {"region:", "regoin:", `regoin: not allowed`},
		"missing key":   {"account: \"444455556666\"\n", "", `(document): required key account missing`},
		"wrong type":    {"[5432]", "[\"5432\"]", `privateLink.services.0.ports.0: want integer`},
		"pattern":       {"use1-az1,", "us-east-1a,", `privateLink.availabilityZones.0: "us-east-1a" does not match`},
		"maximum":       {"[5432]", "[70000]", `privateLink.services.0.ports.0: 70000 above maximum`},
		"unknown enum":  {"region: us-east-1", "region: moon-1", `region: moon-1 not one of`},
		"nested object": {"  vpcCidr:", "  extra: 1\n  vpcCidr:", `privateLink.extra: not allowed`},
	}
	schema := Schemas()[CustomerSchemaFile]
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := replace(t, baseAcme, tc.old, tc.new)
			problems := schemaCheck(t, schema, []byte(doc))
			assert.Contains(t, strings.Join(problems, "\n"), tc.want, "schema problems")
		})
	}
}

// schemaCheck validates a YAML document against a generated schema, with
// the keywords the generator uses: type, properties, required,
// additionalProperties, items, pattern, enum, minimum, maximum.
func schemaCheck(t *testing.T, schema, doc []byte) []string {
	t.Helper()
	var s map[string]any
	require.NoError(t, json.Unmarshal(schema, &s))
	var v any
	require.NoError(t, yaml.Unmarshal(doc, &v))
	var problems []string
	var walk func(s map[string]any, v any, path string)
	walk = func(s map[string]any, v any, path string) {
		bad := func(format string, args ...any) {
			p := path
			if p == "" {
				p = "(document)"
			}
			problems = append(problems, p+": "+fmt.Sprintf(format, args...))
		}
		switch s["type"] {
		case "object":
			m, ok := v.(map[string]any)
			if !ok {
				bad("want object")
				return
			}
			props, _ := s["properties"].(map[string]any)
			for _, r := range asList(s["required"]) {
				if _, ok := m[r.(string)]; !ok {
					bad("required key %s missing", r)
				}
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				kp := strings.TrimPrefix(path+"."+k, ".")
				if ps, ok := props[k].(map[string]any); ok {
					walk(ps, m[k], kp)
				} else if ap, ok := s["additionalProperties"].(map[string]any); ok {
					walk(ap, m[k], kp)
				} else {
					problems = append(problems, kp+": not allowed")
				}
			}
		case "array":
			l, ok := v.([]any)
			if !ok {
				bad("want array")
				return
			}
			for i, item := range l {
				walk(s["items"].(map[string]any), item, fmt.Sprintf("%s.%d", path, i))
			}
		case "string":
			str, ok := v.(string)
			if !ok {
				bad("want string, got %T", v)
				return
			}
			if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
				bad("%q does not match %s", str, p)
			}
		case "integer":
			n, ok := v.(int)
			if !ok {
				bad("want integer, got %T", v)
				return
			}
			if m, ok := s["minimum"].(float64); ok && float64(n) < m {
				bad("%d below minimum %v", n, m)
			}
			if m, ok := s["maximum"].(float64); ok && float64(n) > m {
				bad("%d above maximum %v", n, m)
			}
		case "boolean":
			if _, ok := v.(bool); !ok {
				bad("want boolean")
			}
		}
		if enum := asList(s["enum"]); enum != nil {
			found := false
			for _, e := range enum {
				found = found || fmt.Sprint(e) == fmt.Sprint(v)
			}
			if !found {
				bad("%v not one of the enum values", v)
			}
		}
	}
	walk(s, v, "")
	return problems
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
