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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/network"
	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/cidr"
)

// vpnCustomers runs fn for every example customer with a VPN.
func vpnCustomers(t *testing.T, fn func(t *testing.T, c *config.Customer, tmpl cdktest.Template)) {
	t.Helper()
	n := 0
	for _, c := range example.fleet.Customers {
		if c.Vpn == nil {
			continue
		}
		n++
		tmpl := example.templates[StackName(c, ModeVpn)]
		t.Run(c.Name, func(t *testing.T) { fn(t, c, tmpl) })
	}
	if n == 0 {
		t.Fatal("the example fleet has no VPN customer")
	}
}

func TestVpnExamplesCoverBothRoutings(t *testing.T) {
	routings := map[string]bool{}
	for _, c := range example.fleet.Customers {
		if c.Vpn != nil {
			routings[c.Vpn.Routing] = true
		}
	}
	if !routings["static"] || !routings["bgp"] {
		t.Errorf("example VPN routings = %v, want a static and a BGP customer", routings)
	}
}

func prefix(c *config.Customer) string { return "privateconnect-" + c.Name + "-vpn" }

// tunnelLogGroup is the stack's log group other than the flow logs'.
func tunnelLogGroup(t *testing.T, tmpl cdktest.Template) string {
	t.Helper()
	for _, g := range tmpl.Resources("AWS::Logs::LogGroup") {
		if strings.Contains(g.LogicalID, "TunnelLogs") {
			return g.LogicalID
		}
	}
	t.Fatal("no tunnel log group")
	return ""
}

func props(tmpl cdktest.Template, id string) map[string]any {
	p, _ := tmpl.Resource(id)["Properties"].(map[string]any)
	return p
}

func values[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = map[string]any{"Value": x}
	}
	return out
}

func TestVpnTunnelOptionsFollowConfig(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		conn := named(t, tmpl, "AWS::EC2::VPNConnection", prefix(c))
		specs, _ := props(tmpl, conn)["VpnTunnelOptionsSpecifications"].([]any)
		if len(specs) != 2 || len(c.Vpn.Tunnels) != 2 {
			t.Fatalf("%d tunnel specifications for %d configured tunnels, want 2 and 2", len(specs), len(c.Vpn.Tunnels))
		}
		for i, tun := range c.Vpn.Tunnels {
			spec := specs[i].(map[string]any)
			want := map[string]any{
				"IKEVersions":                values(tun.IkeVersions),
				"Phase1EncryptionAlgorithms": values(tun.Phase1EncryptionAlgorithms),
				"Phase2EncryptionAlgorithms": values(tun.Phase2EncryptionAlgorithms),
				"Phase1IntegrityAlgorithms":  values(tun.Phase1IntegrityAlgorithms),
				"Phase2IntegrityAlgorithms":  values(tun.Phase2IntegrityAlgorithms),
				"Phase1DHGroupNumbers":       values(tun.Phase1DhGroupNumbers),
				"Phase2DHGroupNumbers":       values(tun.Phase2DhGroupNumbers),
				"Phase1LifetimeSeconds":      *tun.Phase1LifetimeSeconds,
				"Phase2LifetimeSeconds":      *tun.Phase2LifetimeSeconds,
				"DPDTimeoutSeconds":          *tun.DpdTimeoutSeconds,
				"DPDTimeoutAction":           tun.DpdTimeoutAction,
				"StartupAction":              tun.StartupAction,
			}
			if tun.InsideCidr != "" {
				want["TunnelInsideCidr"] = tun.InsideCidr
			}
			for k, v := range want {
				if !cdktest.Equal(spec[k], v) {
					t.Errorf("tunnel %d %s = %s, want %s", i+1, k, cdktest.Show(spec[k]), cdktest.Show(v))
				}
			}
			logs, _ := spec["LogOptions"].(map[string]any)["CloudwatchLogOptions"].(map[string]any)
			group := cdktest.GetAtt(tunnelLogGroup(t, tmpl), "Arn")
			if logs["LogEnabled"] != true || !cdktest.Equal(logs["LogGroupArn"], group) || (logs["BgpLogEnabled"] == true) != (c.Vpn.Routing == "bgp") {
				t.Errorf("tunnel %d logs = %s, want tunnel logs (and BGP logs with BGP) to the tunnel log group", i+1, cdktest.Show(logs))
			}
		}
	})
}

