package stacks

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/cidr"
)

// privateLinkCustomers runs fn for every example customer with PrivateLink.
func privateLinkCustomers(t *testing.T, fn func(t *testing.T, c *config.Customer, tmpl cdktest.Template)) {
	t.Helper()
	n := 0
	for _, c := range example.fleet.Customers {
		if c.PrivateLink == nil {
			continue
		}
		n++
		tmpl := example.templates[StackName(c, ModePrivateLink)]
		t.Run(c.Name, func(t *testing.T) { fn(t, c, tmpl) })
	}
	require.NotZero(t, n, "PrivateLink customers in the example fleet")
}

// named returns the logical ID of the resource of type typ with tag Name=name.
func named(t *testing.T, tmpl cdktest.Template, typ, name string) string {
	t.Helper()
	for _, r := range tmpl.Resources(typ) {
		tags, _ := r.Properties["Tags"].([]any)
		for _, tg := range tags {
			m, _ := tg.(map[string]any)
			if m["Key"] == "Name" && m["Value"] == name {
				return r.LogicalID
			}
		}
	}
	require.FailNow(t, fmt.Sprintf("no %s tagged Name=%s", typ, name))
	return ""
}

func TestSubnetsArePlacedByAzID(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		pl := c.PrivateLink
		subnets := tmpl.Resources("AWS::EC2::Subnet")
		require.Len(t, cdktest.LogicalIDs(subnets), len(pl.AvailabilityZones), "subnets, one per AZ")
		blocks, err := cidr.Subnets(netip.MustParsePrefix(pl.VpcCidr), len(pl.AvailabilityZones))
		require.NoError(t, err)
		vpc := named(t, tmpl, "AWS::EC2::VPC", "privateconnect-"+c.Name)
		for i, az := range pl.AvailabilityZones {
			id := named(t, tmpl, "AWS::EC2::Subnet", "privateconnect-"+c.Name+"-"+az)
			p := tmpl.Resource(id)["Properties"].(map[string]any)
			assert.Equal(t, az, p["AvailabilityZoneId"], "subnet %s AZ ID", id)
			assert.Equal(t, blocks[i].String(), p["CidrBlock"], "subnet %s block", id)
			cdktest.JSONEq(t, cdktest.Ref(vpc), p["VpcId"], "subnet %s in the VPC", id)
			assert.NotContains(t, p, "AvailabilityZone", "subnet %s is placed by AZ name, which differs between accounts", id)
			assert.Equal(t, false, p["MapPublicIpOnLaunch"], "subnet %s maps public IPs", id)
		}
		vp := tmpl.Resource(vpc)["Properties"].(map[string]any)
		assert.Equal(t, pl.VpcCidr, vp["CidrBlock"], "VPC CIDR")
		assert.Equal(t, true, vp["EnableDnsSupport"], "VPC DNS support")
		assert.Equal(t, true, vp["EnableDnsHostnames"], "VPC DNS hostnames")
		// Nothing in an isolated VPC may route to the internet.
		for _, typ := range []string{"AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::Route"} {
			tmpl.ResourceCountIs(t, typ, 0, "in an isolated VPC")
		}
	})
}

