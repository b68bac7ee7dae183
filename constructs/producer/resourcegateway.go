package producer

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsram"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsvpclattice"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/privateconnect/privateconnect/constructs/internal/l1"
)

// The other way a service owner shares a database: PrivateLink for VPC
// resources. A resource gateway in the owner's VPC, a resource configuration
// naming the database, and an AWS RAM share of that configuration with the
// consumer's account, which reaches it by a VPC endpoint of type Resource.
// No load balancer and nothing to keep registered: the gateway follows the
// database itself.
// https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-resources.html

// ResourceGatewayProps configures a ResourceGateway.
type ResourceGatewayProps struct {
	// VPC holding the databases. Required.
	VpcId *string
	// Subnets of the gateway, one per Availability Zone it serves: a
	// consumer's endpoint connects only in zones both share, and AWS refuses
	// shared subnets. Required.
	// https://docs.aws.amazon.com/vpc/latest/privatelink/resource-gateway.html#resource-gateway-considerations
	SubnetIds *[]*string
	// TCP ports the gateway may open to the databases: every port of every
	// configuration served through it. Required.
	Ports *[]*float64
	// The gateway's name, unique in the account (3 to 40 lowercase letters,
	// digits and single hyphens; LatticeName makes one), also the prefix of
	// its Name tags. A fixed name means CloudFormation cannot replace the
	// gateway (new subnets or VPC): the replacement is created first. Required.
	// https://docs.aws.amazon.com/vpc/latest/privatelink/create-resource-gateway.html
	Name *string
}

// ResourceGateway is a resource gateway with its own security group.
type ResourceGateway interface {
	constructs.Construct
	// ResourceGatewayId is the gateway's ID (rgw-...).
	ResourceGatewayId() *string
	// SecurityGroupId is the gateway's security group, which the databases'
	// groups admit on their ports.
	SecurityGroupId() *string
}

type resourceGateway struct {
	constructs.Construct
	gateway awsvpclattice.CfnResourceGateway
	sg      awsec2.CfnSecurityGroup
}

func (g *resourceGateway) ResourceGatewayId() *string { return g.gateway.AttrId() }
func (g *resourceGateway) SecurityGroupId() *string   { return g.sg.AttrGroupId() }

// NewResourceGateway creates the gateway (IPv4) and its security group. The
// group has no inbound rule: a security group of a resource gateway governs
// only what the gateway sends to the resources; the consumers' traffic is
// admitted by the resource configurations and their shares.
// https://docs.aws.amazon.com/vpc/latest/privatelink/resource-gateway.html#resource-gateway-security-groups
func NewResourceGateway(scope constructs.Construct, id *string, props *ResourceGatewayProps) ResourceGateway {
	if props == nil || props.VpcId == nil || props.SubnetIds == nil || props.Ports == nil || len(*props.Ports) == 0 {
		panic("producer: ResourceGatewayProps needs VpcId, SubnetIds and at least one port")
	}
	checkLatticeName("ResourceGatewayProps.Name", props.Name)
	this := &resourceGateway{Construct: constructs.NewConstruct(scope, id)}
	egress := egressToPrivateRanges(props.Ports, "To the databases")
	this.sg = awsec2.NewCfnSecurityGroup(this.Construct, jsii.String("SecurityGroup"), &awsec2.CfnSecurityGroupProps{
		// ASCII subset AWS accepts in a group description.
		GroupDescription: jsii.String(fmt.Sprintf("Resource gateway %s: no inbound rule (consumers are admitted by the shared resource configurations), outbound to private addresses on the database ports", *props.Name)),
		VpcId:            props.VpcId,
		// The listed rules replace AWS's default allow-all egress.
		SecurityGroupEgress: egress,
		Tags:                l1.NameTag(props.Name, "-gateway"),
	})
	this.gateway = awsvpclattice.NewCfnResourceGateway(this.Construct, jsii.String("Gateway"), &awsvpclattice.CfnResourceGatewayProps{
		Name:          props.Name,
		VpcIdentifier: props.VpcId,
		SubnetIds:     anys(props.SubnetIds),
		// The databases are reached over IPv4, and the subnets need no IPv6.
		// https://docs.aws.amazon.com/vpc/latest/privatelink/resource-gateway.html#resource-gateway-ip-address-type
		IpAddressType:    jsii.String("IPV4"),
		SecurityGroupIds: &[]any{this.sg.AttrGroupId()},
	})
	return this
}

