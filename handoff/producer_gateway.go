package handoff

import (
	"fmt"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/stacks"
)

// gatewayPricing is what the guide says a resource gateway costs, with
// where and when it was read.
type gatewayPricing struct {
	// PerGB is the resource endpoints' data processing, first petabyte a
	// month in a region; the endpoint's owner (the vendor) pays it.
	PerGB   float64
	Sources []string
	Read    string
}

// resourceEndpointPricing: AWS's PrivateLink pricing page lists resource
// endpoints' data processing at $0.01 per GB (first PB a month, then $0.006
// and $0.004); neither it nor VPC Lattice's page names a charge for the
// owner's resource gateway, configurations or shares.
var resourceEndpointPricing = gatewayPricing{
	PerGB:   0.01,
	Sources: []string{"https://aws.amazon.com/privatelink/pricing/", "https://aws.amazon.com/vpc/lattice/pricing/"},
	Read:    "2026-11-27",
}

// gatewayService is a service of mode resourceGateway as the guide shows it.
func gatewayService(s config.Service) serviceData {
	id := stacks.OutputID(s.Name)
	sd := serviceData{Service: s, ID: id}
	switch s.Producer.Rds.By {
	case "dbInstance":
		sd.Param = id + "RdsInstanceId"
		sd.ByText = fmt.Sprintf("type ARN naming the RDS DB instance `%s` gives, by its ARN in this account and region; AWS takes the port and addresses from the database itself", sd.Param)
	case "dbCluster":
		sd.Param = id + "RdsClusterId"
		sd.ByText = fmt.Sprintf("type ARN naming the Aurora DB cluster `%s` gives, by its ARN in this account and region; AWS takes the port and addresses from the cluster itself", sd.Param)
	default:
		sd.Param = id + "TargetHostname"
		sd.ByText = fmt.Sprintf("type SINGLE naming the database by the DNS name `%s` gives (IPv4), on TCP %s: the gateway resolves it and connects to the address it finds in the VPC", sd.Param, portList(s.Ports))
	}
	return sd
}

func portList(ps []int) string { return guideFuncs["ports"].(func([]int) string)(ps) }