func TestEndpointPerService(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		endpoints := tmpl.Resources("AWS::EC2::VPCEndpoint")
		require.Len(t, cdktest.LogicalIDs(endpoints), len(deployed(c)), "endpoints")
		for _, s := range deployed(c) {
			id := named(t, tmpl, "AWS::EC2::VPCEndpoint", "privateconnect-"+c.Name+"-"+s.Name)
			p := tmpl.Resource(id)["Properties"].(map[string]any)
			sg := named(t, tmpl, "AWS::EC2::SecurityGroup", "privateconnect-"+c.Name+"-endpoint-"+s.Name)
			if s.ResourceConfigurationArn != "" {
				assert.Equal(t, s.ResourceConfigurationArn, p["ResourceConfigurationArn"], "endpoint %s resource configuration", id)
				assert.Equal(t, "Resource", p["VpcEndpointType"], "endpoint %s type", id)
				assert.Equal(t, true, p["PrivateDnsEnabled"], "endpoint %s private DNS", id)
			} else {
				assert.Equal(t, s.ServiceName, p["ServiceName"], "endpoint %s service", id)
				assert.Equal(t, "Interface", p["VpcEndpointType"], "endpoint %s type", id)
				assert.Equal(t, false, p["PrivateDnsEnabled"], "endpoint %s private DNS", id)
			}
			cdktest.JSONEq(t, []any{cdktest.GetAtt(sg, "GroupId")}, p["SecurityGroupIds"], "endpoint %s security groups: only %s", id, sg)
			ids, _ := p["SubnetIds"].([]any)
			assert.Len(t, ids, len(c.PrivateLink.AvailabilityZones), "endpoint %s subnets, one per AZ", id)
			crossRegion := s.ServiceRegion != "" && s.ServiceRegion != c.Region
			got, has := p["ServiceRegion"]
			assert.Equal(t, crossRegion, has, "endpoint %s ServiceRegion only for cross-region", id)
			if crossRegion {
				assert.Equal(t, s.ServiceRegion, got, "endpoint %s ServiceRegion", id)
			}
		}
	})
}

func TestOnlyConnectorsReachEndpoints(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		connectors := named(t, tmpl, "AWS::EC2::SecurityGroup", "privateconnect-"+c.Name+"-connectors")
		fromConnectors := cdktest.GetAtt(connectors, "GroupId")
		var wantEgress []string
		for _, s := range deployed(c) {
			sg := named(t, tmpl, "AWS::EC2::SecurityGroup", "privateconnect-"+c.Name+"-endpoint-"+s.Name)
			var ports []int
			for _, r := range tmpl.Resources("AWS::EC2::SecurityGroupIngress") {
				if !cdktest.Equal(r.Properties["GroupId"], cdktest.GetAtt(sg, "GroupId")) {
					continue
				}
				cdktest.JSONEq(t, fromConnectors, r.Properties["SourceSecurityGroupId"], "ingress %s to %s: from the connectors group only", r.LogicalID, s.Name)
				assert.Equal(t, "tcp", r.Properties["IpProtocol"], "ingress %s to %s: TCP", r.LogicalID, s.Name)
				assert.Equal(t, r.Properties["FromPort"], r.Properties["ToPort"], "ingress %s to %s: one port", r.LogicalID, s.Name)
				ports = append(ports, int(r.Properties["FromPort"].(float64)))
			}
			slices.Sort(ports)
			want := slices.Sorted(slices.Values(s.Ports))
			assert.Equal(t, want, ports, "%s endpoint admits ports", s.Name)
			for _, p := range s.Ports {
				wantEgress = append(wantEgress, fmt.Sprintf("%s:%d", sg, p))
			}
		}
		// The connectors group may open the configured ports to the endpoints, nothing else.
		var gotEgress []string
		egress, _ := tmpl.Resource(connectors)["Properties"].(map[string]any)["SecurityGroupEgress"].([]any)
		for _, e := range egress {
			m := e.(map[string]any)
			dst, _ := m["DestinationSecurityGroupId"].(map[string]any)["Fn::GetAtt"].([]any)
			if m["IpProtocol"] != "tcp" || m["FromPort"] != m["ToPort"] || len(dst) != 2 {
				assert.Fail(t, "connectors egress rule "+cdktest.Show(m), "want TCP to an endpoint group")
				continue
			}
			gotEgress = append(gotEgress, fmt.Sprintf("%s:%d", dst[0], int(m["FromPort"].(float64))))
		}
		slices.Sort(gotEgress)
		slices.Sort(wantEgress)
		assert.Equal(t, wantEgress, gotEgress, "connectors egress")
		// No rule anywhere admits the internet.
		for _, typ := range []string{"AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"} {
			for _, r := range tmpl.Resources(typ) {
				s := cdktest.Show(r.Properties)
				assert.NotContains(t, s, "0.0.0.0/0", "%s %s opens to the internet", typ, r.LogicalID)
				assert.NotContains(t, s, "::/0", "%s %s opens to the internet", typ, r.LogicalID)
			}
		}
	})
}

