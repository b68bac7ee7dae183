package vpn

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

// props is a BGP site in two AZs with nothing optional set.
func props() *SiteProps {
	return &SiteProps{
		VpcCidr:             jsii.String("10.64.8.0/24"),
		AvailabilityZoneIds: jsii.Strings("use1-az1", "use1-az2"),
		CustomerGatewayIp:   jsii.String("198.51.100.9"),
		CustomerCidrs:       jsii.Strings("10.30.0.0/16"),
		Ports:               &[]*float64{jsii.Number(443)},
	}
}

func synth(t *testing.T, p *SiteProps) (Site, cdktest.Template) {
	t.Helper()
	stack := cdktest.NewStack("V")
	s := NewSite(stack, jsii.String("Site"), p)
	return s, cdktest.TemplateOf(t, stack)
}

// With no tunnel options given, both tunnels get the safe defaults, not AWS's.
func TestTunnelDefaultsAreSafe(t *testing.T) {
	_, tmpl := synth(t, props())
	values := func(xs ...any) []any {
		out := make([]any, len(xs))
		for i, x := range xs {
			out[i] = map[string]any{"Value": x}
		}
		return out
	}
	want := map[string]any{
		"IKEVersions":                values("ikev2"),
		"Phase1EncryptionAlgorithms": values("AES256-GCM-16", "AES256"),
		"Phase2EncryptionAlgorithms": values("AES256-GCM-16", "AES256"),
		"Phase1IntegrityAlgorithms":  values("SHA2-256", "SHA2-384", "SHA2-512"),
		"Phase2IntegrityAlgorithms":  values("SHA2-256", "SHA2-384", "SHA2-512"),
		"Phase1DHGroupNumbers":       values(14, 19, 20, 21),
		"Phase2DHGroupNumbers":       values(14, 19, 20, 21),
		"Phase1LifetimeSeconds":      28800,
		"Phase2LifetimeSeconds":      3600,
		"DPDTimeoutSeconds":          30,
		"DPDTimeoutAction":           "restart",
		"StartupAction":              "start",
	}
	conn := tmpl.One(t, "AWS::EC2::VPNConnection")
	specs, _ := conn.Properties["VpnTunnelOptionsSpecifications"].([]any)
	require.Len(t, specs, 2, "tunnel specifications")
	for i, s := range specs {
		spec := s.(map[string]any)
		for k, v := range want {
			cdktest.JSONEq(t, v, spec[k], "tunnel %d %s", i+1, k)
		}
		for _, absent := range []string{"PreSharedKey", "TunnelInsideCidr"} {
			assert.NotContains(t, spec, absent, "tunnel %d sets %s, which AWS should choose", i+1, absent)
		}
	}
	tmpl.HasResourceProperties(t, "AWS::EC2::VPNGateway", map[string]any{"Type": "ipsec.1", "AmazonSideAsn": 64512}, "gateways with explicit ASNs")
	tmpl.HasResourceProperties(t, "AWS::EC2::CustomerGateway", map[string]any{
		"Type": "ipsec.1", "IpAddress": "198.51.100.9", "BgpAsn": 65000, "BgpAsnExtended": assertions.Match_Absent(),
	}, "gateways with explicit ASNs")
}

func TestTunnelOptionsAsGiven(t *testing.T) {
	p := props()
	p.Tunnels = &[]*TunnelOptions{{
		InsideCidr:           jsii.String("169.254.10.0/30"),
		IkeVersions:          jsii.Strings("ikev1", "ikev2"),
		Phase1DhGroupNumbers: &[]*float64{jsii.Number(21)},
		DpdTimeoutSeconds:    jsii.Number(45),
		DpdTimeoutAction:     jsii.String("clear"),
		StartupAction:        jsii.String("add"),
	}}
	_, tmpl := synth(t, p)
	specs := tmpl.One(t, "AWS::EC2::VPNConnection").Properties["VpnTunnelOptionsSpecifications"].([]any)
	first, second := specs[0].(map[string]any), specs[1].(map[string]any)
	for k, v := range map[string]any{
		"TunnelInsideCidr":     "169.254.10.0/30",
		"IKEVersions":          []any{map[string]any{"Value": "ikev1"}, map[string]any{"Value": "ikev2"}},
		"Phase1DHGroupNumbers": []any{map[string]any{"Value": 21}},
		"DPDTimeoutSeconds":    45,
		"DPDTimeoutAction":     "clear",
		"StartupAction":        "add",
	} {
		cdktest.JSONEq(t, v, first[k], "tunnel 1 %s", k)
	}
	// The tunnel not listed keeps every default.
	assert.Equal(t, "start", second["StartupAction"], "tunnel 2 keeps the defaults")
	cdktest.JSONEq(t, []any{map[string]any{"Value": "ikev2"}}, second["IKEVersions"], "tunnel 2 keeps the defaults")
}

