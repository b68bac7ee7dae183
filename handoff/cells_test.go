package handoff

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
)

// In a fleet of cells, each customer's bundle names its cell: the account
// that owns the endpoint, the principal to allow, the service to reach.
func TestBundlesNameTheCustomersCell(t *testing.T) {
	fleet, err := config.Load("../examples/cells")
	require.NoError(t, err)
	bundles, err := Build(fleet.Vendor, fleet.Customers)
	require.NoError(t, err)
	files := map[string]map[string][]byte{}
	for _, b := range bundles {
		files[b.Customer.Name] = b.Files
	}
	producer := string(files["acme"][ProducerFile])
	assert.Contains(t, producer, "arn:aws:iam::111122223333:root", "acme allow-lists cell-1's principal")
	assert.Contains(t, producer, "**111122223333**", "and accepts cell-1's endpoint")
	assert.NotContains(t, producer, "222233334444")

	inbound := string(files["umbrella"][InboundFile])
	assert.Contains(t, inbound, "com.amazonaws.vpce.us-east-1.vpce-svc-0a9b8c7d6e5f40312", "umbrella reaches cell-2's service")
	assert.NotContains(t, inbound, "vpce-svc-0f1e2d3c4b5a69788", "not cell-1's")
	assert.Contains(t, string(files["acme"][InboundFile]), "vpce-svc-0f1e2d3c4b5a69788", "acme reaches cell-1's")
}
