package network

import (
	"fmt"
	"math/bits"
	"net/netip"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

// PublicSubnetBlocks returns the blocks of the first n public subnets of a
// VPC: its last slot (see cidr.SubnetSlots), split again into slots, the
// i-th for the i-th AZ. The VPC's private subnets must then stay out of that
// slot, so a VPC with public subnets has at most SubnetSlots-1 AZs. Like
// cidr.Subnets, it depends on the block only: adding a public subnet never
// moves another.
func PublicSubnetBlocks(vpc netip.Prefix, n int) ([]netip.Prefix, error) {
	slots := cidr.SubnetSlots(vpc.Bits())
	if slots < 2 {
		return nil, fmt.Errorf("a /%d VPC has no slot left for public subnets", vpc.Bits())
	}
	all, err := cidr.Subnets(vpc, slots)
	if err != nil {
		return nil, err
	}
	last := all[slots-1]
	if want := vpc.Bits() + bits.TrailingZeros(uint(slots)); last.Bits() != want {
		panic(fmt.Sprintf("network: slot %s of %s is not a /%d", last, vpc, want)) // cidr.Subnets broke its contract
	}
	return cidr.Subnets(last, n)
}

// NatEgressProps configures a NatEgress.
type NatEgressProps struct {
	// The VPC whose private subnets get public egress. Required.
	Vpc IsolatedVpc
	// The VPC's IPv4 block, as given to NewIsolatedVpc: the public subnets
	// take its last slot, which the private subnets must leave free. Required.
	Cidr *string
	// One NAT gateway per AZ of the private subnets, each subnet routing
	// through its own AZ's, so an AZ outage cuts off no other AZ.
	// Default: false, one NAT gateway in the first AZ for every subnet.
	PerAz *bool
	// Prefix of Name tags. Default: no Name tags.
	Name *string
}

// NatGateway is one NAT gateway and what it sits in.
type NatGateway struct {
	AvailabilityZoneId *string
	NatGatewayId       *string
	// PublicIp is the Elastic IP the gateway's traffic leaves from.
	PublicIp       *string
	PublicSubnetId *string
}

// NatEgress gives an IsolatedVpc's private subnets a route to the internet
// through NAT gateways in public subnets, and nothing else: nothing on the
// internet can open a connection into the VPC.
type NatEgress interface {
	constructs.Construct
	// InternetGatewayId is the VPC's internet gateway, used by the public subnets only.
	InternetGatewayId() *string
	// NatGateways are the gateways, in AZ order.
	NatGateways() []*NatGateway
	// PublicIps are the gateways' Elastic IPs, in the same order.
	PublicIps() *[]*string
}

type natEgress struct {
	constructs.Construct
	igw  awsec2.CfnInternetGateway
	nats []*NatGateway
}

// NewNatEgress creates the internet gateway, the public subnets, the NAT
// gateways with their Elastic IPs, and the private subnets' default routes.
func NewNatEgress(scope constructs.Construct, id *string, props *NatEgressProps) NatEgress {
	if props == nil || props.Vpc == nil || props.Cidr == nil {
		panic("network: NatEgressProps.Vpc and Cidr are required")
	}
	block, err := cidr.Parse(*props.Cidr)
	if err != nil {
		panic(fmt.Sprintf("network: Cidr %q: %v", *props.Cidr, err))
	}
	private := props.Vpc.Subnets()
	if max := cidr.SubnetSlots(block.Bits()) - 1; len(private) > max {
		panic(fmt.Sprintf("network: a /%d VPC with public subnets holds at most %d private subnets, not %d", block.Bits(), max, len(private)))
	}
	perAz := props.PerAz != nil && *props.PerAz
	n := 1
	if perAz {
		n = len(private)
	}
	blocks, err := PublicSubnetBlocks(block, n)
	if err != nil {
		panic(fmt.Sprintf("network: %v", err))
	}

	this := &natEgress{Construct: constructs.NewConstruct(scope, id)}
	vpcID := props.Vpc.VpcId()
	this.igw = awsec2.NewCfnInternetGateway(this.Construct, jsii.String("InternetGateway"), &awsec2.CfnInternetGatewayProps{
		Tags: NameTag(props.Name, ""),
	})
	attachment := awsec2.NewCfnVPCGatewayAttachment(this.Construct, jsii.String("InternetGatewayAttachment"), &awsec2.CfnVPCGatewayAttachmentProps{
		VpcId:             vpcID,
		InternetGatewayId: this.igw.Ref(),
	})
	for i := 0; i < n; i++ {
		this.nats = append(this.nats, this.addNat(private[i].AvailabilityZoneId, blocks[i], vpcID, attachment, props.Name))
	}
	for i, s := range private {
		nat := this.nats[0]
		if perAz {
			nat = this.nats[i]
		}
		awsec2.NewCfnRoute(this.Construct, jsii.String("DefaultRoute-"+*s.AvailabilityZoneId), &awsec2.CfnRouteProps{
			RouteTableId:         s.RouteTableId,
			DestinationCidrBlock: jsii.String("0.0.0.0/0"),
			NatGatewayId:         nat.NatGatewayId,
		})
	}
	return this
}

func (e *natEgress) addNat(az *string, block netip.Prefix, vpcID *string, attachment awsec2.CfnVPCGatewayAttachment, name *string) *NatGateway {
	scope := constructs.NewConstruct(e.Construct, jsii.String("Public-"+*az))
	subnet := awsec2.NewCfnSubnet(scope, jsii.String("Subnet"), &awsec2.CfnSubnetProps{
		VpcId:              vpcID,
		CidrBlock:          jsii.String(block.String()),
		AvailabilityZoneId: az,
		// Only the NAT gateway lives here, with its own Elastic IP.
		MapPublicIpOnLaunch: jsii.Bool(false),
		Tags:                NameTag(name, "-public-"+*az),
	})
	table := awsec2.NewCfnRouteTable(scope, jsii.String("RouteTable"), &awsec2.CfnRouteTableProps{
		VpcId: vpcID,
		Tags:  NameTag(name, "-public-"+*az),
	})
	awsec2.NewCfnSubnetRouteTableAssociation(scope, jsii.String("RouteTableAssociation"), &awsec2.CfnSubnetRouteTableAssociationProps{
		SubnetId:     subnet.Ref(),
		RouteTableId: table.Ref(),
	})
	route := awsec2.NewCfnRoute(scope, jsii.String("InternetRoute"), &awsec2.CfnRouteProps{
		RouteTableId:         table.Ref(),
		DestinationCidrBlock: jsii.String("0.0.0.0/0"),
		GatewayId:            e.igw.Ref(),
	})
	// A route to an internet gateway fails until the gateway is attached.
	route.Node().AddDependency(attachment)
	eip := awsec2.NewCfnEIP(scope, jsii.String("Eip"), &awsec2.CfnEIPProps{
		Domain: jsii.String("vpc"),
		Tags:   NameTag(name, "-nat-"+*az),
	})
	// CloudFormation asks an Elastic IP in a VPC to wait for the VPC's
	// internet gateway attachment.
	eip.Node().AddDependency(attachment)
	nat := awsec2.NewCfnNatGateway(scope, jsii.String("NatGateway"), &awsec2.CfnNatGatewayProps{
		SubnetId:     subnet.Ref(),
		AllocationId: eip.AttrAllocationId(),
		Tags:         NameTag(name, "-"+*az),
	})
	// The NAT gateway forwards through the internet route; without it the
	// gateway would come up unable to reach anything.
	nat.Node().AddDependency(route)
	return &NatGateway{AvailabilityZoneId: az, NatGatewayId: nat.Ref(), PublicIp: eip.AttrPublicIp(), PublicSubnetId: subnet.Ref()}
}

func (e *natEgress) InternetGatewayId() *string { return e.igw.Ref() }
func (e *natEgress) NatGateways() []*NatGateway { return e.nats }

func (e *natEgress) PublicIps() *[]*string {
	ips := make([]*string, len(e.nats))
	for i, n := range e.nats {
		ips[i] = n.PublicIp
	}
	return &ips
}
