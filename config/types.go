// Package config reads, defaults and validates the privateconnect fleet: one
// vendor.yaml and one customers/<name>.yaml per customer. Nothing here knows
// about CDK; package stacks turns a validated Fleet into stacks.
package config

// APIVersion is the only apiVersion this release reads.
const APIVersion = "privateconnect/v1"

// Kinds of configuration file.
const (
	KindVendor   = "Vendor"
	KindCustomer = "Customer"
)

// Struct tags used by the decoder and the schema generator:
//   yaml:"key"          the key in the file
//   pc:"required"       the key must be present
//   doc:"..."           description, shown by editors through the JSON Schema
//   pattern:"..."       regular expression the schema advertises (validation.go enforces the real rule)
//   enum, minimum, maximum   further schema constraints; on a list they apply to its items
//                       ($regions and $logRetentionDays expand to the lists in regions.go)

// Vendor is config/vendor.yaml: what is true for every customer.
type Vendor struct {
	APIVersion string `yaml:"apiVersion" pc:"required" doc:"Always privateconnect/v1." enum:"privateconnect/v1"`
	Kind       string `yaml:"kind" pc:"required" doc:"Always Vendor." enum:"Vendor"`

	Name         string `yaml:"name" pc:"required" doc:"Vendor name, used in descriptions and handed-over documents."`
	Account      string `yaml:"account" pc:"required" doc:"12-digit AWS account ID where the vendor-side stacks are deployed." pattern:"^[0-9]{12}$"`
	PrincipalArn string `yaml:"principalArn" pc:"required" doc:"IAM principal customers allow-list on their endpoint services: arn:aws:iam::<account>:root or a role in the vendor account."`

	Regions          []string          `yaml:"regions" pc:"required" doc:"AWS regions the vendor operates in; every customer's region must be one of them. The first is proposed for new customers." enum:"$regions"`
	VpcCidrPools     []string          `yaml:"vpcCidrPools" pc:"required" doc:"Private IPv4 blocks from which vendor VPC CIDRs are taken (RFC 1918 or 100.64.0.0/10)."`
	VpcPrefixLength  *int              `yaml:"vpcPrefixLength" doc:"Size of the VPC block proposed for a new customer (default 24)." minimum:"16" maximum:"28"`
	InternalDomain   string            `yaml:"internalDomain" pc:"required" doc:"DNS domain under which each customer gets a private zone, e.g. connect.internal.example.com gives db.acme.connect.internal.example.com."`
	AlarmTopicArns   map[string]string `yaml:"alarmTopicArns" pc:"required" doc:"SNS topic for alarms, per region (region -> topic ARN in that region and the vendor account)."`
	LogRetentionDays *int              `yaml:"logRetentionDays" doc:"Retention of flow logs and other log groups, in days (default 365); one of the values CloudWatch Logs accepts." enum:"$logRetentionDays"`
	Tags             map[string]string `yaml:"tags" doc:"Tags put on every vendor-side resource."`
}

// Customer is config/customers/<name>.yaml.
type Customer struct {
	APIVersion string `yaml:"apiVersion" pc:"required" doc:"Always privateconnect/v1." enum:"privateconnect/v1"`
	Kind       string `yaml:"kind" pc:"required" doc:"Always Customer." enum:"Customer"`

	Name        string            `yaml:"name" pc:"required" doc:"Customer name: a DNS label equal to the file name (acme for customers/acme.yaml). Names stacks, DNS records and SSM parameters." pattern:"^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$"`
	DisplayName string            `yaml:"displayName" doc:"Human-readable name for descriptions (default: name)."`
	Account     string            `yaml:"account" pc:"required" doc:"The customer's 12-digit AWS account ID." pattern:"^[0-9]{12}$"`
	Region      string            `yaml:"region" pc:"required" doc:"Region the vendor-side stacks for this customer are deployed in; one of the vendor's regions." enum:"$regions"`
	Networks    []string          `yaml:"networks" doc:"The customer's own IPv4 networks; vendor VPC CIDRs must not overlap them."`
	Tags        map[string]string `yaml:"tags" doc:"Tags put on this customer's vendor-side resources, on top of the vendor's."`

	PrivateLink *PrivateLink `yaml:"privateLink" doc:"Vendor reaches the customer's VPC endpoint services over AWS PrivateLink (vendor is the consumer)."`

	// File is the path the customer was read from, for error messages.
	File string `yaml:"-"`
}

