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
	require.NotZero(t, n, "VPN customers in the example fleet")
}

func TestVpnExamplesCoverBothRoutings(t *testing.T) {
	routings := map[string]bool{}
	for _, c := range example.fleet.Customers {
		if c.Vpn != nil {
			routings[c.Vpn.Routing] = true
		}
	}
	assert.True(t, routings["static"], "a static VPN customer in the example fleet")
	assert.True(t, routings["bgp"], "a BGP VPN customer in the example fleet")
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
	require.FailNow(t, "no tunnel log group")
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
		require.Len(t, specs, 2, "tunnel specifications")
		require.Len(t, c.Vpn.Tunnels, 2, "configured tunnels")
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
				cdktest.JSONEq(t, v, spec[k], "tunnel %d %s", i+1, k)
			}
			logs, _ := spec["LogOptions"].(map[string]any)["CloudwatchLogOptions"].(map[string]any)
			group := cdktest.GetAtt(tunnelLogGroup(t, tmpl), "Arn")
			assert.Equal(t, true, logs["LogEnabled"], "tunnel %d tunnel logs", i+1)
			cdktest.JSONEq(t, group, logs["LogGroupArn"], "tunnel %d logs to the tunnel log group", i+1)
			assert.Equal(t, c.Vpn.Routing == "bgp", logs["BgpLogEnabled"] == true, "tunnel %d BGP logs with BGP only", i+1)
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
			if tun.PreSharedKeySecret == "" {
				assert.False(t, has, "tunnel %d sets a pre-shared key where AWS should generate one", i+1)
			} else {
				want := fmt.Sprintf("{{resolve:secretsmanager:%s:SecretString:%s::}}", tun.PreSharedKeySecret, tun.PreSharedKeyJSONKey)
				assert.Equal(t, want, psk, "tunnel %d PreSharedKey: the reference", i+1)
			}
		}
		// Wherever it would hide, a key is a reference.
		raw, _ := json.Marshal(tmpl)
		for _, m := range strings.Split(string(raw), `"PreSharedKey":`)[1:] {
			assert.True(t, strings.HasPrefix(m, `"{{resolve:secretsmanager:`), "a PreSharedKey is not a Secrets Manager reference: %.60s", m)
		}
	})
}

