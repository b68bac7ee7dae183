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
	if n == 0 {
		t.Fatal("the example fleet has no PrivateLink customer")
	}
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
	t.Fatalf("no %s tagged Name=%s", typ, name)
	return ""
}

func TestSubnetsArePlacedByAzID(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		pl := c.PrivateLink
		subnets := tmpl.Resources("AWS::EC2::Subnet")
		if len(subnets) != len(pl.AvailabilityZones) {
			t.Fatalf("%d subnets, want one per AZ (%d)", len(subnets), len(pl.AvailabilityZones))
		}
		blocks, err := cidr.Subnets(netip.MustParsePrefix(pl.VpcCidr), len(pl.AvailabilityZones))
		if err != nil {
			t.Fatal(err)
		}
		vpc := named(t, tmpl, "AWS::EC2::VPC", "privateconnect-"+c.Name)
		for i, az := range pl.AvailabilityZones {
			id := named(t, tmpl, "AWS::EC2::Subnet", "privateconnect-"+c.Name+"-"+az)
			p := tmpl.Resource(id)["Properties"].(map[string]any)
			if p["AvailabilityZoneId"] != az || p["CidrBlock"] != blocks[i].String() || !cdktest.Equal(p["VpcId"], cdktest.Ref(vpc)) {
				t.Errorf("subnet %s: %s, want AZ ID %s, block %s in the VPC", id, cdktest.Show(p), az, blocks[i])
			}
			if _, byName := p["AvailabilityZone"]; byName {
				t.Errorf("subnet %s is placed by AZ name, which differs between accounts", id)
			}
			if p["MapPublicIpOnLaunch"] != false {
				t.Errorf("subnet %s maps public IPs", id)
			}
		}
		vp := tmpl.Resource(vpc)["Properties"].(map[string]any)
		if vp["CidrBlock"] != pl.VpcCidr || vp["EnableDnsSupport"] != true || vp["EnableDnsHostnames"] != true {
			t.Errorf("VPC = %s, want CIDR %s with DNS support and hostnames", cdktest.Show(vp), pl.VpcCidr)
		}
		// Nothing in an isolated VPC may route to the internet.
		for _, typ := range []string{"AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::Route"} {
			if n := len(tmpl.Resources(typ)); n > 0 {
				t.Errorf("%d %s in an isolated VPC", n, typ)
			}
		}
	})
}

func TestEndpointPerService(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		endpoints := tmpl.Resources("AWS::EC2::VPCEndpoint")
		if len(endpoints) != len(deployed(c)) {
			t.Fatalf("%d endpoints, want %d", len(endpoints), len(deployed(c)))
		}
		for _, s := range deployed(c) {
			id := named(t, tmpl, "AWS::EC2::VPCEndpoint", "privateconnect-"+c.Name+"-"+s.Name)
			p := tmpl.Resource(id)["Properties"].(map[string]any)
			sg := named(t, tmpl, "AWS::EC2::SecurityGroup", "privateconnect-"+c.Name+"-endpoint-"+s.Name)
			if p["ServiceName"] != s.ServiceName || p["VpcEndpointType"] != "Interface" || p["PrivateDnsEnabled"] != false {
				t.Errorf("endpoint %s = %s, want an interface endpoint to %s without private DNS", id, cdktest.Show(p), s.ServiceName)
			}
			if !cdktest.Equal(p["SecurityGroupIds"], []any{cdktest.GetAtt(sg, "GroupId")}) {
				t.Errorf("endpoint %s security groups = %s, want only %s", id, cdktest.Show(p["SecurityGroupIds"]), sg)
			}
			if ids, _ := p["SubnetIds"].([]any); len(ids) != len(c.PrivateLink.AvailabilityZones) {
				t.Errorf("endpoint %s is in %d subnets, want one per AZ", id, len(ids))
			}
			crossRegion := s.ServiceRegion != "" && s.ServiceRegion != c.Region
			if got, has := p["ServiceRegion"]; has != crossRegion || crossRegion && got != s.ServiceRegion {
				t.Errorf("endpoint %s ServiceRegion = %v, want %q only for cross-region", id, got, s.ServiceRegion)
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
				if !cdktest.Equal(r.Properties["SourceSecurityGroupId"], fromConnectors) || r.Properties["IpProtocol"] != "tcp" ||
					r.Properties["FromPort"] != r.Properties["ToPort"] {
					t.Errorf("ingress %s to %s = %s, want TCP from the connectors group only", r.LogicalID, s.Name, cdktest.Show(r.Properties))
				}
				ports = append(ports, int(r.Properties["FromPort"].(float64)))
			}
			slices.Sort(ports)
			want := slices.Sorted(slices.Values(s.Ports))
			if !slices.Equal(ports, want) {
				t.Errorf("%s endpoint admits ports %v, want %v", s.Name, ports, want)
			}
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
				t.Errorf("connectors egress rule %s, want TCP to an endpoint group", cdktest.Show(m))
				continue
			}
			gotEgress = append(gotEgress, fmt.Sprintf("%s:%d", dst[0], int(m["FromPort"].(float64))))
		}
		slices.Sort(gotEgress)
		slices.Sort(wantEgress)
		if !slices.Equal(gotEgress, wantEgress) {
			t.Errorf("connectors egress = %v, want %v", gotEgress, wantEgress)
		}
		// No rule anywhere admits the internet.
		for _, typ := range []string{"AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"} {
			for _, r := range tmpl.Resources(typ) {
				if s := cdktest.Show(r.Properties); strings.Contains(s, "0.0.0.0/0") || strings.Contains(s, "::/0") {
					t.Errorf("%s %s opens to the internet: %s", typ, r.LogicalID, s)
				}
			}
		}
	})
}

