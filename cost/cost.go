// Package cost estimates what a synthesized template costs per month at rest,
// at list price, from the resources the template itself declares, and names
// the per-GB rates that traffic adds. Prices live in prices/<region>.json,
// one file per region with its sources and date; nothing here hard-codes one.
package cost

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/privateconnect/privateconnect/constructs/probe"
)

//go:embed prices/*.json
var priceFiles embed.FS

// HoursPerMonth is the month AWS prices by.
const HoursPerMonth = 730

// Prices are one region's list prices, from prices/<region>.json.
type Prices struct {
	Region   string   `json:"region"`
	Currency string   `json:"currency"`
	Date     string   `json:"date"`
	Note     string   `json:"note"`
	Sources  []string `json:"sources"`
	Rates    Rates    `json:"prices"`
	// Dated are prices recorded on another day than Date, with their source.
	Dated []Dated `json:"dated"`
	// NotFound are charges the pricing pages, as read, gave no figure for:
	// estimates name them as not priced instead of inventing one.
	NotFound []NotFound `json:"notFound"`
}

// Dated says where and when some prices (keys of Rates) were read.
type Dated struct {
	Prices []string `json:"prices"`
	Source string   `json:"source"`
	Read   string   `json:"read"`
	Note   string   `json:"note"`
}

// NotFound is a charge with no figure in the pages searched.
type NotFound struct {
	Charge   string   `json:"charge"`
	What     string   `json:"what"`
	Searched []string `json:"searched"`
	Read     string   `json:"read"`
}

// Charges that no price file has a figure for (prices/*.json notFound).
const (
	ResourceEndpointHour = "resourceEndpointHour"
	ResourceGatewayHour  = "resourceGatewayHour"
	ResourceShare        = "resourceShare"
)

// Unpriced says why a charge is not priced, from the file's notFound, or
// "" when the file does not list it.
func (p Prices) Unpriced(charge string) string {
	for _, n := range p.NotFound {
		if n.Charge == charge {
			return fmt.Sprintf("not priced: no figure for %s at %s (read %s)", n.What, strings.Join(n.Searched, ", "), n.Read)
		}
	}
	return ""
}

// Rates are list prices in the file's currency.
type Rates struct {
	InterfaceEndpointAzHour  float64 `json:"interfaceEndpointAzHour"`
	InterfaceEndpointGb      float64 `json:"interfaceEndpointGb"`
	NatGatewayHour           float64 `json:"natGatewayHour"`
	NatGatewayGb             float64 `json:"natGatewayGb"`
	PublicIpv4Hour           float64 `json:"publicIpv4Hour"`
	NlbHour                  float64 `json:"nlbHour"`
	NlcuHour                 float64 `json:"nlcuHour"`
	VpnConnectionHour        float64 `json:"vpnConnectionHour"`
	AlarmMonth               float64 `json:"alarmMonth"`
	HostedZoneMonth          float64 `json:"hostedZoneMonth"`
	LogsIngestGb             float64 `json:"logsIngestGb"`
	LogsStoreGbMonth         float64 `json:"logsStoreGbMonth"`
	LambdaRequestsPerMillion float64 `json:"lambdaRequestsPerMillion"`
	LambdaArmGbSecond        float64 `json:"lambdaArmGbSecond"`
	CustomMetricMonth        float64 `json:"customMetricMonth"`
	DashboardMonth           float64 `json:"dashboardMonth"`
	InterRegionGb            float64 `json:"interRegionGb"`
	InternetOutGb            float64 `json:"internetOutGb"`
	ResourceEndpointGb       float64 `json:"resourceEndpointGb"`
}

// ForRegion returns the region's prices; ok is false when no file has them.
func ForRegion(region string) (p Prices, ok bool, err error) {
	raw, err := priceFiles.ReadFile("prices/" + region + ".json")
	if err != nil {
		return Prices{}, false, nil
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return Prices{}, false, fmt.Errorf("cost/prices/%s.json: %v", region, err)
	}
	if p.Region != region {
		return Prices{}, false, fmt.Errorf("cost/prices/%s.json holds region %q", region, p.Region)
	}
	return p, true, nil
}

