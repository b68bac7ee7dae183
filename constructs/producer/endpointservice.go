package producer

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// EndpointServiceProps configures an EndpointService.
type EndpointServiceProps struct {
	// ARNs of the Network Load Balancers behind the service, in the stack's
	// region; a load balancer can back one endpoint service only. Required.
	NetworkLoadBalancerArns *[]*string
	// IAM principals allowed to connect, exactly (never "*"). Required.
	AllowedPrincipals *[]*string
	// Whether each connection request waits for the service owner to accept it.
	// Default: true.
	AcceptanceRequired *bool
	// Regions other than the stack's from which consumers connect
	// (cross-region PrivateLink). Default: none.
	SupportedRegions *[]*string
	// Private DNS name of the service (e.g. *.platform.example.com), which
	// the owner verifies with a TXT record. Default: none.
	PrivateDnsName *string
}

// EndpointService is a VPC endpoint service in front of existing load
// balancers, with its allowed principals.
type EndpointService interface {
	constructs.Construct
	// EndpointServiceId is the VPC endpoint service's ID (vpce-svc-...).
	EndpointServiceId() *string
	// ServiceName is what consumers create endpoints to: com.amazonaws.vpce.<region>.<id>.
	ServiceName() *string
}

type endpointService struct {
	constructs.Construct
	service awsec2.CfnVPCEndpointService
}

func (e *endpointService) EndpointServiceId() *string { return e.service.Ref() }
func (e *endpointService) ServiceName() *string       { return serviceName(e.service) }

// NewEndpointService creates the endpoint service and its permissions in
// front of load balancers that exist already (e.g. a platform's).
func NewEndpointService(scope constructs.Construct, id *string, props *EndpointServiceProps) EndpointService {
	if props == nil || props.NetworkLoadBalancerArns == nil || len(*props.NetworkLoadBalancerArns) == 0 {
		panic("producer: EndpointServiceProps.NetworkLoadBalancerArns is required")
	}
	this := &endpointService{Construct: constructs.NewConstruct(scope, id)}
	this.service = addEndpointService(this.Construct, props)
	return this
}

// addEndpointService creates the service and its permissions as children
// EndpointService and AllowedPrincipals of scope: a Producer holds them
// directly, so their logical IDs stay those of its first release.
func addEndpointService(scope constructs.Construct, props *EndpointServiceProps) awsec2.CfnVPCEndpointService {
	checkPrincipals(props.AllowedPrincipals)
	acceptance := props.AcceptanceRequired
	if acceptance == nil {
		acceptance = jsii.Bool(true)
	}
	service := awsec2.NewCfnVPCEndpointService(scope, jsii.String("EndpointService"), &awsec2.CfnVPCEndpointServiceProps{
		NetworkLoadBalancerArns: anys(props.NetworkLoadBalancerArns),
		AcceptanceRequired:      acceptance,
		SupportedRegions:        props.SupportedRegions,
		PrivateDnsName:          props.PrivateDnsName,
	})
	if props.PrivateDnsName != nil {
		// CloudFormation takes PrivateDnsName on the service, but cfn-lint 1.51's
		// schema predates it; the check is off for this property's resource only.
		service.AddMetadata(jsii.String("cfn-lint"), map[string]any{"config": map[string]any{"ignore_checks": []string{"E3002"}}})
	}
	awsec2.NewCfnVPCEndpointServicePermissions(scope, jsii.String("AllowedPrincipals"), &awsec2.CfnVPCEndpointServicePermissionsProps{
		ServiceId:         service.Ref(),
		AllowedPrincipals: props.AllowedPrincipals,
	})
	return service
}

func checkPrincipals(principals *[]*string) {
	if principals == nil || len(*principals) == 0 {
		panic("producer: AllowedPrincipals is required")
	}
	for _, pr := range *principals {
		if pr == nil || *pr == "*" {
			panic(`producer: AllowedPrincipals must name principals, never "*"`)
		}
	}
}

func serviceName(service awsec2.CfnVPCEndpointService) *string {
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("com.amazonaws.vpce."), awscdk.Aws_REGION(), jsii.String("."), service.Ref(),
	})
}
