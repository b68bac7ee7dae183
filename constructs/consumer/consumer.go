// Package consumer builds the vendor side of outbound PrivateLink: the
// vendor is the service consumer of the customer's endpoint services. It
// creates a dedicated VPC, one endpoint per customer service (an interface
// endpoint to an endpoint service, or an endpoint of type Resource to a
// resource configuration shared through AWS RAM), the security groups that
// let only the vendor's connectors reach the endpoints, and optionally a
// private zone giving each endpoint a stable name.
package consumer

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/constructs/network"
)

// ServiceProps describes one endpoint service to connect to.
type ServiceProps struct {
	// Short DNS label of the service (e.g. db). It names the construct, and so
	// the logical IDs, and the record <name>.<PrivateZoneName>. Required.
	Name *string
	// Endpoint service name, com.amazonaws.vpce.<region>.vpce-svc-<id>: the
	// service gets an interface endpoint. Give exactly one of ServiceName and
	// ResourceConfigurationArn.
	ServiceName *string
	// ARN of a resource configuration shared with the account
	// (arn:aws:vpc-lattice:<region>:<account>:resourceconfiguration/rcfg-<id>):
	// the service gets a VPC endpoint of type Resource, in the same region.
	ResourceConfigurationArn *string
	// Region of the service for cross-region PrivateLink (interface
	// endpoints only). Default: the stack's region.
	ServiceRegion *string
	// TCP ports the connectors may open to the endpoint. Required, at least one.
	Ports *[]*float64
}

// ConsumerProps configures a Consumer.
type ConsumerProps struct {
	// IPv4 block of the dedicated VPC. Required.
	VpcCidr *string
	// AZ IDs to place the VPC's subnets and the endpoints' interfaces in; they
	// must be AZs the services are offered in. Required.
	AvailabilityZoneIds *[]*string
	// Services to create interface endpoints for. Required; empty builds the
	// network alone, with a connectors group that reaches nothing yet.
	Services *[]*ServiceProps
	// Name of a private hosted zone to create in the VPC, with an alias record
	// per service. Default: no zone; connectors use the endpoint DNS names.
	PrivateZoneName *string
	// Days the VPC flow log group keeps records. Default: 365.
	FlowLogRetentionDays *float64
	// Prefix of Name tags and security group names. Default: no Name tags.
	Name *string
}

// Endpoint is the endpoint made for one service.
type Endpoint struct {
	// Name is ServiceProps.Name.
	Name *string
	// VpcEndpointId is the endpoint's ID (vpce-...).
	VpcEndpointId *string
	// DnsEntries are an interface endpoint's "hostedZoneId:dnsName" entries;
	// the first is the regional name, the others are per AZ. Nil for a
	// resource endpoint, whose names belong to its associations.
	DnsEntries *[]*string
	// DnsName is an interface endpoint's regional DNS name, or a resource
	// endpoint's association's DNS name (for an RDS cluster, its writer's).
	DnsName *string
	// PrivateDnsName is, for a resource endpoint, the shared resource's own
	// name that private DNS resolves to the endpoint ("" if none); nil for
	// an interface endpoint.
	PrivateDnsName *string
	// ResourceConfigurationArn is ServiceProps.ResourceConfigurationArn.
	ResourceConfigurationArn *string
	// SecurityGroupId is the group on the endpoint's interfaces.
	SecurityGroupId *string
	// FriendlyDnsName is <name>.<PrivateZoneName>, or nil without a zone.
	FriendlyDnsName *string
}

// Consumer is the vendor-side network for one customer's PrivateLink services.
type Consumer interface {
	constructs.Construct
	// Vpc is the dedicated VPC.
	Vpc() network.IsolatedVpc
	// ConnectorSecurityGroupId is the group to attach to connector workloads:
	// it is the only source the endpoints admit.
	ConnectorSecurityGroupId() *string
	// Endpoints are the endpoints, in the order of Services.
	Endpoints() []*Endpoint
	// PrivateZoneId is the private hosted zone's ID, or nil without a zone.
	PrivateZoneId() *string
}

type consumer struct {
	constructs.Construct
	vpc        network.IsolatedVpc
	connectors awsec2.CfnSecurityGroup
	endpoints  []*Endpoint
	zone       awsroute53.CfnHostedZone
	lookupFn   awslambda.CfnFunction // behind resource endpoints' DNS names, made once
	// Read once: each getter of an L1 resource is a round trip to Node.
	connectorsID, zoneID *string
}

