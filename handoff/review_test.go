package handoff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/privateconnect/privateconnect/constructs/producer"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
	"github.com/privateconnect/privateconnect/stacks"
)

// guided is a handed-over template with its guide.
type guided struct {
	name  string
	guide string
	json  []byte
}

func guidedTemplates(t *testing.T) []guided {
	t.Helper()
	var out []guided
	for _, b := range example.bundles {
		for file, data := range b.Files {
			if !strings.HasSuffix(file, ".yaml") {
				continue
			}
			guide := ProducerFile
			if strings.HasSuffix(file, "-"+stacks.ModeInbound+".yaml") {
				guide = InboundFile
			}
			raw, err := json.Marshal(yamlValue(t, data))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, guided{file, string(b.Files[guide]), raw})
		}
	}
	if len(out) < 4 {
		t.Fatalf("only %d handed-over templates in the example fleet", len(out))
	}
	return out
}

func section(guide, heading string) string {
	start := strings.Index(guide, heading)
	if start < 0 {
		return ""
	}
	rest := guide[start+len(heading):]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		return rest[:end]
	}
	return rest
}

// The security review lists exactly the Control Tower rules the template
// fails (cfn-guard run on it here) with the reasons of
// cfn-guard-exceptions.yaml, every cdk-nag suppression in its metadata with
// its reason, and every IAM statement with its reason.
func TestSecurityReviewListsWhatTheChecksAccept(t *testing.T) {
	exceptions, err := templatecheck.LoadExceptions()
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, e := range exceptions {
		reasons[e.Rule+" "+e.ResourceType] = strings.TrimSpace(e.Reason)
	}
	dir := t.TempDir()
	for _, g := range guidedTemplates(t) {
		t.Run(g.name, func(t *testing.T) {
			review := section(g.guide, "## Security review")
			if review == "" {
				t.Fatal("no Security review section")
			}
			path := filepath.Join(dir, g.name+".json")
			if err := os.WriteFile(path, g.json, 0o644); err != nil {
				t.Fatal(err)
			}
			failures, err := templatecheck.GuardFailures(path)
			if err != nil {
				t.Fatal(err)
			}
			failing := map[string]bool{}
			for _, f := range failures {
				failing[f.Rule+" "+f.ResourceType] = true
			}
			var listed []string
			for _, line := range strings.Split(review, "\n") {
				if strings.HasPrefix(line, "| cfn-guard | `") {
					cells := strings.Split(line, " | ")
					rule := strings.Trim(cells[1], "`")
					typ := strings.SplitN(cells[2], ": ", 2)[0]
					listed = append(listed, rule+" "+typ)
					if reason := strings.TrimSuffix(cells[3], " |"); reason != reasons[rule+" "+typ] {
						t.Errorf("%s on %s: reason %q, want cfn-guard-exceptions.yaml's %q", rule, typ, reason, reasons[rule+" "+typ])
					}
				}
			}
			var want []string
			for k := range failing {
				want = append(want, k)
			}
			sort.Strings(listed)
			sort.Strings(want)
			if strings.Join(listed, ",") != strings.Join(want, ",") {
				t.Errorf("review lists cfn-guard exceptions %v; cfn-guard fails %v", listed, want)
			}

			var tmpl cfnTemplate
			if err := json.Unmarshal(g.json, &tmpl); err != nil {
				t.Fatal(err)
			}
			for id, r := range tmpl.Resources {
				for _, s := range suppressions(r) {
					if !strings.Contains(review, "| cdk-nag | `"+s.Rule+"` | ") || !strings.Contains(review, s.Reason) || !strings.Contains(review, "`"+id+"`") {
						t.Errorf("review lacks the cdk-nag suppression %s on %s (%s)", s.Rule, id, s.Reason)
					}
				}
				if r.Type != "AWS::IAM::Role" {
					continue
				}
				why, _ := r.Metadata[producer.StatementReasonsKey].(map[string]any)
				for _, p := range list(r.Properties["Policies"]) {
					for _, st := range list(dig(p, "PolicyDocument", "Statement")) {
						sid := dig(st, "Sid").(string)
						if !strings.Contains(review, "| `"+sid+"` | ") || !strings.Contains(review, why[sid].(string)) {
							t.Errorf("review lacks statement %s of %s with its reason", sid, id)
						}
					}
				}
				if !strings.Contains(review, "Role `"+id+"`") {
					t.Errorf("review lacks role %s", id)
				}
			}
			if !strings.Contains(review, "### Traffic") || strings.Count(section(review, "### Traffic"), "\n- ") < 2 {
				t.Error("review says nothing about traffic")
			}
		})
	}
}

// A statement without its reason stops the handoff: the review would have
// a permission nobody explained.
func TestSecurityReviewNeedsAReasonPerStatement(t *testing.T) {
	raw := []byte(`{"Resources":{"Role":{"Type":"AWS::IAM::Role","Properties":{
		"AssumeRolePolicyDocument":{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}}]},
		"Policies":[{"PolicyName":"p","PolicyDocument":{"Statement":[{"Sid":"Unexplained","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}]},
		"Metadata":{"` + producer.StatementReasonsKey + `":{"Other":"why"}}}}}`)
	if _, err := securityReview(raw, nil); err == nil || !strings.Contains(err.Error(), "Unexplained") {
		t.Errorf("err = %v, want one naming the statement without a reason", err)
	}
}

// The outputs table lists every output, with the description the template gives it.
func TestGuidesListEveryOutput(t *testing.T) {
	for _, g := range guidedTemplates(t) {
		var tmpl Template
		if err := json.Unmarshal(g.json, &tmpl); err != nil {
			t.Fatal(err)
		}
		table := section(g.guide, "## Outputs")
		if len(tmpl.Outputs) == 0 || table == "" {
			t.Fatalf("%s: %d outputs, table %q", g.name, len(tmpl.Outputs), table)
		}
		for name, o := range tmpl.Outputs {
			if !strings.Contains(table, "| `"+name+"` | "+o.Description+" |") {
				t.Errorf("%s: the outputs table lacks %s", g.name, name)
			}
		}
	}
}
