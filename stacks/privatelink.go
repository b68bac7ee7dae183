package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/consumer"
	"github.com/privateconnect/privateconnect/constructs/probe"
)

// ModePrivateLink names the outbound PrivateLink stack: <customer>-PrivateLink.
const ModePrivateLink = "PrivateLink"

// NewPrivateLinkStack is the vendor side of outbound PrivateLink for one
// customer: the consumer network, plus outputs and SSM parameters under
// /privateconnect/<customer>/privatelink/ for the connector platform.
func NewPrivateLinkStack(scope constructs.Construct, v *config.Vendor, c *config.Customer) awscdk.Stack {
	pl := c.PrivateLink
	stack := vendorStack(scope, v, c, ModePrivateLink, "PrivateLink consumer")

	var services []*consumer.ServiceProps
	var ready []config.Service
	for i, s := range pl.Services {
		if s.Pending() {
			// Handed over, not deployed by the customer yet: no endpoint to make.
			pendingNote(stack, c, i)
			continue
		}
		ready = append(ready, s)
		if s.ResourceConfigurationArn != "" {
			services = append(services, &consumer.ServiceProps{
				Name:                     jsii.String(s.Name),
				ResourceConfigurationArn: jsii.String(s.ResourceConfigurationArn),
				Ports:                    numbers(s.Ports),
			})
			continue
		}
		var region *string
		if s.ServiceRegion != "" && s.ServiceRegion != c.Region {
			region = jsii.String(s.ServiceRegion)
		}
		services = append(services, &consumer.ServiceProps{
			Name:          jsii.String(s.Name),
			ServiceName:   jsii.String(s.ServiceName),
			ServiceRegion: region,
			Ports:         numbers(s.Ports),
		})
	}
	net := consumer.NewConsumer(stack, jsii.String("Consumer"), &consumer.ConsumerProps{
		VpcCidr:              jsii.String(pl.VpcCidr),
		AvailabilityZoneIds:  jsii.Strings(pl.AvailabilityZones...),
		Services:             &services,
		PrivateZoneName:      jsii.String(c.Name + "." + v.InternalDomain),
		FlowLogRetentionDays: jsii.Number(float64(*v.LogRetentionDays)),
		Name:                 jsii.String("privateconnect-" + c.Name),
	})

	pub := publisher{stack: stack, prefix: "/privateconnect/" + c.Name + "/privatelink/"}
	pub.value("VpcId", "vpc-id", "Dedicated vendor VPC", net.Vpc().VpcId())
	pub.list("SubnetIds", "subnet-ids", "Private subnets for connectors, one per AZ", net.Vpc().SubnetIds())
	pub.value("ConnectorSecurityGroupId", "connector-security-group-id", "Attach to connector workloads; the only source the endpoints admit", net.ConnectorSecurityGroupId())
	pub.value("FlowLogGroup", "flow-log-group", "CloudWatch Logs group of the VPC flow logs", net.Vpc().FlowLogGroupName())
	for i, ep := range net.Endpoints() {
		s := ready[i]
		id, path := OutputID(s.Name), "services/"+s.Name+"/"
		if s.ResourceConfigurationArn != "" {
			pub.value(id+"EndpointId", path+"endpoint-id", "Resource endpoint to "+s.ResourceConfigurationArn, ep.VpcEndpointId)
			pub.value(id+"EndpointDnsName", path+"endpoint-dns-name", "DNS name of the resource endpoint's association (for an RDS cluster, its writer's)", ep.DnsName)
			pub.value(id+"ResourceConfigurationArn", path+"resource-configuration-arn", "Resource configuration the customer shared", ep.ResourceConfigurationArn)
		} else {
			pub.value(id+"EndpointId", path+"endpoint-id", fmt.Sprintf("Interface endpoint to %s", s.ServiceName), ep.VpcEndpointId)
			pub.value(id+"EndpointDnsName", path+"endpoint-dns-name", "Regional DNS name of the endpoint", ep.DnsName)
			awscdk.NewCfnOutput(stack, jsii.String(id+"EndpointDnsEntries"), &awscdk.CfnOutputProps{
				Description: jsii.String("All DNS entries of the endpoint (hosted zone ID:name), regional first, then per AZ"),
				Value:       awscdk.Fn_Join(jsii.String(","), ep.DnsEntries),
			})
		}
		pub.value(id+"DnsName", path+"dns-name", "Stable name connectors use for this service", ep.FriendlyDnsName)
		pub.list(id+"Ports", path+"ports", "TCP ports open to this service", jsii.Strings(portStrings(s.Ports)...))
	}

	// The endpoints of ready services only: a pending one has none to reach.
	if len(ready) > 0 && probed(stack, c) {
		var targets []*probe.Service
		for _, s := range ready {
			targets = append(targets, &probe.Service{Name: jsii.String(s.Name), Ports: numbers(s.Ports), Tls: jsii.Bool(s.TLS),
				ResourceEndpoint: jsii.Bool(s.ResourceConfigurationArn != "")})
		}
		props := probeProps(v, c, net.Vpc().SubnetIds(), net.ConnectorSecurityGroupId(), "privateconnect-"+c.Name)
		props.Services, props.Zone = &targets, jsii.String(c.Name+"."+v.InternalDomain)
		pr := probe.NewProbe(stack, jsii.String("Probe"), props)
		pub.value("ProbeLogGroup", "probe-log-group", "CloudWatch Logs group of the reachability probe: each run's result and error per service and port", pr.LogGroupName())
	}
	return stack
}

