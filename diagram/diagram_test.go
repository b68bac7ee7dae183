package diagram

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
)

var names = Names{ProducerStack: "example-integrations-privatelink", InboundStack: "example-integrations-platform-privatelink"}

func exampleFleet(t *testing.T) *config.Fleet {
	t.Helper()
	fleet, err := config.Load("../config")
	require.NoError(t, err)
	return fleet
}

// Every example customer's diagram is generated, parses, and draws what its
// configuration has: each service, the VPN's gateways, tunnels and networks,
// the inbound endpoint and the vendor's service.
func TestEveryExampleCustomerHasADiagram(t *testing.T) {
	fleet := exampleFleet(t)
	for _, c := range fleet.Customers {
		t.Run(c.Name, func(t *testing.T) {
			src, err := Customer(fleet.Vendor, c, names)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(src, "flowchart LR\n"))
			want := []string{`subgraph Vendor["Example Integrations: AWS account 111122223333"]`, "AWS account " + c.Account}
			if pl := c.PrivateLink; pl != nil {
				want = append(want, "vendor VPC "+pl.VpcCidr, "stack "+c.Name+"-PrivateLink")
				for _, s := range pl.Services {
					want = append(want, wantService(s)...)
				}
			}
			if vp := c.Vpn; vp != nil {
				want = append(want, "vendor VPC "+vp.VpcCidr, "virtual private gateway", "your VPN device "+vp.CustomerGateway.IPAddress,
					"tunnel 1", "tunnel 2")
				want = append(want, c.Vpn.RemoteNetworks...)
			}
			if c.InboundPrivateLink != nil {
				want = append(want, "stack Vendor-Inbound-"+c.Region, "interface endpoint", "stack "+names.InboundStack,
					fleet.Vendor.InboundPrivateLink.Regions[c.Region].ServiceName)
			}
			for _, w := range want {
				assert.Contains(t, src, w)
			}
		})
	}
}

// wantService is what a diagram draws for one PrivateLink service.
func wantService(s config.Service) []string {
	var want []string
	switch {
	case s.Pending() && s.ViaResourceGateway():
		want = append(want, "no endpoint to "+s.Name+" yet", `-.->|"once you send the resource configuration ARN"|`)
	case s.Pending():
		want = append(want, "no endpoint to "+s.Name+" yet", `-.->|"once you send the service name"|`)
	case s.ViaResourceGateway():
		want = append(want, "resource endpoint "+s.Name, `==>|"AWS PrivateLink, shared through AWS RAM"|`)
	default:
		want = append(want, "interface endpoint "+s.Name)
	}
	switch {
	case s.ViaResourceGateway():
		want = append(want, "resource configuration "+s.Name)
	default:
		want = append(want, "endpoint service "+s.Name)
	}
	switch {
	case s.Producer != nil && s.ViaResourceGateway():
		want = append(want, "stack "+names.ProducerStack, "resource gateway", "shared with Example Integrations' account only")
	case s.Producer != nil:
		want = append(want, "stack "+names.ProducerStack, "internal Network Load Balancer")
	}
	return want
}

// A customer of mode resourceGateway (what each service draws,
// TestEveryExampleCustomerHasADiagram checks): one resource gateway, and per
// service its database; no load balancer, no registrar.
func TestDiagramOfResourceGatewayServices(t *testing.T) {
	fleet := exampleFleet(t)
	wayne := fleet.Customer("wayne")
	require.NotNil(t, wayne, "wayne in the example fleet")
	src, err := Customer(fleet.Vendor, wayne, names)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(src, `ResourceGateway["resource gateway`), "one resource gateway:\n%s", src)
	assert.Contains(t, src, `ResourceGateway -->|"TCP 5432"| TargetLedger`)
	assert.Contains(t, src, `TargetLedger[("Aurora cluster")]`)
	assert.Contains(t, src, `TargetBilling[("database, by hostname")]`)
	for _, absent := range []string{"Network Load Balancer", "registrar", "endpoint service"} {
		assert.NotContains(t, src, absent)
	}
}

