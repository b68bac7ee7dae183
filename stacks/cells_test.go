package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
)

// The fleet of examples/cells: acme (privateLink with a producer, inbound)
// and hooli (vpn) in cell-1, umbrella (privateLink, inbound) in cell-2.
func TestCellsDeployToTheirAccounts(t *testing.T) {
	fleet, err := config.Load("../examples/cells")
	require.NoError(t, err)
	outdir := t.TempDir()
	app := NewApp(outdir)
	built := Build(app, fleet, fleet.Customers)
	handed := BuildHandoff(app, fleet.Vendor, fleet.Customers)
	app.Synth(nil)

	where := map[string]string{}
	tmpl := map[string]cdktest.Template{}
	for _, s := range built {
		id := *s.Node().Id()
		where[id] = *s.StackName() + " in " + *s.Account() + "/" + *s.Region()
		tmpl[id] = cdktest.TemplateOf(t, s)
	}
	assert.Equal(t, map[string]string{
		"acme-PrivateLink":     "acme-PrivateLink in 111122223333/us-east-1",
		"hooli-Vpn":            "hooli-Vpn in 111122223333/eu-west-1",
		"umbrella-PrivateLink": "umbrella-PrivateLink in 222233334444/us-east-1",
		// The shared stacks keep their names, one per cell's account.
		"Vendor-Inbound-us-east-1-cell-1":   "Vendor-Inbound-us-east-1 in 111122223333/us-east-1",
		"Vendor-Inbound-us-east-1-cell-2":   "Vendor-Inbound-us-east-1 in 222233334444/us-east-1",
		"Vendor-Dashboard-us-east-1-cell-1": "Vendor-Dashboard-us-east-1 in 111122223333/us-east-1",
		"Vendor-Dashboard-eu-west-1-cell-1": "Vendor-Dashboard-eu-west-1 in 111122223333/eu-west-1",
		"Vendor-Dashboard-us-east-1-cell-2": "Vendor-Dashboard-us-east-1 in 222233334444/us-east-1",
	}, where)

	// Each cell's inbound service fronts its own load balancer and admits its own customers only.
	for id, want := range map[string][2]string{
		"Vendor-Inbound-us-east-1-cell-1": {":111122223333:loadbalancer/net/platform/0a1b2c3d4e5f6071", "arn:aws:iam::444455556666:root"},
		"Vendor-Inbound-us-east-1-cell-2": {":222233334444:loadbalancer/net/platform/2c3d4e5f60718293", "arn:aws:iam::135792468024:root"},
	} {
		svc := tmpl[id].One(t, "AWS::EC2::VPCEndpointService")
		assert.Contains(t, cdktest.Show(svc.Properties["NetworkLoadBalancerArns"]), want[0], id)
		principals := tmpl[id].One(t, "AWS::EC2::VPCEndpointServicePermissions")
		assert.Equal(t, []any{want[1]}, principals.Properties["AllowedPrincipals"], id)
	}
	// Alarms notify the cell's own topic.
	for id, topic := range map[string]string{
		"acme-PrivateLink":     "arn:aws:sns:us-east-1:111122223333:privateconnect-alarms",
		"umbrella-PrivateLink": "arn:aws:sns:us-east-1:222233334444:privateconnect-alarms",
	} {
		for _, a := range tmpl[id].Resources("AWS::CloudWatch::Alarm") {
			assert.Equal(t, []any{topic}, a.Properties["AlarmActions"], "%s: %s", id, a.LogicalID)
		}
	}
	// The customer allow-lists its cell's principal.
	require.Len(t, handed, 3, "acme's producer and inbound templates, umbrella's inbound")
	raw, err := os.ReadFile(filepath.Join(outdir, *handed[0].ArtifactId()+".template.json"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"arn:aws:iam::111122223333:root"`, "acme's producer template allow-lists cell-1")
	assert.NotContains(t, string(raw), "222233334444")
	raw, err = os.ReadFile(filepath.Join(outdir, *handed[2].ArtifactId()+".template.json"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "vpce-svc-0a9b8c7d6e5f40312", "umbrella's inbound template connects to cell-2's service")

	checkFootprints(t, fleet, built, func(name string) []byte {
		raw, err := os.ReadFile(filepath.Join(outdir, name+".template.json"))
		require.NoError(t, err)
		return raw
	})
}

func TestSelectCell(t *testing.T) {
	fleet, err := config.Load("../examples/cells")
	require.NoError(t, err)
	got, err := SelectCell(fleet, fleet.Customers, "cell-2")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "umbrella", got[0].Name)
	all, err := SelectCell(fleet, fleet.Customers, "")
	require.NoError(t, err)
	assert.Len(t, all, 3, "no cell selects every customer")
	_, err = SelectCell(fleet, fleet.Customers, "cell-9")
	assert.ErrorContains(t, err, `unknown cell "cell-9" (the fleet in ../examples/cells has: cell-1, cell-2)`)
	_, err = SelectCell(example.fleet, example.fleet.Customers, "cell-1")
	assert.ErrorContains(t, err, "declares no cells")

	// Deploying one cell builds its customers' stacks and its own shared stacks only.
	app := awscdk.NewApp(nil)
	var ids []string
	for _, s := range Build(app, fleet, got) {
		ids = append(ids, *s.Node().Id())
	}
	assert.Equal(t, "umbrella-PrivateLink Vendor-Inbound-us-east-1-cell-2 Vendor-Dashboard-us-east-1-cell-2", strings.Join(ids, " "))
}
