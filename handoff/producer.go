package handoff

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/cost"
	"github.com/privateconnect/privateconnect/internal/english"
	"github.com/privateconnect/privateconnect/stacks"
)

//go:embed producer.md.tmpl
var producerText string

//go:embed review.md.tmpl
var reviewText string

//go:embed producer_update.md.tmpl
var updateText string

//go:embed producer_gateway.md.tmpl
var gatewayText string

// guideFuncs are the functions of the README and INBOUND.md templates.
var guideFuncs = template.FuncMap{
	"join":  strings.Join,
	"pos":   english.Possessive,
	"shvar": ShellVar,
	"money": func(f float64) string { return fmt.Sprintf("$%.2f", f) },
	// names lists services as `a`, `b` and `c`.
	"names": func(ss []serviceData) string {
		out := ""
		for i, s := range ss {
			switch {
			case i == 0:
			case i == len(ss)-1:
				out += " and "
			default:
				out += ", "
			}
			out += "`" + s.Name + "`"
		}
		return out
	},
	"ports": func(ps []int) string {
		s := make([]string, len(ps))
		for i, p := range ps {
			s[i] = fmt.Sprint(p)
		}
		return strings.Join(s, ", ")
	},
}

var producerTemplate = template.Must(template.Must(template.Must(template.Must(
	template.New(ProducerFile).Funcs(guideFuncs).Parse(producerText)).Parse(reviewText)).Parse(updateText)).Parse(gatewayText))

// producerData is what the producer guide's template reads.
type producerData struct {
	Vendor      *config.Vendor
	Customer    *config.Customer
	File        string
	StackName   string
	Region      string
	CrossRegion bool
	// All are the template's services; Services those behind a load
	// balancer (mode nlb), Gateways those shared through the resource
	// gateway (mode resourceGateway).
	All, Services, Gateways []serviceData
	// GatewayPorts are every port of Gateways, which the gateway's group reaches.
	GatewayPorts   []int
	GatewayPricing gatewayPricing
	// Secured are the services whose load balancer has its own security
	// group; Kept those that keep the first release's, without one.
	Secured, Kept []serviceData
	Params        []paramData
	deployParams
	Outputs     []outputData
	Review      reviewData
	NeedsIAM    bool
	Estimate    cost.Estimate
	NeedsBucket bool
	VendorSlug  string
	// Renamed are the parameters this version renamed, whose update needs their value again.
	Renamed []renamedParam
}

// renamedParam is a parameter of an earlier version under its new name.
type renamedParam struct{ Old, New string }

// Output is the shell expression, quoted, that reads one of the stack's
// outputs: the guide's commands read what they need themselves, so the
// reader pastes no placeholder.
func (d producerData) Output(key string) string { return stackOutput(d.Region, d.StackName, key) }

func stackOutput(region, stack, key string) string {
	return fmt.Sprintf("\"$(aws cloudformation describe-stacks --region %s --stack-name %s --query 'Stacks[0].Outputs[?OutputKey==`%s`].OutputValue' --output text)\"",
		region, stack, key)
}