// Regions lists the regions with a price file.
func Regions() []string {
	entries, _ := priceFiles.ReadDir("prices")
	var out []string
	for _, e := range entries {
		out = append(out, e.Name()[:len(e.Name())-len(".json")])
	}
	sort.Strings(out)
	return out
}

// Assumptions behind the estimate of a scheduled Lambda function.
const (
	LambdaSecondsPerRun = 1.0
	LambdaMemoryGb      = 0.125
	LambdaLogKbPerRun   = 1.0
)

// Item names a kind of billed resource, so that a report can say why a stack
// has it (the setting or default behind it) and compare two estimates.
type Item string

// The items of an estimate, in the order it lists them.
const (
	InterfaceEndpoints Item = "interface endpoints"
	ResourceEndpoints  Item = "resource endpoints"
	ResourceGateways   Item = "resource gateways"
	ResourceConfigs    Item = "resource configurations"
	ResourceShares     Item = "RAM resource shares"
	NatGateways        Item = "NAT gateways"
	PublicIPv4         Item = "public IPv4 addresses"
	InternetGateways   Item = "internet gateway"
	VpnGateways        Item = "virtual private gateway"
	VpnConnections     Item = "VPN connection"
	LoadBalancers      Item = "Network Load Balancers"
	Alarms             Item = "CloudWatch alarms"
	Dashboards         Item = "CloudWatch dashboards"
	HostedZones        Item = "private hosted zones"
	LambdaRequests     Item = "Lambda requests"
	LambdaCompute      Item = "Lambda compute"
	LambdaLogs         Item = "Lambda logs"
	CustomMetrics      Item = "custom metrics"
	LogGroups          Item = "log groups"
)

// Line is one item of an estimate: Count of Item, and what they cost a
// month at rest (0 for what is billed per use only, or not at all).
type Line struct {
	Item  Item
	Count float64
	// Unit is what Count counts, e.g. "interface endpoint AZ(s)".
	Unit    string
	What    string
	Monthly float64
}

// Estimate is the monthly cost at rest of one template, and the rates that
// traffic adds to it.
type Estimate struct {
	Region string
	Priced bool // false when the region has no price file
	// Lines itemise the template, free items included (an internet gateway,
	// log groups billed per GB), in the order of the Item constants.
	Lines []Line
	Total float64
	// PerGB names each usage rate that applies, e.g. "interface endpoint data: $0.0100 per GB".
	PerGB []string
	// Unpriced names the items the template has whose charge the price
	// file has no figure for: Total leaves them out.
	Unpriced []Item
	Prices   Prices
}

// Charged are the lines that cost something at rest.
func (e Estimate) Charged() []Line {
	var out []Line
	for _, l := range e.Lines {
		if l.Monthly > 0 {
			out = append(out, l)
		}
	}
	return out
}

// Line returns the estimate's line of an item, and whether it has one.
func (e Estimate) Line(item Item) (Line, bool) {
	for _, l := range e.Lines {
		if l.Item == item {
			return l, true
		}
	}
	return Line{}, false
}

