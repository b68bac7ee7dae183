// Package status reads what the fleet's stacks built in the vendor's AWS
// account and says, per customer, whether each connection works: endpoint
// states, VPN tunnels, inbound connection requests, alarms in ALARM and the
// latest reachability probe. It finds every resource through the outputs of
// the stacks (package stacks names them), never by guessing names, and it
// only reads, except Accept, which accepts inbound connection requests of the
// fleet's own customers.
package status

import (
	"fmt"
	"time"
)

// Report is what one run of status read. Customers are in fleet order.
type Report struct {
	ReadAt    time.Time   `json:"readAt"`
	Seconds   float64     `json:"seconds"`
	Healthy   bool        `json:"healthy"`
	Regions   []string    `json:"regions"`
	Customers []*Customer `json:"customers"`
	// Errors are what could not be read, one per region and action.
	Errors []Problem `json:"errors,omitempty"`
}

// States of a customer.
const (
	Healthy     = "healthy"
	Unhealthy   = "unhealthy"
	NotDeployed = "not deployed" // none of its stacks exists yet: not an error
	Unknown     = "unknown"      // its region could not be read
)

// Customer is one customer's connections as AWS reports them.
type Customer struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	State  string `json:"state"`
	// Problems say why State is unhealthy, one short line each.
	Problems  []string   `json:"problems,omitempty"`
	Stacks    []Stack    `json:"stacks"`
	Endpoints []Endpoint `json:"endpoints,omitempty"`
	Vpn       *Vpn       `json:"vpn,omitempty"`
	Inbound   *Inbound   `json:"inbound,omitempty"`
	Alarms    []Alarm    `json:"alarms"`
	Probes    []Probe    `json:"probes"`
}

// Stack is one of the customer's vendor-side stacks; Status is "" when the
// stack does not exist.
type Stack struct {
	Name   string `json:"name"`
	Status string `json:"status,omitempty"`
}

// Endpoint is the vendor's interface endpoint to one of the customer's
// endpoint services. AWS records when an endpoint was created, not when its
// state last changed: Created is the only time there is.
type Endpoint struct {
	Service     string `json:"service"`
	ServiceName string `json:"serviceName,omitempty"`
	// ResourceConfigurationArn is what an endpoint of type Resource connects
	// to (a service reached through a resource gateway): the ARN EC2 reports
	// once the endpoint exists, the fleet's before.
	ResourceConfigurationArn string `json:"resourceConfigurationArn,omitempty"`
	// Type is EC2's VpcEndpointType (Interface, Resource) once the endpoint exists.
	Type              string     `json:"type,omitempty"`
	EndpointID        string     `json:"endpointId,omitempty"`
	State             string     `json:"state"`
	Created           *time.Time `json:"created,omitempty"`
	DNSName           string     `json:"dnsName,omitempty"`
	AvailabilityZones []string   `json:"availabilityZones,omitempty"`
	// Invitation is the customer's RAM share invitation still waiting in the
	// vendor's account, for a service reached through a resource gateway:
	// until it is accepted (make accept), no endpoint can reach the
	// customer's resource configuration.
	Invitation *Invitation `json:"invitation,omitempty"`
}

// Endpoint states that are not AWS's.
const (
	// ServicePending: the customer has not deployed its handed-over template,
	// so the fleet has no service name and the stack no endpoint yet.
	ServicePending = "pending handover"
	// NotFound: the stack outputs an ID that EC2 does not know (deleted outside CloudFormation).
	NotFound = "not found"
)

// Vpn is the customer's site-to-site VPN connection.
type Vpn struct {
	ConnectionID string   `json:"connectionId,omitempty"`
	State        string   `json:"state"`
	Tunnels      []Tunnel `json:"tunnels"`
}

// Tunnel is one tunnel as EC2's VgwTelemetry reports it.
type Tunnel struct {
	OutsideIP      string     `json:"outsideIp"`
	Status         string     `json:"status"`
	LastChange     *time.Time `json:"lastChange,omitempty"`
	Message        string     `json:"message,omitempty"`
	AcceptedRoutes int32      `json:"acceptedRoutes"`
}

// Inbound is the customer's side of the vendor's inbound endpoint service:
// the connection requests from the customer's accounts.
type Inbound struct {
	ServiceID   string       `json:"serviceId,omitempty"`
	Accounts    []string     `json:"accounts"`
	Connections []Connection `json:"connections"`
}

// Connection is one endpoint connected (or asking to connect) to an endpoint service.
type Connection struct {
	EndpointID string     `json:"endpointId"`
	Account    string     `json:"account"`
	State      string     `json:"state"`
	Created    *time.Time `json:"created,omitempty"`
}

// Alarm is an alarm of the customer's in state ALARM.
type Alarm struct {
	Name   string     `json:"name"`
	Since  *time.Time `json:"since,omitempty"`
	Reason string     `json:"reason,omitempty"`
}

// Probe is the latest result of a reachability probe (metric
// PrivateConnect/Probe Reachable, dimensions Customer and Target).
// Reachable is nil when the probe sent nothing recently.
type Probe struct {
	Target    string     `json:"target"`
	Reachable *bool      `json:"reachable"`
	At        *time.Time `json:"at,omitempty"`
}

// Problem is one thing that could not be read: the region, the IAM action
// (e.g. ec2:DescribeVpnConnections) and what went wrong.
type Problem struct {
	Region  string `json:"region"`
	Action  string `json:"action"`
	Message string `json:"message"`
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.Region, p.Action, p.Message) }

// Exit codes of status.
const (
	ExitHealthy   = 0
	ExitUnhealthy = 1
	ExitUnread    = 2 // a usage error, or some of the account could not be read
)

// ExitCode is 1 when anything read is unhealthy (a known outage comes
// first), else 2 when part of the account could not be read (health is not
// known), else 0.
func (r *Report) ExitCode() int {
	for _, c := range r.Customers {
		if c.State == Unhealthy {
			return ExitUnhealthy
		}
	}
	if len(r.Errors) > 0 {
		return ExitUnread
	}
	return ExitHealthy
}