// pendingNote tells what the pending service i of c waits for: the service
// name of the customer's endpoint service, or the ARN of the resource
// configuration it shares (and the share's invitation to accept).
func pendingNote(stack awscdk.Stack, c *config.Customer, i int) {
	s := c.PrivateLink.Services[i]
	if s.ViaResourceGateway() {
		note(stack, "service %s is pending, so it has no endpoint yet: once the customer has deployed its template (make handoff CUSTOMER=%s), set privateLink.services[%d].resourceConfigurationArn in %s to the ResourceConfigurationArn the template outputs, then accept the RAM invitation: make accept",
			s.Name, c.Name, i, c.File)
		return
	}
	note(stack, "service %s is pending, so it has no endpoint yet: once the customer has deployed its template (make handoff CUSTOMER=%s), set privateLink.services[%d].serviceName in %s to the ServiceName the template outputs",
		s.Name, c.Name, i, c.File)
}

// probed reports whether the customer's stacks get a probe, and notes it on
// stack when its file turned the probe off.
func probed(stack awscdk.Stack, c *config.Customer) bool {
	if !c.Probed() {
		note(stack, "the reachability probe is off (probe.enabled: false in %s): no alarm says when the connectors cannot reach the customer", c.File)
	}
	return c.Probed()
}

// probeProps are the settings every probe of customer c shares.
func probeProps(v *config.Vendor, c *config.Customer, subnets *[]*string, group *string, name string) *probe.ProbeProps {
	var topic *string
	if arn, ok := v.AlarmTopicArns[c.Region]; ok {
		topic = jsii.String(arn)
	}
	return &probe.ProbeProps{
		Customer:         jsii.String(c.Name),
		SubnetIds:        subnets,
		SecurityGroupId:  group,
		FailMinutes:      jsii.Number(float64(*c.Probe.FailMinutes)),
		AlarmTopicArn:    topic,
		LogRetentionDays: jsii.Number(float64(*v.LogRetentionDays)),
		Name:             jsii.String(name),
	}
}

// publisher writes each value as a stack output and as an SSM parameter, so
// people read outputs and the connector platform discovers parameters.
type publisher struct {
	stack  awscdk.Stack
	prefix string
}

func (p publisher) value(outputID, param, description string, value *string) {
	p.put(outputID, param, description, "String", value)
}

func (p publisher) list(outputID, param, description string, values *[]*string) {
	p.put(outputID, param, description, "StringList", awscdk.Fn_Join(jsii.String(","), values))
}

func (p publisher) put(outputID, param, description, kind string, value *string) {
	awscdk.NewCfnOutput(p.stack, jsii.String(outputID), &awscdk.CfnOutputProps{Description: jsii.String(description), Value: value})
	awsssm.NewCfnParameter(p.stack, jsii.String(outputID+"Parameter"), &awsssm.CfnParameterProps{
		Name:        jsii.String(p.prefix + param),
		Type:        jsii.String(kind),
		Value:       value,
		Description: jsii.String(description),
	})
}

// OutputID turns a service label into an output ID prefix: my-db -> MyDb.
// config.LabelID is the rule, so that validation knows the IDs stacks make.
func OutputID(label string) string { return config.LabelID(label) }

func numbers(xs []int) *[]*float64 {
	out := make([]*float64, len(xs))
	for i, x := range xs {
		out[i] = jsii.Number(float64(x))
	}
	return &out
}

func portStrings(xs []int) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprint(x)
	}
	return out
}
