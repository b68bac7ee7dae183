package consumer

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/constructs/network"
)

// Source is what an endpoint's security group admits on the ports: a CIDR
// block or another security group.
type Source struct {
	// Names the ingress rules: IngressFrom<Label><port>. Required.
	Label *string
	// Start of each rule's description; " on <port>" is appended. Required.
	Description *string
	// IPv4 block admitted. Give exactly one of Cidr and SecurityGroupId.
	Cidr *string
	// Security group admitted.
	SecurityGroupId *string
}

// PrivateZoneProps is a private hosted zone created in the endpoint's VPC,
// whose records alias names to the endpoint.
type PrivateZoneProps struct {
	// The zone's domain, e.g. platform.example.com. Required.
	ZoneName *string
	// Names in the zone (or the zone's own name) aliased to the endpoint. Required.
	RecordNames *[]*string
	// Comment shown on the zone. Default: none.
	Comment *string
}

// InterfaceEndpointProps configures an InterfaceEndpoint in an existing VPC.
type InterfaceEndpointProps struct {
	// VPC of the endpoint. Required.
	VpcId *string
	// Subnets of the endpoint's interfaces, one per AZ. Required.
	SubnetIds *[]*string
	// Endpoint service name, com.amazonaws.vpce.<region>.vpce-svc-<id>. Required.
	ServiceName *string
	// Region of the service for cross-region PrivateLink.
	// Default: the stack's region.
	ServiceRegion *string
	// TCP ports the sources may open to the endpoint. Required, at least one.
	Ports *[]*float64
	// Who the endpoint admits on Ports: one ingress rule per source and port.
	// Default: no rule (add them elsewhere, e.g. with the source's own group).
	Sources *[]*Source
	// Security group of the endpoint. Default: a new group, with no egress
	// (an interface endpoint never opens connections), described by
	// SecurityGroupDescription.
	SecurityGroupId *string
	// Description of the new security group. Default: a generic one.
	SecurityGroupDescription *string
	// Whether the service's private DNS name resolves to the endpoint in the
	// VPC. Default: false.
	PrivateDnsEnabled *bool
	// With PrivateDnsEnabled, enable private DNS only while this condition
	// holds (e.g. a template parameter): AWS enables it only once the
	// connection is accepted, so a template creates the endpoint without it
	// and an update turns it on. Default: enabled from the start.
	PrivateDnsCondition awscdk.CfnCondition
	// Private hosted zones to create in the VPC, with records aliased to the
	// endpoint. Default: none.
	PrivateZones *[]*PrivateZoneProps
	// Name tag of the endpoint; the new security group gets "<name>-endpoint".
	// Default: no Name tags.
	Name *string
}

// InterfaceEndpoint is an interface VPC endpoint with the security group
// rules admitting its sources, and optionally private zones naming it.
type InterfaceEndpoint interface {
	constructs.Construct
	// VpcEndpointId is the endpoint's ID (vpce-...).
	VpcEndpointId() *string
	// DnsEntries are the endpoint's "hostedZoneId:dnsName" entries; the first
	// is the regional name, the others are per AZ.
	DnsEntries() *[]*string
	// DnsName is the endpoint's regional DNS name.
	DnsName() *string
	// SecurityGroupId is the group on the endpoint's interfaces.
	SecurityGroupId() *string
	// PrivateZoneIds are the IDs of the zones of PrivateZones, in order.
	PrivateZoneIds() *[]*string
	// AddAliasRecord creates, in this construct, an A record name in the
	// hosted zone zoneId aliased to the endpoint's regional DNS name.
	AddAliasRecord(id string, zoneId *string, name string) awsroute53.CfnRecordSet
}

