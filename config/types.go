// Package config reads, defaults and validates the privateconnect fleet: one
// vendor.yaml and one customers/<name>.yaml per customer. Nothing here knows
// about CDK; package stacks turns a validated Fleet into stacks.
package config

import "slices"

// APIVersion is the only apiVersion this release reads.
const APIVersion = "privateconnect/v1"

// Kinds of configuration file.
const (
	KindVendor   = "Vendor"
	KindCustomer = "Customer"
)

// Struct tags used by the decoder, the JSON Schema and the configuration
// reference (config/schema/REFERENCE.md), all generated from them:
//   yaml:"key"          the key in the file
//   pc:"required"       the key must be present
//   was:"key"           the key's former name: read, and reported as renamed
//   doc:"..."           description, shown by editors and in the reference; every key has one
//   default:"..."       the default as a YAML value, when it is a constant (a test holds it to defaults.go)
//   defaultDoc:"..."    the default in words, when it depends on other values
//   keys:"..."          what a mapping's keys are (region, key), for the reference
//   pattern:"..."       regular expression the schema advertises (validation.go enforces the real rule)
//   enum, minimum, maximum   further schema constraints; on a list they apply to its items
//                       ($regions and $logRetentionDays expand to the lists in regions.go)

// Vendor is config/vendor.yaml: what is true for every customer.
type Vendor struct {
	APIVersion string `yaml:"apiVersion" pc:"required" doc:"Always privateconnect/v1, the only version this release reads." enum:"privateconnect/v1"`
	Kind       string `yaml:"kind" pc:"required" doc:"Always Vendor." enum:"Vendor"`

	Name         string `yaml:"name" pc:"required" doc:"Vendor name, used in tags, descriptions, handed-over documents and the stack name their guides propose: an ASCII letter, then ASCII letters, digits, single spaces and _ . : / = + - @ (at most 64)." pattern:"^[A-Za-z][A-Za-z0-9 _.:/=+@-]{0,63}$"`
	Account      string `yaml:"account" pc:"required" doc:"12-digit AWS account ID where the vendor-side stacks are deployed; with cells, the vendor's main account, where the pipeline runs and from which make publish uploads. Quote it (\"111122223333\"): the schema expects a string." pattern:"^[0-9]{12}$"`
	PrincipalArn string `yaml:"principalArn" doc:"IAM principal customers allow-list on their endpoint services: arn:aws:iam::<account>:root, or a role of the vendor account (name 1-64 of A-Za-z0-9_+=,.@-, path / or /<segments>/). Required without cells; with cells, each cell has its own."`

	Regions          []string          `yaml:"regions" pc:"required" doc:"AWS regions the vendor operates in; every customer's region must be one of them. The first is proposed for new customers." enum:"$regions"`
	VpcCidrPools     []string          `yaml:"vpcCidrPools" pc:"required" doc:"Private IPv4 blocks (in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10) from which vendor VPC CIDRs are taken; make new-customer proposes the next free block."`
	VpcPrefixLength  *int              `yaml:"vpcPrefixLength" doc:"Size of the VPC block make new-customer proposes for a new customer." default:"24" minimum:"16" maximum:"28"`
	InternalDomain   string            `yaml:"internalDomain" pc:"required" doc:"DNS domain under which each customer gets a private zone, e.g. connect.internal.example.com gives db.acme.connect.internal.example.com."`
	AlarmTopicArns   map[string]string `yaml:"alarmTopicArns" doc:"SNS topic for alarms, per region: the ARN of a topic in that region and the vendor account. Required without cells; with cells, each cell has its own." keys:"region"`
	LogRetentionDays *int              `yaml:"logRetentionDays" doc:"Retention of the flow logs and the other log groups, in days; one of the values CloudWatch Logs accepts." default:"365" enum:"$logRetentionDays"`
	Tags             map[string]string `yaml:"tags" doc:"Tags put on every vendor-side resource: at most 45, as AWS allows 50 per resource and privateconnect sets its own." keys:"key"`

	InboundPrivateLink *VendorInbound `yaml:"inboundPrivateLink" doc:"The vendor platform that customers with an inboundPrivateLink section reach over AWS PrivateLink: its load balancer per region, the names customers resolve and the ports."`

	Publish *Publish `yaml:"publish" doc:"Where make publish uploads the customers' templates, for the one-click launch links of their README.md."`

	Pipeline *Pipeline `yaml:"pipeline" doc:"Roll the fleet out with a CDK Pipelines pipeline (stack Vendor-Pipeline, built with -c pipeline=true): from a repository through a CodeConnections connection, synth and tests, the canary customers, a manual approval, then the rest in waves by cell and region."`

	Quotas map[string]map[string]int `yaml:"quotas" doc:"AWS quota values the vendor account has obtained (Service Quotas), per region: region (or global, for the account-wide quotas of Route 53 and IAM) -> quota code (e.g. L-F678F1CE for VPCs per Region) -> value. Validation holds what the fleet needs to these, or to AWS's default for a quota not listed; make quotas prints the plan and what to request (README: Quotas). With cells, each cell records its own under cells[].quotas." keys:"region,quota code"`

	Cells []Cell `yaml:"cells" doc:"Vendor accounts the fleet is split across (cells), each hosting the vendor-side stacks of the customers assigned to it (cell: in their files). Leave out for a single account: account, principalArn, alarmTopicArns, inboundPrivateLink.regions and quotas above then describe it."`

	// CellName names the cell this vendor is the view of (ForCustomer,
	// CellViews); "" for a fleet without cells.
	CellName string `yaml:"-"`
	// cellPath is where the cell is in vendor.yaml (cells[i]); "" without cells.
	cellPath string
}

