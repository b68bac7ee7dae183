package vpn

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

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

func one(t *testing.T, tmpl cdktest.Template, typ string) cdktest.Resource {
	t.Helper()
	rs := tmpl.Resources(typ)
	if len(rs) != 1 {
		t.Fatalf("%d %s, want 1", len(rs), typ)
	}
	return rs[0]
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
	conn := one(t, tmpl, "AWS::EC2::VPNConnection")
	specs, _ := conn.Properties["VpnTunnelOptionsSpecifications"].([]any)
	if len(specs) != 2 {
		t.Fatalf("%d tunnel specifications, want 2", len(specs))
	}
	for i, s := range specs {
		spec := s.(map[string]any)
		for k, v := range want {
			if !cdktest.Equal(spec[k], v) {
				t.Errorf("tunnel %d %s = %s, want %s", i+1, k, cdktest.Show(spec[k]), cdktest.Show(v))
			}
		}
		for _, absent := range []string{"PreSharedKey", "TunnelInsideCidr"} {
			if _, ok := spec[absent]; ok {
				t.Errorf("tunnel %d sets %s, which AWS should choose", i+1, absent)
			}
		}
	}
	cdktest.Assert(t, "gateways with explicit ASNs", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPNGateway"), &map[string]any{"Type": "ipsec.1", "AmazonSideAsn": 64512})
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::CustomerGateway"), &map[string]any{
			"Type": "ipsec.1", "IpAddress": "198.51.100.9", "BgpAsn": 65000, "BgpAsnExtended": assertions.Match_Absent(),
		})
	})
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
	specs := one(t, tmpl, "AWS::EC2::VPNConnection").Properties["VpnTunnelOptionsSpecifications"].([]any)
	first, second := specs[0].(map[string]any), specs[1].(map[string]any)
	for k, v := range map[string]any{
		"TunnelInsideCidr":     "169.254.10.0/30",
		"IKEVersions":          []any{map[string]any{"Value": "ikev1"}, map[string]any{"Value": "ikev2"}},
		"Phase1DHGroupNumbers": []any{map[string]any{"Value": 21}},
		"DPDTimeoutSeconds":    45,
		"DPDTimeoutAction":     "clear",
		"StartupAction":        "add",
	} {
		if !cdktest.Equal(first[k], v) {
			t.Errorf("tunnel 1 %s = %s, want %s", k, cdktest.Show(first[k]), cdktest.Show(v))
		}
	}
	// The tunnel not listed keeps every default.
	if second["StartupAction"] != "start" || !cdktest.Equal(second["IKEVersions"], []any{map[string]any{"Value": "ikev2"}}) {
		t.Errorf("tunnel 2 = %s, want the defaults", cdktest.Show(second))
	}
}

// A pre-shared key reaches the template only as a Secrets Manager reference.
func TestPreSharedKeyIsASecretsManagerReference(t *testing.T) {
	p := props()
	p.Tunnels = &[]*TunnelOptions{
		{PreSharedKeySecret: jsii.String("arn:aws:secretsmanager:us-east-1:111122223333:secret:psk-AbCdEf"), PreSharedKeyJsonField: jsii.String("tunnel1")},
		{PreSharedKeySecret: jsii.String("vpn/psk2")},
	}
	_, tmpl := synth(t, p)
	specs := one(t, tmpl, "AWS::EC2::VPNConnection").Properties["VpnTunnelOptionsSpecifications"].([]any)
	want := []string{
		"{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:111122223333:secret:psk-AbCdEf:SecretString:tunnel1::}}",
		"{{resolve:secretsmanager:vpn/psk2:SecretString:::}}",
	}
	for i, s := range specs {
		if got := s.(map[string]any)["PreSharedKey"]; got != want[i] {
			t.Errorf("tunnel %d PreSharedKey = %v, want %s", i+1, got, want[i])
		}
	}
}