type interfaceEndpoint struct {
	constructs.Construct
	endpoint awsec2.CfnVPCEndpoint
	sgID     *string
	regional *[]*string // ["hostedZoneId", "dnsName"] of the regional entry
	zones    []*string
	// Tokens read or made once: each is a round trip to the CDK's Node
	// process, and a token renders the same wherever it is used.
	id, dnsName, regionalZoneID *string
	dnsEntries                  *[]*string
}

// NewInterfaceEndpoint creates the endpoint, its ingress rules and zones in
// an existing VPC. It panics on props no configuration can produce.
func NewInterfaceEndpoint(scope constructs.Construct, id *string, props *InterfaceEndpointProps) InterfaceEndpoint {
	if props == nil || props.VpcId == nil || props.SubnetIds == nil || props.ServiceName == nil || props.Ports == nil || len(*props.Ports) == 0 {
		panic("consumer: InterfaceEndpointProps needs VpcId, SubnetIds, ServiceName and at least one port")
	}
	this := &interfaceEndpoint{Construct: constructs.NewConstruct(scope, id), sgID: props.SecurityGroupId}
	if this.sgID == nil {
		desc := props.SecurityGroupDescription
		if desc == nil {
			desc = jsii.String(fmt.Sprintf("Interface endpoint to %s", *props.ServiceName))
		}
		this.sgID = endpointSecurityGroup(this.Construct, "SecurityGroup", *desc, props.VpcId, network.NameTag(props.Name, "-endpoint")).AttrGroupId()
	}
	if props.Sources != nil {
		for _, src := range *props.Sources {
			admit(this.Construct, this.sgID, props.Ports, src)
		}
	}
	var privateDNS any = jsii.Bool(props.PrivateDnsEnabled != nil && *props.PrivateDnsEnabled)
	if props.PrivateDnsEnabled != nil && *props.PrivateDnsEnabled && props.PrivateDnsCondition != nil {
		// PrivateDnsEnabled is updated in place (the resource schema lists it
		// among no create-only properties), so turning it on later keeps the
		// endpoint and its accepted connection.
		// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcendpoint.html#cfn-ec2-vpcendpoint-privatednsenabled
		privateDNS = awscdk.Fn_ConditionIf(props.PrivateDnsCondition.LogicalId(), true, false)
	}
	this.endpoint = awsec2.NewCfnVPCEndpoint(this.Construct, jsii.String("Endpoint"), &awsec2.CfnVPCEndpointProps{
		VpcId:             props.VpcId,
		ServiceName:       props.ServiceName,
		ServiceRegion:     props.ServiceRegion,
		VpcEndpointType:   jsii.String("Interface"),
		SubnetIds:         anys(*props.SubnetIds),
		SecurityGroupIds:  &[]any{this.sgID},
		PrivateDnsEnabled: privateDNS,
		Tags:              network.NameTag(props.Name, ""),
	})
	// DnsEntries are "hostedZoneId:dnsName"; the first is the regional name.
	this.dnsEntries = this.endpoint.AttrDnsEntries()
	this.regional = awscdk.Fn_Split(jsii.String(":"), awscdk.Fn_Select(jsii.Number(0), this.dnsEntries), nil)

	if props.PrivateZones != nil {
		for i, z := range *props.PrivateZones {
			if z.ZoneName == nil || z.RecordNames == nil || len(*z.RecordNames) == 0 {
				panic("consumer: a PrivateZoneProps needs ZoneName and at least one record name")
			}
			zone := privateZone(this.Construct, fmt.Sprintf("PrivateZone%d", i+1), *z.ZoneName, props.VpcId, z.Comment)
			this.zones = append(this.zones, zone.AttrId())
			for j, name := range *z.RecordNames {
				this.AddAliasRecord(fmt.Sprintf("PrivateZone%dRecord%d", i+1, j+1), zone.AttrId(), *name)
			}
		}
	}
	return this
}

func (e *interfaceEndpoint) VpcEndpointId() *string {
	if e.id == nil {
		e.id = e.endpoint.Ref()
	}
	return e.id
}

