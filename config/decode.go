package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decode reads one YAML document into out (a pointer to a struct), strictly:
// unknown keys, duplicate keys, wrong types, missing required keys, sections
// written empty, anchors and extra documents are errors, each with its YAML
// path. It returns the line of every path it saw, so later validation errors
// can be ordered as in the file, and whether the file parsed as one YAML
// mapping (if not, nothing was decoded and no more can be said about it).
func decode(file string, data []byte, out any, errs *Errors) (map[string]int, bool) {
	d := &decoder{report: report{file: file, lines: map[string]int{}, errs: errs}}
	root, err := parseYAML(data)
	if err != nil {
		// The parser's message says where, never what: a file that is not
		// YAML may be a secret saved in the wrong place.
		d.addf("(document)", "%s (fix the YAML syntax)", clipText(err.Error(), 160))
		return d.lines, false
	}
	if root == nil {
		d.addf("(document)", "the file is empty (start from an example in config/ or run make new-customer)")
		return d.lines, false
	}
	if root.Kind != yaml.MappingNode {
		d.add("(document)", "the file is not a YAML mapping of keys to values", raw(outline(root)),
			"start from an example in config/ or run make new-customer")
		return d.lines, false
	}
	d.value(root, reflect.ValueOf(out).Elem(), "")
	return d.lines, true
}

// parseYAML returns the single document's root node, or nil for an empty file.
func parseYAML(data []byte) (root *yaml.Node, err error) {
	// The parser is third-party code fed with user input: turn a panic in it
	// into an error rather than a crash.
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("unreadable YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("the file holds more than one YAML document; keep one per file")
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

type decoder struct{ report }

func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	if path != "" {
		d.lines[path] = n.Line
	}
	p := path
	if p == "" {
		p = "(document)"
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		d.add(p, "YAML anchors and aliases are not supported", describe(n), "write the value out in full")
		return
	}
	if isNull(n) {
		// A section written with nothing under it (every line commented
		// out, say) is never read as if it were absent.
		if path != "" && isSection(v.Type()) {
			d.add(p, "the section is empty", raw("nothing under it"), "fill it in, or remove the key to leave the section out")
		}
		return // an empty value leaves the field unset; validation decides if that is allowed
	}
	switch v.Kind() {
	case reflect.Ptr:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), path)
	case reflect.Struct:
		d.structure(n, v, path, p)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.add(p, "expected a list", describe(n), "write it as a YAML list, e.g. [a, b] or one \"- item\" per line")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if isNull(item) {
				d.lines[index(path, i)] = item.Line
				d.add(index(path, i), "an empty list item", raw("nothing"), "write the item or remove the dash")
				continue
			}
			d.value(item, s.Index(i), index(path, i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.add(p, "expected a mapping of keys to values", describe(n), "write key: value pairs")
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				d.add(p, "a key must be a plain string", describe(k), "use a string key")
				continue
			}
			kp := mapKey(path, k.Value)
			if seen[k.Value] {
				d.lines[kp] = k.Line
				d.add(kp, "duplicate key", k.Value, "keep one of the entries")
				continue
			}
			seen[k.Value] = true
			ev := reflect.New(v.Type().Elem()).Elem()
			d.value(val, ev, kp)
			m.SetMapIndex(reflect.ValueOf(k.Value), ev)
		}
		v.Set(m)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.add(p, "expected a single value", describe(n), "write a plain string")
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		i, err := strconv.Atoi(n.Value)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
			d.add(p, "expected a whole number", describe(n), "write digits only, without quotes")
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || err != nil {
			d.add(p, "expected true or false", describe(n), "write true or false, without quotes")
			return
		}
		v.SetBool(b)
	default:
		panic(fmt.Sprintf("config: decoder cannot fill a %s", v.Type()))
	}
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value, path, p string) {
	if n.Kind != yaml.MappingNode {
		d.add(p, "expected a mapping of keys to values", describe(n), "write key: value pairs")
		return
	}
	fields := fieldsOf(v.Type())
	seen := map[string]*yaml.Node{}
	writtenAs := map[string]string{} // the name a key was written under: its own or a former one
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.add(p, "a key must be a plain string", describe(k), "use one of the keys listed in the schema")
			continue
		}
		kp := mapKey(path, k.Value) // quoted when it is not a plain key, e.g. ""
		d.lines[kp] = k.Line
		f, ok := fields.byKey[k.Value]
		if !ok {
			f, ok = fields.was[k.Value]
			if !ok {
				d.add(kp, "unknown key", k.Value, suggest(k.Value, fields.keys))
				continue
			}
			// Read under its new name, so that the value is checked and the
			// new key does not count as missing: one error, saying what to do.
			d.add(kp, "this key was renamed to "+f.key, k.Value, "rename it to "+f.key+"; the value stays the same")
		}
		if seen[f.key] != nil {
			if writtenAs[f.key] != k.Value {
				d.add(kp, "written under both its names", k.Value, "keep "+f.key+" only")
			} else {
				d.add(kp, "duplicate key", k.Value, "keep one of the entries")
			}
			continue
		}
		seen[f.key], writtenAs[f.key] = val, k.Value
		d.value(val, v.Field(f.index), join(path, f.key))
	}
	for _, f := range fields.list {
		// A key written with no value counts as missing.
		// An empty section was reported as such by value.
		if val := seen[f.key]; f.required && (val == nil || isNull(val) && !isSection(v.Field(f.index).Type())) {
			kp := join(path, f.key)
			if val == nil {
				d.lines[kp] = n.Line
			}
			where := "at the top of the file"
			if path != "" {
				where = "under " + path
			}
			d.add(kp, "required key is missing", raw("nothing"), fmt.Sprintf("add %s: %s", f.key, where))
		} else if f.required && val.Kind == yaml.ScalarNode && val.Tag == "!!str" && val.Value == "" {
			// Written as "": as missing as a key left out, and reported so,
			// since the checks of the value take "" for "not given".
			d.add(join(path, f.key), "a required value is empty", raw(`""`), "write the value")
		}
	}
}