// A pre-shared key is in the template only as a Secrets Manager reference.
func TestPreSharedKeysNeverInPlainText(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		conn := named(t, tmpl, "AWS::EC2::VPNConnection", prefix(c))
		for i, s := range props(tmpl, conn)["VpnTunnelOptionsSpecifications"].([]any) {
			tun := c.Vpn.Tunnels[i]
			psk, has := s.(map[string]any)["PreSharedKey"]
			switch {
			case tun.PreSharedKeySecret == "" && has:
				t.Errorf("tunnel %d sets a pre-shared key where AWS should generate one", i+1)
			case tun.PreSharedKeySecret != "":
				want := fmt.Sprintf("{{resolve:secretsmanager:%s:SecretString:%s::}}", tun.PreSharedKeySecret, tun.PreSharedKeyJSONKey)
				if psk != want {
					t.Errorf("tunnel %d PreSharedKey = %v, want the reference %s", i+1, psk, want)
				}
			}
		}
		// Wherever it would hide, a key is a reference.
		raw, _ := json.Marshal(tmpl)
		for _, m := range strings.Split(string(raw), `"PreSharedKey":`)[1:] {
			if !strings.HasPrefix(m, `"{{resolve:secretsmanager:`) {
				t.Errorf("a PreSharedKey is not a Secrets Manager reference: %.60s", m)
			}
		}
	})
}

func TestVpnGatewaysAndRoutes(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		vp := c.Vpn
		vgw := named(t, tmpl, "AWS::EC2::VPNGateway", prefix(c))
		cgw := named(t, tmpl, "AWS::EC2::CustomerGateway", prefix(c))
		conn := named(t, tmpl, "AWS::EC2::VPNConnection", prefix(c))
		if p := props(tmpl, vgw); p["AmazonSideAsn"] != float64(*vp.AmazonSideAsn) || p["Type"] != "ipsec.1" {
			t.Errorf("VPN gateway = %s, want ASN %d", cdktest.Show(p), *vp.AmazonSideAsn)
		}
		asnKey, otherKey := "BgpAsn", "BgpAsnExtended"
		if vp.CustomerGateway.UsesBgpAsnExtended() {
			asnKey, otherKey = otherKey, asnKey
		}
		p := props(tmpl, cgw)
		if _, both := p[otherKey]; p["IpAddress"] != vp.CustomerGateway.IPAddress || p[asnKey] != float64(*vp.CustomerGateway.BgpAsn) || both {
			t.Errorf("customer gateway = %s, want %s with %s %d only", cdktest.Show(p), vp.CustomerGateway.IPAddress, asnKey, *vp.CustomerGateway.BgpAsn)
		}
		cp := props(tmpl, conn)
		if !cdktest.Equal(cp["VpnGatewayId"], cdktest.Ref(vgw)) || !cdktest.Equal(cp["CustomerGatewayId"], cdktest.Ref(cgw)) || cp["StaticRoutesOnly"] != (vp.Routing == "static") {
			t.Errorf("connection = %s, want %s to %s, static routes only: %v", cdktest.Show(cp), vgw, cgw, vp.Routing == "static")
		}
		var routes []string
		for _, r := range tmpl.Resources("AWS::EC2::VPNConnectionRoute") {
			if !cdktest.Equal(r.Properties["VpnConnectionId"], cdktest.Ref(conn)) {
				t.Errorf("route %s is on another connection", r.LogicalID)
			}
			routes = append(routes, r.Properties["DestinationCidrBlock"].(string))
		}
		if want := slices.Sorted(slices.Values(vp.StaticRoutes)); !slices.Equal(slices.Sorted(slices.Values(routes)), want) {
			t.Errorf("routes = %v, want the static routes %v", routes, want)
		}

		// The gateway propagates into every connector subnet's table, once attached.
		var tables []any
		for _, az := range vp.AvailabilityZones {
			tables = append(tables, cdktest.Ref(named(t, tmpl, "AWS::EC2::RouteTable", prefix(c)+"-"+az)))
		}
		propagations := tmpl.Resources("AWS::EC2::VPNGatewayRoutePropagation")
		if len(propagations) != 1 || !cdktest.Equal(propagations[0].Properties["RouteTableIds"], tables) || !cdktest.Equal(propagations[0].Properties["VpnGatewayId"], cdktest.Ref(vgw)) {
			t.Fatalf("propagation = %s, want %s into %s", cdktest.Show(propagations), vgw, cdktest.Show(tables))
		}
		var attachment string
		for _, a := range tmpl.Resources("AWS::EC2::VPCGatewayAttachment") {
			if cdktest.Equal(a.Properties["VpnGatewayId"], cdktest.Ref(vgw)) {
				attachment = a.LogicalID
			}
		}
		if dep := tmpl.Resource(propagations[0].LogicalID)["DependsOn"]; attachment == "" || !cdktest.Equal(dep, []any{attachment}) {
			t.Errorf("propagation DependsOn %v, want the gateway attachment %q", dep, attachment)
		}
	})
}