// PrivateLink is the outbound PrivateLink mode: a dedicated vendor VPC with
// an interface endpoint to each of the customer's endpoint services.
type PrivateLink struct {
	VpcCidr           string    `yaml:"vpcCidr" pc:"required" doc:"CIDR of the dedicated vendor VPC, from the vendor pool. Written once (make new-customer proposes it) and never changed: a new CIDR replaces the VPC."`
	AvailabilityZones []string  `yaml:"availabilityZones" pc:"required" doc:"AZ IDs (e.g. use1-az1, not us-east-1a) the customer's endpoint services are offered in; one subnet each. Append new AZs at the end: a subnet's block follows its position." pattern:"^[a-z]+[0-9]-az[0-9]+$"`
	SingleAz          bool      `yaml:"singleAz" doc:"Set true to accept a single AZ (no redundancy against an AZ outage)."`
	Services          []Service `yaml:"services" pc:"required" doc:"The customer's endpoint services the vendor connects to."`
}

// Service is one customer endpoint service reached through an interface endpoint.
type Service struct {
	Name          string `yaml:"name" pc:"required" doc:"Short DNS label for the service (db gives db.<customer>.<internalDomain>)." pattern:"^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$"`
	ServiceName   string `yaml:"serviceName" doc:"The endpoint service name the customer sends: com.amazonaws.vpce.<region>.vpce-svc-<hex>. Required, except for a service with a producer section before the customer has deployed the handed-over template (the service is then pending: no endpoint yet)." pattern:"^com\\.amazonaws\\.vpce\\.[a-z0-9-]+\\.vpce-svc-([0-9a-f]{8}|[0-9a-f]{17})$"`
	ServiceRegion string `yaml:"serviceRegion" doc:"Set to the service's region to use cross-region PrivateLink when it differs from the customer's region." enum:"$regions"`
	Ports         []int  `yaml:"ports" pc:"required" doc:"TCP ports the service listens on." minimum:"1" maximum:"65535"`

	Producer *Producer `yaml:"producer" doc:"Hand the customer a template that builds this service's producer side (NLB, targets, endpoint service): make handoff CUSTOMER=<name>."`
}

// Producer describes the customer-side template handed over for one service:
// an internal NLB with a listener and target group per port, in front of the
// customer's targets, exposed as a VPC endpoint service to the vendor.
type Producer struct {
	Target string `yaml:"target" pc:"required" doc:"What the NLB forwards to: rds (an RDS or Aurora database, kept registered by a Lambda), ip (fixed private IPs) or instance (EC2 instance IDs)." enum:"rds,ip,instance"`
	Count  *int   `yaml:"count" doc:"For ip and instance targets: how many; each is a template parameter (default 1)." minimum:"1" maximum:"20"`

	Rds       *RdsTarget `yaml:"rds" doc:"For rds targets: how the database is found."`
	Registrar *Registrar `yaml:"registrar" doc:"For rds targets: how the registrar Lambda keeps the targets current."`

	// The name says what it does: anyone could then connect who is allowed to discover the service.
	InsecureAutoAcceptConnections bool `yaml:"insecureAutoAcceptConnections" doc:"Set true to accept endpoint connections without the customer's review. Off by default; leave it off."`
}

// RdsTarget says how the registrar finds the database's addresses.
type RdsTarget struct {
	By   string `yaml:"by" doc:"hostname (any DNS name, e.g. an RDS endpoint or RDS Proxy), dbInstance (a DB instance identifier) or dbCluster (an Aurora cluster identifier). Default hostname." enum:"hostname,dbInstance,dbCluster"`
	Role string `yaml:"role" doc:"For dbCluster: writer (the primary) or reader (every available reader instance, from the RDS API). Default writer." enum:"writer,reader"`
}

// Registrar tunes the registrar Lambda.
type Registrar struct {
	ScheduleMinutes       *int `yaml:"scheduleMinutes" doc:"Minutes between scheduled runs (default 1); RDS failover, failure and maintenance events also trigger a run at once." minimum:"1" maximum:"60"`
	DeregisterAfterMisses *int `yaml:"deregisterAfterMisses" doc:"Consecutive runs an address must be missing before it is deregistered (default 3)." minimum:"1" maximum:"10"`
}

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
