package config

import "slices"

// A Quota is an AWS quota (limit) that the vendor-side stacks of the fleet
// consume in the vendor's account: what it counts, where (per region, AZ,
// VPC...), its Service Quotas codes, AWS's default, whether AWS raises it on
// request, and the documentation that says so. QuotaTable is the one list of
// them; validation, make quotas and the README's table all read it.
type Quota struct {
	Service string // Service Quotas service code: ec2, vpc, route53...
	Code    string // Service Quotas quota code, e.g. L-F678F1CE
	Name    string // as Service Quotas names it
	Scope   QuotaScope
	Default int
	// Adjustable: AWS raises it on request (Service Quotas console, or
	// aws service-quotas request-service-quota-increase).
	Adjustable bool
	Source     string // the AWS documentation stating the default
	// Counts is what privateconnect creates that counts against it.
	Counts string
	// CheckedPerFile marks a quota that validation already holds each
	// customer file to, with a path into the file (rules per security group):
	// the plan shows it, the fleet-wide check does not repeat it.
	CheckedPerFile bool
}

// QuotaScope is what a quota is counted over.
type QuotaScope string

const (
	PerRegion  QuotaScope = "region"
	PerAZ      QuotaScope = "AZ"
	PerVPC     QuotaScope = "VPC"
	PerGroup   QuotaScope = "security group"
	PerGateway QuotaScope = "VPN gateway"
	// PerAccount quotas are global: Service Quotas shows them in us-east-1,
	// and vendor.yaml records them under the key global.
	PerAccount QuotaScope = "account"
)

// GlobalQuotaKey is the key of quotas: under which the account-wide quotas are recorded.
const GlobalQuotaKey = "global"

// Sources, read 2026-11-27.
const (
	vpcQuotasDoc    = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"
	vpnQuotasDoc    = "https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html"
	r53QuotasDoc    = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html"
	iamQuotasDoc    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
	lambdaConcDoc   = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
	eventsQuotasDoc = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html"
	logsQuotasDoc   = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html"
	ssmQuotasDoc    = "https://docs.aws.amazon.com/general/latest/gr/ssm.html"
	plQuotasDoc     = "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html"
	// QuotasRead is when the defaults below were read from AWS's documentation.
	QuotasRead = "2026-11-27"
)

// Codes of the quotas the plan counts.
const (
	QuotaVPCs             = "L-F678F1CE"
	QuotaInternetGateways = "L-A4707A72"
	QuotaElasticIPs       = "L-0263D0A3"
	QuotaNatPerAZ         = "L-FE5A380F"
	QuotaVpnGateways      = "L-7029FAB6"
	QuotaCustomerGateways = "L-4FB7FF5D"
	QuotaVpnConnections   = "L-3E6EC3A3"
	QuotaVpnPerGateway    = "L-B91E5754"
	QuotaEndpointsPerVPC  = "L-29B6F2EB"
	// Resource endpoints (VPC endpoints of type Resource) have a quota of
	// their own; the customer's resource gateways, resource configurations
	// and RAM shares count in the customer's account, not the vendor's.
	QuotaResourceEndpointsPerVPC = "L-CA6CC422"
	QuotaSecurityGroups          = "L-E79EC296"
	QuotaRulesPerGroup           = "L-0EA8095F"
	QuotaNetworkInterfaces       = "L-DF5E4CA3"
	QuotaHostedZones             = "L-4EA4796A"
	QuotaStacks                  = "L-0485CB21"
	QuotaLambdaConcurrency       = "L-B99A9384"
	QuotaEventRules              = "L-244521F2"
	QuotaLogGroups               = "L-C7B9AAAB"
	QuotaRoles                   = "L-FE177D64"
	// Standard-tier SSM parameters have no Service Quotas code: AWS does not
	// raise the limit (advanced parameters, charged, have a larger one).
	QuotaSsmParameters = "ssm-standard-parameters"
)