// Connector subnets take the VPC's first slots by AZ position, the NAT
// gateways' public subnets its last: the same layout config validates.
func TestVpnSubnetsAndNat(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		vp := c.Vpn
		block := netip.MustParsePrefix(vp.VpcCidr)
		private, err := cidr.Subnets(block, len(vp.AvailabilityZones))
		if err != nil {
			t.Fatal(err)
		}
		nats := vp.NatGatewayCount()
		public, err := network.PublicSubnetBlocks(block, max(nats, 1))
		if err != nil {
			t.Fatal(err)
		}
		vpc := named(t, tmpl, "AWS::EC2::VPC", prefix(c))
		if p := props(tmpl, vpc); p["CidrBlock"] != vp.VpcCidr {
			t.Errorf("VPC block = %v, want %s", p["CidrBlock"], vp.VpcCidr)
		}
		for i, az := range vp.AvailabilityZones {
			p := props(tmpl, named(t, tmpl, "AWS::EC2::Subnet", prefix(c)+"-"+az))
			if p["AvailabilityZoneId"] != az || p["CidrBlock"] != private[i].String() || p["MapPublicIpOnLaunch"] != false {
				t.Errorf("connector subnet in %s = %s, want %s by AZ ID", az, cdktest.Show(p), private[i])
			}
		}
		if got := len(tmpl.Resources("AWS::EC2::NatGateway")); got != nats {
			t.Fatalf("%d NAT gateways, want %d (natGateways: %s)", got, nats, vp.NatGateways)
		}
		if got := len(tmpl.Resources("AWS::EC2::Subnet")); got != len(vp.AvailabilityZones)+nats {
			t.Errorf("%d subnets, want %d connector subnets and %d public ones", got, len(vp.AvailabilityZones), nats)
		}
		for i := 0; i < nats; i++ {
			az := vp.AvailabilityZones[i]
			sub := named(t, tmpl, "AWS::EC2::Subnet", prefix(c)+"-public-"+az)
			if p := props(tmpl, sub); p["CidrBlock"] != public[i].String() || p["AvailabilityZoneId"] != az {
				t.Errorf("public subnet in %s = %s, want %s", az, cdktest.Show(p), public[i])
			}
			eip := named(t, tmpl, "AWS::EC2::EIP", prefix(c)+"-nat-"+az)
			nat := named(t, tmpl, "AWS::EC2::NatGateway", prefix(c)+"-"+az)
			if p := props(tmpl, nat); !cdktest.Equal(p["SubnetId"], cdktest.Ref(sub)) || !cdktest.Equal(p["AllocationId"], cdktest.GetAtt(eip, "AllocationId")) {
				t.Errorf("NAT gateway in %s = %s, want in %s with %s", az, cdktest.Show(p), sub, eip)
			}
			tags := cdktest.Show(props(tmpl, eip)["Tags"])
			if !strings.Contains(tags, `"privateconnect:customer","Value":"`+c.Name+`"`) {
				t.Errorf("Elastic IP %s tags = %s, want the customer's", eip, tags)
			}
		}
		// Each connector subnet's default route goes to a NAT gateway (its
		// own AZ's per AZ), and only public tables reach the internet gateway.
		for i, az := range vp.AvailabilityZones {
			table := named(t, tmpl, "AWS::EC2::RouteTable", prefix(c)+"-"+az)
			var to []string
			for _, r := range tmpl.Resources("AWS::EC2::Route") {
				if cdktest.Equal(r.Properties["RouteTableId"], cdktest.Ref(table)) {
					if r.Properties["GatewayId"] != nil {
						t.Errorf("connector subnet %s routes straight to the internet gateway", az)
					}
					to = append(to, cdktest.Show(r.Properties["NatGatewayId"]))
				}
			}
			switch {
			case nats == 0 && len(to) > 0:
				t.Errorf("connector subnet %s has routes %v without NAT", az, to)
			case nats > 0:
				natAz := vp.AvailabilityZones[0]
				if vp.NatGateways == "perAz" {
					natAz = vp.AvailabilityZones[i]
				}
				want := cdktest.Show(cdktest.Ref(named(t, tmpl, "AWS::EC2::NatGateway", prefix(c)+"-"+natAz)))
				if len(to) != 1 || to[0] != want {
					t.Errorf("connector subnet %s default routes %v, want one to %s", az, to, want)
				}
			}
		}
	})
}

