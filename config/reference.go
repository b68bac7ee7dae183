package config

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// ReferenceFile is the configuration reference, generated into SchemaDir
// beside the schemas from the same tags.
const ReferenceFile = "REFERENCE.md"

// referenceIntro opens the reference; what follows is generated.
const referenceIntro = `# Configuration reference

<!-- Generated from the Go types in config/types.go by make schema (and make update-golden). Do not edit: change the doc, default and constraint tags there; a test fails while this file is stale. -->

A fleet is a directory (` + "`config/`" + ` unless ` + "`-c config=DIR`" + ` or ` + "`PRIVATECONNECT_CONFIG=DIR`" + ` says
otherwise) holding ` + "`vendor.yaml`" + ` and one ` + "`customers/<name>.yaml`" + ` per customer. Both kinds of
file start with ` + "`apiVersion: privateconnect/v1`" + ` and their ` + "`kind`" + `. Unknown or duplicate
keys are errors, and every error of the fleet is reported at once, as
` + "`<file>: <yaml path>: <what> (got <value>; <fix>)`" + `. The JSON Schemas beside this file
(` + "`vendor.schema.json`, `customer.schema.json`" + `) hold the same descriptions, defaults
and constraints; the example files reference them, so editors with the YAML
language server complete and check keys as you type. The loader checks more
than a schema can (overlaps, AZ IDs per region, AWS's limits): ` + "`make validate`" + `.

In the tables, ` + "`a.b`" + ` is key ` + "`b`" + ` under section ` + "`a`" + `, ` + "`a[]`" + ` an item of list ` + "`a`" + `, and
` + "`a.<region>`" + ` an entry of mapping ` + "`a`" + `. **required** keys have no default; a key
with neither is left out unless given. Values are what the schema allows;
the description says what validation checks beyond them.

Regions are those of ` + "`config/regions.go`" + `, with their AZ IDs (a table with its source
and date): `

// Reference renders the configuration reference as Markdown.
func Reference() []byte {
	var b strings.Builder
	b.WriteString(referenceIntro)
	var regions []string
	for _, r := range enumValues("$regions", false) {
		regions = append(regions, fmt.Sprintf("`%v`", r))
	}
	b.WriteString(strings.Join(regions, ", ") + ".\n")
	for _, f := range []struct {
		heading, intro string
		t              reflect.Type
	}{
		{"`vendor.yaml`", "`kind: Vendor`: what is true for every customer.", reflect.TypeOf(Vendor{})},
		{"`customers/<name>.yaml`", "`kind: Customer`: one file per customer. A customer needs at least one of `privateLink`, `vpn` and `inboundPrivateLink`.", reflect.TypeOf(Customer{})},
	} {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", f.heading, f.intro)
		var top []refRow
		var sections []refSection
		for _, sf := range yamlFields(f.t) {
			key := yamlKey(sf)
			if isSection(sf.Type) {
				rows := refRows(sf, key, nil)
				sections = append(sections, refSection{key, rows})
				continue
			}
			top = refRows(sf, key, top)
		}
		writeRefTable(&b, top)
		for _, s := range sections {
			fmt.Fprintf(&b, "\n### `%s`\n", s.key)
			writeRefTable(&b, s.rows)
		}
	}
	return []byte(b.String())
}

type refSection struct {
	key  string
	rows []refRow
}

// refRow is one key of the reference.
type refRow struct {
	path, typ, def, values, doc string
}

// refRows appends the row of field f at path, and of every key under it.
func refRows(f reflect.StructField, path string, rows []refRow) []refRow {
	t := f.Type
	if t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	doc := f.Tag.Get("doc")
	if was := f.Tag.Get("was"); was != "" {
		doc += " Called " + was + " in earlier releases (a file that still has it gets an error naming this key)."
	}
	row := refRow{path: path, typ: refType(f), def: refDefault(f), values: refValues(f), doc: mdText(doc)}
	rows = append(rows, row)
	switch {
	case t.Kind() == reflect.Struct:
		rows = refChildren(t, path, rows)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		rows = refChildren(t.Elem(), path+"[]", rows)
	case t.Kind() == reflect.Map && t.Elem().Kind() == reflect.Struct:
		rows = refChildren(t.Elem(), path+".<"+strings.Split(mapKeyName(f), ",")[0]+">", rows)
	}
	return rows
}