// Publish is where make publish puts the handed-over templates: a bucket per
// region, because CloudFormation reads a template from a bucket in the
// stack's region.
type Publish struct {
	Buckets map[string]string `yaml:"buckets" pc:"required" doc:"S3 bucket per region (region -> bucket in the vendor account and that region) that make publish uploads the templates deployed in that region to. A name as S3 allows it, without dots (they break the HTTPS address of the template)." pattern:"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"`
	Public  bool              `yaml:"public" doc:"Set true to link to the templates as public objects, read by anyone with the address, with no expiry; the bucket's policy must allow it. Left false, the links are presigned addresses that expire (make publish EXPIRES=, at most 7 days)."`
}

// VendorInbound describes the vendor platform as a PrivateLink service
// provider: one endpoint service per region, in front of the platform's
// existing Network Load Balancer, shared by every inbound customer of the region.
type VendorInbound struct {
	Domains   []string `yaml:"domains" pc:"required" doc:"DNS domains of the platform that customers resolve privately, e.g. platform.example.com, none under another. A customer's private hosted zone for a domain answers every name under it, so list domains that hold the platform's names only."`
	Hostnames []string `yaml:"hostnames" pc:"required" doc:"The platform's standard hostnames, each in one of domains (e.g. api.platform.example.com): what customers' systems connect to. A customer's file may narrow the list."`
	Ports     []int    `yaml:"ports" doc:"TCP ports the platform's load balancer listens on." default:"[443]" minimum:"1" maximum:"65535"`

	Regions map[string]InboundRegion `yaml:"regions" doc:"Per vendor region: the platform's load balancer there. Inbound customers of a region share its endpoint service. Required without cells; with cells, under cells[].inboundPrivateLink." keys:"region"`
}

// InboundRegion is the platform in one region.
type InboundRegion struct {
	NlbArn            string   `yaml:"nlbArn" pc:"required" doc:"ARN of the platform's existing Network Load Balancer in this region and the vendor account; the endpoint service fronts it. A load balancer can back one endpoint service only." pattern:"^arn:aws:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/net/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$"`
	AvailabilityZones []string `yaml:"availabilityZones" pc:"required" doc:"AZ IDs (e.g. use1-az1) the load balancer has subnets in: the service is offered there only, and a customer's endpoint subnets must be in them." pattern:"^[a-z]+[0-9]-az[0-9]+$"`
	PrivateDnsName    string   `yaml:"privateDnsName" doc:"Private DNS name of the endpoint service (e.g. *.platform.example.com), verified by a TXT record in the domain's public zone. Lets customers choose dnsMode: privateDnsName."`
	ServiceName       string   `yaml:"serviceName" doc:"The ServiceName output of the Vendor-Inbound-<region> stack, written here after its first deploy: it goes into the templates handed to the region's inbound customers (make handoff needs it)." pattern:"^com\\.amazonaws\\.vpce\\.[a-z0-9-]+\\.vpce-svc-([0-9a-f]{8}|[0-9a-f]{17})$"`
}