// config's layout (how many connector AZs and NAT gateways a block holds)
// and the constructs' carving agree for every VPC size.
func TestVpnLayoutAgreesWithConstructs(t *testing.T) {
	for bits := 16; bits <= 28; bits++ {
		block := netip.PrefixFrom(netip.MustParseAddr("10.64.0.0"), bits)
		maxPrivate, maxPublic := config.VpnSubnetLayout(bits)
		if want := cidr.SubnetSlots(bits) - 1; maxPrivate != want {
			t.Errorf("/%d: config allows %d connector subnets, the construct %d", bits, maxPrivate, want)
		}
		for n := 1; n <= 5; n++ {
			_, err := network.PublicSubnetBlocks(block, n)
			if (err == nil) != (maxPrivate > 0 && n <= maxPublic) {
				t.Errorf("/%d with %d public subnets: config allows %d, the construct says %v", bits, n, maxPublic, err)
			}
		}
	}
}

func TestVpnConnectorsReachCustomerSubnetsOnly(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		sg := named(t, tmpl, "AWS::EC2::SecurityGroup", prefix(c)+"-connectors")
		var got, want []string
		for _, e := range props(tmpl, sg)["SecurityGroupEgress"].([]any) {
			m := e.(map[string]any)
			if m["IpProtocol"] != "tcp" || m["FromPort"] != m["ToPort"] {
				t.Errorf("egress %s, want single TCP ports", cdktest.Show(m))
			}
			got = append(got, fmt.Sprintf("%v:%v", m["CidrIp"], m["FromPort"]))
		}
		for _, dst := range c.VpnCustomerCidrs() {
			for _, p := range c.Vpn.Ports {
				want = append(want, fmt.Sprintf("%s:%d", dst, p))
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("connectors egress = %v, want %v", got, want)
		}
		for _, typ := range []string{"AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"} {
			for _, r := range tmpl.Resources(typ) {
				if s := cdktest.Show(r.Properties); strings.Contains(s, "0.0.0.0/0") || strings.Contains(s, "::/0") {
					t.Errorf("%s %s opens to the internet: %s", typ, r.LogicalID, s)
				}
			}
		}
	})
}

