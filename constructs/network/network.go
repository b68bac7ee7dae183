// Package network builds a customer's dedicated vendor VPC: private subnets
// placed by AZ ID, with VPC flow logs. It uses CloudFormation resources
// directly because the ec2.Vpc L2 places subnets by AZ name, which differs
// between accounts, and needs context lookups to know the names.
package network

import (
	"fmt"
	"net/netip"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

// IsolatedVpcProps configures an IsolatedVpc.
type IsolatedVpcProps struct {
	// IPv4 block of the VPC, /16 to /28. Required.
	Cidr *string
	// AZ IDs (e.g. use1-az1), one private subnet each. The i-th AZ gets the
	// i-th slot of the block (see cidr.Subnets), so only ever append. Required.
	AvailabilityZoneIds *[]*string
	// Days the flow log group keeps records; a value CloudWatch Logs accepts.
	// Default: 365.
	FlowLogRetentionDays *float64
	// Value of the Name tag on the VPC; subnets get "<name>-<az id>".
	// Default: no Name tag.
	Name *string
}

// Subnet is one private subnet of the VPC.
type Subnet struct {
	AvailabilityZoneId *string
	SubnetId           *string
	RouteTableId       *string
	CidrBlock          *string
}

// IsolatedVpc is a VPC without internet access, with flow logs to CloudWatch Logs.
type IsolatedVpc interface {
	constructs.Construct
	// VpcId is the VPC's ID.
	VpcId() *string
	// CidrBlock is the VPC's IPv4 block.
	CidrBlock() *string
	// Subnets are the private subnets, in the order of AvailabilityZoneIds.
	Subnets() []*Subnet
	// SubnetIds are the IDs of Subnets, in the same order.
	SubnetIds() *[]*string
	// FlowLogGroupName is the log group receiving the VPC's flow logs.
	FlowLogGroupName() *string
}

type isolatedVpc struct {
	constructs.Construct
	vpc      awsec2.CfnVPC
	subnets  []*Subnet
	logGroup awslogs.CfnLogGroup
	// Each getter of an L1 resource is a round trip to the CDK's Node
	// process, and the token it returns never changes: read once.
	vpcID, logGroupName *string
}

// NewIsolatedVpc creates the VPC, its subnets and route tables, and its flow log.
func NewIsolatedVpc(scope constructs.Construct, id *string, props *IsolatedVpcProps) IsolatedVpc {
	if props == nil || props.Cidr == nil || props.AvailabilityZoneIds == nil {
		panic("network: IsolatedVpcProps.Cidr and AvailabilityZoneIds are required")
	}
	block, err := cidr.Parse(*props.Cidr)
	if err != nil {
		panic(fmt.Sprintf("network: Cidr %q: %v", *props.Cidr, err))
	}
	azs := *props.AvailabilityZoneIds
	blocks, err := cidr.Subnets(block, len(azs))
	if err != nil {
		panic(fmt.Sprintf("network: %v", err))
	}
	retention := LogRetention(props.FlowLogRetentionDays)

	this := &isolatedVpc{Construct: constructs.NewConstruct(scope, id)}
	this.vpc = awsec2.NewCfnVPC(this.Construct, jsii.String("Vpc"), &awsec2.CfnVPCProps{
		CidrBlock: props.Cidr,
		// Both are needed for private hosted zones and endpoint DNS names.
		EnableDnsHostnames: jsii.Bool(true),
		EnableDnsSupport:   jsii.Bool(true),
		Tags:               NameTag(props.Name, ""),
	})
	this.vpcID = this.vpc.Ref()
	for i, az := range azs {
		this.subnets = append(this.subnets, this.addSubnet(az, blocks[i], props.Name))
	}
	this.addFlowLog(retention)
	return this
}

func (v *isolatedVpc) addSubnet(az *string, block netip.Prefix, name *string) *Subnet {
	scope := constructs.NewConstruct(v.Construct, jsii.String("Subnet-"+*az))
	subnet := awsec2.NewCfnSubnet(scope, jsii.String("Subnet"), &awsec2.CfnSubnetProps{
		VpcId:               v.vpcID,
		CidrBlock:           jsii.String(block.String()),
		AvailabilityZoneId:  az,
		MapPublicIpOnLaunch: jsii.Bool(false),
		Tags:                NameTag(name, "-"+*az),
	})
	table := awsec2.NewCfnRouteTable(scope, jsii.String("RouteTable"), &awsec2.CfnRouteTableProps{
		VpcId: v.vpcID,
		Tags:  NameTag(name, "-"+*az),
	})
	out := &Subnet{AvailabilityZoneId: az, SubnetId: subnet.Ref(), RouteTableId: table.Ref(), CidrBlock: jsii.String(block.String())}
	awsec2.NewCfnSubnetRouteTableAssociation(scope, jsii.String("RouteTableAssociation"), &awsec2.CfnSubnetRouteTableAssociationProps{
		SubnetId:     out.SubnetId,
		RouteTableId: out.RouteTableId,
	})
	return out
}

func (v *isolatedVpc) addFlowLog(retention *float64) {
	scope := constructs.NewConstruct(v.Construct, jsii.String("FlowLog"))
	v.logGroup = awslogs.NewCfnLogGroup(scope, jsii.String("LogGroup"), &awslogs.CfnLogGroupProps{
		RetentionInDays: retention,
	})
	// Flow logs are audit evidence: keep them when the stack or group goes.
	v.logGroup.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN, nil)
	v.logGroupName = v.logGroup.Ref()

	account := awscdk.Aws_ACCOUNT_ID()
	role := awsiam.NewCfnRole(scope, jsii.String("Role"), &awsiam.CfnRoleProps{
		Description: jsii.String("Lets VPC Flow Logs deliver to its log group"),
		AssumeRolePolicyDocument: map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": "vpc-flow-logs.amazonaws.com"},
				"Action":    "sts:AssumeRole",
				// Only flow logs of this account may use the role (confused deputy).
				"Condition": map[string]any{
					"StringEquals": map[string]any{"aws:SourceAccount": account},
					"ArnLike": map[string]any{"aws:SourceArn": awscdk.Fn_Sub(
						jsii.String("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*"), nil)},
				},
			}},
		},
		Policies: []any{&awsiam.CfnRole_PolicyProperty{
			PolicyName: jsii.String("deliver-flow-logs"),
			PolicyDocument: map[string]any{
				"Version": "2012-10-17",
				"Statement": []any{map[string]any{
					"Effect":   "Allow",
					"Action":   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
					"Resource": v.logGroup.AttrArn(),
				}},
			},
		}},
	})
	awsec2.NewCfnFlowLog(scope, jsii.String("FlowLog"), &awsec2.CfnFlowLogProps{
		ResourceId:               v.vpcID,
		ResourceType:             jsii.String("VPC"),
		TrafficType:              jsii.String("ALL"),
		LogDestinationType:       jsii.String("cloud-watch-logs"),
		LogGroupName:             v.logGroupName,
		DeliverLogsPermissionArn: role.AttrArn(),
	})
}

func (v *isolatedVpc) VpcId() *string            { return v.vpcID }
func (v *isolatedVpc) CidrBlock() *string        { return v.vpc.AttrCidrBlock() }
func (v *isolatedVpc) Subnets() []*Subnet        { return v.subnets }
func (v *isolatedVpc) FlowLogGroupName() *string { return v.logGroupName }

func (v *isolatedVpc) SubnetIds() *[]*string {
	ids := make([]*string, len(v.subnets))
	for i, s := range v.subnets {
		ids[i] = s.SubnetId
	}
	return &ids
}

// NameTag is the Name tag "<name><suffix>", or nil when name is nil, so that
// every construct in the project names its resources alike.
func NameTag(name *string, suffix string) *[]*awscdk.CfnTag {
	if name == nil {
		return nil
	}
	return &[]*awscdk.CfnTag{{Key: jsii.String("Name"), Value: jsii.String(*name + suffix)}}
}

// LogRetention is days, or 365 when unset: the retention of the flow logs
// and of the other log groups beside them.
func LogRetention(days *float64) *float64 {
	if days == nil {
		return jsii.Number(365)
	}
	return days
}