// Customer is config/customers/<name>.yaml.
type Customer struct {
	APIVersion string `yaml:"apiVersion" pc:"required" doc:"Always privateconnect/v1, the only version this release reads." enum:"privateconnect/v1"`
	Kind       string `yaml:"kind" pc:"required" doc:"Always Customer." enum:"Customer"`

	Name        string            `yaml:"name" pc:"required" doc:"Customer name: a DNS label equal to the file name (acme for customers/acme.yaml), not inbound (the shared stacks' SSM path). Names stacks, DNS records and SSM parameters." pattern:"^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$"`
	DisplayName string            `yaml:"displayName" doc:"Human-readable name for descriptions and the titles of the handed-over guides. Any script, accents, & and commas; at most 100 characters; no control, invisible or bidi characters, no line breaks, none of < > \\ | * [ ] and the backquote." defaultDoc:"name"`
	Account     string            `yaml:"account" pc:"required" doc:"The customer's 12-digit AWS account ID, not the vendor's. Quote it: the schema expects a string." pattern:"^[0-9]{12}$"`
	Region      string            `yaml:"region" pc:"required" doc:"Region the vendor-side stacks for this customer are deployed in; one of the vendor's regions (of its cell's, with cells)." enum:"$regions"`
	Cell        string            `yaml:"cell" doc:"The vendor account (cell, one of vendor.yaml's cells) that hosts this customer's vendor-side stacks; required when vendor.yaml declares cells, absent otherwise. Written once (make new-customer picks the cell with the most quota headroom) and never changed: moving a customer to another cell is a migration (README: Moving a customer to another cell), not an edit." pattern:"^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$"`
	Networks    []string          `yaml:"networks" doc:"The customer's own IPv4 networks, all of them (AWS VPCs, data centres, offices), each once, not 0.0.0.0/0: no vendor VPC of the customer may overlap them, and vpn.remoteNetworks must lie inside them. inboundPrivateLink.clientCidrs defaults to them."`
	Tags        map[string]string `yaml:"tags" doc:"Tags put on this customer's vendor-side resources, on top of the vendor's (together at most 45 keys; the customer's value wins)." keys:"key"`

	PrivateLink *PrivateLink `yaml:"privateLink" doc:"Vendor reaches the customer's VPC endpoint services over AWS PrivateLink (vendor is the consumer)."`
	Vpn         *Vpn         `yaml:"vpn" doc:"Vendor reaches the customer's network over a site-to-site VPN: a dedicated vendor VPC becomes a site of it, through two IPsec tunnels."`

	Probe *Probe `yaml:"probe" doc:"The reachability probe of the customer's vendor-side stacks: every minute a function in the vendor VPC, in the connectors' security group, opens a TCP connection to each PrivateLink service's ports and to each of vpn.probeTargets, publishes the results as CloudWatch metrics (namespace PrivateConnect/Probe) and alarms to the vendor's topic on a target that keeps failing."`

	InboundPrivateLink *InboundPrivateLink `yaml:"inboundPrivateLink" doc:"The customer reaches the vendor platform over AWS PrivateLink (customer is the consumer): an interface endpoint in the customer's VPC, from a template we hand over, to the vendor's endpoint service in region."`

	// File is the path the customer was read from, for error messages.
	File string `yaml:"-"`
}

// PrivateLink is the outbound PrivateLink mode: a dedicated vendor VPC with
// an interface endpoint to each of the customer's endpoint services.
type PrivateLink struct {
	VpcCidr           string    `yaml:"vpcCidr" pc:"required" doc:"CIDR of the dedicated vendor VPC, /16 to /28, from the vendor pool, overlapping no other vendor block of the fleet nor the customer's networks. Written once (make new-customer proposes it) and never changed: a new CIDR replaces the VPC."`
	AvailabilityZones []string  `yaml:"availabilityZones" pc:"required" doc:"AZ IDs (e.g. use1-az1, not us-east-1a) the customer's endpoint services are offered in, at least 2 unless singleAz; one subnet each. A service shared through a resource gateway (resourceConfigurationArn, producer.mode: resourceGateway) needs the customer's resource gateway in at least one of them (AWS requires the endpoint's and the gateway's AZs to overlap), ideally in each. Append new AZs at the end: a subnet's block follows its position." pattern:"^[a-z]+[0-9]-az[0-9]+$"`
	SingleAz          bool      `yaml:"singleAz" doc:"Set true to accept a single AZ (no redundancy against an AZ outage)."`
	Services          []Service `yaml:"services" pc:"required" doc:"What the vendor connects to: the customer's endpoint services, and resource configurations the customer shares with the vendor."`
}