// A pre-shared key reaches the template only as a Secrets Manager reference.
func TestPreSharedKeyIsASecretsManagerReference(t *testing.T) {
	p := props()
	p.Tunnels = &[]*TunnelOptions{
		{PreSharedKeySecret: jsii.String("arn:aws:secretsmanager:us-east-1:111122223333:secret:psk-AbCdEf"), PreSharedKeyJsonField: jsii.String("tunnel1")},
		{PreSharedKeySecret: jsii.String("vpn/psk2")},
	}
	_, tmpl := synth(t, p)
	specs := tmpl.One(t, "AWS::EC2::VPNConnection").Properties["VpnTunnelOptionsSpecifications"].([]any)
	want := []string{
		"{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:111122223333:secret:psk-AbCdEf:SecretString:tunnel1::}}",
		"{{resolve:secretsmanager:vpn/psk2:SecretString:::}}",
	}
	for i, s := range specs {
		assert.Equal(t, want[i], s.(map[string]any)["PreSharedKey"], "tunnel %d PreSharedKey", i+1)
	}
}

func TestStaticRoutesAndPropagation(t *testing.T) {
	p := props()
	p.StaticRoutes = jsii.Strings("10.30.0.0/16", "10.3.0.0/16", "192.168.7.0/24")
	_, tmpl := synth(t, p)
	conn := tmpl.One(t, "AWS::EC2::VPNConnection")
	assert.Equal(t, true, conn.Properties["StaticRoutesOnly"], "StaticRoutesOnly with static routes")
	routes := tmpl.Resources("AWS::EC2::VPNConnectionRoute")
	got := map[string]bool{}
	for _, r := range routes {
		cdktest.JSONEq(t, cdktest.Ref(conn.LogicalID), r.Properties["VpnConnectionId"], "route %s is on the connection", r.LogicalID)
		got[r.Properties["DestinationCidrBlock"].(string)] = true
	}
	assert.Len(t, cdktest.LogicalIDs(routes), 3, "one route per static route")
	assert.Equal(t, map[string]bool{"10.30.0.0/16": true, "10.3.0.0/16": true, "192.168.7.0/24": true}, got, "one route per static route")
	// Only BGP has BGP logs.
	logs := cdktest.Show(conn.Properties["VpnTunnelOptionsSpecifications"])
	assert.NotContains(t, logs, "BgpLog", "static tunnels' log options: no BGP logs")
	assert.Contains(t, logs, `"LogEnabled":true`, "static tunnels' log options: tunnel logs")

	// The VPN gateway, once attached, propagates into every private route table.
	prop := tmpl.One(t, "AWS::EC2::VPNGatewayRoutePropagation")
	vgw := tmpl.One(t, "AWS::EC2::VPNGateway")
	var tables []any
	for _, rt := range tmpl.Resources("AWS::EC2::RouteTable") {
		if strings.Contains(rt.LogicalID, "Network") {
			tables = append(tables, cdktest.Ref(rt.LogicalID))
		}
	}
	assert.Len(t, tables, 2, "private route tables")
	cdktest.JSONEq(t, tables, prop.Properties["RouteTableIds"], "propagation into the private tables")
	cdktest.JSONEq(t, cdktest.Ref(vgw.LogicalID), prop.Properties["VpnGatewayId"], "propagation of the gateway")
	var attachment string
	for _, a := range tmpl.Resources("AWS::EC2::VPCGatewayAttachment") {
		if a.Properties["VpnGatewayId"] != nil {
			attachment = a.LogicalID
		}
	}
	cdktest.JSONEq(t, []any{attachment}, tmpl.Resource(prop.LogicalID)["DependsOn"], "propagation DependsOn the gateway attachment")
}

