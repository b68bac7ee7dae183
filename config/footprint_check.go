package config

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Check holds a synthesized template against AWS's limits and against this
// footprint, estimated for it before synth; it is the guard of the estimate,
// run by the tests that synthesize fleets (stacks, internal/fleetfuzz): every count
// and size must be within the limit and no larger than the estimate, and
// every top-level construct ID of the stack (ids) must be one the estimate
// knows. sizes are the template's body sizes as deployed (the JSON file CDK
// writes, the YAML handed over); template is the JSON. It returns one line
// per problem.
func (fp Footprint) Check(ids []string, template []byte, sizes ...int) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fp.Stack+": "+fmt.Sprintf(format, args...)) }
	var t struct {
		Parameters map[string]struct {
			AllowedPattern string
			MaxLength      any
		}
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
		Outputs, Mappings map[string]any
	}
	if err := json.Unmarshal(template, &t); err != nil {
		return []string{fp.Stack + ": " + err.Error()}
	}
	count := func(l Limit, got, estimate int) {
		if got > l.Max {
			bad("%d %s, over the limit of %d", got, l.What, l.Max)
		}
		if got > estimate {
			bad("%d %s, more than config estimated (%d): update config/footprint.go", got, l.What, estimate)
		}
	}
	count(LimitResources, len(t.Resources), fp.Resources)
	count(LimitParameters, len(t.Parameters), fp.Parameters)
	count(LimitOutputs, len(t.Outputs), fp.Outputs)
	count(LimitMappings, len(t.Mappings), fp.Mappings)
	size := LimitTemplateBytes
	if fp.Inline {
		size = LimitInlineTemplateBytes
	}
	for _, n := range append([]int{len(template)}, sizes...) {
		count(size, n, fp.TemplateBytes)
	}

	// Values CloudFormation resolves at deploy time, at their longest.
	var bound func(v any) int
	bound = func(v any) int {
		switch x := v.(type) {
		case string:
			return len(x)
		case float64, bool:
			return len(fmt.Sprint(x))
		case []any:
			n := 0
			for _, e := range x {
				n += bound(e)
			}
			return n
		case map[string]any:
			if ref, ok := x["Ref"].(string); ok {
				return refBound(ref, t.Parameters[ref].MaxLength, t.Parameters[ref].AllowedPattern, t.Resources[ref].Type)
			}
			if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
				parts, _ := j[1].([]any)
				return bound(j[0])*max(0, len(parts)-1) + bound(parts)
			}
			return 256 // an attribute: an ARN, a name or an ID
		}
		return 0
	}
	var envs, descs []int
	for id, r := range t.Resources {
		switch r.Type {
		case "AWS::Lambda::Function":
			vars, _ := r.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
			n := 0
			for k, v := range vars {
				n += len(k) + bound(v)
			}
			envs = append(envs, n)
		case "AWS::SSM::Parameter":
			if n := bound(r.Properties["Value"]); n > LimitSsmValue.Max {
				bad("SSM parameter %s: value of up to %d bytes, over the limit of %d", id, n, LimitSsmValue.Max)
			}
			// A literal value is a list config knows (the allowed principals).
			if lit, ok := r.Properties["Value"].(string); ok && len(fp.SsmValues) > 0 && len(lit) > maxSized(fp.SsmValues) {
				bad("SSM parameter %s: value of %d bytes, more than config estimated (%d): update config/footprint.go", id, len(lit), maxSized(fp.SsmValues))
			}
		case "AWS::EC2::SecurityGroup":
			d, _ := r.Properties["GroupDescription"].(string)
			if !sgDescriptionRe.MatchString(d) {
				bad("security group %s: description %q is not what EC2 accepts", id, d)
			}
			if strings.Contains(d, " on TCP ") {
				descs = append(descs, len(d))
			}
		}
		checkTemplateTags(r.Properties["Tags"], func(what string) { bad("%s: %s", id, what) })
	}
	sized := func(l Limit, got []int, estimate []Sized) {
		slices.Sort(got)
		if len(got) > 0 && got[len(got)-1] > l.Max {
			bad("up to %d %s, over the limit of %d", got[len(got)-1], l.What, l.Max)
		}
		if len(got) > 0 && got[len(got)-1] > maxSized(estimate) {
			bad("up to %d %s, more than config estimated (%d): update config/footprint.go", got[len(got)-1], l.What, maxSized(estimate))
		}
		if len(got) > len(estimate) {
			bad("%d values held to the %s, config estimated %d", len(got), l.What, len(estimate))
		}
	}
	sized(LimitLambdaEnvironment, envs, fp.LambdaEnvironments)
	sized(LimitSecurityGroupDescription, descs, fp.SecurityGroupDescriptions)

	known := map[string]bool{}
	for _, id := range fp.IDs {
		known[id.ID] = true
	}
	for _, id := range ids {
		if !known[id] {
			bad("top-level construct %s is not among the IDs config derives: add it to config/footprint.go", id)
		}
	}
	return out
}