// Service is one customer endpoint service reached through an interface
// endpoint, or one resource configuration reached through a resource endpoint.
type Service struct {
	Name          string `yaml:"name" pc:"required" doc:"Short DNS label for the service (db gives db.<customer>.<internalDomain>)." pattern:"^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$"`
	ServiceName   string `yaml:"serviceName" doc:"The endpoint service name the customer sends: com.amazonaws.vpce.<region>.vpce-svc-<hex>. Required, except for a service reached by resourceConfigurationArn instead, or with a producer section before the customer has deployed the handed-over template (the service is then pending: no endpoint yet). Not with producer.mode: resourceGateway." pattern:"^com\\.amazonaws\\.vpce\\.[a-z0-9-]+\\.vpce-svc-([0-9a-f]{8}|[0-9a-f]{17})$"`
	ServiceRegion string `yaml:"serviceRegion" doc:"Set to the service's region to use cross-region PrivateLink when it differs from the customer's region. Not for a service shared through a resource gateway: a resource configuration is reached from its own region only." enum:"$regions"`
	Ports         []int  `yaml:"ports" pc:"required" doc:"TCP ports the service listens on, each once. A database shared by its ARN (producer.mode: resourceGateway with rds.by: dbInstance or dbCluster) has one: its own." minimum:"1" maximum:"65535"`
	// The endpoint is reached by a name of the vendor's private zone, which no
	// customer certificate holds, often under a private CA: verifying would
	// fail on every healthy service, so the probe reads the certificate only.
	TLS bool `yaml:"tls" doc:"Set true when every port of the service speaks TLS: the probe then completes a TLS handshake on each and reports the days the service's certificate has left (metric TlsDaysLeft); a failed handshake counts as unreachable. The certificate is read, not verified: the probe reaches the endpoint by the vendor's private name (<service>.<customer>.<internalDomain>), which the certificate does not hold, and a customer's private CA is not in the probe's trust store."`

	// The other way a customer exposes a service: a resource configuration
	// shared through AWS RAM, reached by an endpoint of type Resource.
	ResourceConfigurationArn string `yaml:"resourceConfigurationArn" doc:"The resource configuration ARN the customer sends, for a service shared through a resource gateway (producer.mode: resourceGateway, or one the customer built): arn:aws:vpc-lattice:<region>:<account>:resourceconfiguration/rcfg-<17 letters and digits>, in the customer's region and account (its owner shares it with the vendor through AWS RAM), listed once in the fleet. In place of serviceName; without producer.mode: nlb. With producer.mode: resourceGateway the service is pending (no endpoint yet) until the customer has deployed the handed-over template and sent it." pattern:"^arn:aws[a-z-]*:vpc-lattice:[a-z0-9-]+:[0-9]{12}:resourceconfiguration/rcfg-[0-9a-z]{17}$"`

	Producer *Producer `yaml:"producer" doc:"Hand the customer a template that builds this service's producer side (with mode: nlb an NLB, its targets and an endpoint service; with mode: resourceGateway a resource gateway, a resource configuration and its AWS RAM share): make handoff CUSTOMER=<name>."`
}

// Producer describes the customer-side template handed over for one service:
// with mode nlb an internal NLB with a listener and target group per port, in
// front of the customer's targets, exposed as a VPC endpoint service to the
// vendor; with mode resourceGateway a resource gateway and a resource
// configuration of the database, shared with the vendor through AWS RAM.
type Producer struct {
	Mode   string `yaml:"mode" doc:"How the customer exposes the service: nlb (a Network Load Balancer in front of the targets and a VPC endpoint service; cross-region, ip and instance targets) or resourceGateway (a resource gateway and a resource configuration of the database, shared with the vendor's account through AWS RAM: no load balancer and no registrar, same region only, rds targets only; README: Choosing nlb or resourceGateway). With resourceGateway the load balancer's keys (registrar, targetGroup, loadBalancerSecurityGroup, count, insecureAutoAcceptConnections) and rds.role do not apply." default:"nlb" enum:"nlb,resourceGateway"`
	Target string `yaml:"target" pc:"required" doc:"What the customer exposes: rds (an RDS or Aurora database; with mode nlb kept registered by a Lambda), ip (fixed private IPs) or instance (EC2 instance IDs); ip and instance with mode nlb only." enum:"rds,ip,instance"`
	Count  *int   `yaml:"count" doc:"For ip and instance targets: how many; each is a template parameter." defaultDoc:"1, for ip and instance" minimum:"1" maximum:"20"`

	Rds         *RdsTarget   `yaml:"rds" doc:"For rds targets: how the database is found."`
	Registrar   *Registrar   `yaml:"registrar" doc:"For rds targets: how the registrar Lambda keeps the targets current."`
	TargetGroup *TargetGroup `yaml:"targetGroup" doc:"Deregistration and TCP health checks of the load balancer's target groups. The defaults depend on target: rds follows a failing-over database within seconds; ip and instance keep AWS's defaults."`

	LoadBalancerSecurityGroup *bool `yaml:"loadBalancerSecurityGroup" doc:"Give the load balancer a security group of its own, which the customer admits on the targets; the service then has at most 15 ports (4 outbound rules per port, 60 per group). Set false only for a service whose stack the customer deployed from the first release, whose load balancer has none: the new template then keeps that load balancer and updates it in place. Moving such a service to true is a planned migration (README: Moving a service to a load balancer with a security group): AWS refuses to change an endpoint service's load balancer while the vendor's endpoint is connected." default:"true"`

	// The name says what it does: anyone could then connect who is allowed to discover the service.
	InsecureAutoAcceptConnections bool `yaml:"insecureAutoAcceptConnections" doc:"Set true to accept endpoint connections without the customer's review. Leave it off."`
}

// RdsTarget says how the database is found: by the registrar (mode nlb), or
// by the resource configuration (mode resourceGateway).
type RdsTarget struct {
	By   string `yaml:"by" doc:"How the registrar finds the database's addresses: hostname (any DNS name, e.g. an RDS instance endpoint or RDS Proxy), dbInstance (a DB instance identifier, through the RDS API) or dbCluster (an Aurora cluster identifier, through the RDS API; see role). For Aurora use dbCluster: after a failover the RDS API names the new writer at once, while the cluster endpoint's DNS lags and the old writer, now a reader, still passes health checks. With mode resourceGateway no registrar runs: hostname shares a publicly resolvable domain name (a resource configuration of type SINGLE on the service's ports), dbInstance and dbCluster the database by its ARN (type ARN, on the database's own port)." default:"hostname" enum:"hostname,dbInstance,dbCluster"`
	Role string `yaml:"role" doc:"For dbCluster with mode nlb: writer (the cluster's writer instance) or reader (every available reader instance, from the RDS API). Not with mode resourceGateway, which shares the cluster as a whole (AWS keeps its endpoints together; connectors pick one by the name they use)." defaultDoc:"writer, with by: dbCluster and mode nlb" enum:"writer,reader"`
}