var rateRe = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours)\)$`)

// Of estimates a synthesized template (its JSON) deployed in region.
func Of(templateJSON []byte, region string) (Estimate, error) {
	var tmpl struct {
		Resources map[string]struct {
			Type       string         `json:"Type"`
			Properties map[string]any `json:"Properties"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal(templateJSON, &tmpl); err != nil {
		return Estimate{}, err
	}
	prices, ok, err := ForRegion(region)
	e := Estimate{Region: region, Priced: ok, Prices: prices}
	if err != nil || !ok {
		return e, err
	}
	r := prices.Rates
	var endpoints, endpointAzs, nats, ips, igws, vgws, nlbs, vpns, alarms, zones, logGroups, dashboards int
	var resourceEndpoints, gateways, configs, shares int
	var lambdaRuns float64
	metrics := 0
	crossRegion := false
	for _, res := range tmpl.Resources {
		p := res.Properties
		switch res.Type {
		case "AWS::EC2::VPCEndpoint":
			switch p["VpcEndpointType"] {
			case "Interface":
				subnets, _ := p["SubnetIds"].([]any)
				endpoints++
				endpointAzs += len(subnets)
			case "Resource":
				resourceEndpoints++
			}
			crossRegion = crossRegion || p["ServiceRegion"] != nil
		case "AWS::EC2::VPCEndpointService":
			crossRegion = crossRegion || p["SupportedRegions"] != nil
		case "AWS::VpcLattice::ResourceGateway":
			gateways++
		case "AWS::VpcLattice::ResourceConfiguration":
			configs++
		case "AWS::RAM::ResourceShare":
			shares++
		case "AWS::EC2::NatGateway":
			nats++
		case "AWS::EC2::EIP":
			ips++
		case "AWS::EC2::InternetGateway":
			igws++
		case "AWS::EC2::VPNGateway":
			vgws++
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			nlbs++
		case "AWS::EC2::VPNConnection":
			vpns++
		case "AWS::CloudWatch::Alarm":
			alarms++
		case "AWS::CloudWatch::Dashboard":
			dashboards++
		case "AWS::Route53::HostedZone":
			zones++
		case "AWS::Logs::LogGroup":
			logGroups++
		case "AWS::Lambda::Function":
			// The probe publishes metrics through its logs (Embedded Metric
			// Format), each billed as a custom metric.
			env, _ := p["Environment"].(map[string]any)
			vars, _ := env["Variables"].(map[string]any)
			if n, ok := probe.PublishedMetrics(vars); ok {
				metrics += n
			}
		case "AWS::Events::Rule":
			expr, _ := p["ScheduleExpression"].(string)
			if m := rateRe.FindStringSubmatch(expr); m != nil {
				n, _ := strconv.Atoi(m[1])
				perHour := 60 / float64(n)
				if m[2] == "hour" || m[2] == "hours" {
					perHour = 1 / float64(n)
				}
				lambdaRuns += HoursPerMonth * perHour
			}
		}
	}
	add := func(item Item, count float64, unit, what string, monthly float64) {
		if count > 0 {
			e.Lines = append(e.Lines, Line{item, count, unit, what, monthly})
			e.Total += monthly
		}
	}
	hours := func(item Item, n int, unit string, rate float64) {
		add(item, float64(n), unit, fmt.Sprintf("%d %s × %d h × $%.4f", n, unit, HoursPerMonth, rate), float64(n)*HoursPerMonth*rate)
	}
	if endpoints > 0 {
		add(InterfaceEndpoints, float64(endpointAzs), "interface endpoint AZ(s)",
			fmt.Sprintf("%d interface endpoint(s) in %d AZ(s) in all × %d h × $%.4f per AZ", endpoints, endpointAzs, HoursPerMonth, r.InterfaceEndpointAzHour),
			float64(endpointAzs)*HoursPerMonth*r.InterfaceEndpointAzHour)
	}
	unpriced := func(item Item, n int, unit, charge string) {
		if n == 0 {
			return
		}
		why := prices.Unpriced(charge)
		if why == "" {
			why = "not priced: cost/prices/" + region + ".json has no figure for it"
		}
		add(item, float64(n), unit, fmt.Sprintf("%d %s: %s", n, unit, why), 0)
		e.Unpriced = append(e.Unpriced, item)
	}
	unpriced(ResourceEndpoints, resourceEndpoints, "resource endpoint(s)", ResourceEndpointHour)
	unpriced(ResourceGateways, gateways, "resource gateway(s)", ResourceGatewayHour)
	unpriced(ResourceConfigs, configs, "resource configuration(s)", ResourceGatewayHour)
	unpriced(ResourceShares, shares, "RAM resource share(s)", ResourceShare)
	hours(NatGateways, nats, "NAT gateway(s)", r.NatGatewayHour)
	hours(PublicIPv4, ips, "public IPv4 address(es)", r.PublicIpv4Hour)
	add(InternetGateways, float64(igws), "internet gateway(s)", fmt.Sprintf("%d internet gateway(s): no charge of its own", igws), 0)
	add(VpnGateways, float64(vgws), "virtual private gateway(s)", fmt.Sprintf("%d virtual private gateway(s): no charge of its own", vgws), 0)
	hours(VpnConnections, vpns, "VPN connection(s)", r.VpnConnectionHour)
	hours(LoadBalancers, nlbs, "Network Load Balancer(s)", r.NlbHour)
	add(Alarms, float64(alarms), "CloudWatch alarm(s)", fmt.Sprintf("%d CloudWatch alarm(s) × $%.2f", alarms, r.AlarmMonth), float64(alarms)*r.AlarmMonth)
	add(Dashboards, float64(dashboards), "CloudWatch dashboard(s)", fmt.Sprintf("%d CloudWatch dashboard(s) × $%.2f (the account's first 3 are free)", dashboards, r.DashboardMonth), float64(dashboards)*r.DashboardMonth)
	add(HostedZones, float64(zones), "private hosted zone(s)", fmt.Sprintf("%d private hosted zone(s) × $%.2f", zones, r.HostedZoneMonth), float64(zones)*r.HostedZoneMonth)
	if lambdaRuns > 0 {
		add(LambdaRequests, lambdaRuns, "Lambda runs", fmt.Sprintf("%.0f scheduled Lambda runs (requests)", lambdaRuns), lambdaRuns/1e6*r.LambdaRequestsPerMillion)
		add(LambdaCompute, lambdaRuns, "Lambda runs", fmt.Sprintf("Lambda compute, %.0f s at %.0f MB per run (Arm)", LambdaSecondsPerRun, LambdaMemoryGb*1024),
			lambdaRuns*LambdaSecondsPerRun*LambdaMemoryGb*r.LambdaArmGbSecond)
		gb := lambdaRuns * LambdaLogKbPerRun / (1 << 20)
		add(LambdaLogs, gb, "GB of Lambda logs", fmt.Sprintf("%.2f GB of Lambda logs (about %.0f KB per run)", gb, LambdaLogKbPerRun), gb*r.LogsIngestGb)
	}
	add(CustomMetrics, float64(metrics), "custom metric(s)", fmt.Sprintf("%d custom metric(s) × $%.2f (the first 10,000 of the account)", metrics, r.CustomMetricMonth), float64(metrics)*r.CustomMetricMonth)
	add(LogGroups, float64(logGroups), "log group(s)", fmt.Sprintf("%d log group(s): $%.2f per GB ingested, $%.2f per GB-month stored", logGroups, r.LogsIngestGb, r.LogsStoreGbMonth), 0)

	rate := func(cond bool, what string, price float64, unit string) {
		if cond {
			e.PerGB = append(e.PerGB, fmt.Sprintf("%s: $%.4f per %s", what, price, unit))
		}
	}
	rate(endpointAzs > 0, "interface endpoint data processed", r.InterfaceEndpointGb, "GB")
	rate(resourceEndpoints > 0, "resource endpoint data processed", r.ResourceEndpointGb, "GB")
	rate(crossRegion, "cross-region PrivateLink data transfer", r.InterRegionGb, "GB")
	rate(nats > 0, "NAT gateway data processed", r.NatGatewayGb, "GB")
	rate(vpns > 0 || nats > 0, "data transfer out to the internet (VPN tunnels, NAT egress)", r.InternetOutGb, "GB")
	rate(nlbs > 0, "Network Load Balancer capacity", r.NlcuHour, "NLCU-hour (about 1 GB/hour of TCP traffic)")
	rate(logGroups > 0, "log ingestion (flow, tunnel and function logs)", r.LogsIngestGb, "GB")
	rate(logGroups > 0, "log storage for the retention period", r.LogsStoreGbMonth, "GB-month")
	return e, nil
}

// Added is what with costs beyond base, item by item: the lines whose count
// or monthly cost grew, with the difference.
func Added(base, with Estimate) (lines []Line, monthly float64) {
	for _, w := range with.Lines {
		b, _ := base.Line(w.Item)
		if d := w.Count - b.Count; d > 0 {
			m := w.Monthly - b.Monthly
			lines = append(lines, Line{Item: w.Item, Count: d, Unit: w.Unit, What: fmt.Sprintf("%s %s", strconv.FormatFloat(d, 'f', -1, 64), w.Unit), Monthly: m})
			monthly += m
		}
	}
	return lines, monthly
}