func TestStaticRoutesAndPropagation(t *testing.T) {
	p := props()
	p.StaticRoutes = jsii.Strings("10.30.0.0/16", "10.3.0.0/16", "192.168.7.0/24")
	_, tmpl := synth(t, p)
	conn := one(t, tmpl, "AWS::EC2::VPNConnection")
	if conn.Properties["StaticRoutesOnly"] != true {
		t.Errorf("StaticRoutesOnly = %v with static routes", conn.Properties["StaticRoutesOnly"])
	}
	routes := tmpl.Resources("AWS::EC2::VPNConnectionRoute")
	got := map[string]bool{}
	for _, r := range routes {
		if !cdktest.Equal(r.Properties["VpnConnectionId"], cdktest.Ref(conn.LogicalID)) {
			t.Errorf("route %s is not on the connection", r.LogicalID)
		}
		got[r.Properties["DestinationCidrBlock"].(string)] = true
	}
	if len(routes) != 3 || !got["10.30.0.0/16"] || !got["10.3.0.0/16"] || !got["192.168.7.0/24"] {
		t.Errorf("routes = %v, want one per static route", got)
	}
	// Only BGP has BGP logs.
	logs := cdktest.Show(conn.Properties["VpnTunnelOptionsSpecifications"])
	if strings.Contains(logs, "BgpLog") || !strings.Contains(logs, `"LogEnabled":true`) {
		t.Errorf("static tunnels' log options = %s, want tunnel logs without BGP logs", logs)
	}

	// The VPN gateway, once attached, propagates into every private route table.
	prop := one(t, tmpl, "AWS::EC2::VPNGatewayRoutePropagation")
	vgw := one(t, tmpl, "AWS::EC2::VPNGateway")
	var tables []any
	for _, rt := range tmpl.Resources("AWS::EC2::RouteTable") {
		if strings.Contains(rt.LogicalID, "Network") {
			tables = append(tables, cdktest.Ref(rt.LogicalID))
		}
	}
	if len(tables) != 2 || !cdktest.Equal(prop.Properties["RouteTableIds"], tables) || !cdktest.Equal(prop.Properties["VpnGatewayId"], cdktest.Ref(vgw.LogicalID)) {
		t.Errorf("propagation = %s, want the gateway into the private tables %s", cdktest.Show(prop.Properties), cdktest.Show(tables))
	}
	var attachment string
	for _, a := range tmpl.Resources("AWS::EC2::VPCGatewayAttachment") {
		if a.Properties["VpnGatewayId"] != nil {
			attachment = a.LogicalID
		}
	}
	if dep := tmpl.Resource(prop.LogicalID)["DependsOn"]; !cdktest.Equal(dep, []any{attachment}) {
		t.Errorf("propagation DependsOn %v, want the gateway attachment %s", dep, attachment)
	}
}

func TestBgpLogsAndExtendedAsn(t *testing.T) {
	p := props()
	p.CustomerGatewayAsn = jsii.Number(4200000040)
	p.AmazonSideAsn = jsii.Number(64600)
	_, tmpl := synth(t, p)
	cdktest.Assert(t, "extended ASN", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::CustomerGateway"), &map[string]any{
			"BgpAsnExtended": 4200000040, "BgpAsn": assertions.Match_Absent(),
		})
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPNGateway"), &map[string]any{"AmazonSideAsn": 64600})
	})
	conn := one(t, tmpl, "AWS::EC2::VPNConnection")
	if conn.Properties["StaticRoutesOnly"] != false || len(tmpl.Resources("AWS::EC2::VPNConnectionRoute")) != 0 {
		t.Errorf("a BGP connection has static routes: %s", cdktest.Show(conn.Properties))
	}
	arn := cdktest.GetAtt(tunnelLogGroup(t, tmpl), "Arn")
	for i, s := range conn.Properties["VpnTunnelOptionsSpecifications"].([]any) {
		cw := s.(map[string]any)["LogOptions"].(map[string]any)["CloudwatchLogOptions"].(map[string]any)
		if cw["LogEnabled"] != true || cw["BgpLogEnabled"] != true || !cdktest.Equal(cw["LogGroupArn"], arn) || !cdktest.Equal(cw["BgpLogGroupArn"], arn) {
			t.Errorf("tunnel %d log options = %s, want tunnel and BGP logs to %s", i+1, cdktest.Show(cw), cdktest.Show(arn))
		}
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
	t.Fatal("no tunnel log group")
	return ""
}