func refChildren(t reflect.Type, path string, rows []refRow) []refRow {
	for _, sf := range yamlFields(t) {
		rows = refRows(sf, path+"."+yamlKey(sf), rows)
	}
	return rows
}

// yamlFields are the fields of struct t that a file may hold.
func yamlFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		if k := yamlKey(t.Field(i)); k != "" && k != "-" {
			out = append(out, t.Field(i))
		}
	}
	return out
}

func yamlKey(f reflect.StructField) string { return strings.Split(f.Tag.Get("yaml"), ",")[0] }

// mapKeyName names a mapping's keys: the keys tag, or "name".
func mapKeyName(f reflect.StructField) string {
	if k := f.Tag.Get("keys"); k != "" {
		return k
	}
	return "name"
}

func refType(f reflect.StructField) string {
	depth := 0
	var name func(t reflect.Type) string
	name = func(t reflect.Type) string {
		if t.Kind() == reflect.Ptr {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Struct:
			return "section"
		case reflect.Slice:
			return "list of " + plural(name(t.Elem()))
		case reflect.Map:
			// keys:"region,quota code" names the keys of nested mappings in turn.
			keys := strings.Split(mapKeyName(f), ",")
			depth++
			return fmt.Sprintf("mapping of %s to %s", keys[min(depth-1, len(keys)-1)], name(t.Elem()))
		case reflect.Int:
			return "integer"
		case reflect.Bool:
			return "boolean"
		}
		return "string"
	}
	return name(f.Type)
}

func plural(s string) string {
	if s == "section" {
		return "sections"
	}
	return s + "s"
}

// refDefault is what the default column says: required, the default (a
// literal from the default tag, or the defaultDoc text), false for a boolean.
func refDefault(f reflect.StructField) string {
	switch {
	case f.Tag.Get("pc") == "required":
		return "**required**"
	case f.Tag.Get("default") != "":
		return "`" + f.Tag.Get("default") + "`"
	case f.Tag.Get("defaultDoc") != "":
		return mdText(f.Tag.Get("defaultDoc"))
	case f.Type.Kind() == reflect.Bool:
		return "`false`"
	}
	return ""
}

// refValues is what the schema allows: enum, range, pattern.
func refValues(f reflect.StructField) string {
	var parts []string
	if e := f.Tag.Get("enum"); e == "$regions" {
		parts = append(parts, "a region of the list above")
	} else if e != "" {
		var vals []string
		for _, v := range enumValues(e, false) {
			vals = append(vals, fmt.Sprintf("`%v`", v))
		}
		parts = append(parts, strings.Join(vals, ", "))
	}
	lo, hi := f.Tag.Get("minimum"), f.Tag.Get("maximum")
	switch {
	case lo != "" && hi != "":
		parts = append(parts, lo+" to "+hi)
	case lo != "":
		parts = append(parts, lo+" or more")
	case hi != "":
		parts = append(parts, "at most "+hi)
	}
	if p := f.Tag.Get("pattern"); p != "" {
		parts = append(parts, "pattern `"+p+"`")
	}
	return strings.Join(parts, "; ")
}

func writeRefTable(b *strings.Builder, rows []refRow) {
	b.WriteString("\n| key | type | default | values | description |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", r.path, cell(r.typ), cell(r.def), cell(r.values), cell(r.doc))
	}
}

// mdText escapes plain text for Markdown: the docs are plain text (editors
// show them as such), where <region> would vanish as an HTML tag and a * or _
// start emphasis.
func mdText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;").Replace(s)
}

// cell makes text safe inside a Markdown table cell: a pipe would end the
// cell (GitHub's tables take \| inside code spans too), a line break the row.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// defaultValue is the default tag of f as a value, for the JSON Schema.
func defaultValue(f reflect.StructField) (any, bool) {
	tag := f.Tag.Get("default")
	if tag == "" {
		return nil, false
	}
	var v any
	if err := yaml.Unmarshal([]byte(tag), &v); err != nil {
		panic(fmt.Sprintf("config: default tag %q of %s is not YAML: %v", tag, f.Name, err))
	}
	return v, true
}