// NewConsumer creates the VPC, security groups, endpoints and zone.
func NewConsumer(scope constructs.Construct, id *string, props *ConsumerProps) Consumer {
	if props == nil || props.Services == nil {
		panic("consumer: ConsumerProps.Services is required (it may be empty)")
	}
	this := &consumer{Construct: constructs.NewConstruct(scope, id)}
	this.vpc = network.NewIsolatedVpc(this.Construct, jsii.String("Network"), &network.IsolatedVpcProps{
		Cidr:                 props.VpcCidr,
		AvailabilityZoneIds:  props.AvailabilityZoneIds,
		FlowLogRetentionDays: props.FlowLogRetentionDays,
		Name:                 props.Name,
	})

	// The connectors group's egress names the endpoints' groups, and the
	// endpoints' ingress names the connectors group: the group comes first,
	// its egress is set once the endpoints' groups exist.
	this.connectors = awsec2.NewCfnSecurityGroup(this.Construct, jsii.String("ConnectorSecurityGroup"), &awsec2.CfnSecurityGroupProps{
		GroupDescription: jsii.String("Connector workloads: may reach the customer interface endpoints and nothing else"),
		VpcId:            this.vpc.VpcId(),
		Tags:             network.NameTag(props.Name, "-connectors"),
	})
	this.connectorsID = this.connectors.AttrGroupId()
	if props.PrivateZoneName != nil {
		this.zone = privateZone(this.Construct, "PrivateZone", *props.PrivateZoneName, this.vpc.VpcId(),
			jsii.String("Stable names for the customer's PrivateLink services"))
		this.zoneID = this.zone.AttrId()
	}

	var egress []any
	for _, svc := range *props.Services {
		resource := svc.ResourceConfigurationArn != nil
		if svc.Name == nil || resource == (svc.ServiceName != nil) || svc.Ports == nil || len(*svc.Ports) == 0 ||
			(resource && svc.ServiceRegion != nil) {
			panic("consumer: every service needs Name, exactly one of ServiceName and ResourceConfigurationArn (no ServiceRegion with it), and at least one port")
		}
		kind := "Interface"
		if resource {
			kind = "Resource"
		}
		sg := endpointSecurityGroup(this.Construct, "EndpointSecurityGroup-"+*svc.Name,
			fmt.Sprintf("%s endpoint for %s: admits the connectors group on %s", kind, *svc.Name, portList(svc.Ports)),
			this.vpc.VpcId(), network.NameTag(props.Name, "-endpoint-"+*svc.Name))
		sgID := sg.AttrGroupId()
		for _, port := range *svc.Ports {
			egress = append(egress, &awsec2.CfnSecurityGroup_EgressProperty{
				IpProtocol:                 jsii.String("tcp"),
				FromPort:                   port,
				ToPort:                     port,
				DestinationSecurityGroupId: sgID,
				Description:                jsii.String(fmt.Sprintf("To the %s endpoint on %v", *svc.Name, *port)),
			})
		}
		if resource {
			this.endpoints = append(this.endpoints, this.addResourceEndpoint(svc, sgID, props))
		} else {
			this.endpoints = append(this.endpoints, this.addEndpoint(svc, sgID, props))
		}
	}
	// Egress is inline so that it replaces the default allow-all rule: the
	// connectors group opens only the configured ports, to the endpoints only.
	// Workloads that need more carry further groups of their own.
	if len(egress) == 0 {
		egress = noEgress()
	}
	this.connectors.SetSecurityGroupEgress(egress)
	return this
}

// addEndpoint is the service's interface endpoint, in the construct
// Service-<name> (its path names the endpoint's resources), admitting the
// connectors group, with its record in the private zone.
func (c *consumer) addEndpoint(svc *ServiceProps, sgID *string, props *ConsumerProps) *Endpoint {
	var name *string
	if props.Name != nil {
		name = jsii.String(*props.Name + "-" + *svc.Name)
	}
	ep := NewInterfaceEndpoint(c.Construct, jsii.String("Service-"+*svc.Name), &InterfaceEndpointProps{
		VpcId:             c.vpc.VpcId(),
		SubnetIds:         c.vpc.SubnetIds(),
		ServiceName:       svc.ServiceName,
		ServiceRegion:     svc.ServiceRegion,
		Ports:             svc.Ports,
		SecurityGroupId:   sgID,
		Sources:           &[]*Source{c.connectorsSource()},
		PrivateDnsEnabled: jsii.Bool(false),
		Name:              name,
	})
	out := &Endpoint{
		Name:            svc.Name,
		VpcEndpointId:   ep.VpcEndpointId(),
		DnsEntries:      ep.DnsEntries(),
		DnsName:         ep.DnsName(),
		SecurityGroupId: ep.SecurityGroupId(),
	}
	if c.zone != nil {
		record := *svc.Name + "." + *props.PrivateZoneName
		ep.AddAliasRecord("DnsRecord", c.zoneID, record)
		out.FriendlyDnsName = jsii.String(record)
	}
	return out
}

func (c *consumer) Vpc() network.IsolatedVpc          { return c.vpc }
func (c *consumer) ConnectorSecurityGroupId() *string { return c.connectorsID }
func (c *consumer) Endpoints() []*Endpoint            { return c.endpoints }

func (c *consumer) PrivateZoneId() *string {
	return c.zoneID
}

func portList(ports *[]*float64) string {
	s := make([]string, len(*ports))
	for i, p := range *ports {
		s[i] = fmt.Sprint(*p)
	}
	return "TCP " + strings.Join(s, ", ")
}

func anys(ss []*string) *[]any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return &out
}

// noEgress is an egress list whose only rule matches nothing: it replaces the
// allow-all rule a security group gets when its egress list is empty.
func noEgress() []any {
	return []any{&awsec2.CfnSecurityGroup_EgressProperty{
		IpProtocol:  jsii.String("icmp"),
		CidrIp:      jsii.String("255.255.255.255/32"),
		FromPort:    jsii.Number(252),
		ToPort:      jsii.Number(86),
		Description: jsii.String("Disallow all traffic"),
	}}
}

// connectorsSource is the connectors group, the only source every endpoint
// of the consumer admits.
func (c *consumer) connectorsSource() *Source {
	return &Source{Label: jsii.String("Connectors"), Description: jsii.String("From the connectors group"), SecurityGroupId: c.connectorsID}
}