func TestFriendlyDnsRecords(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		zone := example.fleet.Vendor.InternalDomain
		zones := tmpl.Resources("AWS::Route53::HostedZone")
		vpc := named(t, tmpl, "AWS::EC2::VPC", "privateconnect-"+c.Name)
		require.Len(t, cdktest.LogicalIDs(zones), 1, "hosted zones")
		require.Equal(t, c.Name+"."+zone, zones[0].Properties["Name"], "the hosted zone's name")
		vpcs, _ := zones[0].Properties["VPCs"].([]any)
		if assert.Len(t, vpcs, 1, "zone VPCs: the customer's VPC only (a private zone)") {
			cdktest.JSONEq(t, cdktest.Ref(vpc), vpcs[0].(map[string]any)["VPCId"], "zone VPCs: the customer's VPC only (a private zone)")
		}
		for _, s := range deployed(c) {
			ep := named(t, tmpl, "AWS::EC2::VPCEndpoint", "privateconnect-"+c.Name+"-"+s.Name)
			if s.ResourceConfigurationArn != "" {
				// A resource endpoint's name is its association's, read at deploy.
				tmpl.HasResourceProperties(t, "AWS::Route53::RecordSet", map[string]any{
					"HostedZoneId": cdktest.GetAtt(zones[0].LogicalID, "Id"),
					"Name":         fmt.Sprintf("%s.%s.%s.", s.Name, c.Name, zone),
					"Type":         "CNAME",
				}, s.Name+" CNAME record")
				continue
			}
			entries := cdktest.GetAtt(ep, "DnsEntries")
			regional := map[string]any{"Fn::Split": []any{":", map[string]any{"Fn::Select": []any{0, entries}}}}
			tmpl.HasResourceProperties(t, "AWS::Route53::RecordSet", map[string]any{
				"HostedZoneId": cdktest.GetAtt(zones[0].LogicalID, "Id"),
				"Name":         fmt.Sprintf("%s.%s.%s.", s.Name, c.Name, zone),
				"Type":         "A",
				"AliasTarget": map[string]any{
					"DNSName":              map[string]any{"Fn::Select": []any{1, regional}},
					"HostedZoneId":         map[string]any{"Fn::Select": []any{0, regional}},
					"EvaluateTargetHealth": false,
				},
			}, s.Name+" alias record")
		}
	})
}

func TestFlowLogsWithRetention(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		vpc := named(t, tmpl, "AWS::EC2::VPC", "privateconnect-"+c.Name)
		logs := tmpl.Resources("AWS::EC2::FlowLog")
		require.Len(t, cdktest.LogicalIDs(logs), 1, "flow logs")
		require.JSONEq(t, cdktest.Show(cdktest.Ref(vpc)), cdktest.Show(logs[0].Properties["ResourceId"]), "the flow log of the VPC")
		require.Equal(t, "ALL", logs[0].Properties["TrafficType"], "the flow log of all traffic")
		// The flow log group, and the probe's beside it: both kept, with the vendor's retention.
		groups := tmpl.Resources("AWS::Logs::LogGroup")
		want := 1
		if c.Probed() && len(deployed(c)) > 0 {
			want++
		}
		// A ready resource endpoint's DNS lookup function logs to a group of its own.
		if slices.ContainsFunc(deployed(c), func(s config.Service) bool { return s.ResourceConfigurationArn != "" }) {
			want++
		}
		require.Len(t, cdktest.LogicalIDs(groups), want, "log groups: the flow log's, the probe's and the DNS lookup's")
		require.JSONEq(t, cdktest.Show(cdktest.Ref(groups[0].LogicalID)), cdktest.Show(logs[0].Properties["LogGroupName"]), "the flow log's group comes first")
		for _, g := range groups {
			assert.Equal(t, float64(*example.fleet.Vendor.LogRetentionDays), g.Properties["RetentionInDays"], "%s retention", g.LogicalID)
			// The DNS lookup's log of a deploy-time call goes with the stack.
			if !strings.Contains(g.LogicalID, "ResourceEndpointDns") {
				assert.Equal(t, "Retain", tmpl.Resource(g.LogicalID)["DeletionPolicy"], "%s would be deleted with the stack", g.LogicalID)
			}
		}
	})
}

