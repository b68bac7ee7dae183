package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// eachField calls visit for every key a file of type t may hold, with its
// path in the reference's notation.
func eachField(t reflect.Type, path string, visit func(f reflect.StructField, path string)) {
	for _, f := range yamlFields(t) {
		p := strings.TrimPrefix(path+"."+yamlKey(f), ".")
		visit(f, p)
		ft := f.Type
		if ft.Kind() == reflect.Ptr {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			eachField(ft, p, visit)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			eachField(ft.Elem(), p+"[]", visit)
		case ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Struct:
			eachField(ft.Elem(), p+".<"+mapKeyName(f)+">", visit)
		}
	}
}

// Every key is documented, its default is in the default or defaultDoc tag
// (not in the prose, where the reference and the schema could not show it),
// and a constant default is a value of the key's type.
func TestEveryKeyIsDocumented(t *testing.T) {
	prose := regexp.MustCompile(`(?i)\(default\b|\bdefault:|\bdefault \[|\bdefault \d|\bdefault (true|false)\b`)
	for _, root := range []reflect.Type{reflect.TypeOf(Vendor{}), reflect.TypeOf(Customer{})} {
		eachField(root, "", func(f reflect.StructField, path string) {
			doc := f.Tag.Get("doc")
			assert.NotEmpty(t, doc, "%s %s has no doc tag", root.Name(), path)
			assert.NotRegexp(t, prose, doc, "%s %s states its default in its doc: move it to a default (or defaultDoc) tag", root.Name(), path)
			assert.False(t, f.Tag.Get("default") != "" && f.Tag.Get("defaultDoc") != "", "%s %s has both default and defaultDoc", root.Name(), path)
			assert.False(t, f.Tag.Get("pc") == "required" && (f.Tag.Get("default") != "" || f.Tag.Get("defaultDoc") != ""), "%s %s is required and has a default", root.Name(), path)
			if tag := f.Tag.Get("default"); tag != "" {
				// Decoding the tag as the key's own type proves it a valid value.
				var errs Errors
				v := reflect.New(f.Type)
				d := &decoder{report: report{file: "tag", lines: map[string]int{}, errs: &errs}}
				var n yaml.Node
				require.NoError(t, yaml.Unmarshal([]byte(tag), &n))
				d.value(n.Content[0], v.Elem(), path)
				assert.Empty(t, errs, "%s %s: default %q is not a value of its type", root.Name(), path, tag)
			}
		})
	}
}

// defaultsVendor and defaultsCustomer leave out every key with a default tag,
// in every section (an empty section is an error: {} reaches its defaults):
// loaded, each must hold what its tag says.
const defaultsVendor = `apiVersion: privateconnect/v1
kind: Vendor
name: Example
account: "111122223333"
principalArn: arn:aws:iam::111122223333:root
regions: [us-east-1]
vpcCidrPools: [10.64.0.0/12]
internalDomain: connect.internal.example.com
alarmTopicArns: {us-east-1: "arn:aws:sns:us-east-1:111122223333:alarms"}
inboundPrivateLink:
  domains: [platform.example.com]
  hostnames: [api.platform.example.com]
  regions:
    us-east-1:
      nlbArn: arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/platform/0a1b2c3d4e5f6071
      availabilityZones: [use1-az1, use1-az2]
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0f1e2d3c4b5a69788
pipeline:
  region: us-east-1
  connectionArn: arn:aws:codeconnections:us-east-1:111122223333:connection/8b0f7c52-6d1e-4a3b-9c2f-1e5d7a9b3c40
  repository: example/fleet
  canaries: [acme]
`

const defaultsCustomer = `apiVersion: privateconnect/v1
kind: Customer
name: acme
account: "444455556666"
region: us-east-1
networks: [10.0.0.0/16, 172.16.0.0/16]
privateLink:
  vpcCidr: 10.64.0.0/24
  availabilityZones: [use1-az1, use1-az2]
  services:
    - name: db
      ports: [5432]
      producer:
        target: rds
        rds: {}
        registrar: {}
        targetGroup: {}
    - name: app
      serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718
      ports: [443]
      producer:
        target: ip
vpn:
  vpcCidr: 10.64.1.0/24
  availabilityZones: [use1-az1, use1-az2]
  customerGateway: {ipAddress: 198.51.100.7}
  routing: static
  remoteNetworks: [172.16.0.0/16]
  ports: [443]
  tunnels:
    - {}
  tunnelLogs: {}
inboundPrivateLink:
  availabilityZones: [use1-az1, use1-az2]
`

