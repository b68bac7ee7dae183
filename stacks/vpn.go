package stacks

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/probe"
	"github.com/privateconnect/privateconnect/constructs/vpn"
	"github.com/privateconnect/privateconnect/internal/english"
)

// ModeVpn names the site-to-site VPN stack: <customer>-Vpn.
const ModeVpn = "Vpn"

// NewVpnStack is the vendor side of the customer's site-to-site VPN: the
// site construct, plus outputs and SSM parameters under
// /privateconnect/<customer>/vpn/ for the connector platform, and the command
// that fetches the configuration for the customer's device.
func NewVpnStack(scope constructs.Construct, v *config.Vendor, c *config.Customer) awscdk.Stack {
	vp := c.Vpn
	stack := vendorStack(scope, v, c, ModeVpn, "site-to-site VPN")

	var tunnels []*vpn.TunnelOptions
	for _, t := range vp.Tunnels {
		tunnels = append(tunnels, tunnelOptions(t))
	}
	var static *[]*string
	if vp.Routing == "static" {
		static = jsii.Strings(vp.RemoteNetworks...)
	}
	var topic *string
	if arn, ok := v.AlarmTopicArns[c.Region]; ok {
		topic = jsii.String(arn)
	}
	site := vpn.NewSite(stack, jsii.String("Site"), &vpn.SiteProps{
		VpcCidr:                jsii.String(vp.VpcCidr),
		AvailabilityZoneIds:    jsii.Strings(vp.AvailabilityZones...),
		CustomerGatewayIp:      jsii.String(vp.CustomerGateway.IPAddress),
		CustomerGatewayAsn:     jsii.Number(float64(*vp.CustomerGateway.BgpAsn)),
		AmazonSideAsn:          jsii.Number(float64(*vp.AmazonSideAsn)),
		StaticRoutes:           static,
		CustomerCidrs:          jsii.Strings(vp.RemoteNetworks...),
		Ports:                  numbers(vp.Ports),
		NatGateways:            vpn.NatMode(vp.NatGateways),
		Tunnels:                &tunnels,
		TunnelLogRetentionDays: jsii.Number(float64(*vp.TunnelLogs.RetentionDays)),
		FlowLogRetentionDays:   jsii.Number(float64(*v.LogRetentionDays)),
		AlarmTopicArn:          topic,
		// Apart from the PrivateLink stack's names: a customer may have both.
		Name: jsii.String("privateconnect-" + c.Name + "-vpn"),
		// What the region's dashboard graphs (NewDashboardStack).
		TunnelStateAlarmName: jsii.String(config.TunnelStateAlarmName(c.Name)),
	})
	if vp.IkeV1Allowed() {
		note(stack, "warning: customer %s VPN accepts IKEv1 (vpn.allowIkev1 in %s): IKEv1 is weaker than IKEv2 and AWS cannot start its tunnels, so the customer's device must bring them up and keep them up. Move to ikeVersions: [ikev2] once the device supports it",
			english.Possessive(c.Name), c.File)
	}

	pub := publisher{stack: stack, prefix: "/privateconnect/" + c.Name + "/vpn/"}
	pub.value("VpcId", "vpc-id", "Dedicated vendor VPC, a site of the customer's network", site.Vpc().VpcId())
	pub.list("SubnetIds", "subnet-ids", "Private subnets for connectors, one per AZ", site.Vpc().SubnetIds())
	pub.value("ConnectorSecurityGroupId", "connector-security-group-id", "Attach to connector workloads; it reaches the customer's subnets on the agreed ports only", site.ConnectorSecurityGroupId())
	pub.list("RemoteNetworks", "remote-networks", "The customer's networks the connectors reach over the VPN", jsii.Strings(vp.RemoteNetworks...))
	pub.value("VpnConnectionId", "vpn-connection-id", "Site-to-site VPN connection to the customer", site.VpnConnectionId())
	pub.value("VpnGatewayId", "vpn-gateway-id", "Virtual private gateway of the VPC", site.VpnGatewayId())
	pub.value("CustomerGatewayId", "customer-gateway-id", fmt.Sprintf("Customer gateway %s", vp.CustomerGateway.IPAddress), site.CustomerGatewayId())
	pub.value("FlowLogGroup", "flow-log-group", "CloudWatch Logs group of the VPC flow logs", site.Vpc().FlowLogGroupName())
	pub.value("TunnelLogGroup", "tunnel-log-group", "CloudWatch Logs group of both tunnels' logs", site.TunnelLogGroupName())
	if nat := site.Nat(); nat != nil {
		pub.list("NatPublicIps", "nat-public-ips", "Public IPv4 addresses the connectors' internet traffic leaves from", nat.PublicIps())
	}
	awscdk.NewCfnOutput(stack, jsii.String("DeviceConfigurationCommand"), &awscdk.CfnOutputProps{
		Description: jsii.String("Fetches the configuration of the customer's VPN device, pre-shared keys included: send it over a secure channel only"),
		Value:       deviceConfigurationCommand(c, site.VpnConnectionId()),
	})

	switch {
	case !probed(stack, c):
	case len(vp.ProbeTargets) == 0:
		// Up tunnels do not prove that the customer's hosts answer through them.
		note(stack, "customer %s's VPN has no probe targets: only the tunnels' state is watched, not whether the customer's hosts answer through them. List what the connectors use in vpn.probeTargets in %s",
			c.Name, c.File)
	default:
		var hosts []*probe.Host
		for _, t := range vp.ProbeTargets {
			hosts = append(hosts, &probe.Host{Host: jsii.String(t.Host), Port: jsii.Number(float64(*t.Port)), Tls: jsii.Bool(t.TLS)})
		}
		props := probeProps(v, c, site.Vpc().SubnetIds(), site.ConnectorSecurityGroupId(), "privateconnect-"+c.Name+"-vpn")
		props.Hosts = &hosts
		pr := probe.NewProbe(stack, jsii.String("Probe"), props)
		pub.value("ProbeLogGroup", "probe-log-group", "CloudWatch Logs group of the reachability probe: each run's result and error per probe target", pr.LogGroupName())
	}
	return stack
}

