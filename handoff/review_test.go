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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			require.NoError(t, err)
			out = append(out, guided{file, string(b.Files[guide]), raw})
		}
	}
	require.GreaterOrEqual(t, len(out), 4, "handed-over templates in the example fleet")
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
	require.NoError(t, err)
	reasons := map[string]string{}
	for _, e := range exceptions {
		reasons[e.Rule+" "+e.ResourceType] = strings.TrimSpace(e.Reason)
	}
	dir := t.TempDir()
	for _, g := range guidedTemplates(t) {
		t.Run(g.name, func(t *testing.T) {
			review := section(g.guide, "## Security review")
			require.NotEmpty(t, review, "the Security review section")
			path := filepath.Join(dir, g.name+".json")
			require.NoError(t, os.WriteFile(path, g.json, 0o644))
			failures, err := templatecheck.GuardFailures(path)
			require.NoError(t, err)
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
					assert.Equal(t, reasons[rule+" "+typ], strings.TrimSuffix(cells[3], " |"), "%s on %s: the reason of cfn-guard-exceptions.yaml", rule, typ)
				}
			}
			var want []string
			for k := range failing {
				want = append(want, k)
			}
			sort.Strings(listed)
			sort.Strings(want)
			assert.Equal(t, want, listed, "the cfn-guard exceptions the review lists, and what cfn-guard fails")

			var tmpl cfnTemplate
			require.NoError(t, json.Unmarshal(g.json, &tmpl))
			for id, r := range tmpl.Resources {
				for _, s := range suppressions(r) {
					for _, w := range []string{"| cdk-nag | `" + s.Rule + "` | ", s.Reason, "`" + id + "`"} {
						assert.Contains(t, review, w, "review lacks the cdk-nag suppression %s on %s (%s)", s.Rule, id, s.Reason)
					}
				}
				if r.Type != "AWS::IAM::Role" {
					continue
				}
				why, _ := r.Metadata[producer.StatementReasonsKey].(map[string]any)
				for _, p := range list(r.Properties["Policies"]) {
					for _, st := range list(dig(p, "PolicyDocument", "Statement")) {
						sid := dig(st, "Sid").(string)
						assert.Contains(t, review, "| `"+sid+"` | ", "review lacks statement %s of %s", sid, id)
						assert.Contains(t, review, why[sid].(string), "review lacks the reason of statement %s of %s", sid, id)
					}
				}
				assert.Contains(t, review, "Role `"+id+"`", "review lacks role %s", id)
			}
			assert.Contains(t, review, "### Traffic", "review says nothing about traffic")
			assert.GreaterOrEqual(t, strings.Count(section(review, "### Traffic"), "\n- "), 2, "review says nothing about traffic")
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
	_, err := securityReview(raw, nil)
	assert.ErrorContains(t, err, "Unexplained", "the error names the statement without a reason")
}

// The outputs table lists every output, with the description the template gives it.
func TestGuidesListEveryOutput(t *testing.T) {
	for _, g := range guidedTemplates(t) {
		var tmpl Template
		require.NoError(t, json.Unmarshal(g.json, &tmpl))
		table := section(g.guide, "## Outputs")
		require.NotEmpty(t, tmpl.Outputs, "%s: outputs", g.name)
		require.NotEmpty(t, table, "%s: the outputs table", g.name)
		for name, o := range tmpl.Outputs {
			assert.Contains(t, table, "| `"+name+"` | "+o.Description+" |", "%s: the outputs table lacks %s", g.name, name)
		}
	}
}