// Registrar tunes the registrar Lambda.
type Registrar struct {
	ScheduleMinutes       *int `yaml:"scheduleMinutes" doc:"Minutes between scheduled runs; RDS failover, failure and maintenance events also trigger a run at once." default:"1" minimum:"1" maximum:"60"`
	DeregisterAfterMisses *int `yaml:"deregisterAfterMisses" doc:"Consecutive runs an address that vanished from DNS must be missing before it is deregistered. An address the RDS API proves wrong (no longer the writer, not an available reader, left the cluster) goes at once." default:"3" minimum:"1" maximum:"10"`
}

// TargetGroup tunes the handed-over load balancer's target groups
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html).
type TargetGroup struct {
	DeregistrationDelaySeconds *int  `yaml:"deregistrationDelaySeconds" doc:"Seconds a removed target keeps its open connections." defaultDoc:"30 for rds, 300 for ip and instance" minimum:"0" maximum:"3600"`
	ConnectionTermination      *bool `yaml:"connectionTermination" doc:"Close the connections still open when that delay ends, so that pooled clients reconnect to the new target." defaultDoc:"true for rds, false for ip and instance"`
	HealthCheckIntervalSeconds *int  `yaml:"healthCheckIntervalSeconds" doc:"Seconds between TCP health checks of a target." defaultDoc:"10 for rds, 30 for ip and instance" minimum:"5" maximum:"300"`
	HealthCheckTimeoutSeconds  *int  `yaml:"healthCheckTimeoutSeconds" doc:"Seconds without an answer that fail a check, at most the interval." defaultDoc:"half the interval, 2 to 10" minimum:"2" maximum:"120"`
	HealthyThresholdCount      *int  `yaml:"healthyThresholdCount" doc:"Passed checks in a row that bring a target into service." defaultDoc:"2 for rds, 5 for ip and instance" minimum:"2" maximum:"10"`
	UnhealthyThresholdCount    *int  `yaml:"unhealthyThresholdCount" doc:"Failed checks in a row that take a target out of service." default:"2" minimum:"2" maximum:"10"`
}

// Vpn is the site-to-site VPN mode: a dedicated vendor VPC with a virtual
// private gateway, connected to the customer's gateway device by one VPN
// connection (two tunnels), and a NAT gateway for the connectors' public egress.
type Vpn struct {
	VpcCidr           string   `yaml:"vpcCidr" pc:"required" doc:"CIDR of the dedicated vendor VPC, /16 to /27, from the vendor pool, overlapping no other vendor block of the fleet nor the customer's networks. Written once and never changed: a new CIDR replaces the VPC. The connectors' subnets take its first three quarters (its first half in a /27), the NAT gateways' public subnets its last."`
	AvailabilityZones []string `yaml:"availabilityZones" pc:"required" doc:"AZ IDs (e.g. use1-az1) of the connectors' private subnets, one each: at least 2 unless singleAz, at most 3 (1 in a /27). Append new AZs at the end: a subnet's block follows its position." pattern:"^[a-z]+[0-9]-az[0-9]+$"`
	SingleAz          bool     `yaml:"singleAz" doc:"Set true to accept a single AZ (no redundancy against an AZ outage)."`

	CustomerGateway CustomerGateway `yaml:"customerGateway" pc:"required" doc:"The customer's VPN device, as the customer describes it."`
	AmazonSideAsn   *int            `yaml:"amazonSideAsn" doc:"BGP ASN of the vendor's virtual private gateway: 64512-65534 or 4200000000-4294967294, different from the customer's. Cannot change once deployed: a new ASN replaces the gateway and both tunnels." default:"64512" minimum:"64512" maximum:"4294967294"`

	Routing string `yaml:"routing" pc:"required" doc:"static (AWS routes remoteNetworks into the tunnels) or bgp (the customer's device advertises them; preferred when the device supports BGP: failover between the tunnels is automatic)." enum:"static,bgp"`
	// One list for routes and firewall: a route without a rule is dead, and a
	// rule without a route sends the connectors' traffic out through the NAT gateway.
	RemoteNetworks []string `yaml:"remoteNetworks" pc:"required" was:"staticRoutes" doc:"The customer's networks the connectors reach over the tunnels: the connectors security group's only destinations, with routing: static one static route each, with bgp what the customer's device advertises. Each lies inside one of networks, does not overlap vpcCidr and is private unless insecureAllowPublicRemoteNetworks is set. An AWS VPC of the customer reached over PrivateLink is in networks only."`
	Ports          []int    `yaml:"ports" pc:"required" doc:"TCP ports the connectors may open to remoteNetworks; remote networks times ports at most 60, one security group rule each." minimum:"1" maximum:"65535"`
	// Named for what it does, like insecureAllowPublicClientCidrs.
	InsecureAllowPublicRemoteNetworks bool `yaml:"insecureAllowPublicRemoteNetworks" doc:"Set true to let remoteNetworks hold public address ranges the customer uses internally. Leave it off otherwise: while both tunnels are down AWS withdraws their routes, and the connectors' traffic to them would leave through the NAT gateway to the internet."`

	NatGateways string      `yaml:"natGateways" doc:"Public egress for the connectors: single (one NAT gateway in the first AZ), perAz (one per AZ, so an AZ outage does not cut the others off; a /25 holds 2, a /24 or larger 3) or none (no internet gateway, no NAT). A NAT gateway and its public IPv4 address are charged by the hour." default:"single" enum:"single,perAz,none"`
	Tunnels     []Tunnel    `yaml:"tunnels" doc:"Options of the connection's two tunnels, at most 2 entries: the first is tunnel 1, the second tunnel 2; a tunnel not listed gets every default." defaultDoc:"two tunnels with every default"`
	TunnelLogs  *TunnelLogs `yaml:"tunnelLogs" doc:"Tunnel (IKE, and BGP with routing: bgp) logs in CloudWatch Logs."`
	// Targets rather than every remote network: the probe cannot guess which
	// host of a customer's network answers.
	ProbeTargets []ProbeTarget `yaml:"probeTargets" doc:"Hosts and ports in the customer's network the probe connects to every minute through the tunnels, at most 10, each host and port once: what the connectors use (e.g. the database). Without any, the VPN is not probed (the tunnel state alarms still watch the tunnels)."`
	AllowIkev1   bool          `yaml:"allowIkev1" doc:"Set true to let a tunnel list ikev1 in ikeVersions. IKEv1 is weaker than IKEv2 (older key exchange, AWS cannot start its tunnels), so synth warns while it is allowed, and the customer's sheet says so."`
}

