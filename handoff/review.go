package handoff

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/privateconnect/privateconnect/constructs/producer"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
)

// The "Security review" section of a handed-over guide is read from the
// synthesized template (what deploys: roles, statements, security groups,
// endpoint services), the cdk-nag suppressions CDK writes into its metadata
// and cfn-guard-exceptions.yaml (what the checks accept, and why), so it
// cannot drift from what the checks saw. A reviewer should find every
// reason here, without the vendor's repository.

// reviewData is what the guides' "review" template reads.
type reviewData struct {
	Roles        []roleReview
	Invokers     []string
	Traffic      []string
	Data         []string
	Suppressions []suppressionReview
	Exceptions   []exceptionReview
}

type roleReview struct {
	ID, AssumedBy, Boundary string
	Statements              []statementReview
}

type statementReview struct{ Sid, Actions, Scope, Why string }

type suppressionReview struct{ Resource, Rule, Reason, AppliesTo string }

type exceptionReview struct{ Rule, Resources, Reason string }

// cfnTemplate is a synthesized template, generically.
type cfnTemplate struct {
	Parameters map[string]struct {
		Default *string `json:"Default"`
	} `json:"Parameters"`
	Resources map[string]cfnResource `json:"Resources"`
}

type cfnResource struct {
	Type       string         `json:"Type"`
	Properties map[string]any `json:"Properties"`
	Metadata   map[string]any `json:"Metadata"`
}

// securityReview reads the review of a template (JSON) and the exceptions
// of the Control Tower rules.
func securityReview(raw []byte, exceptions []templatecheck.Exception) (reviewData, error) {
	var t cfnTemplate
	if err := json.Unmarshal(raw, &t); err != nil {
		return reviewData{}, err
	}
	var d reviewData
	ids := make([]string, 0, len(t.Resources))
	for id := range t.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	types := map[string][]string{}
	for _, id := range ids {
		r := t.Resources[id]
		types[r.Type] = append(types[r.Type], id)
		switch r.Type {
		case "AWS::IAM::Role":
			role, err := t.role(id, r)
			if err != nil {
				return reviewData{}, err
			}
			d.Roles = append(d.Roles, role)
		case "AWS::Lambda::Permission":
			d.Invokers = append(d.Invokers, fmt.Sprintf("`%v` may invoke %s only from %s (`lambda:InvokeFunction`).",
				r.Properties["Principal"], t.show(r.Properties["FunctionName"]), t.show(r.Properties["SourceArn"])))
		}
		for _, s := range suppressions(r) {
			d.Suppressions = addSuppression(d.Suppressions, id, s)
		}
	}
	d.Traffic = t.traffic(ids)
	d.Data = t.registrarData(ids)
	for _, e := range exceptions {
		if len(e.Templates) > 0 {
			continue // limited to the vendor's own templates (the pipeline's)
		}
		if resources := types[e.ResourceType]; len(resources) > 0 {
			d.Exceptions = append(d.Exceptions, exceptionReview{Rule: e.Rule, Reason: strings.TrimSpace(e.Reason),
				Resources: fmt.Sprintf("%s: %s", e.ResourceType, code(resources))})
		}
	}
	return d, nil
}

func (t cfnTemplate) role(id string, r cfnResource) (roleReview, error) {
	out := roleReview{ID: id, AssumedBy: "nobody"}
	var principals []string
	for _, st := range list(dig(r.Properties, "AssumeRolePolicyDocument", "Statement")) {
		principals = append(principals, t.show(dig(st, "Principal", "Service")))
	}
	if len(principals) > 0 {
		out.AssumedBy = strings.Join(principals, ", ")
	}
	if b, ok := r.Properties["PermissionsBoundary"]; ok {
		out.Boundary = t.show(b)
	}
	reasons, _ := r.Metadata[producer.StatementReasonsKey].(map[string]any)
	for _, policy := range list(r.Properties["Policies"]) {
		for _, st := range list(dig(policy, "PolicyDocument", "Statement")) {
			sid, _ := dig(st, "Sid").(string)
			why, _ := reasons[sid].(string)
			if why == "" {
				return roleReview{}, fmt.Errorf("role %s: statement %q has no reason in its %s metadata: the security review cannot say why it is there", id, sid, producer.StatementReasonsKey)
			}
			var actions []string
			for _, a := range list(dig(st, "Action")) {
				actions = append(actions, fmt.Sprint(a))
			}
			out.Statements = append(out.Statements, statementReview{Sid: sid, Actions: code(actions), Scope: t.show(dig(st, "Resource")), Why: why})
		}
	}
	if len(list(r.Properties["ManagedPolicyArns"])) > 0 {
		return roleReview{}, fmt.Errorf("role %s has managed policies: the security review lists inline statements only", id)
	}
	return out, nil
}

