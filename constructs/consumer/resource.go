package consumer

import (
	_ "embed"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/privateconnect/privateconnect/constructs/internal/l1"
	"github.com/privateconnect/privateconnect/constructs/network"
)

// DnsLookupSource is the code of the function that reads a resource
// endpoint's DNS name, deployed inline.
//
//go:embed code/dns_lookup.py
var DnsLookupSource string

// lookupWaitSeconds is how long a DNS lookup waits for the endpoint's
// association to report its DNS name: minutes at most once the endpoint is
// available, which CloudFormation waits for before the lookup runs.
const lookupWaitSeconds = 240

// DnsNameResourceType is the custom resource that answers a resource
// endpoint's DNS name (attributes DnsName and PrivateDnsName).
const DnsNameResourceType = "Custom::ResourceEndpointDnsName"

// addResourceEndpoint is the service's VPC endpoint of type Resource, in the
// construct Service-<name>, admitting the connectors group, with its record
// in the private zone.
//
// A resource endpoint takes subnets and security groups as an interface
// endpoint does, but no endpoint policy ("supported only for gateway and
// interface endpoints") and no service name; ResourceConfigurationArn is
// create-only, so a new ARN replaces the endpoint.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcendpoint.html
// https://docs.aws.amazon.com/vpc/latest/privatelink/use-resource-endpoint.html
func (c *consumer) addResourceEndpoint(svc *ServiceProps, sgID *string, props *ConsumerProps) *Endpoint {
	scope := constructs.NewConstruct(c.Construct, jsii.String("Service-"+*svc.Name))
	admit(scope, sgID, svc.Ports, c.connectorsSource())
	var name *string
	if props.Name != nil {
		name = jsii.String(*props.Name + "-" + *svc.Name)
	}
	ep := awsec2.NewCfnVPCEndpoint(scope, jsii.String("Endpoint"), &awsec2.CfnVPCEndpointProps{
		VpcId:                    c.vpc.VpcId(),
		VpcEndpointType:          jsii.String("Resource"),
		ResourceConfigurationArn: svc.ResourceConfigurationArn,
		SubnetIds:                anys(*c.vpc.SubnetIds()),
		SecurityGroupIds:         &[]any{sgID},
		// Private DNS makes the shared database's own names (for an RDS
		// configuration of type ARN, the cluster's or instance's endpoints,
		// its child configurations) resolve to this endpoint in the VPC, so
		// that a connector verifying the database's certificate can connect
		// by the name the certificate holds. There is no acceptance to wait
		// for (the RAM share is accepted before the endpoint can exist), so
		// it is on from the start.
		// https://docs.aws.amazon.com/vpc/latest/privatelink/resource-configuration.html#custom-domain-name-resource-consumers
		PrivateDnsEnabled: jsii.Bool(true),
		Tags:              network.NameTag(name, ""),
	})
	// The endpoint's DNS names are its associations' (one per shared
	// resource; an RDS cluster shared by ARN has a child configuration per
	// cluster endpoint), which DescribeVpcEndpointAssociations reports and
	// CloudFormation does not: GetAtt DnsEntries is for interface endpoints.
	// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpointAssociations.html
	// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcendpoint.html#aws-resource-ec2-vpcendpoint-return-values
	lookup := awscdk.NewCfnResource(scope, jsii.String("DnsName"), &awscdk.CfnResourceProps{
		Type: jsii.String(DnsNameResourceType),
		Properties: &map[string]any{
			"ServiceToken":  c.dnsLookup(props).AttrArn(),
			"VpcEndpointId": ep.Ref(),
		},
	})
	dnsName := lookup.GetAtt(jsii.String("DnsName"), awscdk.ResolutionTypeHint_STRING).ToString()
	out := &Endpoint{
		Name:                     svc.Name,
		VpcEndpointId:            ep.Ref(),
		DnsName:                  dnsName,
		PrivateDnsName:           lookup.GetAtt(jsii.String("PrivateDnsName"), awscdk.ResolutionTypeHint_STRING).ToString(),
		SecurityGroupId:          sgID,
		ResourceConfigurationArn: svc.ResourceConfigurationArn,
	}
	if c.zone != nil {
		// A CNAME, not an alias: Route 53 aliases only the targets it lists
		// (an interface endpoint is one; a resource endpoint's name under
		// vpc-lattice-rsc.<region>.on.aws is not), and the name is an
		// attribute of the endpoint's association, not of a hosted zone.
		// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
		// For an RDS cluster shared by ARN the name is the writer's child
		// configuration: readers are reached by their RDS names (private
		// DNS). A connector that verifies the certificate's hostname must
		// use an RDS name: the certificate does not name this record.
		record := *svc.Name + "." + *props.PrivateZoneName
		awsroute53.NewCfnRecordSet(scope, jsii.String("DnsRecord"), &awsroute53.CfnRecordSetProps{
			HostedZoneId:    c.zoneID,
			Name:            jsii.String(record + "."),
			Type:            jsii.String("CNAME"),
			Ttl:             jsii.String("60"),
			ResourceRecords: jsii.Strings(*dnsName),
		})
		out.FriendlyDnsName = jsii.String(record)
	}
	return out
}

