// Package vpn builds the vendor side of a site-to-site VPN: the customer's
// dedicated vendor VPC becomes a site of the customer's network. It creates
// the VPC (private subnets for connectors, public ones only for NAT), a
// virtual private gateway with an explicit ASN, the customer gateway, one VPN
// connection with both tunnels' options set, tunnel logs, the connectors'
// security group and alarms on the tunnels' state.
//
// It uses CloudFormation resources directly: the ec2.VpnConnection L2 sets no
// tunnel options beyond inside CIDRs and keys, and places subnets by AZ name
// (see package network).
package vpn

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/constructs/network"
	"github.com/privateconnect/privateconnect/internal/cidr"
)

// NatMode says which NAT gateways the VPC gets.
type NatMode string

const (
	// NatSingle is one NAT gateway, in the first AZ, for every subnet.
	NatSingle NatMode = "single"
	// NatPerAz is one NAT gateway per AZ, each subnet using its own AZ's.
	NatPerAz NatMode = "perAz"
	// NatNone is no public egress: no internet gateway, no NAT gateway.
	NatNone NatMode = "none"
)

const (
	defaultPhase1Lifetime   = 28800
	defaultPhase2Lifetime   = 3600
	defaultDpdTimeout       = 30
	defaultDpdAction        = "restart"
	defaultStartupAction    = "start"
	defaultCustomerAsn      = 65000
	defaultAmazonSideAsn    = 64512
	defaultRetentionDays    = 365
	maxBgpAsn               = 2147483647
	tunnelCount             = 2
	tunnelStateNamespace    = "AWS/VPN"
	tunnelStateMetric       = "TunnelState"
	tunnelStateAlarmPeriod  = 300
	redundancyLostPeriods   = 3
	connectivityLostPeriods = 1
)

// SiteProps configures a Site.
type SiteProps struct {
	// IPv4 block of the VPC, /16 to /27: its first slots hold the connectors'
	// subnets, its last the public subnets (see network.PublicSubnetBlocks).
	// Required.
	VpcCidr *string
	// AZ IDs of the connectors' private subnets, at most 3 (1 in a /27).
	// Required.
	AvailabilityZoneIds *[]*string
	// Static public IPv4 address of the customer's VPN device. Required.
	CustomerGatewayIp *string
	// BGP ASN of the customer's device, 1 to 4294967295. Default: 65000.
	CustomerGatewayAsn *float64
	// ASN of the virtual private gateway; must differ from the customer's.
	// Default: 64512.
	AmazonSideAsn *float64
	// The customer's subnets, routed statically. Default: none, and the
	// connection is routed by BGP.
	StaticRoutes *[]*string
	// The customer's subnets the connectors may reach: the connectors
	// security group's only destinations. Required, at least one.
	CustomerCidrs *[]*string
	// TCP ports the connectors may open to CustomerCidrs. Required, at least one.
	Ports *[]*float64
	// Public egress for the connectors. Default: NatSingle.
	NatGateways NatMode
	// Options of tunnel 1 and tunnel 2; at most two. A tunnel not listed
	// gets every default.
	Tunnels *[]*TunnelOptions
	// Days the tunnel log group keeps records. Default: 365.
	TunnelLogRetentionDays *float64
	// Days the VPC flow log group keeps records. Default: 365.
	FlowLogRetentionDays *float64
	// SNS topic the tunnel state alarms notify, on alarm and on recovery.
	// Default: none (the alarms still show in CloudWatch).
	AlarmTopicArn *string
	// Prefix of Name tags, the customer gateway's device name and the alarm
	// descriptions. Default: no Name tags.
	Name *string
	// Name of a third alarm, on the tunnels' state as it is (Minimum below 1
	// while a tunnel is down), with no action: a name known before deploy,
	// so that a dashboard can graph the tunnels without the connection's ID.
	// Default: no such alarm.
	TunnelStateAlarmName *string
}

// Site is the vendor-side end of a site-to-site VPN.
type Site interface {
	constructs.Construct
	// Vpc is the dedicated VPC; its Subnets are the connectors'.
	Vpc() network.IsolatedVpc
	// Nat is the VPC's public egress, or nil with NatNone.
	Nat() network.NatEgress
	// VpnGatewayId is the virtual private gateway's ID (vgw-...).
	VpnGatewayId() *string
	// CustomerGatewayId is the customer gateway's ID (cgw-...).
	CustomerGatewayId() *string
	// VpnConnectionId is the VPN connection's ID (vpn-...).
	VpnConnectionId() *string
	// ConnectorSecurityGroupId is the group to attach to connector workloads:
	// it may open the configured ports to the customer's subnets, nothing else.
	ConnectorSecurityGroupId() *string
	// TunnelLogGroupName is the log group receiving both tunnels' logs.
	TunnelLogGroupName() *string
	// RedundancyLostAlarmName and ConnectivityLostAlarmName name the alarms
	// on one tunnel down and on both tunnels down.
	RedundancyLostAlarmName() *string
	ConnectivityLostAlarmName() *string
}