// isSection reports whether a field of type t holds a mapping of known keys.
func isSection(t reflect.Type) bool {
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Ptr && t.Elem().Kind() == reflect.Struct
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// describe renders a node for a "got ..." clause.
func describe(n *yaml.Node) raw {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return raw(quoteClipped(n.Value))
}

// outline describes a node by its shape alone, for a file whose content must
// not be repeated.
func outline(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return fmt.Sprintf("a list of %d items", len(n.Content))
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("a single value of %d characters, not shown", len([]rune(n.Value)))
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_:/+=@-]+$`)

// mapKey is the path of key under path. A key longer than any legitimate
// one (AWS tag keys reach 128) is clipped: a path must stay readable.
func mapKey(path, key string) string {
	if plainKey.MatchString(key) && len(key) <= maxKeyShown {
		return join(path, key)
	}
	if r := []rune(key); len(r) > maxKeyShown {
		return path + "[" + strconv.Quote(string(r[:maxKeyShown])) + "...]"
	}
	return path + "[" + strconv.Quote(key) + "]"
}

type field struct {
	key      string
	index    int
	required bool
}

type fieldSet struct {
	list  []field
	byKey map[string]field
	was   map[string]field // a former key -> the field that took its place
	keys  []string
}

func fieldsOf(t reflect.Type) fieldSet {
	fs := fieldSet{byKey: map[string]field{}, was: map[string]field{}}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		key := strings.Split(sf.Tag.Get("yaml"), ",")[0]
		if key == "" || key == "-" {
			continue
		}
		f := field{key: key, index: i, required: sf.Tag.Get("pc") == "required"}
		fs.list = append(fs.list, f)
		fs.byKey[key] = f
		if was := sf.Tag.Get("was"); was != "" {
			fs.was[was] = f
		}
		fs.keys = append(fs.keys, key)
	}
	return fs
}

// suggest names the closest known key, or lists them all.
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(key), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	return "known keys here: " + strings.Join(sorted, ", ")
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