func TestTunnelLogsKeptWithRetention(t *testing.T) {
	p := props()
	p.TunnelLogRetentionDays = jsii.Number(731)
	_, tmpl := synth(t, p)
	id := tunnelLogGroup(t, tmpl)
	r := tmpl.Resource(id)
	if r["Properties"].(map[string]any)["RetentionInDays"] != float64(731) || r["DeletionPolicy"] != "Retain" {
		t.Errorf("tunnel log group = %s, want 731 days, retained", cdktest.Show(r))
	}
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
			if len(nats) != tc.nats || len(tmpl.Resources("AWS::EC2::EIP")) != tc.nats {
				t.Fatalf("%d NAT gateways and %d EIPs, want %d", len(nats), len(tmpl.Resources("AWS::EC2::EIP")), tc.nats)
			}
			if tc.nats == 0 {
				for _, typ := range []string{"AWS::EC2::InternetGateway", "AWS::EC2::Route"} {
					if n := len(tmpl.Resources(typ)); n != 0 {
						t.Errorf("%d %s without NAT", n, typ)
					}
				}
				if s.Nat() != nil {
					t.Error("Nat() is set without NAT")
				}
				return
			}
			// One internet gateway, used by the public subnets only.
			igw := one(t, tmpl, "AWS::EC2::InternetGateway")
			// Every private subnet has a default route to a NAT gateway, its own AZ's when per AZ.
			byAz := map[string]string{}
			for _, n := range nats {
				subnet := tmpl.Resource(n.Properties["SubnetId"].(map[string]any)["Ref"].(string))
				byAz[subnet["Properties"].(map[string]any)["AvailabilityZoneId"].(string)] = n.LogicalID
			}
			defaults := 0
			for _, r := range tmpl.Resources("AWS::EC2::Route") {
				if r.Properties["DestinationCidrBlock"] != "0.0.0.0/0" {
					t.Errorf("route %s to %v", r.LogicalID, r.Properties["DestinationCidrBlock"])
				}
				if gw, ok := r.Properties["GatewayId"]; ok {
					if !cdktest.Equal(gw, cdktest.Ref(igw.LogicalID)) || !strings.Contains(r.LogicalID, "Public") {
						t.Errorf("route %s to the internet gateway is not in a public subnet's table", r.LogicalID)
					}
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
				if nat != want {
					t.Errorf("route in %s goes to %s, want %s", table, nat, want)
				}
			}
			if defaults != len(tc.azs) {
				t.Errorf("%d default routes, want one per private subnet (%d)", defaults, len(tc.azs))
			}
			for _, e := range tmpl.Resources("AWS::EC2::EIP") {
				if !strings.Contains(cdktest.Show(e.Properties["Tags"]), `"Value":"pc-nat-use1-az`) {
					t.Errorf("EIP %s tags = %s, want a Name naming its AZ", e.LogicalID, cdktest.Show(e.Properties["Tags"]))
				}
			}
			if got := len(*s.Nat().PublicIps()); got != tc.nats {
				t.Errorf("%d public IPs, want %d", got, tc.nats)
			}
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
	sg := one(t, tmpl, "AWS::EC2::SecurityGroup")
	var got []string
	for _, e := range sg.Properties["SecurityGroupEgress"].([]any) {
		m := e.(map[string]any)
		if m["IpProtocol"] != "tcp" || m["FromPort"] != m["ToPort"] {
			t.Errorf("egress rule %s, want single TCP ports", cdktest.Show(m))
		}
		got = append(got, cdktest.Show(m["CidrIp"])+":"+cdktest.Show(m["FromPort"]))
	}
	if strings.Join(got, " ") != `"10.30.0.0/16":443 "10.30.0.0/16":5432 "172.20.0.0/20":443 "172.20.0.0/20":5432` {
		t.Errorf("egress = %v", got)
	}
	if _, ok := sg.Properties["SecurityGroupIngress"]; ok {
		t.Error("the connectors group admits traffic")
	}
	if strings.Contains(cdktest.Show(tmpl["Resources"]), "::/0") || len(tmpl.Resources("AWS::EC2::SecurityGroupIngress")) > 0 {
		t.Error("something admits traffic from the internet")
	}
}

// TunnelState by VpnId is 1 with both tunnels up and falls with each one
// down: redundancy lost is the Minimum below 1, connectivity lost the Maximum
// below 0.5 (no tunnel up at any time in the period).
func TestTunnelStateAlarms(t *testing.T) {
	p := props()
	p.AlarmTopicArn = jsii.String("arn:aws:sns:us-east-1:111122223333:alarms")
	s, tmpl := synth(t, p)
	conn := one(t, tmpl, "AWS::EC2::VPNConnection").LogicalID
	alarms := map[string]map[string]any{}
	for _, a := range tmpl.Resources("AWS::CloudWatch::Alarm") {
		alarms[a.LogicalID] = a.Properties
	}
	if len(alarms) != 2 {
		t.Fatalf("%d alarms, want 2", len(alarms))
	}
	check := func(name string, want map[string]any) {
		t.Helper()
		var got map[string]any
		for id, a := range alarms {
			if strings.Contains(id, name) {
				got = a
			}
		}
		if got == nil {
			t.Fatalf("no %s alarm", name)
		}
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
			if !cdktest.Equal(got[k], v) {
				t.Errorf("%s %s = %s, want %s", name, k, cdktest.Show(got[k]), cdktest.Show(v))
			}
		}
	}
	check("RedundancyLost", map[string]any{"Statistic": "Minimum", "Threshold": 1, "EvaluationPeriods": 3, "DatapointsToAlarm": 3, "TreatMissingData": "notBreaching"})
	check("ConnectivityLost", map[string]any{"Statistic": "Maximum", "Threshold": 0.5, "EvaluationPeriods": 1, "TreatMissingData": "breaching"})
	if s.RedundancyLostAlarmName() == nil || s.ConnectivityLostAlarmName() == nil {
		t.Error("alarm names not exposed")
	}
}

func TestAlarmsWithoutTopicHaveNoActions(t *testing.T) {
	_, tmpl := synth(t, props())
	for _, a := range tmpl.Resources("AWS::CloudWatch::Alarm") {
		if _, ok := a.Properties["AlarmActions"]; ok {
			t.Errorf("%s has actions without a topic", a.LogicalID)
		}
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
			defer func() {
				if recover() == nil {
					t.Errorf("NewSite accepted %s", name)
				}
			}()
			NewSite(cdktest.NewStack("V"), jsii.String("Site"), p)
		})
	}
}