// SharedDatabaseProps configures a SharedDatabase.
type SharedDatabaseProps struct {
	// The resource gateway the database is reached through. Required.
	ResourceGatewayId *string
	// RdsByInstance or RdsByCluster (a configuration of type ARN, whose ports
	// AWS takes from the database), or RdsByHostname (type SINGLE: a publicly
	// resolvable DNS name such as the RDS endpoint, on Ports). Required.
	By *string
	// The DB instance or cluster identifier, or the hostname. Required.
	Target *string
	// TCP ports consumers may use; for RdsByHostname only. Required then.
	Ports *[]*float64
	// AWS account IDs the configuration is shared with, exactly (never "*"):
	// the consumers. Required.
	Accounts *[]*string
	// Name of the configuration and of its share (LatticeName). Required.
	Name *string
}

// SharedDatabase is a resource configuration of a database and its AWS RAM share.
type SharedDatabase interface {
	constructs.Construct
	// ResourceConfigurationArn is what a consumer's endpoint of type Resource names.
	ResourceConfigurationArn() *string
	// ResourceShareArn is the RAM share, whose invitation the consumer accepts.
	ResourceShareArn() *string
}

type sharedDatabase struct {
	constructs.Construct
	configuration awsvpclattice.CfnResourceConfiguration
	share         awsram.CfnResourceShare
}

func (d *sharedDatabase) ResourceConfigurationArn() *string { return d.configuration.AttrArn() }
func (d *sharedDatabase) ResourceShareArn() *string         { return d.share.AttrArn() }

// NewSharedDatabase creates the resource configuration of one database and
// shares it through AWS RAM with the given accounts only.
func NewSharedDatabase(scope constructs.Construct, id *string, props *SharedDatabaseProps) SharedDatabase {
	checkShared(props)
	this := &sharedDatabase{Construct: constructs.NewConstruct(scope, id)}
	cfg := &awsvpclattice.CfnResourceConfigurationProps{
		Name:              props.Name,
		ResourceGatewayId: props.ResourceGatewayId,
		// Only the consumers it is shared with reach it, by their endpoints;
		// never through a service network shared on to other accounts.
		AllowAssociationToSharableServiceNetwork: jsii.Bool(false),
	}
	switch *props.By {
	case RdsByInstance, RdsByCluster:
		// An RDS database by its ARN: AWS follows the instance, or the
		// cluster's endpoints, across failovers. Port ranges and protocol
		// apply to types SINGLE, GROUP and CHILD only: AWS takes them from
		// the database.
		// https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateResourceConfiguration.html
		kind := map[string]string{RdsByInstance: "db", RdsByCluster: "cluster"}[*props.By]
		cfg.ResourceConfigurationType = jsii.String("ARN")
		cfg.ResourceConfigurationDefinition = &awsvpclattice.CfnResourceConfiguration_ResourceConfigurationDefinitionProperty{
			ArnResource: arn("rds", kind+":"+*props.Target),
		}
	case RdsByHostname:
		// A domain name must resolve publicly; the gateway resolves it and
		// connects to the addresses it gets, in the VPC.
		cfg.ResourceConfigurationType = jsii.String("SINGLE")
		cfg.ResourceConfigurationDefinition = &awsvpclattice.CfnResourceConfiguration_ResourceConfigurationDefinitionProperty{
			DnsResource: &awsvpclattice.CfnResourceConfiguration_DnsResourceProperty{
				DomainName:    props.Target,
				IpAddressType: jsii.String("IPV4"),
			},
		}
		ranges := make([]*string, len(*props.Ports))
		for i, p := range *props.Ports {
			ranges[i] = jsii.String(fmt.Sprint(*p))
		}
		cfg.PortRanges = &ranges
		cfg.ProtocolType = jsii.String("TCP")
	}
	this.configuration = awsvpclattice.NewCfnResourceConfiguration(this.Construct, jsii.String("Configuration"), cfg)
	this.share = awsram.NewCfnResourceShare(this.Construct, jsii.String("Share"), &awsram.CfnResourceShareProps{
		Name:         props.Name,
		ResourceArns: jsii.Strings(*this.configuration.AttrArn()),
		Principals:   props.Accounts,
		// The consumers are outside the owner's organization; RAM shares with
		// them only if this is true (and the organization allows it).
		// https://docs.aws.amazon.com/ram/latest/userguide/working-with-sharing-create.html
		AllowExternalPrincipals: jsii.Bool(true),
	})
	return this
}