func TestBgpLogsAndExtendedAsn(t *testing.T) {
	p := props()
	p.CustomerGatewayAsn = jsii.Number(4200000040)
	p.AmazonSideAsn = jsii.Number(64600)
	_, tmpl := synth(t, p)
	tmpl.HasResourceProperties(t, "AWS::EC2::CustomerGateway", map[string]any{
		"BgpAsnExtended": 4200000040, "BgpAsn": assertions.Match_Absent(),
	}, "extended ASN")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPNGateway", map[string]any{"AmazonSideAsn": 64600}, "extended ASN")
	conn := tmpl.One(t, "AWS::EC2::VPNConnection")
	assert.Equal(t, false, conn.Properties["StaticRoutesOnly"], "a BGP connection has static routes")
	tmpl.ResourceCountIs(t, "AWS::EC2::VPNConnectionRoute", 0, "a BGP connection has static routes")
	arn := cdktest.GetAtt(tunnelLogGroup(t, tmpl), "Arn")
	for i, s := range conn.Properties["VpnTunnelOptionsSpecifications"].([]any) {
		cw := s.(map[string]any)["LogOptions"].(map[string]any)["CloudwatchLogOptions"].(map[string]any)
		assert.Equal(t, true, cw["LogEnabled"], "tunnel %d tunnel logs", i+1)
		assert.Equal(t, true, cw["BgpLogEnabled"], "tunnel %d BGP logs", i+1)
		cdktest.JSONEq(t, arn, cw["LogGroupArn"], "tunnel %d tunnel logs to the tunnel log group", i+1)
		cdktest.JSONEq(t, arn, cw["BgpLogGroupArn"], "tunnel %d BGP logs to the tunnel log group", i+1)
	}
}

// tunnelLogGroup is the log group that is not the flow logs'.
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

func TestTunnelLogsKeptWithRetention(t *testing.T) {
	p := props()
	p.TunnelLogRetentionDays = jsii.Number(731)
	_, tmpl := synth(t, p)
	id := tunnelLogGroup(t, tmpl)
	r := tmpl.Resource(id)
	assert.Equal(t, float64(731), r["Properties"].(map[string]any)["RetentionInDays"], "tunnel log group retention")
	assert.Equal(t, "Retain", r["DeletionPolicy"], "tunnel log group retained")
}