type serviceData struct {
	config.Service
	ID         string // prefix of its outputs and parameters
	TargetText string
	// SecurityGroup: the load balancer has its own group (else it is the
	// first release's, kept without one).
	SecurityGroup bool
	// For a service shared through the resource gateway: the database's
	// parameter, and what its resource configuration names.
	Param, ByText string
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// vendorSlug is the vendor's name as the start of a stack name: lowercase
// letters, digits and hyphens.
func vendorSlug(v *config.Vendor) string {
	return strings.Trim(slugRe.ReplaceAllString(strings.ToLower(v.Name), "-"), "-")
}

// ProducerStackName is the stack name the producer guide proposes.
func ProducerStackName(v *config.Vendor) string { return vendorSlug(v) + "-privatelink" }

// InboundStackName is the stack name the inbound guide proposes.
func InboundStackName(v *config.Vendor) string { return vendorSlug(v) + "-platform-privatelink" }

// MaxTemplateBody is the largest template CloudFormation accepts inline, in bytes.
const MaxTemplateBody = 51200

// ProducerGuide renders the customer's guide (PRODUCER.md) to the producer
// template in file.
func ProducerGuide(v *config.Vendor, c *config.Customer, file string, t Template, templateBytes int, estimate cost.Estimate) ([]byte, error) {
	region := stacks.ProducerRegion(c)
	d := producerData{
		Vendor: v, Customer: c, File: file, Region: region, CrossRegion: region != c.Region,
		VendorSlug: vendorSlug(v),
		Estimate:   estimate,
		// The CLI sends a larger template through S3, into a bucket the customer names.
		NeedsBucket: templateBytes > MaxTemplateBody,
	}
	d.StackName = ProducerStackName(v)
	d.GatewayPricing = resourceEndpointPricing
	for _, s := range c.PrivateLink.Services {
		if s.Producer == nil {
			continue
		}
		if s.Producer.Mode == config.ModeResourceGateway {
			sd := gatewayService(s)
			d.All, d.Gateways = append(d.All, sd), append(d.Gateways, sd)
			d.GatewayPorts = append(d.GatewayPorts, s.Ports...)
			continue
		}
		sd := serviceData{Service: s, ID: stacks.OutputID(s.Name), TargetText: targetText(s.Producer),
			SecurityGroup: s.Producer.LoadBalancerSecurityGroup == nil || *s.Producer.LoadBalancerSecurityGroup}
		d.All, d.Services = append(d.All, sd), append(d.Services, sd)
		if sd.SecurityGroup {
			d.Secured = append(d.Secured, sd)
		} else {
			d.Kept = append(d.Kept, sd)
		}
		if s.Producer.Target == "rds" {
			d.NeedsIAM = true
			// Earlier versions named these <Service>DbInstanceIdentifier and <Service>DbClusterIdentifier.
			if old, ok := map[string]string{"dbInstance": "DbInstanceIdentifier", "dbCluster": "DbClusterIdentifier"}[s.Producer.Rds.By]; ok {
				d.Renamed = append(d.Renamed, renamedParam{sd.ID + old, sd.ID + map[string]string{"dbInstance": "RdsInstanceId", "dbCluster": "RdsClusterId"}[s.Producer.Rds.By]})
			}
		}
	}
	slices.Sort(d.GatewayPorts)
	d.GatewayPorts = slices.Compact(d.GatewayPorts)
	d.Params, d.deployParams = t.parameterTable()
	if d.NeedsBucket {
		d.Assignments = append(d.Assignments, fmt.Sprintf("TEMPLATE_BUCKET=''   # an S3 bucket of yours in %s, where the CLI uploads the template", region))
	}
	d.Outputs, d.Review = t.outputTable(), t.Review
	var buf bytes.Buffer
	if err := producerTemplate.Execute(&buf, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func targetText(p *config.Producer) string {
	switch p.Target {
	case "ip":
		return fmt.Sprintf("%d fixed private IP address(es) you give as parameters", *p.Count)
	case "instance":
		return fmt.Sprintf("%d EC2 instance(s) you give as parameters", *p.Count)
	}
	r := p.Registrar
	how := map[string]string{
		"hostname":   "the addresses the database hostname you give resolves to",
		"dbInstance": "the address of the RDS DB instance you name",
		"dbCluster":  fmt.Sprintf("the address(es) of the Aurora cluster's %s, found through the RDS API", map[string]string{"writer": "writer instance", "reader": "available reader instances"}[p.Rds.Role]),
	}[p.Rds.By]
	every := "every minute"
	if *r.ScheduleMinutes > 1 {
		every = fmt.Sprintf("every %d minutes", *r.ScheduleMinutes)
	}
	removal := fmt.Sprintf("an address that disappears is removed only after %d consecutive runs without it", *r.DeregisterAfterMisses)
	if p.Rds.By == "dbCluster" {
		removal = fmt.Sprintf("an address the RDS API shows is wrong is removed at once, one that only disappears from DNS after %d consecutive runs without it", *r.DeregisterAfterMisses)
	}
	return fmt.Sprintf("an RDS database: a small Lambda function (the registrar) keeps the targets equal to %s, %s and within seconds of an RDS failover, failure, maintenance, availability, creation or deletion event; %s",
		how, every, removal)
}