// deviceConfigurationCommand is the shell command that prints the sample
// configuration for the customer's device model. The device type ID comes
// from aws ec2 get-vpn-connection-device-types (vendor, platform, software).
func deviceConfigurationCommand(c *config.Customer, vpnConnectionID *string) *string {
	ike := "ikev2"
	// A device configured for IKEv2 cannot bring up a tunnel that accepts IKEv1 only.
	if slices.ContainsFunc(c.Vpn.Tunnels, func(t config.Tunnel) bool { return !slices.Contains(t.IkeVersions, "ikev2") }) {
		ike = "ikev1"
	}
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String(fmt.Sprintf("aws ec2 get-vpn-connection-device-sample-configuration --region %s --vpn-connection-id ", c.Region)),
		vpnConnectionID,
		// The device type is a shell variable, not a <placeholder>, which a pasted command would take for a redirection.
		jsii.String(fmt.Sprintf(" --internet-key-exchange-version %s --output text --vpn-connection-device-type-id \"${DEVICE_TYPE_ID:?set DEVICE_TYPE_ID to the VpnConnectionDeviceTypeId of the customer's device, from aws ec2 get-vpn-connection-device-types --region %s}\"", ike, c.Region)),
	})
}

func tunnelOptions(t config.Tunnel) *vpn.TunnelOptions {
	o := &vpn.TunnelOptions{
		IkeVersions:                jsii.Strings(t.IkeVersions...),
		Phase1EncryptionAlgorithms: jsii.Strings(t.Phase1EncryptionAlgorithms...),
		Phase2EncryptionAlgorithms: jsii.Strings(t.Phase2EncryptionAlgorithms...),
		Phase1IntegrityAlgorithms:  jsii.Strings(t.Phase1IntegrityAlgorithms...),
		Phase2IntegrityAlgorithms:  jsii.Strings(t.Phase2IntegrityAlgorithms...),
		Phase1DhGroupNumbers:       numbers(t.Phase1DhGroupNumbers),
		Phase2DhGroupNumbers:       numbers(t.Phase2DhGroupNumbers),
		Phase1LifetimeSeconds:      jsii.Number(float64(*t.Phase1LifetimeSeconds)),
		Phase2LifetimeSeconds:      jsii.Number(float64(*t.Phase2LifetimeSeconds)),
		DpdTimeoutSeconds:          jsii.Number(float64(*t.DpdTimeoutSeconds)),
		DpdTimeoutAction:           jsii.String(t.DpdTimeoutAction),
		StartupAction:              jsii.String(t.StartupAction),
	}
	if t.InsideCidr != "" {
		o.InsideCidr = jsii.String(t.InsideCidr)
	}
	if t.PreSharedKeySecret != "" {
		o.PreSharedKeySecret = jsii.String(t.PreSharedKeySecret)
	}
	if t.PreSharedKeyJSONKey != "" {
		o.PreSharedKeyJsonField = jsii.String(t.PreSharedKeyJSONKey)
	}
	return o
}