func TestNatGatewayCount(t *testing.T) {
	for _, tc := range []struct {
		mode NatMode
		azs  []string
		nats int
	}{
		{"", []string{"use1-az1", "use1-az2"}, 1},
		{NatSingle, []string{"use1-az1", "use1-az2", "use1-az3"}, 1},
		{NatPerAz, []string{"use1-az1", "use1-az2", "use1-az3"}, 3},
		{NatNone, []string{"use1-az1", "use1-az2"}, 0},
	} {
		t.Run(string(tc.mode)+"-"+strings.Join(tc.azs, ","), func(t *testing.T) {
			p := props()
			p.NatGateways = tc.mode
			p.AvailabilityZoneIds = jsii.Strings(tc.azs...)
			p.Name = jsii.String("pc")
			s, tmpl := synth(t, p)
			nats := tmpl.Resources("AWS::EC2::NatGateway")
			require.Len(t, cdktest.LogicalIDs(nats), tc.nats, "NAT gateways")
			require.Len(t, cdktest.LogicalIDs(tmpl.Resources("AWS::EC2::EIP")), tc.nats, "EIPs")
			if tc.nats == 0 {
				for _, typ := range []string{"AWS::EC2::InternetGateway", "AWS::EC2::Route"} {
					tmpl.ResourceCountIs(t, typ, 0, "without NAT")
				}
				assert.Nil(t, s.Nat(), "Nat() is set without NAT")
				return
			}
			// One internet gateway, used by the public subnets only.
			igw := tmpl.One(t, "AWS::EC2::InternetGateway")
			// Every private subnet has a default route to a NAT gateway, its own AZ's when per AZ.
			byAz := map[string]string{}
			for _, n := range nats {
				subnet := tmpl.Resource(n.Properties["SubnetId"].(map[string]any)["Ref"].(string))
				byAz[subnet["Properties"].(map[string]any)["AvailabilityZoneId"].(string)] = n.LogicalID
			}
			defaults := 0
			for _, r := range tmpl.Resources("AWS::EC2::Route") {
				assert.Equal(t, "0.0.0.0/0", r.Properties["DestinationCidrBlock"], "route %s", r.LogicalID)
				if gw, ok := r.Properties["GatewayId"]; ok {
					cdktest.JSONEq(t, cdktest.Ref(igw.LogicalID), gw, "route %s to the internet gateway", r.LogicalID)
					assert.Contains(t, r.LogicalID, "Public", "route %s to the internet gateway is not in a public subnet's table", r.LogicalID)
					continue
				}
				defaults++
				nat := r.Properties["NatGatewayId"].(map[string]any)["Ref"].(string)
				table := r.Properties["RouteTableId"].(map[string]any)["Ref"].(string)
				az := strings.SplitN(strings.TrimPrefix(table, "SiteNetworkSubnet"), "RouteTable", 2)[0]
				want := byAz["use1-az1"]
				if tc.mode == NatPerAz {
					want = byAz[strings.Replace(az, "az", "-az", 1)]
				}
				assert.Equal(t, want, nat, "the NAT gateway of the route in %s", table)
			}
			assert.Equal(t, len(tc.azs), defaults, "default routes, one per private subnet")
			for _, e := range tmpl.Resources("AWS::EC2::EIP") {
				assert.Contains(t, cdktest.Show(e.Properties["Tags"]), `"Value":"pc-nat-use1-az`, "EIP %s tags: a Name naming its AZ", e.LogicalID)
			}
			assert.Len(t, *s.Nat().PublicIps(), tc.nats, "public IPs")
		})
	}
}

// The connectors may open the agreed ports to the customer's subnets, and
// nothing else; nothing admits the internet.
func TestConnectorsEgressOnly(t *testing.T) {
	p := props()
	p.CustomerCidrs = jsii.Strings("10.30.0.0/16", "172.20.0.0/20")
	p.Ports = &[]*float64{jsii.Number(443), jsii.Number(5432)}
	_, tmpl := synth(t, p)
	sg := tmpl.One(t, "AWS::EC2::SecurityGroup")
	var got []string
	for _, e := range sg.Properties["SecurityGroupEgress"].([]any) {
		m := e.(map[string]any)
		assert.Equal(t, "tcp", m["IpProtocol"], "egress rule %s: single TCP ports", cdktest.Show(m))
		assert.Equal(t, m["FromPort"], m["ToPort"], "egress rule %s: single TCP ports", cdktest.Show(m))
		got = append(got, cdktest.Show(m["CidrIp"])+":"+cdktest.Show(m["FromPort"]))
	}
	assert.Equal(t, `"10.30.0.0/16":443 "10.30.0.0/16":5432 "172.20.0.0/20":443 "172.20.0.0/20":5432`, strings.Join(got, " "), "egress")
	assert.NotContains(t, sg.Properties, "SecurityGroupIngress", "the connectors group admits traffic")
	assert.NotContains(t, cdktest.Show(tmpl["Resources"]), "::/0", "something admits traffic from the internet")
	tmpl.ResourceCountIs(t, "AWS::EC2::SecurityGroupIngress", 0, "something admits traffic from the internet")
}