// ProbeTarget is one host and port of the customer's network the probe
// connects to over the VPN.
type ProbeTarget struct {
	Host string `yaml:"host" pc:"required" doc:"An IPv4 address inside one of remoteNetworks, or a DNS name the vendor VPC's resolver answers (e.g. through a Route 53 Resolver rule forwarding to the customer's DNS) with such an address: the connectors' security group reaches remoteNetworks only."`
	Port *int   `yaml:"port" pc:"required" doc:"TCP port, one of ports (the connectors' security group opens those only)." minimum:"1" maximum:"65535"`
	TLS  bool   `yaml:"tls" doc:"Set true when the port speaks TLS: the probe completes a handshake and reports the days the certificate has left (metric TlsDaysLeft). The certificate is read, not verified (a customer's private CA is not in the probe's trust store)."`
}

// Probe tunes the reachability probe of a customer's vendor-side stacks.
type Probe struct {
	Enabled     *bool `yaml:"enabled" doc:"Set false to build no probe for this customer: no function, no metrics, no alarms (e.g. while the customer has not accepted the endpoints yet, which would keep the alarms on)." default:"true"`
	FailMinutes *int  `yaml:"failMinutes" doc:"Consecutive minutes a target must fail (or report nothing, e.g. when the probe itself fails) before its alarm goes to the vendor's topic; at least 2, so that one late run never pages." default:"3" minimum:"2" maximum:"60"`
}

// CustomerGateway is the customer's side of the VPN.
type CustomerGateway struct {
	IPAddress string `yaml:"ipAddress" pc:"required" doc:"Static public IPv4 address of the customer's VPN device's outside interface (or of the NAT device in front of it). Private, shared, loopback, link-local, multicast and reserved ranges are rejected; no other customer may use it."`
	BgpAsn    *int   `yaml:"bgpAsn" doc:"BGP ASN of the customer's device (above 2147483647 it goes in CloudFormation's BgpAsnExtended); not 7224, nor 9059, 10124 or 17943 in the regions AWS reserves them in. Required with routing: bgp; with static routing it only labels the gateway." defaultDoc:"65000 with routing: static" minimum:"1" maximum:"4294967295"`
}