func (e *interfaceEndpoint) DnsEntries() *[]*string { return e.dnsEntries }

func (e *interfaceEndpoint) DnsName() *string {
	if e.dnsName == nil {
		e.dnsName = awscdk.Fn_Select(jsii.Number(1), e.regional)
	}
	return e.dnsName
}

func (e *interfaceEndpoint) SecurityGroupId() *string { return e.sgID }
func (e *interfaceEndpoint) PrivateZoneIds() *[]*string {
	return &e.zones
}

func (e *interfaceEndpoint) AddAliasRecord(id string, zoneId *string, name string) awsroute53.CfnRecordSet {
	return awsroute53.NewCfnRecordSet(e.Construct, jsii.String(id), &awsroute53.CfnRecordSetProps{
		HostedZoneId: zoneId,
		Name:         jsii.String(name + "."),
		Type:         jsii.String("A"),
		AliasTarget: &awsroute53.CfnRecordSet_AliasTargetProperty{
			DnsName:              e.DnsName(),
			HostedZoneId:         e.hostedZoneID(),
			EvaluateTargetHealth: jsii.Bool(false),
		},
	})
}

// hostedZoneID is the hosted zone of the endpoint's regional DNS name.
func (e *interfaceEndpoint) hostedZoneID() *string {
	if e.regionalZoneID == nil {
		e.regionalZoneID = awscdk.Fn_Select(jsii.Number(0), e.regional)
	}
	return e.regionalZoneID
}

// admit adds to group one ingress rule per port from src, named
// IngressFrom<Label><port> in scope.
func admit(scope constructs.Construct, group *string, ports *[]*float64, src *Source) {
	if src.Label == nil || src.Description == nil || (src.Cidr == nil) == (src.SecurityGroupId == nil) {
		panic("consumer: a Source needs Label, Description and exactly one of Cidr and SecurityGroupId")
	}
	for _, port := range *ports {
		awsec2.NewCfnSecurityGroupIngress(scope, jsii.String(fmt.Sprintf("IngressFrom%s%v", *src.Label, *port)), &awsec2.CfnSecurityGroupIngressProps{
			GroupId:               group,
			IpProtocol:            jsii.String("tcp"),
			FromPort:              port,
			ToPort:                port,
			CidrIp:                src.Cidr,
			SourceSecurityGroupId: src.SecurityGroupId,
			Description:           jsii.String(fmt.Sprintf("%s on %v", *src.Description, *port)),
		})
	}
}

// endpointSecurityGroup is a group for an interface endpoint's interfaces:
// its ingress is added as separate rules, and it has no egress.
func endpointSecurityGroup(scope constructs.Construct, id, description string, vpcID *string, tags *[]*awscdk.CfnTag) awsec2.CfnSecurityGroup {
	return awsec2.NewCfnSecurityGroup(scope, jsii.String(id), &awsec2.CfnSecurityGroupProps{
		GroupDescription: jsii.String(description),
		VpcId:            vpcID,
		// An interface endpoint never opens connections.
		SecurityGroupEgress: noEgress(),
		Tags:                tags,
	})
}

// privateZone is a private hosted zone associated with the VPC, in the stack's region.
func privateZone(scope constructs.Construct, id, name string, vpcID, comment *string) awsroute53.CfnHostedZone {
	var config *awsroute53.CfnHostedZone_HostedZoneConfigProperty
	if comment != nil {
		config = &awsroute53.CfnHostedZone_HostedZoneConfigProperty{Comment: comment}
	}
	return awsroute53.NewCfnHostedZone(scope, jsii.String(id), &awsroute53.CfnHostedZoneProps{
		Name: jsii.String(name),
		Vpcs: []any{&awsroute53.CfnHostedZone_VPCProperty{
			VpcId:     vpcID,
			VpcRegion: awscdk.Aws_REGION(),
		}},
		HostedZoneConfig: config,
	})
}