// TunnelState by VpnId is 1 with both tunnels up and falls with each one
// down: redundancy lost is the Minimum below 1, connectivity lost the Maximum
// below 0.5 (no tunnel up at any time in the period).
func TestTunnelStateAlarms(t *testing.T) {
	p := props()
	p.AlarmTopicArn = jsii.String("arn:aws:sns:us-east-1:111122223333:alarms")
	s, tmpl := synth(t, p)
	conn := tmpl.One(t, "AWS::EC2::VPNConnection").LogicalID
	alarms := map[string]map[string]any{}
	for _, a := range tmpl.Resources("AWS::CloudWatch::Alarm") {
		alarms[a.LogicalID] = a.Properties
	}
	require.Len(t, alarms, 2, "alarms")
	check := func(name string, want map[string]any) {
		t.Helper()
		var got map[string]any
		for id, a := range alarms {
			if strings.Contains(id, name) {
				got = a
			}
		}
		require.NotNil(t, got, "the %s alarm", name)
		common := map[string]any{
			"Namespace":          "AWS/VPN",
			"MetricName":         "TunnelState",
			"Dimensions":         []any{map[string]any{"Name": "VpnId", "Value": cdktest.Ref(conn)}},
			"ComparisonOperator": "LessThanThreshold",
			"Period":             300,
			"AlarmActions":       []any{"arn:aws:sns:us-east-1:111122223333:alarms"},
			"OKActions":          []any{"arn:aws:sns:us-east-1:111122223333:alarms"},
		}
		for k, v := range common {
			want[k] = v
		}
		for k, v := range want {
			cdktest.JSONEq(t, v, got[k], "%s %s", name, k)
		}
	}
	check("RedundancyLost", map[string]any{"Statistic": "Minimum", "Threshold": 1, "EvaluationPeriods": 3, "DatapointsToAlarm": 3, "TreatMissingData": "notBreaching"})
	check("ConnectivityLost", map[string]any{"Statistic": "Maximum", "Threshold": 0.5, "EvaluationPeriods": 1, "TreatMissingData": "breaching"})
	assert.NotNil(t, s.RedundancyLostAlarmName(), "the redundancy alarm's name")
	assert.NotNil(t, s.ConnectivityLostAlarmName(), "the connectivity alarm's name")
}

func TestAlarmsWithoutTopicHaveNoActions(t *testing.T) {
	_, tmpl := synth(t, props())
	for _, a := range tmpl.Resources("AWS::CloudWatch::Alarm") {
		assert.NotContains(t, a.Properties, "AlarmActions", "%s has actions without a topic", a.LogicalID)
	}
}

func TestInvalidPropsPanic(t *testing.T) {
	edit := func(f func(p *SiteProps)) *SiteProps {
		p := props()
		f(p)
		return p
	}
	for name, p := range map[string]*SiteProps{
		"no props":            nil,
		"no customer CIDRs":   edit(func(p *SiteProps) { p.CustomerCidrs = jsii.Strings() }),
		"no ports":            edit(func(p *SiteProps) { p.Ports = nil }),
		"no gateway IP":       edit(func(p *SiteProps) { p.CustomerGatewayIp = nil }),
		"gateway IP not IPv4": edit(func(p *SiteProps) { p.CustomerGatewayIp = jsii.String("2001:db8::1") }),
		"AZ in the NAT slot": edit(func(p *SiteProps) {
			p.AvailabilityZoneIds = jsii.Strings("use1-az1", "use1-az2", "use1-az3", "use1-az4")
		}),
		"AZ in NAT slot, none": edit(func(p *SiteProps) { p.NatGateways = NatNone; p.VpcCidr = jsii.String("10.64.8.0/27") }),
		"three tunnels":        edit(func(p *SiteProps) { p.Tunnels = &[]*TunnelOptions{{}, {}, {}} }),
		"empty static routes":  edit(func(p *SiteProps) { p.StaticRoutes = jsii.Strings() }),
		"unknown NAT mode":     edit(func(p *SiteProps) { p.NatGateways = "double" }),
		"bad VPC CIDR":         edit(func(p *SiteProps) { p.VpcCidr = jsii.String("10.64.8.1/24") }),
		"per-AZ NAT, no room":  edit(func(p *SiteProps) { p.NatGateways = NatPerAz; p.VpcCidr = jsii.String("10.64.8.0/26") }),
	} {
		t.Run(name, func(t *testing.T) {
			assert.Panics(t, func() { NewSite(cdktest.NewStack("V"), jsii.String("Site"), p) }, "NewSite accepted %s", name)
		})
	}
}