func TestTagsOnEverything(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		want := map[string]string{"privateconnect:customer": c.Name, "privateconnect:mode": "privatelink"}
		for k, v := range example.fleet.Vendor.Tags {
			want[k] = v
		}
		for k, v := range c.Tags {
			want[k] = v
		}
		for _, typ := range []string{"AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::SecurityGroup", "AWS::EC2::VPCEndpoint", "AWS::Logs::LogGroup", "AWS::IAM::Role", "AWS::EC2::FlowLog"} {
			for _, r := range tmpl.Resources(typ) {
				got := map[string]string{}
				tags, _ := r.Properties["Tags"].([]any)
				for _, tg := range tags {
					m := tg.(map[string]any)
					got[m["Key"].(string)] = m["Value"].(string)
				}
				for k, v := range want {
					assert.Equal(t, v, got[k], "%s %s: tag %s", typ, r.LogicalID, k)
				}
			}
		}
	})
}

func TestOutputsAndParameters(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		prefix := "/privateconnect/" + c.Name + "/privatelink/"
		want := []string{"vpc-id", "subnet-ids", "connector-security-group-id", "flow-log-group"}
		if c.Probed() && len(deployed(c)) > 0 {
			want = append(want, "probe-log-group")
		}
		for _, s := range deployed(c) {
			for _, p := range []string{"endpoint-id", "endpoint-dns-name", "dns-name", "ports"} {
				want = append(want, "services/"+s.Name+"/"+p)
			}
			if s.ResourceConfigurationArn != "" {
				want = append(want, "services/"+s.Name+"/resource-configuration-arn")
			}
		}
		var got []string
		for _, r := range tmpl.Resources("AWS::SSM::Parameter") {
			name := r.Properties["Name"].(string)
			assert.True(t, strings.HasPrefix(name, prefix), "parameter %s is outside %s", name, prefix)
			got = append(got, strings.TrimPrefix(name, prefix))
		}
		slices.Sort(got)
		slices.Sort(want)
		assert.Equal(t, want, got, "parameters")
		outputs, _ := tmpl["Outputs"].(map[string]any)
		for _, key := range []string{"VpcId", "SubnetIds", "ConnectorSecurityGroupId"} {
			assert.Contains(t, outputs, key, "outputs")
		}
		for _, s := range deployed(c) {
			id := OutputID(s.Name)
			keys := []string{id + "EndpointId", id + "EndpointDnsName", id + "DnsName", id + "Ports"}
			if s.ResourceConfigurationArn != "" {
				keys = append(keys, id+"ResourceConfigurationArn")
				assert.NotContains(t, outputs, id+"EndpointDnsEntries", "a resource endpoint has no DnsEntries")
			} else {
				keys = append(keys, id+"EndpointDnsEntries")
			}
			for _, key := range keys {
				assert.Contains(t, outputs, key, "outputs")
			}
			friendly, _ := outputs[id+"DnsName"].(map[string]any)
			assert.Equal(t, fmt.Sprintf("%s.%s.%s", s.Name, c.Name, example.fleet.Vendor.InternalDomain), friendly["Value"], "output %sDnsName", id)
		}
	})
}

