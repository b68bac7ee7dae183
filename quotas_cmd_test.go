package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/quotas"
)

func TestQuotasOfTheExampleFleet(t *testing.T) {
	out, stderr, code := runArgs(t, nil, "quotas", "-config", "config")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "account 111122223333, eu-west-1")
	assert.Contains(t, out, "NAT gateways per Availability Zone (euw1-az1)")
	assert.Contains(t, out, "every need fits: nothing to request")
}

// A fleet over its quotas does not validate, but make quotas prints its plan,
// says what to request and exits 1.
func TestQuotasOfAFleetOverItsQuotas(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("config")))
	vendor, err := os.ReadFile(filepath.Join(dir, "vendor.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "vendor.yaml"), append(vendor, "\nquotas:\n  eu-west-1:\n    L-0263D0A3: 2\n"...), 0o644))

	_, stderr, code := runArgs(t, nil, "validate", "-config", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "quotas.eu-west-1.L-0263D0A3: the fleet needs 3 of EC2-VPC Elastic IPs")

	out, stderr, code := runArgs(t, nil, "quotas", "-config", dir, "-json")
	require.Equal(t, 1, code, stderr)
	var lines []quotas.Line
	require.NoError(t, json.Unmarshal([]byte(out), &lines))
	var eip *quotas.Line
	for i, l := range lines {
		if l.Code == "L-0263D0A3" && l.Region == "eu-west-1" {
			eip = &lines[i]
		}
	}
	require.NotNil(t, eip)
	assert.Equal(t, 3, eip.Need)
	assert.Equal(t, 2, eip.Limit)
	assert.True(t, eip.Recorded)
	assert.Equal(t, -1, eip.Headroom)
	assert.True(t, strings.HasPrefix(eip.Request, "request L-0263D0A3 >= 3 in account 111122223333 eu-west-1"), eip.Request)
	assert.Equal(t, []string{filepath.Join(dir, "customers", "hooli.yaml")}, eip.Over)
}