type site struct {
	constructs.Construct
	vpc          network.IsolatedVpc
	nat          network.NatEgress
	vgw          awsec2.CfnVPNGateway
	cgw          awsec2.CfnCustomerGateway
	conn         awsec2.CfnVPNConnection
	connectors   awsec2.CfnSecurityGroup
	logs         awslogs.CfnLogGroup
	redundancy   awscloudwatch.CfnAlarm
	connectivity awscloudwatch.CfnAlarm
}

// NewSite creates the VPC and its egress, the gateways, the VPN connection,
// the tunnel logs, the connectors' security group and the alarms.
func NewSite(scope constructs.Construct, id *string, props *SiteProps) Site {
	checkProps(props)
	this := &site{Construct: constructs.NewConstruct(scope, id)}
	name := props.Name

	this.vpc = network.NewIsolatedVpc(this.Construct, jsii.String("Network"), &network.IsolatedVpcProps{
		Cidr:                 props.VpcCidr,
		AvailabilityZoneIds:  props.AvailabilityZoneIds,
		FlowLogRetentionDays: props.FlowLogRetentionDays,
		Name:                 name,
	})
	if mode := orNat(props.NatGateways); mode != NatNone {
		this.nat = network.NewNatEgress(this.Construct, jsii.String("Egress"), &network.NatEgressProps{
			Vpc:   this.vpc,
			Cidr:  props.VpcCidr,
			PerAz: jsii.Bool(mode == NatPerAz),
			Name:  name,
		})
	}

	this.vgw = awsec2.NewCfnVPNGateway(this.Construct, jsii.String("VpnGateway"), &awsec2.CfnVPNGatewayProps{
		Type: jsii.String("ipsec.1"),
		// Set even when it is AWS's default: it cannot change later, and the
		// customer's BGP configuration names it.
		AmazonSideAsn: or(props.AmazonSideAsn, defaultAmazonSideAsn),
		Tags:          network.NameTag(name, ""),
	})
	attachment := awsec2.NewCfnVPCGatewayAttachment(this.Construct, jsii.String("VpnGatewayAttachment"), &awsec2.CfnVPCGatewayAttachmentProps{
		VpcId:        this.vpc.VpcId(),
		VpnGatewayId: this.vgw.Ref(),
	})
	var tables []*string
	for _, s := range this.vpc.Subnets() {
		tables = append(tables, s.RouteTableId)
	}
	propagation := awsec2.NewCfnVPNGatewayRoutePropagation(this.Construct, jsii.String("RoutePropagation"), &awsec2.CfnVPNGatewayRoutePropagationProps{
		// The connectors' tables learn the customer's subnets (BGP) or the
		// static routes, only while a tunnel is up.
		RouteTableIds: &tables,
		VpnGatewayId:  this.vgw.Ref(),
	})
	// Propagation fails on a gateway that is not attached yet.
	propagation.Node().AddDependency(attachment)

	asn := or(props.CustomerGatewayAsn, defaultCustomerAsn)
	cgwProps := &awsec2.CfnCustomerGatewayProps{
		Type:      jsii.String("ipsec.1"),
		IpAddress: props.CustomerGatewayIp,
		// AWS returns the existing gateway for a second one with the same IP
		// and ASN; a device name of our own keeps this one ours alone.
		DeviceName: name,
		Tags:       network.NameTag(name, ""),
	}
	if *asn > maxBgpAsn {
		cgwProps.BgpAsnExtended = asn
	} else {
		cgwProps.BgpAsn = asn
	}
	this.cgw = awsec2.NewCfnCustomerGateway(this.Construct, jsii.String("CustomerGateway"), cgwProps)

	this.logs = awslogs.NewCfnLogGroup(this.Construct, jsii.String("TunnelLogs"), &awslogs.CfnLogGroupProps{
		RetentionInDays: or(props.TunnelLogRetentionDays, defaultRetentionDays),
	})
	// Tunnel logs are what explains an outage after the fact: keep them.
	this.logs.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN, nil)

	static := props.StaticRoutes != nil
	var tunnels []any
	for i := 0; i < tunnelCount; i++ {
		var t *TunnelOptions
		if props.Tunnels != nil && i < len(*props.Tunnels) {
			t = (*props.Tunnels)[i]
		}
		tunnels = append(tunnels, this.tunnelSpec(t, !static))
	}
	this.conn = awsec2.NewCfnVPNConnection(this.Construct, jsii.String("Connection"), &awsec2.CfnVPNConnectionProps{
		Type:                           jsii.String("ipsec.1"),
		CustomerGatewayId:              this.cgw.Ref(),
		VpnGatewayId:                   this.vgw.Ref(),
		StaticRoutesOnly:               jsii.Bool(static),
		VpnTunnelOptionsSpecifications: tunnels,
		Tags:                           network.NameTag(name, ""),
	})
	if static {
		for _, route := range *props.StaticRoutes {
			awsec2.NewCfnVPNConnectionRoute(this.Construct, jsii.String("Route"+routeID(*route)), &awsec2.CfnVPNConnectionRouteProps{
				VpnConnectionId:      this.conn.Ref(),
				DestinationCidrBlock: route,
			})
		}
	}

	this.connectors = awsec2.NewCfnSecurityGroup(this.Construct, jsii.String("ConnectorSecurityGroup"), &awsec2.CfnSecurityGroupProps{
		GroupDescription:    jsii.String("Connector workloads: may reach the customer subnets over the VPN on the agreed ports, nothing else"),
		VpcId:               this.vpc.VpcId(),
		SecurityGroupEgress: egressRules(props.CustomerCidrs, props.Ports),
		Tags:                network.NameTag(name, "-connectors"),
	})

	this.addAlarms(props)
	return this
}