// addSuppression lists one suppression once for every resource it covers.
func addSuppression(all []suppressionReview, id string, s suppressionReview) []suppressionReview {
	for i, o := range all {
		if o.Rule == s.Rule && o.Reason == s.Reason && o.AppliesTo == s.AppliesTo {
			all[i].Resource += ", `" + id + "`"
			return all
		}
	}
	s.Resource = "`" + id + "`"
	return append(all, s)
}

func suppressions(r cfnResource) []suppressionReview {
	var out []suppressionReview
	for _, s := range list(dig(r.Metadata, "cdk_nag", "rules_to_suppress")) {
		var applies []string
		for _, a := range list(dig(s, "applies_to")) {
			if m, ok := a.(map[string]any); ok {
				a = m["regex"]
			}
			applies = append(applies, strings.TrimPrefix(fmt.Sprint(a), "Resource::"))
		}
		sr := suppressionReview{Rule: fmt.Sprint(dig(s, "id")), Reason: fmt.Sprint(dig(s, "reason"))}
		if len(applies) > 0 {
			sr.AppliesTo = code(applies)
		}
		out = append(out, sr)
	}
	return out
}

// show renders a template value for a reader: references by name,
// parameters with their defaults, joins as the string they build.
func (t cfnTemplate) show(v any) string {
	switch v := v.(type) {
	case nil:
		return "none"
	case string:
		if v == "*" {
			return "`*` (any resource: the action takes no resource scope)"
		}
		return "`" + v + "`"
	case []any:
		var parts []string
		for _, x := range v {
			parts = append(parts, t.show(x))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if ref, ok := v["Ref"].(string); ok {
			if p, ok := t.Parameters[ref]; ok {
				if p.Default != nil && *p.Default != "" {
					return fmt.Sprintf("parameter `%s` (default `%s`)", ref, *p.Default)
				}
				return fmt.Sprintf("parameter `%s`", ref)
			}
			if ref == "AWS::NoValue" {
				return "none"
			}
			if r, ok := t.Resources[ref]; ok {
				return fmt.Sprintf("`%s` (%s of this stack)", ref, strings.TrimPrefix(r.Type, "AWS::"))
			}
			return "`${" + ref + "}`"
		}
		if att := list(v["Fn::GetAtt"]); len(att) == 2 {
			return fmt.Sprintf("`%v` (%v of this stack's %v)", att[0], att[1], strings.TrimPrefix(t.Resources[fmt.Sprint(att[0])].Type, "AWS::"))
		}
		if join := list(v["Fn::Join"]); len(join) == 2 {
			var b strings.Builder
			for _, part := range list(join[1]) {
				if s, ok := part.(string); ok {
					b.WriteString(s)
				} else if ref, ok := dig(part, "Ref").(string); ok {
					b.WriteString("${" + ref + "}")
				} else {
					b.WriteString(t.show(part))
				}
			}
			return "`" + b.String() + "`"
		}
		if cond := list(v["Fn::If"]); len(cond) == 3 {
			return fmt.Sprintf("%s when condition `%v` holds, else %s", t.show(cond[1]), cond[0], t.show(cond[2]))
		}
	}
	out, _ := json.Marshal(v)
	return "`" + string(out) + "`"
}

func code(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "`" + x + "`"
	}
	return strings.Join(out, ", ")
}

// dig follows keys through nested maps; nil where one is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// list is v as a list: a single value is a list of one (IAM's Action and
// Resource may be either).
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}