func maxSized(s []Sized) int {
	m := 0
	for _, x := range s {
		m = max(m, x.Bytes)
	}
	return m
}

// refBound is the longest value a Ref can resolve to.
func refBound(ref string, maxLength any, pattern, resourceType string) int {
	switch ref {
	case "AWS::Region":
		return len("ap-southeast-5")
	case "AWS::AccountId":
		return 12
	case "AWS::Partition":
		return len("aws-us-gov")
	case "AWS::URLSuffix":
		return len("amazonaws.com.cn")
	}
	if n, ok := maxLength.(float64); ok {
		return int(n)
	}
	switch {
	case strings.Contains(pattern, "rds.amazonaws.com") || strings.Contains(pattern, `(\.[A-Za-z0-9]`):
		return 253 // a DNS name
	case strings.HasPrefix(pattern, "^[a-z"), strings.HasPrefix(pattern, "^[a-zA-Z]"):
		return 63 // an RDS identifier
	}
	switch resourceType {
	case "AWS::ElasticLoadBalancingV2::TargetGroup":
		return len("arn:aws:elasticloadbalancing:ap-southeast-5:123456789012:targetgroup/") + 32 + 1 + 16
	case "AWS::SSM::Parameter":
		return 128 // CFN-<logical ID>-<random>
	case "AWS::EC2::Subnet", "AWS::EC2::VPC", "AWS::EC2::SecurityGroup", "AWS::EC2::VPCEndpoint",
		"AWS::EC2::VPNConnection", "AWS::EC2::VPNGateway", "AWS::EC2::CustomerGateway", "AWS::EC2::VPCEndpointService":
		return 32 // <prefix>-<17 hex digits>
	case "AWS::EC2::EIP":
		return 15 // an IPv4 address
	}
	return 256
}

// What EC2 accepts in a security group description.
var sgDescriptionRe = regexp.MustCompile(`^[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]{0,255}$`)

// checkTemplateTags holds a resource's tags (a list of Key/Value, or a map)
// to AWS's rules, as validation holds the configured ones (checkTags).
func checkTemplateTags(tags any, bad func(string)) {
	check := func(k, v string) {
		if k == "" || utf8.RuneCountInString(k) > 128 || !tagKeyCharsRe.MatchString(k) || strings.HasPrefix(k, "aws:") {
			bad(fmt.Sprintf("tag key %q is not what AWS accepts", k))
		}
		if v == "" || utf8.RuneCountInString(v) > 256 || !tagKeyCharsRe.MatchString(v) {
			bad(fmt.Sprintf("tag value %q is not what AWS accepts", v))
		}
	}
	switch x := tags.(type) {
	case []any:
		for _, e := range x {
			m, _ := e.(map[string]any)
			k, _ := m["Key"].(string)
			v, ok := m["Value"].(string)
			if ok {
				check(k, v)
			}
		}
	case map[string]any:
		for k, e := range x {
			if v, ok := e.(string); ok {
				check(k, v)
			}
		}
	}
}