func checkProps(props *SiteProps) {
	if props == nil || props.VpcCidr == nil || props.AvailabilityZoneIds == nil || props.CustomerGatewayIp == nil ||
		props.CustomerCidrs == nil || len(*props.CustomerCidrs) == 0 || props.Ports == nil || len(*props.Ports) == 0 {
		panic("vpn: SiteProps.VpcCidr, AvailabilityZoneIds, CustomerGatewayIp, CustomerCidrs and Ports are required")
	}
	block, err := cidr.Parse(*props.VpcCidr)
	if err != nil {
		panic(fmt.Sprintf("vpn: VpcCidr %q: %v", *props.VpcCidr, err))
	}
	// The last slot stays free for public subnets even without NAT, so
	// turning NAT on later moves no subnet.
	if max := cidr.SubnetSlots(block.Bits()) - 1; len(*props.AvailabilityZoneIds) > max {
		panic(fmt.Sprintf("vpn: a /%d VPC holds at most %d connector subnets, not %d", block.Bits(), max, len(*props.AvailabilityZoneIds)))
	}
	if ip, err := netip.ParseAddr(*props.CustomerGatewayIp); err != nil || !ip.Is4() {
		panic(fmt.Sprintf("vpn: CustomerGatewayIp %q is not an IPv4 address", *props.CustomerGatewayIp))
	}
	switch orNat(props.NatGateways) {
	case NatSingle, NatPerAz, NatNone:
	default:
		panic(fmt.Sprintf("vpn: unknown NatGateways %q", props.NatGateways))
	}
	if props.Tunnels != nil && len(*props.Tunnels) > tunnelCount {
		panic(fmt.Sprintf("vpn: a VPN connection has %d tunnels, not %d", tunnelCount, len(*props.Tunnels)))
	}
	if props.StaticRoutes != nil && len(*props.StaticRoutes) == 0 {
		panic("vpn: StaticRoutes is empty; leave it nil for BGP")
	}
}

func (s *site) Vpc() network.IsolatedVpc           { return s.vpc }
func (s *site) Nat() network.NatEgress             { return s.nat }
func (s *site) VpnGatewayId() *string              { return s.vgw.Ref() }
func (s *site) CustomerGatewayId() *string         { return s.cgw.Ref() }
func (s *site) VpnConnectionId() *string           { return s.conn.Ref() }
func (s *site) ConnectorSecurityGroupId() *string  { return s.connectors.AttrGroupId() }
func (s *site) TunnelLogGroupName() *string        { return s.logs.Ref() }
func (s *site) RedundancyLostAlarmName() *string   { return s.redundancy.Ref() }
func (s *site) ConnectivityLostAlarmName() *string { return s.connectivity.Ref() }

// egressRules is one TCP rule per customer subnet and port. Inline rules
// replace the default allow-all egress; workloads that need the internet
// (through the NAT gateway) carry another group of their own.
func egressRules(cidrs *[]*string, ports *[]*float64) []any {
	var out []any
	for _, c := range *cidrs {
		for _, p := range *ports {
			out = append(out, &awsec2.CfnSecurityGroup_EgressProperty{
				IpProtocol:  jsii.String("tcp"),
				CidrIp:      c,
				FromPort:    p,
				ToPort:      p,
				Description: jsii.String(fmt.Sprintf("To the customer's %s on %v over the VPN", *c, *p)),
			})
		}
	}
	return out
}

// routeID turns a CIDR into a construct ID part that no other CIDR gives:
// 10.30.0.0/16 -> 10x30x0x0x16.
func routeID(c string) string {
	return strings.NewReplacer(".", "x", "/", "x").Replace(c)
}

func orNat(m NatMode) NatMode {
	if m == "" {
		return NatSingle
	}
	return m
}