// dnsLookup is the function behind the DnsName custom resources, made once:
// outside the VPC (it calls the EC2 API, which the isolated VPC cannot
// reach), allowed to describe endpoint associations and to write its log.
func (c *consumer) dnsLookup(props *ConsumerProps) awslambda.CfnFunction {
	if c.lookupFn != nil {
		return c.lookupFn
	}
	scope := constructs.NewConstruct(c.Construct, jsii.String("ResourceEndpointDns"))
	logs := awslogs.NewCfnLogGroup(scope, jsii.String("Logs"), &awslogs.CfnLogGroupProps{
		RetentionInDays: network.LogRetention(props.FlowLogRetentionDays),
	})
	label := "privateconnect"
	if props.Name != nil {
		label = *props.Name
	}
	role := awsiam.NewCfnRole(scope, jsii.String("Role"), &awsiam.CfnRoleProps{
		Description:              jsii.String(label + " resource endpoint DNS: describes endpoint associations and writes its own log group, nothing else"),
		AssumeRolePolicyDocument: l1.AssumedBy("lambda.amazonaws.com"),
		Policies: []any{&awsiam.CfnRole_PolicyProperty{
			PolicyName: jsii.String("dns-lookup"),
			PolicyDocument: map[string]any{"Version": "2012-10-17", "Statement": []any{
				l1.Statement("DescribeAssociations", []string{"ec2:DescribeVpcEndpointAssociations"}, jsii.String("*")),
				l1.Statement("WriteLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, logs.AttrArn()),
			}},
		}},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("ec2:DescribeVpcEndpointAssociations, like every EC2 Describe action, supports no resource-level permissions: it is allowed on * only"),
		AppliesTo: &[]any{"Resource::*"},
	}}, jsii.Bool(false))
	c.lookupFn = awslambda.NewCfnFunction(scope, jsii.String("Function"), &awslambda.CfnFunctionProps{
		Description:   jsii.String(label + ": reads the DNS name of each resource endpoint for its record in the private zone"),
		Runtime:       jsii.String(l1.Python()),
		Handler:       jsii.String("index.handler"),
		Code:          &awslambda.CfnFunction_CodeProperty{ZipFile: jsii.String(DnsLookupSource)},
		Role:          role.AttrArn(),
		Architectures: jsii.Strings("arm64"),
		MemorySize:    jsii.Number(128),
		// The code waits up to WAIT_SECONDS for an association's DNS entry,
		// within the function's own limit.
		Timeout:       jsii.Number(lookupWaitSeconds + 60),
		Environment:   &awslambda.CfnFunction_EnvironmentProperty{Variables: map[string]any{"WAIT_SECONDS": fmt.Sprint(lookupWaitSeconds)}},
		LoggingConfig: &awslambda.CfnFunction_LoggingConfigProperty{LogGroup: logs.Ref()},
		Tags:          l1.NameTag(props.Name, "-resource-endpoint-dns"),
	})
	return c.lookupFn
}
