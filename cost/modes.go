package cost

import (
	"fmt"
	"strings"
)

// The two producer modes (config.ModeNlb, config.ModeResourceGateway).
const (
	ModeNlb             = "nlb"
	ModeResourceGateway = "resourceGateway"
)

// ModeCost is what one RDS service on one port costs a month in one
// producer mode at one monthly traffic, by payer, at list price. What both
// modes share (the vendor's VPC and private zone, the probe) is left out.
type ModeCost struct {
	Mode             string
	GB               float64
	Vendor, Customer float64
	// Unpriced are the items with no list price found: the amounts leave them out.
	VendorUnpriced, CustomerUnpriced []Item
}

// routeTemplates are the billed resources of each mode for one RDS service
// on one port reached from azs AZs, as the templates declare them: the
// vendor's endpoint, and the customer's NLB with its registrar (a function
// run every config.DefaultScheduleMinutes, 1, and three alarms: no healthy
// target, registrar errors, targets in an AZ the NLB lacks) or its resource
// gateway, resource configuration and RAM share. Of prices them, as it
// prices the synthesized templates.
func routeTemplates(mode string, azs int) (vendor, customer []byte) {
	subnets := make([]string, azs)
	for i := range subnets {
		subnets[i] = fmt.Sprintf("%q", fmt.Sprintf("subnet-%d", i))
	}
	switch mode {
	case ModeNlb:
		vendor = []byte(`{"Resources":{"Endpoint":{"Type":"AWS::EC2::VPCEndpoint","Properties":{"VpcEndpointType":"Interface","SubnetIds":[` + strings.Join(subnets, ",") + `]}}}}`)
		customer = []byte(`{"Resources":{"Nlb":{"Type":"AWS::ElasticLoadBalancingV2::LoadBalancer"},` +
			`"Registrar":{"Type":"AWS::Lambda::Function"},"Schedule":{"Type":"AWS::Events::Rule","Properties":{"ScheduleExpression":"rate(1 minute)"}},` +
			`"NoHealthyTarget":{"Type":"AWS::CloudWatch::Alarm"},"RegistrarErrors":{"Type":"AWS::CloudWatch::Alarm"},"UnusedTargets":{"Type":"AWS::CloudWatch::Alarm"},` +
			`"Logs":{"Type":"AWS::Logs::LogGroup"}}}`)
	case ModeResourceGateway:
		vendor = []byte(`{"Resources":{"Endpoint":{"Type":"AWS::EC2::VPCEndpoint","Properties":{"VpcEndpointType":"Resource","SubnetIds":[` + strings.Join(subnets, ",") + `]}}}}`)
		customer = []byte(`{"Resources":{"Gateway":{"Type":"AWS::VpcLattice::ResourceGateway"},` +
			`"Configuration":{"Type":"AWS::VpcLattice::ResourceConfiguration"},"Share":{"Type":"AWS::RAM::ResourceShare"}}}`)
	}
	return vendor, customer
}

// CompareModes prices both modes in region for one RDS service on one port
// reached from azs AZs, at each monthly traffic in GB. Traffic adds the
// vendor endpoint's data processing and, for the NLB, its capacity units
// (for TCP an NLCU-hour covers 1 GB processed, the dimension steady
// database traffic fills first:
// https://aws.amazon.com/elasticloadbalancing/pricing/); traffic stays
// under the first PB of a month, where the per-GB tier applies.
func CompareModes(region string, azs int, gbs []float64) ([]ModeCost, error) {
	var out []ModeCost
	for _, mode := range []string{ModeNlb, ModeResourceGateway} {
		vt, ct := routeTemplates(mode, azs)
		v, err := Of(vt, region)
		if err != nil {
			return nil, err
		}
		c, err := Of(ct, region)
		if err != nil {
			return nil, err
		}
		if !v.Priced {
			return nil, fmt.Errorf("no prices for %s", region)
		}
		r := v.Prices.Rates
		for _, gb := range gbs {
			m := ModeCost{Mode: mode, GB: gb, Vendor: v.Total, Customer: c.Total, VendorUnpriced: v.Unpriced, CustomerUnpriced: c.Unpriced}
			switch mode {
			case ModeNlb:
				m.Vendor += gb * r.InterfaceEndpointGb
				m.Customer += gb * r.NlcuHour
			case ModeResourceGateway:
				m.Vendor += gb * r.ResourceEndpointGb
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// ModesMarkdown is the README's table of CompareModes: a row per traffic,
// a column per mode and payer.
func ModesMarkdown(region string, azs int, gbs []float64) (string, error) {
	costs, err := CompareModes(region, azs, gbs)
	if err != nil {
		return "", err
	}
	p, _, _ := ForRegion(region)
	var b strings.Builder
	fmt.Fprintf(&b, "| Traffic a month | nlb: vendor | nlb: customer | resourceGateway: vendor | resourceGateway: customer |\n")
	fmt.Fprintf(&b, "| --- | ---: | ---: | ---: | ---: |\n")
	byGB := map[float64]map[string]ModeCost{}
	for _, c := range costs {
		if byGB[c.GB] == nil {
			byGB[c.GB] = map[string]ModeCost{}
		}
		byGB[c.GB][c.Mode] = c
	}
	for _, gb := range gbs {
		n, g := byGB[gb][ModeNlb], byGB[gb][ModeResourceGateway]
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", volume(gb), amount(n.Vendor, n.VendorUnpriced), amount(n.Customer, n.CustomerUnpriced),
			amount(g.Vendor, g.VendorUnpriced), amount(g.Customer, g.CustomerUnpriced))
	}
	fmt.Fprintf(&b, "\n%s, %d AZs, %d hours a month, list prices of `cost/prices/%s.json` (%s; resource endpoint data read %s).",
		region, azs, HoursPerMonth, region, p.Date, datedRead(p, "resourceEndpointGb"))
	var missing []string
	for _, charge := range []string{ResourceEndpointHour, ResourceGatewayHour, ResourceShare} {
		for _, n := range p.NotFound {
			if n.Charge == charge {
				missing = append(missing, n.What)
			}
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(&b, " *+ not priced*: no list price found for %s (the file's `notFound` names the pages searched).", strings.Join(missing, ", "))
	}
	b.WriteString("\n")
	return b.String(), nil
}

func datedRead(p Prices, price string) string {
	for _, d := range p.Dated {
		for _, k := range d.Prices {
			if k == price {
				return d.Read + " at " + d.Source
			}
		}
	}
	return p.Date
}

func amount(f float64, unpriced []Item) string {
	s := fmt.Sprintf("$%.2f", f)
	if len(unpriced) > 0 {
		s += " + not priced"
	}
	return s
}

// volume names a traffic in GB, in TB (1,024 GB, as AWS bills) when whole.
func volume(gb float64) string {
	if gb >= 1024 && int(gb)%1024 == 0 {
		return fmt.Sprintf("%d TB", int(gb)/1024)
	}
	return fmt.Sprintf("%g GB", gb)
}