func TestVpnTunnelStateAlarms(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		conn := named(t, tmpl, "AWS::EC2::VPNConnection", prefix(c))
		topic := []any{example.fleet.Vendor.AlarmTopicArns[c.Region]}
		want := map[string]map[string]any{
			// One tunnel down for 15 minutes: Minimum of the VpnId series below 1.
			"RedundancyLost": {"Statistic": "Minimum", "Threshold": 1, "EvaluationPeriods": 3, "DatapointsToAlarm": 3, "TreatMissingData": "notBreaching"},
			// No tunnel up in 5 minutes: Maximum below 0.5; silence counts as down.
			"ConnectivityLost": {"Statistic": "Maximum", "Threshold": 0.5, "EvaluationPeriods": 1, "TreatMissingData": "breaching"},
		}
		alarms := tmpl.Resources("AWS::CloudWatch::Alarm")
		if len(alarms) != len(want) {
			t.Fatalf("%d alarms, want %d", len(alarms), len(want))
		}
		for _, a := range alarms {
			var w map[string]any
			for name, props := range want {
				if strings.Contains(a.LogicalID, name) {
					w = props
				}
			}
			if w == nil {
				t.Errorf("unexpected alarm %s", a.LogicalID)
				continue
			}
			w["Namespace"], w["MetricName"], w["Period"] = "AWS/VPN", "TunnelState", 300
			w["Dimensions"] = []any{map[string]any{"Name": "VpnId", "Value": cdktest.Ref(conn)}}
			w["ComparisonOperator"] = "LessThanThreshold"
			w["AlarmActions"], w["OKActions"] = topic, topic
			for k, v := range w {
				if !cdktest.Equal(a.Properties[k], v) {
					t.Errorf("%s %s = %s, want %s", a.LogicalID, k, cdktest.Show(a.Properties[k]), cdktest.Show(v))
				}
			}
		}
	})
}

func TestVpnOutputsAndParameters(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		pfx := "/privateconnect/" + c.Name + "/vpn/"
		want := []string{"vpc-id", "subnet-ids", "connector-security-group-id", "vpn-connection-id", "vpn-gateway-id",
			"customer-gateway-id", "flow-log-group", "tunnel-log-group"}
		if c.Vpn.NatGatewayCount() > 0 {
			want = append(want, "nat-public-ips")
		}
		var got []string
		for _, r := range tmpl.Resources("AWS::SSM::Parameter") {
			name := r.Properties["Name"].(string)
			if !strings.HasPrefix(name, pfx) {
				t.Errorf("parameter %s is outside %s", name, pfx)
			}
			got = append(got, strings.TrimPrefix(name, pfx))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("parameters = %v, want %v", got, want)
		}
		outputs, _ := tmpl["Outputs"].(map[string]any)
		for _, key := range []string{"VpcId", "SubnetIds", "ConnectorSecurityGroupId", "VpnConnectionId", "CustomerGatewayId", "DeviceConfigurationCommand"} {
			if _, ok := outputs[key]; !ok {
				t.Errorf("output %s is missing", key)
			}
		}
		conn := named(t, tmpl, "AWS::EC2::VPNConnection", prefix(c))
		if v := outputs["VpnConnectionId"].(map[string]any)["Value"]; !cdktest.Equal(v, cdktest.Ref(conn)) {
			t.Errorf("VpnConnectionId output = %s", cdktest.Show(v))
		}
		cmd := cdktest.Show(outputs["DeviceConfigurationCommand"].(map[string]any)["Value"])
		for _, w := range []string{"aws ec2 get-vpn-connection-device-sample-configuration", "--region " + c.Region, cdktest.Show(cdktest.Ref(conn)), "get-vpn-connection-device-types", "--internet-key-exchange-version ikev2"} {
			if !strings.Contains(cmd, w) {
				t.Errorf("device configuration command %s lacks %s", cmd, w)
			}
		}
	})
}