// QuotaTable is every quota the vendor-side stacks consume, in the order the
// plan prints them.
var QuotaTable = []Quota{
	{"vpc", QuotaVPCs, "VPCs per Region", PerRegion, 5, true, vpcQuotasDoc,
		"one VPC per privateLink and per vpn section", false},
	{"vpc", QuotaInternetGateways, "Internet gateways per Region", PerRegion, 5, true, vpcQuotasDoc,
		"one per VPN VPC with NAT gateways (AWS raises it with VPCs per Region)", false},
	{"ec2", QuotaElasticIPs, "EC2-VPC Elastic IPs", PerRegion, 5, true, vpcQuotasDoc,
		"one per NAT gateway", false},
	{"vpc", QuotaNatPerAZ, "NAT gateways per Availability Zone", PerAZ, 5, true, vpcQuotasDoc,
		"vpn.natGateways: single, one in the first AZ; perAz, one in each", false},
	{"ec2", QuotaVpnGateways, "Virtual private gateways per region", PerRegion, 5, true, vpnQuotasDoc,
		"one per vpn section", false},
	{"ec2", QuotaCustomerGateways, "Customer gateways per region", PerRegion, 50, true, vpnQuotasDoc,
		"one per vpn section", false},
	{"ec2", QuotaVpnConnections, "VPN connections per region", PerRegion, 50, true, vpnQuotasDoc,
		"one per vpn section", false},
	{"ec2", QuotaVpnPerGateway, "VPN connections per VGW", PerGateway, 10, true, vpnQuotasDoc,
		"one per VPN gateway", false},
	{"vpc", QuotaEndpointsPerVPC, "Interface VPC endpoints per VPC", PerVPC, 50, true, plQuotasDoc,
		"one per privateLink service with a serviceName", false},
	{"vpc", QuotaResourceEndpointsPerVPC, "Resource VPC endpoints per VPC", PerVPC, 200, true, plQuotasDoc,
		"one per privateLink service with a resourceConfigurationArn", false},
	{"vpc", QuotaSecurityGroups, "VPC security groups per Region", PerRegion, 2500, true, vpcQuotasDoc,
		"each VPC's default group, the connectors group, one per interface or resource endpoint", false},
	{"vpc", QuotaRulesPerGroup, "Inbound or outbound rules per security group", PerGroup, 60, true, vpcQuotasDoc,
		"the connectors group: an egress rule per port of each service, or per remote network and port", true},
	{"vpc", QuotaNetworkInterfaces, "Network interfaces per Region", PerRegion, 5000, true, vpcQuotasDoc,
		"one per interface or resource endpoint and AZ, per NAT gateway, and the probe's function in each of its subnets", false},
	{"route53", QuotaHostedZones, "Hosted zones", PerAccount, 500, true, r53QuotasDoc,
		"one private hosted zone per privateLink section", false},
	{"cloudformation", QuotaStacks, "Stack count", PerRegion, 2000, true, cfnQuotas,
		"each customer stack, the shared Vendor-Inbound and Vendor-Dashboard stacks, CDKToolkit", false},
	{"lambda", QuotaLambdaConcurrency, "Concurrent executions", PerRegion, 1000, true, lambdaConcDoc,
		"the probes, one each: each runs once a minute for up to its 30 s timeout, so at worst all at once", false},
	{"events", QuotaEventRules, "Number of rules", PerRegion, 300, true, eventsQuotasDoc,
		"one schedule rule per probe, on the default event bus", false},
	{"logs", QuotaLogGroups, "Log groups", PerRegion, 1_000_000, true, logsQuotasDoc,
		"flow logs, tunnel logs and probe logs: one group each", false},
	{"iam", QuotaRoles, "Roles per account", PerAccount, 1000, true, iamQuotasDoc,
		"the flow log role and the probe's role of each stack, and CDK bootstrap's 5 roles per region", false},
	{"ssm", QuotaSsmParameters, "Standard parameters", PerRegion, 10_000, false, ssmQuotasDoc,
		"the SSM parameters each stack publishes (4 to 11, and 4 per service)", false},
}

// QuotaByCode returns the quota with the given code.
func QuotaByCode(code string) (Quota, bool) {
	i := slices.IndexFunc(QuotaTable, func(q Quota) bool { return q.Code == code })
	if i < 0 {
		return Quota{}, false
	}
	return QuotaTable[i], true
}