func TestFriendlyDnsRecords(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		zone := example.fleet.Vendor.InternalDomain
		zones := tmpl.Resources("AWS::Route53::HostedZone")
		vpc := named(t, tmpl, "AWS::EC2::VPC", "privateconnect-"+c.Name)
		if len(zones) != 1 || zones[0].Properties["Name"] != c.Name+"."+zone {
			t.Fatalf("hosted zones = %s, want one named %s.%s", cdktest.Show(zones), c.Name, zone)
		}
		if vpcs, _ := zones[0].Properties["VPCs"].([]any); len(vpcs) != 1 || !cdktest.Equal(vpcs[0].(map[string]any)["VPCId"], cdktest.Ref(vpc)) {
			t.Errorf("zone VPCs = %s, want the customer's VPC only (a private zone)", cdktest.Show(vpcs))
		}
		for _, s := range deployed(c) {
			ep := named(t, tmpl, "AWS::EC2::VPCEndpoint", "privateconnect-"+c.Name+"-"+s.Name)
			entries := cdktest.GetAtt(ep, "DnsEntries")
			regional := map[string]any{"Fn::Split": []any{":", map[string]any{"Fn::Select": []any{0, entries}}}}
			cdktest.Assert(t, s.Name+" alias record", func() {
				tmpl.CDK().HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), &map[string]any{
					"HostedZoneId": cdktest.GetAtt(zones[0].LogicalID, "Id"),
					"Name":         fmt.Sprintf("%s.%s.%s.", s.Name, c.Name, zone),
					"Type":         "A",
					"AliasTarget": map[string]any{
						"DNSName":              map[string]any{"Fn::Select": []any{1, regional}},
						"HostedZoneId":         map[string]any{"Fn::Select": []any{0, regional}},
						"EvaluateTargetHealth": false,
					},
				})
			})
		}
	})
}

func TestFlowLogsWithRetention(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		vpc := named(t, tmpl, "AWS::EC2::VPC", "privateconnect-"+c.Name)
		logs := tmpl.Resources("AWS::EC2::FlowLog")
		if len(logs) != 1 || !cdktest.Equal(logs[0].Properties["ResourceId"], cdktest.Ref(vpc)) || logs[0].Properties["TrafficType"] != "ALL" {
			t.Fatalf("flow logs = %s, want one for all traffic of the VPC", cdktest.Show(logs))
		}
		groups := tmpl.Resources("AWS::Logs::LogGroup")
		if len(groups) != 1 || groups[0].Properties["RetentionInDays"] != float64(*example.fleet.Vendor.LogRetentionDays) {
			t.Errorf("log groups = %s, want retention %d", cdktest.Show(groups), *example.fleet.Vendor.LogRetentionDays)
		}
		if tmpl.Resource(groups[0].LogicalID)["DeletionPolicy"] != "Retain" {
			t.Errorf("the flow log group would be deleted with the stack")
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
					if got[k] != v {
						t.Errorf("%s %s: tag %s = %q, want %q", typ, r.LogicalID, k, got[k], v)
					}
				}
			}
		}
	})
}