// Tunnel holds one tunnel's options. Lists are the values the AWS end
// accepts; the customer's device must propose at least one of each.
type Tunnel struct {
	InsideCidr string `yaml:"insideCidr" doc:"The tunnel's inside addresses: a /30 in 169.254.0.0/16, other than 169.254.0.0/30 to 169.254.5.0/30 and 169.254.169.252/30, unique within the connection." defaultDoc:"AWS picks one" pattern:"^169\\.254\\.[0-9]{1,3}\\.[0-9]{1,3}/30$"`

	PreSharedKeySecret  string `yaml:"preSharedKeySecret" doc:"Name or ARN of a Secrets Manager secret (vendor account, customer's region) holding the tunnel's pre-shared key: 8-64 letters, digits, . and _, not starting with 0. The template holds only a reference, resolved by CloudFormation at deploy time; no other customer may use it." defaultDoc:"AWS generates the key"`
	PreSharedKeyJSONKey string `yaml:"preSharedKeyJsonKey" doc:"When the secret is a JSON object: the key holding this tunnel's pre-shared key." defaultDoc:"the whole secret string is the key"`
	// Present so that a key written in clear gets its own error (and never an
	// echo of its value) rather than a silent acceptance or a generic one.
	PreSharedKey string `yaml:"preSharedKey" doc:"Not accepted: a key written here would end up in plain text in the template. Store it in Secrets Manager and set preSharedKeySecret."`

	IkeVersions                []string `yaml:"ikeVersions" doc:"IKE versions the tunnel accepts: ikev2 and, with allowIkev1: true, ikev1." default:"[ikev2]" enum:"ikev1,ikev2"`
	Phase1EncryptionAlgorithms []string `yaml:"phase1EncryptionAlgorithms" doc:"Encryption algorithms the AWS end accepts in phase 1 (IKE)." default:"[AES256-GCM-16, AES256]" enum:"AES128,AES256,AES128-GCM-16,AES256-GCM-16"`
	Phase2EncryptionAlgorithms []string `yaml:"phase2EncryptionAlgorithms" doc:"Encryption algorithms the AWS end accepts in phase 2 (IPsec)." default:"[AES256-GCM-16, AES256]" enum:"AES128,AES256,AES128-GCM-16,AES256-GCM-16"`
	Phase1IntegrityAlgorithms  []string `yaml:"phase1IntegrityAlgorithms" doc:"Integrity algorithms the AWS end accepts in phase 1." default:"[SHA2-256, SHA2-384, SHA2-512]" enum:"SHA1,SHA2-256,SHA2-384,SHA2-512"`
	Phase2IntegrityAlgorithms  []string `yaml:"phase2IntegrityAlgorithms" doc:"Integrity algorithms the AWS end accepts in phase 2." default:"[SHA2-256, SHA2-384, SHA2-512]" enum:"SHA1,SHA2-256,SHA2-384,SHA2-512"`
	Phase1DhGroupNumbers       []int    `yaml:"phase1DhGroupNumbers" doc:"Diffie-Hellman groups for phase 1." default:"[14, 19, 20, 21]" enum:"2,14,15,16,17,18,19,20,21,22,23,24"`
	Phase2DhGroupNumbers       []int    `yaml:"phase2DhGroupNumbers" doc:"Diffie-Hellman groups for phase 2 (perfect forward secrecy)." default:"[14, 19, 20, 21]" enum:"2,5,14,15,16,17,18,19,20,21,22,23,24"`
	Phase1LifetimeSeconds      *int     `yaml:"phase1LifetimeSeconds" doc:"Lifetime of the phase 1 security association, in seconds." default:"28800" minimum:"900" maximum:"28800"`
	Phase2LifetimeSeconds      *int     `yaml:"phase2LifetimeSeconds" doc:"Lifetime of the phase 2 security association, in seconds; less than phase1LifetimeSeconds." default:"3600" minimum:"900" maximum:"3600"`
	DpdTimeoutSeconds          *int     `yaml:"dpdTimeoutSeconds" doc:"Seconds without a dead peer detection reply before the peer counts as dead." default:"30" minimum:"30"`
	DpdTimeoutAction           string   `yaml:"dpdTimeoutAction" doc:"What the AWS end does on a DPD timeout: restart (renegotiate at once), clear (end the session until the customer's device starts one) or none." default:"restart" enum:"restart,clear,none"`
	StartupAction              string   `yaml:"startupAction" doc:"start (the AWS end starts the IKE negotiation, so the customer's device needs no traffic or keep-alive to bring the tunnel up; IKEv2 only) or add (the customer's device must start it)." default:"start" enum:"start,add"`
}

// TunnelLogs configures the tunnels' log group.
type TunnelLogs struct {
	RetentionDays *int `yaml:"retentionDays" doc:"Days the tunnel logs are kept." defaultDoc:"the vendor's logRetentionDays" enum:"$logRetentionDays"`
}