func checkShared(p *SharedDatabaseProps) {
	if p == nil || p.ResourceGatewayId == nil || p.By == nil || p.Target == nil {
		panic("producer: SharedDatabaseProps needs ResourceGatewayId, By and Target")
	}
	checkLatticeName("SharedDatabaseProps.Name", p.Name)
	switch *p.By {
	case RdsByInstance, RdsByCluster:
	case RdsByHostname:
		if p.Ports == nil || len(*p.Ports) == 0 {
			panic("producer: SharedDatabaseProps with RdsByHostname needs Ports")
		}
	default:
		panic("producer: SharedDatabaseProps.By must be hostname, dbInstance or dbCluster")
	}
	if p.Accounts == nil || len(*p.Accounts) == 0 {
		panic("producer: SharedDatabaseProps.Accounts is required")
	}
	for _, a := range *p.Accounts {
		if a == nil || !*awscdk.Token_IsUnresolved(a) && !accountRe.MatchString(*a) {
			panic(`producer: SharedDatabaseProps.Accounts must be 12-digit account IDs, never "*"`)
		}
	}
}

var (
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
	// The names of resource gateways and configurations: 3 to 40 lowercase
	// letters, digits and hyphens, no hyphen first, last or twice in a row
	// (and not starting rgw- or rcfg-, which the lowercase words here never do).
	// https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateResourceConfiguration.html
	latticeNameRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	notLattice    = regexp.MustCompile(`[^a-z0-9]+`)
)

const maxLatticeName = 40

// LatticeName joins parts into a name AWS accepts for a resource gateway or
// configuration: lowercase, other characters as single hyphens, and, when
// longer than 40 characters, cut with a hash of the whole so that two long
// names stay apart.
func LatticeName(parts ...string) string {
	name := strings.Trim(notLattice.ReplaceAllString(strings.ToLower(strings.Join(parts, "-")), "-"), "-")
	if len(name) > maxLatticeName {
		sum := fmt.Sprintf("%x", sha256.Sum256([]byte(name)))[:8]
		name = strings.TrimRight(name[:maxLatticeName-len(sum)-1], "-") + "-" + sum
	}
	if len(name) < 3 {
		name = strings.Trim("privateconnect-"+name, "-")
	}
	return name
}

func checkLatticeName(what string, name *string) {
	if name == nil {
		panic("producer: " + what + " is required")
	}
	if *awscdk.Token_IsUnresolved(name) {
		return
	}
	if n := *name; len(n) < 3 || len(n) > maxLatticeName || !latticeNameRe.MatchString(n) {
		panic(fmt.Sprintf("producer: %s %q: 3 to 40 lowercase letters, digits and single hyphens (use LatticeName)", what, n))
	}
}