func TestVpnStackEnvironmentAndTags(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(example.outdir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Artifacts map[string]struct {
			Environment string
			Properties  struct{ TerminationProtection bool }
		}
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		a := manifest.Artifacts[StackName(c, ModeVpn)]
		if want := fmt.Sprintf("aws://%s/%s", example.fleet.Vendor.Account, c.Region); a.Environment != want || !a.Properties.TerminationProtection {
			t.Errorf("environment %q, termination protection %v; want %s, on", a.Environment, a.Properties.TerminationProtection, want)
		}
		for _, typ := range []string{"AWS::EC2::VPC", "AWS::EC2::VPNGateway", "AWS::EC2::CustomerGateway", "AWS::EC2::VPNConnection", "AWS::EC2::NatGateway", "AWS::EC2::EIP", "AWS::Logs::LogGroup", "AWS::CloudWatch::Alarm"} {
			for _, r := range tmpl.Resources(typ) {
				tags := cdktest.Show(r.Properties["Tags"])
				for _, want := range []string{`{"Key":"privateconnect:customer","Value":"` + c.Name + `"}`, `{"Key":"privateconnect:mode","Value":"vpn"}`} {
					if !strings.Contains(tags, want) {
						t.Errorf("%s %s tags %s lack %s", typ, r.LogicalID, tags, want)
					}
				}
			}
		}
	})
}

// withVpn returns a copy of the example VPN customer named, changed by edit.
func withVpn(t *testing.T, name string, edit func(c *config.Customer)) *config.Customer {
	t.Helper()
	orig := example.fleet.Customer(name)
	if orig == nil || orig.Vpn == nil {
		t.Fatalf("the example fleet needs %s with a VPN", name)
	}
	c := *orig
	v := *orig.Vpn
	v.Tunnels = slices.Clone(v.Tunnels)
	c.Vpn = &v
	edit(&c)
	return &c
}

// IKEv1 is allowed only with allowIkev1 (config checks that), and synth
// says it is weaker whenever a tunnel accepts it.
func TestIkev1Warns(t *testing.T) {
	c := withVpn(t, "hooli", func(c *config.Customer) {
		c.Vpn.AllowIkev1 = true
		c.Vpn.Tunnels[1].IkeVersions = []string{"ikev1", "ikev2"}
	})
	stack := NewVpnStack(NewApp(""), example.fleet.Vendor, c)
	notes := Notes([]awscdk.Stack{stack})
	require.Len(t, notes, 1)
	assert.Regexp(t, `^hooli-Vpn: warning: customer hooli's VPN accepts IKEv1 \(vpn.allowIkev1 in .*hooli.yaml\): IKEv1 is weaker than IKEv2`, notes[0])
	for _, c := range example.fleet.Customers {
		if c.Vpn == nil {
			continue
		}
		stack := NewVpnStack(NewApp(""), example.fleet.Vendor, c)
		assert.Empty(t, Notes([]awscdk.Stack{stack}), "%s: IKEv1 warning without IKEv1", c.Name)
	}
}

// A tunnel that accepts IKEv1 only needs the device configuration for IKEv1.
func TestDeviceConfigurationForIkev1Only(t *testing.T) {
	c := withVpn(t, "initech", func(c *config.Customer) {
		c.Vpn.AllowIkev1 = true
		c.Vpn.Tunnels[0].IkeVersions = []string{"ikev1"}
		c.Vpn.Tunnels[0].StartupAction = "add"
	})
	stack := NewVpnStack(NewApp(""), example.fleet.Vendor, c)
	tmpl := cdktest.TemplateOf(t, stack)
	cmd := cdktest.Show(tmpl["Outputs"].(map[string]any)["DeviceConfigurationCommand"])
	if !strings.Contains(cmd, "--internet-key-exchange-version ikev1") {
		t.Errorf("command %s, want the IKEv1 configuration", cmd)
	}
}

// A customer with a VPN and no PrivateLink gets the VPN stack alone.
func TestVpnOnlyCustomer(t *testing.T) {
	c := withVpn(t, "hooli", func(c *config.Customer) { c.PrivateLink = nil })
	app := NewApp("")
	built := Build(app, example.fleet, []*config.Customer{c})
	if len(built) != 1 || *built[0].StackName() != StackName(c, ModeVpn) {
		var names []string
		for _, s := range built {
			names = append(names, *s.StackName())
		}
		t.Errorf("built %v, want only %s", names, StackName(c, ModeVpn))
	}
}