func TestOutputsAndParameters(t *testing.T) {
	privateLinkCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		prefix := "/privateconnect/" + c.Name + "/privatelink/"
		want := []string{"vpc-id", "subnet-ids", "connector-security-group-id", "flow-log-group"}
		for _, s := range deployed(c) {
			for _, p := range []string{"endpoint-id", "endpoint-dns-name", "dns-name", "ports"} {
				want = append(want, "services/"+s.Name+"/"+p)
			}
		}
		var got []string
		for _, r := range tmpl.Resources("AWS::SSM::Parameter") {
			name := r.Properties["Name"].(string)
			if !strings.HasPrefix(name, prefix) {
				t.Errorf("parameter %s is outside %s", name, prefix)
			}
			got = append(got, strings.TrimPrefix(name, prefix))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("parameters = %v, want %v", got, want)
		}
		outputs, _ := tmpl["Outputs"].(map[string]any)
		for _, key := range []string{"VpcId", "SubnetIds", "ConnectorSecurityGroupId"} {
			if _, ok := outputs[key]; !ok {
				t.Errorf("output %s is missing", key)
			}
		}
		for _, s := range deployed(c) {
			id := OutputID(s.Name)
			for _, key := range []string{id + "EndpointId", id + "EndpointDnsName", id + "EndpointDnsEntries", id + "DnsName"} {
				if _, ok := outputs[key]; !ok {
					t.Errorf("output %s is missing", key)
				}
			}
			friendly, _ := outputs[id+"DnsName"].(map[string]any)
			if want := fmt.Sprintf("%s.%s.%s", s.Name, c.Name, example.fleet.Vendor.InternalDomain); friendly["Value"] != want {
				t.Errorf("output %sDnsName = %v, want %s", id, friendly["Value"], want)
			}
		}
	})
}

func TestStacksDeployToVendorAccountInCustomerRegion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(example.outdir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Artifacts map[string]struct {
			Type        string
			Environment string
			Properties  struct{ TerminationProtection bool }
		}
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	for _, c := range example.fleet.Customers {
		if c.PrivateLink == nil {
			continue
		}
		name := StackName(c, ModePrivateLink)
		a := manifest.Artifacts[name]
		if want := fmt.Sprintf("aws://%s/%s", example.fleet.Vendor.Account, c.Region); a.Environment != want {
			t.Errorf("%s environment = %q, want %q", name, a.Environment, want)
		}
		if !a.Properties.TerminationProtection {
			t.Errorf("%s can be deleted without turning termination protection off", name)
		}
		if d, _ := example.templates[name]["Description"].(string); !strings.Contains(d, c.Name) {
			t.Errorf("%s: description %q does not name the customer", name, d)
		}
	}
}

func TestSelectAndBuildOneCustomer(t *testing.T) {
	first := example.fleet.Customers[0]
	selected, err := Select(example.fleet, []string{first.Name})
	if err != nil || len(selected) != 1 || selected[0] != first {
		t.Fatalf("Select(%s) = %v, %v", first.Name, selected, err)
	}
	app := NewApp("")
	built := Build(app, example.fleet, selected)
	var names []string
	for _, child := range *app.Node().Children() {
		names = append(names, *child.Node().Id())
	}
	if len(built) != 1 || len(names) != 1 || names[0] != StackName(first, ModePrivateLink) {
		t.Errorf("building %s created %v, want only its own stack", first.Name, names)
	}
	if all, _ := Select(example.fleet, nil); len(all) != len(example.fleet.Customers) {
		t.Errorf("an empty selection gave %d customers, want all %d", len(all), len(example.fleet.Customers))
	}
	if _, err := Select(example.fleet, []string{first.Name, "nobody"}); err == nil || !strings.Contains(err.Error(), `"nobody"`) || !strings.Contains(err.Error(), first.Name) {
		t.Errorf("unknown customer: err = %v, want one naming it and listing the known customers", err)
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
	cdktest.Assert(t, "endpoint without ServiceRegion", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), &map[string]any{
			"ServiceRegion": assertions.Match_Absent(),
		})
	})
}

// deployed lists the services that get an endpoint: all but the pending ones,
// which have no service name yet.
func deployed(c *config.Customer) []config.Service {
	var out []config.Service
	for _, s := range c.PrivateLink.Services {
		if s.ServiceName != "" {
			out = append(out, s)
		}
	}
	return out
}

// A pending service gets no endpoint, and the synth says what to do about it.
func TestPendingServiceWarns(t *testing.T) {
	c := example.fleet.Customer("acme")
	if c == nil || len(deployed(c)) == len(c.PrivateLink.Services) {
		t.Fatal("the example fleet needs acme with a pending service")
	}
	stack := NewPrivateLinkStack(NewApp(""), example.fleet.Vendor, c)
	assert.Contains(t, Notes([]awscdk.Stack{stack}),
		"acme-PrivateLink: service reports is pending, so it has no endpoint yet: once the customer has deployed its template (make handoff CUSTOMER=acme), set privateLink.services[1].serviceName in "+c.File+" to the ServiceName the template outputs")
	assert.Empty(t, assertions.Annotations_FromStack(stack).FindWarning(jsii.String("*"), assertions.Match_AnyValue()),
		"a CDK warning would offer an acknowledgement in CDK code, which a YAML user cannot give")
}
