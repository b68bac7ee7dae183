package handoff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/privateconnect/privateconnect/internal/templatecheck"
)

// Template is the part of a CloudFormation template the guides describe:
// its parameters, in the console's order, its outputs and its security
// review.
type Template struct {
	Parameters map[string]TemplateParam  `json:"Parameters"`
	Metadata   map[string]any            `json:"Metadata"`
	Outputs    map[string]TemplateOutput `json:"Outputs"`
	// Review is read by ParseTemplate, from the whole template.
	Review reviewData `json:"-"`
}

// TemplateOutput is one output of the template.
type TemplateOutput struct {
	Description string `json:"Description"`
}

// ParseTemplate reads a synthesized template (JSON) for a guide, with the
// security review that the Control Tower exceptions complete.
func ParseTemplate(raw []byte, exceptions []templatecheck.Exception) (Template, error) {
	var t Template
	if err := json.Unmarshal(raw, &t); err != nil {
		return Template{}, err
	}
	review, err := securityReview(raw, exceptions)
	if err != nil {
		return Template{}, err
	}
	t.Review = review
	return t, nil
}

// TemplateParam is one parameter of the template.
type TemplateParam struct {
	Type                  string  `json:"Type"`
	Description           string  `json:"Description"`
	Default               *string `json:"Default"`
	ConstraintDescription string  `json:"ConstraintDescription"`
}

// ParameterOrder lists parameter names as the console form groups them.
func (t Template) ParameterOrder() []string {
	var out []string
	seen := map[string]bool{}
	iface, _ := t.Metadata["AWS::CloudFormation::Interface"].(map[string]any)
	groups, _ := iface["ParameterGroups"].([]any)
	for _, g := range groups {
		params, _ := g.(map[string]any)["Parameters"].([]any)
		for _, p := range params {
			out = append(out, p.(string))
			seen[p.(string)] = true
		}
	}
	var rest []string
	for name := range t.Parameters {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// TemplateYAML turns a synthesized JSON template into block-style YAML with
// the same content and key order, with multi-line strings (the inline Lambda
// code) as literal blocks so a reviewer reads the code as code.
func TemplateYAML(jsonTemplate []byte) ([]byte, error) {
	var doc yaml.Node
	// JSON is YAML: this keeps the key order the CDK wrote.
	if err := yaml.Unmarshal(jsonTemplate, &doc); err != nil {
		return nil, err
	}
	restyle(&doc)
	root := doc.Content[0]
	// State the format version first, as CloudFormation's own examples do.
	root.Content = append([]*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "AWSTemplateFormatVersion"},
		{Kind: yaml.ScalarNode, Value: "2010-09-09", Style: yaml.SingleQuotedStyle},
	}, root.Content...)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func restyle(n *yaml.Node) {
	switch n.Kind {
	case yaml.ScalarNode:
		n.Style = 0 // let the encoder quote only what needs it
		if n.Tag == "!!str" && strings.Contains(n.Value, "\n") {
			n.Style = yaml.LiteralStyle
		} else if n.Tag == "!!str" && yaml11Typed.MatchString(n.Value) {
			// The encoder writes YAML 1.2, where off is a string; CloudFormation
			// reads YAML 1.1, where it is false (and 0755 an octal number).
			n.Style = yaml.SingleQuotedStyle
		}
	default:
		n.Style = 0
	}
	for _, c := range n.Content {
		restyle(c)
	}
}

// yaml11Typed matches the plain scalars YAML 1.1 resolves to a boolean,
// null, integer, float or timestamp (https://yaml.org/type/), which
// CloudFormation's YAML 1.1 parser would not read as the string they are.
var yaml11Typed = regexp.MustCompile(`^(?:` +
	`y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` +
	`|~|null|Null|NULL` +
	`|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` +
	`|[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` +
	`|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?` +
	`)$`)

// paramData is one row of a guide's parameter table.
type paramData struct{ Name, Type, Description, Constraint string }

// parameterTable lists the parameters in console order for a guide, and the
// --parameter-overrides arguments of the ones without a default.
func (t Template) parameterTable() ([]paramData, string) {
	var rows []paramData
	var overrides []string
	for _, name := range t.ParameterOrder() {
		p := t.Parameters[name]
		rows = append(rows, paramData{Name: name, Type: p.Type, Description: p.Description,
			Constraint: strings.TrimPrefix(p.ConstraintDescription, "must be ")})
		if p.Default == nil {
			overrides = append(overrides, fmt.Sprintf("%s=<%s>", name, p.Type))
		}
	}
	return rows, strings.Join(overrides, " \\\n      ")
}

// outputData is one row of a guide's output table.
type outputData struct{ Name, Description string }

// outputTable lists the outputs by name (a service's outputs share a prefix).
func (t Template) outputTable() []outputData {
	var rows []outputData
	for name, o := range t.Outputs {
		rows = append(rows, outputData{name, o.Description})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows
}