// The NAT gateway a VPN customer gets by default is drawn, and so is the
// registrar of a database target.
func TestDiagramDrawsWhatCostsAndWhatMoves(t *testing.T) {
	fleet := exampleFleet(t)
	hooli, err := Customer(fleet.Vendor, fleet.Customer("hooli"), names)
	require.NoError(t, err)
	assert.Contains(t, hooli, "3 NAT gateways, one per AZ")
	assert.Contains(t, hooli, `VpnGateway ==>|"tunnel 1, 169.254.40.0/30, IKEv2, BGP"| Device`)
	initech, err := Customer(fleet.Vendor, fleet.Customer("initech"), names)
	require.NoError(t, err)
	assert.Contains(t, initech, `"1 NAT gateway<br/>and an internet gateway"`)
	assert.Contains(t, initech, "cross-region PrivateLink from us-east-1")
	acme, err := Customer(fleet.Vendor, fleet.Customer("acme"), names)
	require.NoError(t, err)
	assert.Contains(t, acme, `RegistrarDb -.->|"registers them in"| NlbDb`)
	assert.Contains(t, acme, `TargetReports[("Aurora cluster, readers")]`)
}

// Whatever a display name holds that validation lets through, the label
// escapes it and the diagram still parses.
func TestLabelsEscapeWhatMermaidReads(t *testing.T) {
	fleet := exampleFleet(t)
	c := *fleet.Customer("umbrella")
	c.DisplayName = `Umbrella & Söhne "Labs" #1; {R&D} (EU)`
	src, err := Customer(fleet.Vendor, &c, names)
	require.NoError(t, err)
	assert.Contains(t, src, `Umbrella #38; Söhne #34;Labs#34; #35;1#59; #123;R#38;D#125; (EU): AWS account`)
}

func TestCheckFindsWhatMermaidRejects(t *testing.T) {
	good := "flowchart LR\n  subgraph A[\"a\"]\n    B[\"b<br/>#35;1\"]\n    C[(\"c\")]\n  end\n  B -->|\"x\"| C\n  B ==> C\n"
	require.NoError(t, Check(good))
	for name, tc := range map[string]struct{ src, says string }{
		"no header":        {"graph\n  A[\"a\"]\n", "not a flowchart header"},
		"unclosed":         {"flowchart LR\n  subgraph S[\"s\"]\n    A[\"a\"]\n", "subgraph S is never closed"},
		"end without open": {"flowchart LR\n  A[\"a\"]\n  end\n", "end without a subgraph"},
		"empty subgraph":   {"flowchart LR\n  subgraph S[\"s\"]\n  end\n  A[\"a\"]\n", "subgraph S is empty"},
		"undefined node":   {"flowchart LR\n  A[\"a\"]\n  A --> B\n", `edge to "B"`},
		"twice":            {"flowchart LR\n  A[\"a\"]\n  A[\"b\"]\n", `"A" is defined twice`},
		"keyword id":       {"flowchart LR\n  end[\"a\"]\n", "is a Mermaid keyword"},
		"keyword node":     {"flowchart LR\n  style[\"a\"]\n", "is a Mermaid keyword"},
		"raw hash":         {"flowchart LR\n  A[\"a #1\"]\n", "holds a character Mermaid reads as syntax"},
		"raw angle":        {"flowchart LR\n  A[\"a <b>\"]\n", "holds a character Mermaid reads as syntax"},
		"quote in label":   {"flowchart LR\n  A[\"a \"b\"\"]\n", "neither a node"},
		"unquoted":         {"flowchart LR\n  A[a]\n", "neither a node"},
		"empty label":      {"flowchart LR\n  A[\" \"]\n", "empty label"},
	} {
		err := Check(tc.src)
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), tc.says, name)
		}
	}
}