// InboundPrivateLink is the inbound PrivateLink mode: the customer creates an
// interface endpoint to the vendor's endpoint service in the customer's
// region, with private DNS so the platform's standard hostnames resolve to it.
type InboundPrivateLink struct {
	Accounts          []string `yaml:"accounts" doc:"AWS accounts of the customer allowed to connect to the vendor's endpoint service, not the vendor's; no other inbound customer of the region may list one, unless both set allowSharedAccounts." defaultDoc:"[account]" pattern:"^[0-9]{12}$"`
	Region            string   `yaml:"region" doc:"Region of the customer's VPC. Another region than the customer's region needs crossRegion: true." defaultDoc:"region, the service's" enum:"$regions"`
	CrossRegion       bool     `yaml:"crossRegion" doc:"Set true when region differs from the customer's region: cross-region PrivateLink (the service lists the VPC's region as supported)."`
	AvailabilityZones []string `yaml:"availabilityZones" pc:"required" doc:"AZ IDs (e.g. use1-az1) of the customer's VPC subnets for the endpoint, one subnet each, at least 2 unless singleAz. In the service's region they must be AZs the vendor's service is offered in (the error names the missing ones)." pattern:"^[a-z]+[0-9]-az[0-9]+$"`
	SingleAz          bool     `yaml:"singleAz" doc:"Set true to accept a single AZ (no redundancy against an AZ outage)."`
	ClientCidrs       []string `yaml:"clientCidrs" doc:"The customer's networks whose systems reach the platform; the endpoint's security group admits them on ports (networks times ports at most 60). Each is a template parameter with this default. Private ranges only, unless insecureAllowPublicClientCidrs is set; never 0.0.0.0/0." defaultDoc:"networks"`
	Hostnames         []string `yaml:"hostnames" doc:"Platform hostnames the customer's systems use, from the vendor's inboundPrivateLink.hostnames." defaultDoc:"all of the vendor's"`
	Ports             []int    `yaml:"ports" doc:"TCP ports the customer's systems open to the platform, from the vendor's inboundPrivateLink.ports." default:"[443]" minimum:"1" maximum:"65535"`
	DnsMode           string   `yaml:"dnsMode" doc:"privateHostedZone (the template creates a private hosted zone per vendor domain in the customer's VPC, with the hostnames aliased to the endpoint) or privateDnsName (the endpoint's private DNS: only when the region's service has a verified privateDnsName covering every hostname)." default:"privateHostedZone" enum:"privateHostedZone,privateDnsName"`
	// A group of companies may share one network account; listing it for two
	// customers is then deliberate, not a copy-paste slip.
	AllowSharedAccounts bool `yaml:"allowSharedAccounts" doc:"Set true, in both files, when an account in accounts is also listed by another inbound customer of the same region on purpose (e.g. a network account shared by a group of companies)."`
	// Named for what it does, like insecureAutoAcceptConnections.
	InsecureAllowPublicClientCidrs bool `yaml:"insecureAllowPublicClientCidrs" doc:"Set true to let the client networks (clientCidrs, or networks when they default to it) hold public address ranges, which the endpoint then admits. Leave it off: without it the endpoint admits 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and 100.64.0.0/10 only."`
}

// InboundAccounts are the customer's accounts allowed on the vendor's service:
// accounts, or the customer's account.
func (c *Customer) InboundAccounts() []string {
	if c.InboundPrivateLink == nil {
		return nil
	}
	if len(c.InboundPrivateLink.Accounts) > 0 {
		return c.InboundPrivateLink.Accounts
	}
	return []string{c.Account}
}

// InboundClientCidrs are the networks the customer's endpoint admits:
// clientCidrs, or the customer's networks.
func (c *Customer) InboundClientCidrs() []string {
	if c.InboundPrivateLink == nil {
		return nil
	}
	if c.InboundPrivateLink.ClientCidrs != nil {
		return c.InboundPrivateLink.ClientCidrs
	}
	return c.Networks
}

// InboundCrossRegion reports whether the customer's VPC is in another region
// than the vendor's service it connects to.
func (c *Customer) InboundCrossRegion() bool {
	return c.InboundPrivateLink != nil && c.InboundPrivateLink.Region != c.Region
}

// Probed reports whether the customer's stacks get a probe.
func (c *Customer) Probed() bool { return c.Probe == nil || c.Probe.Enabled == nil || *c.Probe.Enabled }

// IkeV1Allowed reports whether any tunnel accepts IKEv1.
func (v *Vpn) IkeV1Allowed() bool {
	return slices.ContainsFunc(v.Tunnels, func(t Tunnel) bool { return slices.Contains(t.IkeVersions, "ikev1") })
}

// NatGatewayCount is how many NAT gateways (and public subnets) the VPC gets.
func (v *Vpn) NatGatewayCount() int {
	switch v.NatGateways {
	case "single":
		return 1
	case "perAz":
		return len(v.AvailabilityZones)
	}
	return 0
}

// UsesBgpAsnExtended reports whether the customer's ASN is too large for
// CloudFormation's BgpAsn and goes in BgpAsnExtended instead.
func (g CustomerGateway) UsesBgpAsnExtended() bool { return g.BgpAsn != nil && *g.BgpAsn > maxBgpAsn }

// Fleet is the whole validated configuration.
type Fleet struct {
	Dir       string
	Vendor    *Vendor
	Customers []*Customer // sorted by name
}

// Customer returns the named customer, or nil.
func (f *Fleet) Customer(name string) *Customer {
	for _, c := range f.Customers {
		if c.Name == name {
			return c
		}
	}
	return nil
}
