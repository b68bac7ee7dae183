package stacks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/consumer"
	"github.com/privateconnect/privateconnect/constructs/producer"
	"github.com/privateconnect/privateconnect/internal/english"
)

// ModeInbound names the customer-side template of inbound PrivateLink:
// <customer>-Inbound.
const ModeInbound = "Inbound"

// sharedInboundPrefix names the vendor-side inbound stacks, one per region:
// Vendor-Inbound-<region>. Customer names are lowercase, so no customer's
// stack can take such a name.
const sharedInboundPrefix = "Vendor-Inbound-"

// InboundServiceStackName is the vendor's inbound stack in a region.
func InboundServiceStackName(region string) string { return sharedInboundPrefix + region }

// HasInbound reports whether the customer reaches the platform over inbound PrivateLink.
func HasInbound(c *config.Customer) bool { return c.InboundPrivateLink != nil }

// InboundServiceName is the vendor's endpoint service name in the customer's
// region as vendor.yaml records it, or "" while the region's stack has not
// been deployed and its ServiceName output not written back.
func InboundServiceName(v *config.Vendor, c *config.Customer) string {
	if v.InboundPrivateLink == nil {
		return ""
	}
	return v.InboundPrivateLink.Regions[c.Region].ServiceName
}

// inboundCustomers are the inbound customers served in region: of a cell's
// fleet, those of the cell.
func inboundCustomers(f *config.Fleet, region string) []*config.Customer {
	var out []*config.Customer
	for _, c := range f.Customers {
		if HasInbound(c) && c.Region == region {
			out = append(out, c)
		}
	}
	return out
}

// NewInboundServiceStack is the vendor side of inbound PrivateLink in one
// region: an endpoint service in front of the platform's existing load
// balancer, with every inbound customer's accounts of the region as allowed
// principals. A load balancer can back one endpoint service only, so the
// region's inbound customers share it; each connection still waits for the
// vendor to accept it. customers must be all of them, never a selection:
// the stack's principals are exactly theirs.
func NewInboundServiceStack(scope constructs.Construct, v *config.Vendor, region string, customers []*config.Customer) awscdk.Stack {
	platform := v.InboundPrivateLink.Regions[region]
	name := InboundServiceStackName(region)
	var names []string
	for _, c := range customers {
		names = append(names, c.Name)
	}
	tags := stackTags(v.Tags, map[string]string{"privateconnect:mode": strings.ToLower(ModeInbound)})
	stack := awscdk.NewStack(scope, jsii.String(v.SharedStackID(name)), &awscdk.StackProps{
		StackName:   jsii.String(name),
		Description: jsii.String(fmt.Sprintf("privateconnect: endpoint service through which inbound customers reach %s platform in %s over AWS PrivateLink", english.Possessive(v.Name), region)),
		Env:         &awscdk.Environment{Account: jsii.String(v.Account), Region: jsii.String(region)},
		// Deleting it cuts every inbound customer of the region off.
		TerminationProtection: jsii.Bool(true),
		AnalyticsReporting:    jsii.Bool(false),
		Tags:                  &tags,
	})
	checked(stack)
	tagResources(stack, tags)

	var principals, regions []string
	for _, c := range customers {
		for _, a := range c.InboundAccounts() {
			principals = append(principals, "arn:aws:iam::"+a+":root")
		}
		if c.InboundCrossRegion() {
			regions = append(regions, c.InboundPrivateLink.Region)
		}
	}
	// Sorted and without repeats (a shared account is one principal), so the
	// list changes only when the set does.
	slices.Sort(principals)
	principals = slices.Compact(principals)
	slices.Sort(regions)
	regions = slices.Compact(regions)
	var supported *[]*string
	if len(regions) > 0 {
		supported = jsii.Strings(regions...)
	}
	var privateDNS *string
	if platform.PrivateDnsName != "" {
		privateDNS = jsii.String(platform.PrivateDnsName)
	}
	svc := producer.NewEndpointService(stack, jsii.String("PlatformService"), &producer.EndpointServiceProps{
		NetworkLoadBalancerArns: jsii.Strings(platform.NlbArn),
		AllowedPrincipals:       jsii.Strings(principals...),
		AcceptanceRequired:      jsii.Bool(true),
		SupportedRegions:        supported,
		PrivateDnsName:          privateDNS,
	})

	pub := publisher{stack: stack, prefix: "/privateconnect/inbound/"}
	pub.value("ServiceId", "service-id", "Endpoint service of the platform: accept inbound customers' connection requests here", svc.EndpointServiceId())
	pub.value("ServiceName", "service-name", "Write into vendor.yaml as inboundPrivateLink.regions."+region+".serviceName: the handed-over templates connect to it", svc.ServiceName())
	pub.list("AvailabilityZoneIds", "availability-zone-ids", "AZ IDs the service is offered in: a customer's endpoint subnets must be in them", jsii.Strings(platform.AvailabilityZones...))
	pub.list("AllowedPrincipals", "allowed-principals", "Accounts allowed to request a connection", jsii.Strings(principals...))
	if privateDNS != nil {
		pub.value("PrivateDnsName", "private-dns-name", "Private DNS name of the service (verified by a TXT record)", privateDNS)
	}
	awscdk.NewCfnOutput(stack, jsii.String("Customers"), &awscdk.CfnOutputProps{
		Description: jsii.String("Inbound customers served by this service"),
		Value:       jsii.String(strings.Join(names, ",")),
	})
	// The platform's load balancer is not ours to change, but its security
	// groups decide whether customers get through: with groups, their inbound
	// rules filter PrivateLink traffic (by the customers' client addresses)
	// unless that evaluation is off.
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
	check := fmt.Sprintf("aws elbv2 describe-load-balancers --region %s --load-balancer-arns %s --query 'LoadBalancers[0].[SecurityGroups,EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic]'", region, platform.NlbArn)
	awscdk.NewCfnOutput(stack, jsii.String("PlatformNlbCheck"), &awscdk.CfnOutputProps{
		Description: jsii.String("Run after deploying: a platform load balancer with security groups must show off here, or its groups must admit the customers' client networks on the ports"),
		Value:       jsii.String(check),
	})
	note(stack, "verify the platform load balancer in %s: if it has security groups, EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic must be off (or its groups admit every inbound customer's client networks): %s", region, check)
	if platform.ServiceName == "" {
		note(stack, "the inbound service in %s is pending: once this stack is deployed, set inboundPrivateLink.regions.%s.serviceName in %s to its ServiceName output; make handoff needs it for %s",
			region, region, config.VendorFile, strings.Join(names, ", "))
	}
	return stack
}

