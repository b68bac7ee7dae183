package handoff

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

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
	// hasIAM: the template creates an IAM role (a deploy acknowledges CAPABILITY_IAM).
	hasIAM bool
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
	var resources struct {
		Resources map[string]struct{ Type string } `json:"Resources"`
	}
	if err := json.Unmarshal(raw, &resources); err != nil {
		return Template{}, err
	}
	for _, r := range resources.Resources {
		t.hasIAM = t.hasIAM || strings.HasPrefix(r.Type, "AWS::IAM::")
	}
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

// deployParams is what a guide's deploy command needs of the parameters:
// one shell assignment per parameter without a default, empty, for the
// reader to fill in (VPC_ID, commented "VPC, e.g. vpc-0123456789abcdef0"), and the
// --parameter-overrides arguments that read them. A placeholder such as
// <vpc-id> would be a redirection when pasted into a shell; an empty variable
// instead stops the command with a message (${VPC_ID:?...}).
type deployParams struct {
	Assignments  []string
	OverrideArgs string
}

// parameterTable lists the parameters in console order for a guide, and
// what its deploy command needs of those without a default.
func (t Template) parameterTable() ([]paramData, deployParams) {
	var rows []paramData
	var overrides, names, comments []string
	labels := t.parameterLabels()
	width := 0
	for _, name := range t.ParameterOrder() {
		p := t.Parameters[name]
		rows = append(rows, paramData{Name: name, Type: p.Type, Description: p.Description,
			Constraint: strings.TrimPrefix(p.ConstraintDescription, "must be ")})
		if p.Default != nil {
			continue
		}
		v := ShellVar(name)
		overrides = append(overrides, fmt.Sprintf(`%s="${%s:?set %s first}"`, name, v, v))
		comment := cmp.Or(labels[name], name)
		if ex := typeExamples[p.Type]; ex != "" {
			comment += ", e.g. " + ex
		}
		names, comments = append(names, v), append(comments, comment)
		width = max(width, len(v))
	}
	var d deployParams
	for i, v := range names {
		d.Assignments = append(d.Assignments, fmt.Sprintf("%s=''%s   # %s", v, strings.Repeat(" ", width-len(v)), comments[i]))
	}
	d.OverrideArgs = strings.Join(overrides, " \\\n      ")
	return rows, d
}

// typeExamples show the form of a value of a parameter type.
var typeExamples = map[string]string{
	"AWS::EC2::VPC::Id":          "vpc-0123456789abcdef0",
	"AWS::EC2::Subnet::Id":       "subnet-0123456789abcdef0",
	"List<AWS::EC2::Subnet::Id>": "subnet-aaa,subnet-bbb (comma-separated)",
	"AWS::EC2::Instance::Id":     "i-0123456789abcdef0",
}

// parameterLabels are the console labels of the parameters, a service's
// prefixed with its name: "db: DB instance identifier".
func (t Template) parameterLabels() map[string]string {
	out := map[string]string{}
	iface, _ := t.Metadata["AWS::CloudFormation::Interface"].(map[string]any)
	labels, _ := iface["ParameterLabels"].(map[string]any)
	for name, l := range labels {
		if m, ok := l.(map[string]any); ok {
			out[name], _ = m["default"].(string)
		}
	}
	groups, _ := iface["ParameterGroups"].([]any)
	for _, g := range groups {
		gm, _ := g.(map[string]any)
		label, _ := gm["Label"].(map[string]any)
		title, _ := label["default"].(string)
		service, ok := strings.CutPrefix(title, "Service ")
		if !ok {
			continue
		}
		service, _, _ = strings.Cut(service, " ")
		params, _ := gm["Parameters"].([]any)
		for _, p := range params {
			if name, ok := p.(string); ok && out[name] != "" && !strings.HasPrefix(out[name], service+" ") {
				out[name] = service + ": " + out[name]
			}
		}
	}
	return out
}

// ShellVar is the shell variable a guide's commands read a parameter from:
// VpcId -> VPC_ID, SftpTargetInstance1 -> SFTP_TARGET_INSTANCE1.
func ShellVar(param string) string {
	var b strings.Builder
	for i, r := range param {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
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