// The default tags are what defaults.go fills in: the reference and the
// schema cannot promise another value than the one deployed.
func TestDefaultTagsAreTheDefaults(t *testing.T) {
	fleet, err := build("fleet", source{"fleet/vendor.yaml", []byte(defaultsVendor)},
		[]source{{"fleet/customers/acme.yaml", []byte(defaultsCustomer)}})
	require.NoError(t, err)
	tagged := map[string]bool{}
	for _, root := range []reflect.Type{reflect.TypeOf(Vendor{}), reflect.TypeOf(Customer{})} {
		eachField(root, "", func(f reflect.StructField, path string) {
			if f.Tag.Get("default") != "" {
				tagged[root.Name()+" "+path] = false
			}
		})
	}
	var walk func(root string, v reflect.Value, path string)
	walk = func(root string, v reflect.Value, path string) {
		for _, f := range yamlFields(v.Type()) {
			p := strings.TrimPrefix(path+"."+yamlKey(f), ".")
			fv := v.FieldByIndex(f.Index)
			if tag := f.Tag.Get("default"); tag != "" {
				tagged[root+" "+p] = true
				want, _ := defaultValue(f)
				assert.Equal(t, want, asYAML(t, fv), "%s %s: the default tag says %s", root, p, tag)
			}
			if fv.Kind() == reflect.Ptr {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			switch {
			case fv.Kind() == reflect.Struct:
				walk(root, fv, p)
			case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
				for i := 0; i < fv.Len(); i++ {
					walk(root, fv.Index(i), p+"[]")
				}
			case fv.Kind() == reflect.Map && fv.Type().Elem().Kind() == reflect.Struct:
				for _, k := range fv.MapKeys() {
					walk(root, fv.MapIndex(k), p+".<"+mapKeyName(f)+">")
				}
			}
		}
	}
	walk("Vendor", reflect.ValueOf(fleet.Vendor).Elem(), "")
	walk("Customer", reflect.ValueOf(fleet.Customers[0]).Elem(), "")
	for key, seen := range tagged {
		assert.True(t, seen, "%s has a default tag the fixture never reaches: add its section to defaultsVendor or defaultsCustomer", key)
	}
}

// asYAML is a loaded value as the YAML decoder gives a tag's value back.
func asYAML(t *testing.T, v reflect.Value) any {
	t.Helper()
	if v.Kind() == reflect.Ptr && v.IsNil() {
		return nil
	}
	data, err := yaml.Marshal(v.Interface())
	require.NoError(t, err)
	var out any
	require.NoError(t, yaml.Unmarshal(data, &out))
	return out
}

// Every key the example files use is in the reference, with its row.
func TestReferenceCoversTheExamples(t *testing.T) {
	ref := string(Reference())
	files := map[string]reflect.Type{"vendor.yaml": reflect.TypeOf(Vendor{})}
	customers, _ := filepath.Glob("customers/*.yaml")
	require.NotEmpty(t, customers)
	for _, c := range customers {
		files[c] = reflect.TypeOf(Customer{})
	}
	for file, root := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		var doc yaml.Node
		require.NoError(t, yaml.Unmarshal(data, &doc))
		var keys func(n *yaml.Node, t reflect.Type, path string)
		keys = func(n *yaml.Node, rt reflect.Type, path string) {
			if rt.Kind() == reflect.Ptr {
				rt = rt.Elem()
			}
			switch {
			case rt.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
				fields := fieldsOf(rt)
				for i := 0; i+1 < len(n.Content); i += 2 {
					k := n.Content[i].Value
					f, ok := fields.byKey[k]
					if !assert.True(t, ok, "%s: key %s.%s is not a key of the types", file, path, k) {
						continue
					}
					p := strings.TrimPrefix(path+"."+k, ".")
					assert.Contains(t, ref, "| `"+p+"` |", "%s: %s has no row in the reference", file, p)
					sf := rt.Field(f.index)
					switch {
					case sf.Type.Kind() == reflect.Map && n.Content[i+1].Kind == yaml.MappingNode:
						for j := 1; j < len(n.Content[i+1].Content); j += 2 {
							keys(n.Content[i+1].Content[j], sf.Type.Elem(), p+".<"+mapKeyName(sf)+">")
						}
					case sf.Type.Kind() == reflect.Slice && n.Content[i+1].Kind == yaml.SequenceNode:
						for _, item := range n.Content[i+1].Content {
							keys(item, sf.Type.Elem(), p+"[]")
						}
					default:
						keys(n.Content[i+1], sf.Type, p)
					}
				}
			}
		}
		keys(doc.Content[0], root, "")
	}
}

// Every row of every table has its five cells: a pipe or a line break in a
// description would split or end a row (the README's hand-written table
// lost its last columns that way).
func TestReferenceTablesAreWellFormed(t *testing.T) {
	for i, line := range strings.Split(string(Reference()), "\n") {
		if strings.HasPrefix(line, "|") {
			assert.Equal(t, 6, countPipes(line), "line %d: want 6 cell boundaries: %s", i+1, line)
		}
	}
	assert.NotContains(t, string(Reference()), "<region>:", "an HTML-like tag outside code vanishes on GitHub")
}

// countPipes counts the pipes that are not escaped with a backslash.
func countPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

// The README sends readers to the reference, and no longer holds a copy.
func TestReadmeLinksTheReference(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(readme), "("+SchemaDir+"/"+ReferenceFile+")"), "README.md does not link %s/%s", SchemaDir, ReferenceFile)
	assert.False(t, strings.Contains(string(readme), "| `vpn.tunnels[].insideCidr` |"), "README.md still has a hand-written configuration table")
}
