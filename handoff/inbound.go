package handoff

import (
	"bytes"
	_ "embed"
	"fmt"
	"text/template"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/cost"
	"github.com/privateconnect/privateconnect/stacks"
)

//go:embed inbound.md.tmpl
var inboundText string

var inboundTemplate = template.Must(template.Must(template.New(InboundFile).Funcs(guideFuncs).Parse(inboundText)).Parse(reviewText))

// inboundData is what the INBOUND.md template reads.
type inboundData struct {
	Vendor         *config.Vendor
	Customer       *config.Customer
	In             *config.InboundPrivateLink
	File           string
	StackName      string
	Region         string // of the customer's VPC, where the template deploys
	ServiceRegion  string
	CrossRegion    bool
	ServiceName    string
	ServiceAZs     []string
	Accounts       []string
	Zones          []stacks.InboundZone
	PrivateDnsMode bool
	PrivateDnsName string
	Domains        []string
	CheckHost      string
	CheckPort      int
	Params         []paramData
	deployParams
	Outputs  []outputData
	Review   reviewData
	Estimate cost.Estimate
}

// InboundGuide renders the customer's guide to the inbound template in file:
// what to send the vendor, how to deploy, the acceptance wait, DNS, checks
// and cost.
func InboundGuide(v *config.Vendor, c *config.Customer, file string, t Template, estimate cost.Estimate) ([]byte, error) {
	in := c.InboundPrivateLink
	if in == nil || v.InboundPrivateLink == nil {
		return nil, fmt.Errorf("customer %s has no inboundPrivateLink section", c.Name)
	}
	platform := v.InboundPrivateLink.Regions[c.Region]
	d := inboundData{
		Vendor: v, Customer: c, In: in, File: file, Region: in.Region, ServiceRegion: c.Region,
		CrossRegion: c.InboundCrossRegion(), ServiceName: platform.ServiceName, ServiceAZs: platform.AvailabilityZones,
		Accounts: c.InboundAccounts(), Zones: stacks.InboundZones(v, c),
		PrivateDnsMode: in.DnsMode == config.DnsModePrivateDnsName, PrivateDnsName: platform.PrivateDnsName,
		CheckHost: in.Hostnames[0], CheckPort: in.Ports[0], Estimate: estimate,
	}
	d.StackName = InboundStackName(v)
	for _, z := range d.Zones {
		d.Domains = append(d.Domains, z.Domain)
	}
	d.Params, d.deployParams = t.parameterTable()
	d.Outputs, d.Review = t.outputTable(), t.Review
	var buf bytes.Buffer
	if err := inboundTemplate.Execute(&buf, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Output is the shell expression, quoted, that reads one of the stack's outputs.
func (d inboundData) Output(key string) string { return stackOutput(d.Region, d.StackName, key) }
