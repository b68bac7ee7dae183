package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A ready resource-gateway service is probed like any other, but has no
// endpoint metrics to graph (AWS/PrivateLinkEndpoints holds interface
// endpoints' only); a pending one has neither.
func TestDashboardOfResourceEndpoints(t *testing.T) {
	enabled := true
	c := &Customer{Name: "wayne", Probe: &Probe{Enabled: &enabled}, PrivateLink: &PrivateLink{Services: []Service{
		{Name: "ledger", ResourceConfigurationArn: "arn:aws:vpc-lattice:us-east-1:246813579135:resourceconfiguration/rcfg-0a1b2c3d4e5f60718",
			Ports: []int{5432}, Producer: &Producer{Mode: ModeResourceGateway}},
		{Name: "billing", Ports: []int{3306}, Producer: &Producer{Mode: ModeResourceGateway}},
		{Name: "api", ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718", Ports: []int{443}},
	}}}
	assert.Equal(t, []string{ProbeTargetName("ledger", "", 5432), ProbeTargetName("api", "", 443)}, ProbeTargets(c), "probe targets: ready services only")
	assert.Equal(t, []string{"com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718"}, EndpointServiceNames(c), "endpoint metrics: interface endpoints only")
}
