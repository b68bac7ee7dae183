package producer

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/privateconnect/privateconnect/constructs/internal/l1"
)

// TargetRanges are the blocks the load balancer may send to: the ranges an
// NLB accepts IP targets in (RFC 1918 and RFC 6598), which hold every
// instance target of a VPC using private addresses too.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html
var TargetRanges = []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}

// loadBalancerSecurityGroup is the load balancer's own group. It has no
// inbound rule: with inbound-rule evaluation off for PrivateLink traffic,
// the vendor's connections (admitted by the endpoint service) pass, and
// nothing else in the VPC can open a connection to the load balancer. Its
// outbound rules are the ports to private addresses: the traffic to the
// targets and the health checks (which outbound rules govern).
func loadBalancerSecurityGroup(scope constructs.Construct, props *ProducerProps) awsec2.CfnSecurityGroup {
	egress := egressToPrivateRanges(props.Ports, "To targets and their health checks")
	name := "privateconnect"
	if props.Name != nil {
		name = *props.Name
	}
	return awsec2.NewCfnSecurityGroup(scope, jsii.String("NlbSecurityGroup"), &awsec2.CfnSecurityGroupProps{
		// ASCII subset AWS accepts in a group description.
		GroupDescription: jsii.String(fmt.Sprintf("Load balancer of %s: no inbound rule (PrivateLink traffic is admitted by the endpoint service), outbound to private addresses on the service ports", name)),
		VpcId:            props.VpcId,
		// The listed rules replace AWS's default allow-all egress.
		SecurityGroupEgress: egress,
		Tags:                l1.NameTag(props.Name, "-nlb"),
	})
}

// egressToPrivateRanges is one outbound rule per port and private range
// (TargetRanges), each described as what it reaches ("<what> in <range> on
// <port>").
func egressToPrivateRanges(ports *[]*float64, what string) []any {
	var egress []any
	for _, port := range *ports {
		for _, block := range TargetRanges {
			egress = append(egress, &awsec2.CfnSecurityGroup_EgressProperty{
				IpProtocol:  jsii.String("tcp"),
				FromPort:    port,
				ToPort:      port,
				CidrIp:      jsii.String(block),
				Description: jsii.String(fmt.Sprintf("%s in %s on %v", what, block, *port)),
			})
		}
	}
	return egress
}
