package stacks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/producer"
	"github.com/privateconnect/privateconnect/internal/english"
)

// ResourceGatewayID is the construct ID of the handed-over template's one
// resource gateway (and its security group), shared by its services of mode
// resourceGateway.
const ResourceGatewayID = "ResourceGateway"

// addResourceGateway adds the services of mode resourceGateway: one resource
// gateway in the customer's subnets for all of them, and per service a
// resource configuration of its database shared with the vendor's account.
//
// One gateway, not one per service: AWS builds a gateway to serve many
// configurations, and each gateway puts a network interface in every subnet
// with 16 addresses by default; with one the customer admits one security
// group on its databases. The group's ports are every service's, but what a
// consumer reaches is decided by the configurations shared with it (each
// names one database), not by the group.
// https://docs.aws.amazon.com/vpc/latest/privatelink/resource-gateway.html
// https://docs.aws.amazon.com/vpc/latest/privatelink/create-resource-gateway.html
func addResourceGateway(stack awscdk.Stack, params *parameters, v *config.Vendor, c *config.Customer, services []config.Service, vpcID *string, subnetIDs *[]*string) {
	var ports []int
	for _, s := range services {
		ports = append(ports, s.Ports...)
	}
	slices.Sort(ports)
	ports = slices.Compact(ports)
	// Names unique in the customer's account: the vendor's and the customer's
	// as the vendor knows it (LatticeName lowercases and hyphenates).
	gw := producer.NewResourceGateway(stack, jsii.String(ResourceGatewayID), &producer.ResourceGatewayProps{
		VpcId:     vpcID,
		SubnetIds: subnetIDs,
		Ports:     numbers(ports),
		Name:      jsii.String(producer.LatticeName(v.Name, c.Name)),
	})
	for _, s := range services {
		id := OutputID(s.Name)
		group := fmt.Sprintf("Service %s (%s %s)", s.Name, map[bool]string{true: "port", false: "ports"}[len(s.Ports) == 1], strings.Join(portStrings(s.Ports), ", "))
		// The parameters are those of the load balancer's template for the
		// same database, so a service that changes mode keeps its value.
		what := map[string]struct {
			param, label, desc string
			pattern            pattern
		}{
			producer.RdsByHostname: {"TargetHostname", "Database hostname", "DNS name of the database that resolves publicly to its private addresses in the VPC, such as its RDS endpoint (AWS shares a domain name only if it is publicly resolvable).", hostnamePattern},
			producer.RdsByInstance: {"RdsInstanceId", "DB instance identifier", "Identifier of the RDS DB instance, in this account and region.", identifierPattern},
			producer.RdsByCluster:  {"RdsClusterId", "DB cluster identifier", "Identifier of the Aurora DB cluster, in this account and region.", identifierPattern},
		}[s.Producer.Rds.By]
		target := params.add(id+what.param, group, what.label, "String", what.desc, what.pattern)
		db := producer.NewSharedDatabase(stack, jsii.String(id), &producer.SharedDatabaseProps{
			ResourceGatewayId: gw.ResourceGatewayId(),
			By:                jsii.String(s.Producer.Rds.By),
			Target:            target.ValueAsString(),
			Ports:             numbers(s.Ports),
			// The vendor's account of the customer's cell: an endpoint of type
			// Resource is created by an account, not by a role.
			Accounts: jsii.Strings(v.Account),
			Name:     jsii.String(producer.LatticeName(v.Name, c.Name, s.Name)),
		})
		out := func(suffix, description string, value *string) {
			awscdk.NewCfnOutput(stack, jsii.String(id+suffix), &awscdk.CfnOutputProps{Description: jsii.String(description), Value: value})
		}
		out("ResourceConfigurationArn", fmt.Sprintf("Send this to %s: the resource configuration of %s", v.Name, s.Name), db.ResourceConfigurationArn())
		out("ResourceGatewaySecurityGroupId", fmt.Sprintf("Security group of the resource gateway: admit it on %s database's security group on TCP %s", english.Possessive(s.Name), strings.Join(portStrings(s.Ports), ", ")), gw.SecurityGroupId())
		out("ResourceShareArn", fmt.Sprintf("AWS RAM share of %s with %s account, which aws ram get-resource-shares shows", s.Name, english.Possessive(v.Name)), db.ResourceShareArn())
	}
}