func TestVpnGatewaysAndRoutes(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		vp := c.Vpn
		vgw := named(t, tmpl, "AWS::EC2::VPNGateway", prefix(c))
		cgw := named(t, tmpl, "AWS::EC2::CustomerGateway", prefix(c))
		conn := named(t, tmpl, "AWS::EC2::VPNConnection", prefix(c))
		p := props(tmpl, vgw)
		assert.Equal(t, float64(*vp.AmazonSideAsn), p["AmazonSideAsn"], "VPN gateway ASN")
		assert.Equal(t, "ipsec.1", p["Type"], "VPN gateway type")
		asnKey, otherKey := "BgpAsn", "BgpAsnExtended"
		if vp.CustomerGateway.UsesBgpAsnExtended() {
			asnKey, otherKey = otherKey, asnKey
		}
		p = props(tmpl, cgw)
		assert.Equal(t, vp.CustomerGateway.IPAddress, p["IpAddress"], "customer gateway IP address")
		assert.Equal(t, float64(*vp.CustomerGateway.BgpAsn), p[asnKey], "customer gateway %s", asnKey)
		assert.NotContains(t, p, otherKey, "customer gateway: %s only", asnKey)
		cp := props(tmpl, conn)
		cdktest.JSONEq(t, cdktest.Ref(vgw), cp["VpnGatewayId"], "the connection's VPN gateway")
		cdktest.JSONEq(t, cdktest.Ref(cgw), cp["CustomerGatewayId"], "the connection's customer gateway")
		assert.Equal(t, vp.Routing == "static", cp["StaticRoutesOnly"], "the connection's StaticRoutesOnly")
		var routes []string
		for _, r := range tmpl.Resources("AWS::EC2::VPNConnectionRoute") {
			cdktest.JSONEq(t, cdktest.Ref(conn), r.Properties["VpnConnectionId"], "route %s is on another connection", r.LogicalID)
			routes = append(routes, r.Properties["DestinationCidrBlock"].(string))
		}
		// With static routing each remote network is a route; BGP learns them.
		var want []string
		if vp.Routing == "static" {
			want = slices.Sorted(slices.Values(vp.RemoteNetworks))
		}
		assert.Equal(t, want, slices.Sorted(slices.Values(routes)), "routes: the remote networks with static routing, none with BGP")

		// The gateway propagates into every connector subnet's table, once attached.
		var tables []any
		for _, az := range vp.AvailabilityZones {
			tables = append(tables, cdktest.Ref(named(t, tmpl, "AWS::EC2::RouteTable", prefix(c)+"-"+az)))
		}
		propagations := tmpl.Resources("AWS::EC2::VPNGatewayRoutePropagation")
		require.Len(t, cdktest.LogicalIDs(propagations), 1, "route propagations")
		require.JSONEq(t, cdktest.Show(tables), cdktest.Show(propagations[0].Properties["RouteTableIds"]), "propagation into the connector subnets' tables")
		require.JSONEq(t, cdktest.Show(cdktest.Ref(vgw)), cdktest.Show(propagations[0].Properties["VpnGatewayId"]), "propagation of the VPN gateway")
		var attachment string
		for _, a := range tmpl.Resources("AWS::EC2::VPCGatewayAttachment") {
			if cdktest.Equal(a.Properties["VpnGatewayId"], cdktest.Ref(vgw)) {
				attachment = a.LogicalID
			}
		}
		if assert.NotEmpty(t, attachment, "the gateway attachment") {
			cdktest.JSONEq(t, []any{attachment}, tmpl.Resource(propagations[0].LogicalID)["DependsOn"], "propagation DependsOn the gateway attachment")
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
		require.NoError(t, err)
		nats := vp.NatGatewayCount()
		public, err := network.PublicSubnetBlocks(block, max(nats, 1))
		require.NoError(t, err)
		vpc := named(t, tmpl, "AWS::EC2::VPC", prefix(c))
		assert.Equal(t, vp.VpcCidr, props(tmpl, vpc)["CidrBlock"], "VPC block")
		for i, az := range vp.AvailabilityZones {
			p := props(tmpl, named(t, tmpl, "AWS::EC2::Subnet", prefix(c)+"-"+az))
			assert.Equal(t, az, p["AvailabilityZoneId"], "connector subnet in %s: by AZ ID", az)
			assert.Equal(t, private[i].String(), p["CidrBlock"], "connector subnet in %s: block", az)
			assert.Equal(t, false, p["MapPublicIpOnLaunch"], "connector subnet in %s maps public IPs", az)
		}
		require.Len(t, cdktest.LogicalIDs(tmpl.Resources("AWS::EC2::NatGateway")), nats, "NAT gateways (natGateways: %s)", vp.NatGateways)
		assert.Len(t, cdktest.LogicalIDs(tmpl.Resources("AWS::EC2::Subnet")), len(vp.AvailabilityZones)+nats, "subnets: %d connector subnets and %d public ones", len(vp.AvailabilityZones), nats)
		for i := 0; i < nats; i++ {
			az := vp.AvailabilityZones[i]
			sub := named(t, tmpl, "AWS::EC2::Subnet", prefix(c)+"-public-"+az)
			p := props(tmpl, sub)
			assert.Equal(t, public[i].String(), p["CidrBlock"], "public subnet in %s: block", az)
			assert.Equal(t, az, p["AvailabilityZoneId"], "public subnet in %s: AZ ID", az)
			eip := named(t, tmpl, "AWS::EC2::EIP", prefix(c)+"-nat-"+az)
			nat := named(t, tmpl, "AWS::EC2::NatGateway", prefix(c)+"-"+az)
			p = props(tmpl, nat)
			cdktest.JSONEq(t, cdktest.Ref(sub), p["SubnetId"], "NAT gateway in %s: in %s", az, sub)
			cdktest.JSONEq(t, cdktest.GetAtt(eip, "AllocationId"), p["AllocationId"], "NAT gateway in %s: with %s", az, eip)
			tags := cdktest.Show(props(tmpl, eip)["Tags"])
			assert.Contains(t, tags, `"privateconnect:customer","Value":"`+c.Name+`"`, "Elastic IP %s tags: the customer's", eip)
		}
		// Each connector subnet's default route goes to a NAT gateway (its
		// own AZ's per AZ), and only public tables reach the internet gateway.
		for i, az := range vp.AvailabilityZones {
			table := named(t, tmpl, "AWS::EC2::RouteTable", prefix(c)+"-"+az)
			var to []string
			for _, r := range tmpl.Resources("AWS::EC2::Route") {
				if cdktest.Equal(r.Properties["RouteTableId"], cdktest.Ref(table)) {
					assert.Nil(t, r.Properties["GatewayId"], "connector subnet %s routes straight to the internet gateway", az)
					to = append(to, cdktest.Show(r.Properties["NatGatewayId"]))
				}
			}
			if nats == 0 {
				assert.Empty(t, to, "connector subnet %s has routes without NAT", az)
			} else {
				natAz := vp.AvailabilityZones[0]
				if vp.NatGateways == "perAz" {
					natAz = vp.AvailabilityZones[i]
				}
				want := cdktest.Show(cdktest.Ref(named(t, tmpl, "AWS::EC2::NatGateway", prefix(c)+"-"+natAz)))
				assert.Equal(t, []string{want}, to, "connector subnet %s default routes", az)
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
		assert.Equal(t, cidr.SubnetSlots(bits)-1, maxPrivate, "/%d: connector subnets config allows, and the construct", bits)
		for n := 1; n <= 5; n++ {
			_, err := network.PublicSubnetBlocks(block, n)
			assert.Equal(t, maxPrivate > 0 && n <= maxPublic, err == nil, "/%d with %d public subnets: config allows %d, the construct says %v", bits, n, maxPublic, err)
		}
	}
}

func TestVpnConnectorsReachCustomerSubnetsOnly(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		sg := named(t, tmpl, "AWS::EC2::SecurityGroup", prefix(c)+"-connectors")
		var got, want []string
		for _, e := range props(tmpl, sg)["SecurityGroupEgress"].([]any) {
			m := e.(map[string]any)
			assert.Equal(t, "tcp", m["IpProtocol"], "egress %s: single TCP ports", cdktest.Show(m))
			assert.Equal(t, m["FromPort"], m["ToPort"], "egress %s: single TCP ports", cdktest.Show(m))
			got = append(got, fmt.Sprintf("%v:%v", m["CidrIp"], m["FromPort"]))
		}
		for _, dst := range c.Vpn.RemoteNetworks {
			for _, p := range c.Vpn.Ports {
				want = append(want, fmt.Sprintf("%s:%d", dst, p))
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		assert.NotEmpty(t, want, "customer networks and ports")
		assert.Equal(t, want, got, "connectors egress")
		for _, typ := range []string{"AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"} {
			for _, r := range tmpl.Resources(typ) {
				s := cdktest.Show(r.Properties)
				assert.NotContains(t, s, "0.0.0.0/0", "%s %s opens to the internet", typ, r.LogicalID)
				assert.NotContains(t, s, "::/0", "%s %s opens to the internet", typ, r.LogicalID)
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
			// For the dashboard: a tunnel down now, by a name known before deploy; tells no one.
			"TunnelState": {"Statistic": "Minimum", "Threshold": 1, "EvaluationPeriods": 1, "TreatMissingData": "missing",
				"AlarmName": config.TunnelStateAlarmName(c.Name)},
		}
		var alarms []cdktest.Resource
		for _, a := range tmpl.Resources("AWS::CloudWatch::Alarm") {
			if a.Properties["Namespace"] == "AWS/VPN" { // the probe's are in probe_test.go
				alarms = append(alarms, a)
			}
		}
		require.Len(t, cdktest.LogicalIDs(alarms), len(want), "alarms")
		for _, a := range alarms {
			var w map[string]any
			for name, props := range want {
				if strings.Contains(a.LogicalID, name) {
					w = props
				}
			}
			if !assert.NotNil(t, w, "unexpected alarm %s", a.LogicalID) {
				continue
			}
			w["Namespace"], w["MetricName"], w["Period"] = "AWS/VPN", "TunnelState", 300
			w["Dimensions"] = []any{map[string]any{"Name": "VpnId", "Value": cdktest.Ref(conn)}}
			w["ComparisonOperator"] = "LessThanThreshold"
			if !strings.Contains(a.LogicalID, "TunnelState") {
				w["AlarmActions"], w["OKActions"] = topic, topic
			} else {
				assert.NotContains(t, a.Properties, "AlarmActions", "the dashboard's alarm tells no one")
			}
			for k, v := range w {
				cdktest.JSONEq(t, v, a.Properties[k], "%s %s", a.LogicalID, k)
			}
		}
	})
}

func TestVpnOutputsAndParameters(t *testing.T) {
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		pfx := "/privateconnect/" + c.Name + "/vpn/"
		want := []string{"vpc-id", "subnet-ids", "connector-security-group-id", "remote-networks", "vpn-connection-id", "vpn-gateway-id",
			"customer-gateway-id", "flow-log-group", "tunnel-log-group"}
		if c.Vpn.NatGatewayCount() > 0 {
			want = append(want, "nat-public-ips")
		}
		if c.Probed() && len(c.Vpn.ProbeTargets) > 0 {
			want = append(want, "probe-log-group")
		}
		var got []string
		for _, r := range tmpl.Resources("AWS::SSM::Parameter") {
			name := r.Properties["Name"].(string)
			assert.True(t, strings.HasPrefix(name, pfx), "parameter %s is outside %s", name, pfx)
			got = append(got, strings.TrimPrefix(name, pfx))
		}
		slices.Sort(got)
		slices.Sort(want)
		assert.Equal(t, want, got, "parameters")
		outputs, _ := tmpl["Outputs"].(map[string]any)
		for _, key := range []string{"VpcId", "SubnetIds", "ConnectorSecurityGroupId", "VpnConnectionId", "CustomerGatewayId", "DeviceConfigurationCommand"} {
			assert.Contains(t, outputs, key, "outputs")
		}
		// The connector platform reads what the tunnels reach: remoteNetworks, not networks.
		if out, ok := outputs["RemoteNetworks"].(map[string]any); assert.True(t, ok, "output RemoteNetworks") {
			assert.Equal(t, strings.Join(c.Vpn.RemoteNetworks, ","), out["Value"], "RemoteNetworks output")
		}
		conn := named(t, tmpl, "AWS::EC2::VPNConnection", prefix(c))
		cdktest.JSONEq(t, cdktest.Ref(conn), outputs["VpnConnectionId"].(map[string]any)["Value"], "VpnConnectionId output")
		cmd := cdktest.Show(outputs["DeviceConfigurationCommand"].(map[string]any)["Value"])
		for _, w := range []string{"aws ec2 get-vpn-connection-device-sample-configuration", "--region " + c.Region, cdktest.Show(cdktest.Ref(conn)), "get-vpn-connection-device-types", "--internet-key-exchange-version ikev2"} {
			assert.Contains(t, cmd, w, "device configuration command")
		}
	})
}

func TestVpnStackEnvironmentAndTags(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(example.outdir, "manifest.json"))
	require.NoError(t, err)
	var manifest struct {
		Artifacts map[string]struct {
			Environment string
			Properties  struct{ TerminationProtection bool }
		}
	}
	require.NoError(t, json.Unmarshal(raw, &manifest))
	vpnCustomers(t, func(t *testing.T, c *config.Customer, tmpl cdktest.Template) {
		a := manifest.Artifacts[StackName(c, ModeVpn)]
		assert.Equal(t, fmt.Sprintf("aws://%s/%s", example.fleet.Vendor.Account, c.Region), a.Environment, "environment")
		assert.True(t, a.Properties.TerminationProtection, "termination protection")
		for _, typ := range []string{"AWS::EC2::VPC", "AWS::EC2::VPNGateway", "AWS::EC2::CustomerGateway", "AWS::EC2::VPNConnection", "AWS::EC2::NatGateway", "AWS::EC2::EIP", "AWS::Logs::LogGroup", "AWS::CloudWatch::Alarm"} {
			for _, r := range tmpl.Resources(typ) {
				tags := cdktest.Show(r.Properties["Tags"])
				for _, want := range []string{`{"Key":"privateconnect:customer","Value":"` + c.Name + `"}`, `{"Key":"privateconnect:mode","Value":"vpn"}`} {
					assert.Contains(t, tags, want, "%s %s tags", typ, r.LogicalID)
				}
			}
		}
	})
}

// withVpn returns a copy of the example VPN customer named, changed by edit.
func withVpn(t *testing.T, name string, edit func(c *config.Customer)) *config.Customer {
	t.Helper()
	orig := example.fleet.Customer(name)
	require.NotNil(t, orig, "the example fleet needs %s with a VPN", name)
	require.NotNil(t, orig.Vpn, "the example fleet needs %s with a VPN", name)
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
	assert.Contains(t, cmd, "--internet-key-exchange-version ikev1", "the device configuration command for IKEv1")
}

// A customer with a VPN and no PrivateLink gets the VPN stack alone.
func TestVpnOnlyCustomer(t *testing.T) {
	c := withVpn(t, "hooli", func(c *config.Customer) { c.PrivateLink = nil })
	app := NewApp("")
	built := Build(app, example.fleet, []*config.Customer{c})
	var names []string
	for _, s := range built {
		names = append(names, *s.StackName())
	}
	assert.Equal(t, []string{StackName(c, ModeVpn), DashboardStackName(c.Region)}, names, "built the VPN stack, and the region's dashboards")
}