// Patterns of the inbound template's parameters.
var clientCidrPattern = pattern{re: `^([0-9]{1,3}\.){3}[0-9]{1,3}/([1-9]|[12][0-9]|3[0-2])$`, says: "an IPv4 network such as 10.0.0.0/16 (not /0)"}

// EnablePrivateDnsParameter turns the endpoint's private DNS on in the
// second phase of a dnsMode: privateDnsName deploy.
const EnablePrivateDnsParameter = "EnablePrivateDns"

// NewInboundStack is the customer side of inbound PrivateLink, handed over:
// an interface endpoint to the vendor's service in the customer's VPC and
// subnets, a security group admitting the customer's client networks on the
// ports, and the DNS that sends the platform's standard hostnames to the
// endpoint (private hosted zones, or the service's private DNS name). It is
// self-contained: no bootstrap, no assets, parameters for what only the
// customer knows. The service name is the one vendor.yaml records.
func NewInboundStack(scope constructs.Construct, v *config.Vendor, c *config.Customer) awscdk.Stack {
	in := c.InboundPrivateLink
	serviceName := InboundServiceName(v, c)
	if serviceName == "" {
		panic(fmt.Sprintf("stacks: the inbound service in %s has no serviceName in vendor.yaml yet", c.Region))
	}
	why := fmt.Sprintf("your subnets are in the Availability Zones with IDs %s of this region.", strings.Join(in.AvailabilityZones, ", "))
	stack := newHandoffStack(scope, StackName(c, ModeInbound),
		fmt.Sprintf("privateconnect: interface endpoint through which %s reaches %s platform over AWS PrivateLink", c.DisplayName, english.Possessive(v.Name)),
		in.Region, why)
	tags := awscdk.Tags_Of(stack)
	tags.Add(jsii.String("privateconnect:vendor"), jsii.String(v.Name), nil)
	tags.Add(jsii.String("privateconnect:customer"), jsii.String(c.Name), nil)

	ports := "TCP " + strings.Join(portStrings(in.Ports), ", ")
	params := newParameters(stack)
	vpc := params.add("VpcId", "Network", "VPC", "AWS::EC2::VPC::Id",
		fmt.Sprintf("The VPC whose systems reach %s; the endpoint is created in it.", v.Name), noPattern)
	var subnets []*string
	for i, az := range in.AvailabilityZones {
		id := fmt.Sprint("SubnetId", i+1)
		subnets = append(subnets, params.add(id, "Network", "Subnet in "+az, "AWS::EC2::Subnet::Id",
			fmt.Sprintf("A private subnet of that VPC in the Availability Zone with ID %s, for one of the endpoint's network interfaces.", az), noPattern).ValueAsString())
	}
	var sources []*consumer.Source
	for i, block := range c.InboundClientCidrs() {
		p := params.add(fmt.Sprint("ClientCidr", i+1), "Clients", fmt.Sprint("Client network ", i+1), "String",
			fmt.Sprintf("A network of yours whose systems reach %s: the endpoint admits it on %s.", v.Name, ports), clientCidrPattern)
		p.SetDefault(jsii.String(block))
		sources = append(sources, &consumer.Source{
			Label:       jsii.String(fmt.Sprint("Client", i+1)),
			Description: jsii.String(fmt.Sprint("From client network ", i+1)),
			Cidr:        p.ValueAsString(),
		})
	}

	var serviceRegion *string
	if c.InboundCrossRegion() {
		serviceRegion = jsii.String(c.Region)
	}
	props := &consumer.InterfaceEndpointProps{
		VpcId:                    vpc.ValueAsString(),
		SubnetIds:                &subnets,
		ServiceName:              jsii.String(serviceName),
		ServiceRegion:            serviceRegion,
		Ports:                    numbers(in.Ports),
		Sources:                  &sources,
		SecurityGroupDescription: jsii.String(fmt.Sprintf("%s platform endpoint: admits your client networks on %s", v.Name, ports)),
		PrivateDnsEnabled:        jsii.Bool(in.DnsMode == config.DnsModePrivateDnsName),
		Name:                     jsii.String("privateconnect-platform"),
	}
	if in.DnsMode == config.DnsModePrivateDnsName {
		// AWS refuses private DNS on an endpoint whose connection waits for
		// acceptance: the first deploy creates the endpoint without it, the
		// update after the vendor accepted turns it on.
		enable := params.add(EnablePrivateDnsParameter, "DNS", "Enable private DNS", "String",
			fmt.Sprintf("false for the first deploy; true once %s has accepted the endpoint's connection (AWS enables private DNS only on an accepted connection).", v.Name), noPattern)
		enable.SetDefault(jsii.String("false"))
		enable.SetAllowedValues(jsii.Strings("false", "true"))
		props.PrivateDnsCondition = awscdk.NewCfnCondition(stack, jsii.String("PrivateDnsEnabled"), &awscdk.CfnConditionProps{
			Expression: awscdk.Fn_ConditionEquals(enable.ValueAsString(), jsii.String("true")),
		})
	}
	zones := InboundZones(v, c)
	if in.DnsMode == config.DnsModePrivateHostedZone {
		var pz []*consumer.PrivateZoneProps
		for _, z := range zones {
			pz = append(pz, &consumer.PrivateZoneProps{
				ZoneName:    jsii.String(z.Domain),
				RecordNames: jsii.Strings(z.Hostnames...),
				Comment:     jsii.String(fmt.Sprintf("%s platform names, answered by the PrivateLink endpoint", v.Name)),
			})
		}
		props.PrivateZones = &pz
	}
	ep := consumer.NewInterfaceEndpoint(stack, jsii.String("PlatformEndpoint"), props)
	// cdk-nag cannot read a parameter, so its no-0.0.0.0/0 rule cannot check
	// the client networks' ingress rules and warns on every synth.
	for _, child := range *ep.Node().Children() {
		if strings.HasPrefix(*child.Node().Id(), "IngressFrom") {
			cdknag.NagSuppressions_AddResourceSuppressions(child, &[]*cdknag.NagPackSuppression{{
				Id:        jsii.String("CdkNagValidationFailure"),
				AppliesTo: &[]any{"AwsSolutions-EC23"},
				Reason:    jsii.String("The source is a ClientCidr parameter, which cdk-nag cannot read; its AllowedPattern admits prefixes /1 to /32 only, never 0.0.0.0/0"),
			}}, jsii.Bool(false))
		}
	}

	out := func(id, description string, value *string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Description: jsii.String(description), Value: value})
	}
	out("EndpointId", fmt.Sprintf("Send this to %s: they accept the connection request of this endpoint", v.Name), ep.VpcEndpointId())
	out("EndpointDnsName", "Regional DNS name of the endpoint", ep.DnsName())
	out("SecurityGroupId", "Security group of the endpoint", ep.SecurityGroupId())
	out("Hostnames", fmt.Sprintf("%s hostnames that resolve to the endpoint in the VPC", v.Name), jsii.String(strings.Join(in.Hostnames, ",")))
	if len(*ep.PrivateZoneIds()) > 0 {
		out("PrivateHostedZoneIds", "Private hosted zones in the VPC for the platform's domains", awscdk.Fn_Join(jsii.String(","), ep.PrivateZoneIds()))
	}
	params.interfaceMetadata(stack)
	return stack
}

// InboundZone is one private hosted zone of a customer's inbound template:
// a vendor domain and the customer's hostnames in it.
type InboundZone struct {
	Domain    string
	Hostnames []string
}

// InboundZones groups the customer's hostnames by vendor domain, in the
// order of the vendor's domains.
func InboundZones(v *config.Vendor, c *config.Customer) []InboundZone {
	var out []InboundZone
	for _, d := range v.InboundPrivateLink.Domains {
		z := InboundZone{Domain: d}
		for _, h := range c.InboundPrivateLink.Hostnames {
			if v.InboundPrivateLink.InboundDomainOf(h) == d {
				z.Hostnames = append(z.Hostnames, h)
			}
		}
		if len(z.Hostnames) > 0 {
			out = append(out, z)
		}
	}
	return out
}