func TestStacksDeployToVendorAccountInCustomerRegion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(example.outdir, "manifest.json"))
	require.NoError(t, err)
	var manifest struct {
		Artifacts map[string]struct {
			Type        string
			Environment string
			Properties  struct{ TerminationProtection bool }
		}
	}
	require.NoError(t, json.Unmarshal(raw, &manifest))
	for _, c := range example.fleet.Customers {
		if c.PrivateLink == nil {
			continue
		}
		name := StackName(c, ModePrivateLink)
		a := manifest.Artifacts[name]
		assert.Equal(t, fmt.Sprintf("aws://%s/%s", example.fleet.Vendor.Account, c.Region), a.Environment, "%s environment", name)
		assert.True(t, a.Properties.TerminationProtection, "%s can be deleted without turning termination protection off", name)
		d, _ := example.templates[name]["Description"].(string)
		assert.Contains(t, d, c.Name, "%s: the description names the customer", name)
	}
}

func TestSelectAndBuildOneCustomer(t *testing.T) {
	first := example.fleet.Customers[0]
	selected, err := Select(example.fleet, []string{first.Name})
	require.NoError(t, err, "Select(%s)", first.Name)
	require.Len(t, selected, 1, "Select(%s)", first.Name)
	require.Same(t, first, selected[0], "Select(%s)", first.Name)
	app := NewApp("")
	built := Build(app, example.fleet, selected)
	var names []string
	for _, child := range *app.Node().Children() {
		names = append(names, *child.Node().Id())
	}
	assert.Len(t, built, 2, "building %s: only its own stack, and its region's dashboards", first.Name)
	assert.Equal(t, []string{StackName(first, ModePrivateLink), DashboardStackName(first.Region)}, names, "building %s: only its own stack, and its region's dashboards", first.Name)
	all, _ := Select(example.fleet, nil)
	assert.Len(t, all, len(example.fleet.Customers), "an empty selection: all customers")
	_, err = Select(example.fleet, []string{first.Name, "nobody"})
	if assert.Error(t, err, "an unknown customer") {
		assert.Contains(t, err.Error(), `"nobody"`, "the error names the unknown customer")
		assert.Contains(t, err.Error(), first.Name, "the error lists the known customers")
	}
}

func TestNoCrossRegionWithoutServiceRegion(t *testing.T) {
	// The stack must not set ServiceRegion when the service is in the stack's
	// region, even if the file repeats the region.
	c := *example.fleet.Customers[0]
	pl := *c.PrivateLink
	pl.Services = []config.Service{pl.Services[0]}
	pl.Services[0].ServiceRegion = c.Region
	c.PrivateLink = &pl
	tmpl := cdktest.TemplateOf(t, NewPrivateLinkStack(NewApp(""), example.fleet.Vendor, &c))
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpoint", map[string]any{
		"ServiceRegion": assertions.Match_Absent(),
	}, "endpoint without ServiceRegion")
}

// deployed lists the services that get an endpoint: all but the pending ones,
// which have no service name or resource configuration ARN yet.
func deployed(c *config.Customer) []config.Service {
	var out []config.Service
	for _, s := range c.PrivateLink.Services {
		if !s.Pending() {
			out = append(out, s)
		}
	}
	return out
}

// A pending service gets no endpoint, and the synth says what to do about it.
func TestPendingServiceWarns(t *testing.T) {
	c := example.fleet.Customer("acme")
	require.NotNil(t, c, "the example fleet needs acme with a pending service")
	require.Less(t, len(deployed(c)), len(c.PrivateLink.Services), "the example fleet needs acme with a pending service")
	stack := NewPrivateLinkStack(NewApp(""), example.fleet.Vendor, c)
	assert.Contains(t, Notes([]awscdk.Stack{stack}),
		"acme-PrivateLink: service reports is pending, so it has no endpoint yet: once the customer has deployed its template (make handoff CUSTOMER=acme), set privateLink.services[1].serviceName in "+c.File+" to the ServiceName the template outputs")
	assert.Empty(t, assertions.Annotations_FromStack(stack).FindWarning(jsii.String("*"), assertions.Match_AnyValue()),
		"a CDK warning would offer an acknowledgement in CDK code, which a YAML user cannot give")
}
