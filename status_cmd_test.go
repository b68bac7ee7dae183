package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
)

func TestStatusExitsTwoOnUsageAndWithoutCredentials(t *testing.T) {
	assert.Equal(t, 2, statusCommand([]string{"-no-such-flag"}))
	assert.Equal(t, 0, statusCommand([]string{"-h"}))
	assert.Equal(t, 2, statusCommand([]string{"-customer", "no-such-customer"}), "an unknown customer is a usage error")

	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "us-east-1")
	assert.Equal(t, 2, statusCommand(nil), "no credentials: nothing could be read")
	assert.Equal(t, 2, acceptCommand([]string{"-yes"}))
	assert.Equal(t, 2, acceptCommand([]string{"-region", "ap-south-1"}), "no inbound customer there")
}

func TestNoProgressNorColourOffATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	assert.NoError(t, err)
	defer f.Close()
	progress, done := progressLine(f, "status")
	assert.Nil(t, progress, "cron and CI get no progress line")
	done()
	assert.False(t, colorful(f))
	info, _ := f.Stat()
	assert.Zero(t, info.Size())
}

// Credentials reach one account: with cells, status and accept read one
// cell, named, and nothing else.
func TestStatusAndAcceptReadOneCell(t *testing.T) {
	fleet, err := config.Load("examples/cells")
	require.NoError(t, err)
	_, err = cellFleet(fleet, "")
	assert.ErrorContains(t, err, "split across cells (cell-1, cell-2)")
	_, err = cellFleet(fleet, "cell-9")
	assert.ErrorContains(t, err, "not one of the fleet's cells")
	sub, err := cellFleet(fleet, "cell-2")
	require.NoError(t, err)
	assert.Equal(t, "222233334444", sub.Vendor.Account)
	assert.Len(t, sub.Customers, 1)

	single, err := config.Load("config")
	require.NoError(t, err)
	whole, err := cellFleet(single, "")
	require.NoError(t, err)
	assert.Same(t, single, whole)
	_, err = cellFleet(single, "cell-1")
	assert.ErrorContains(t, err, "declares no cells")

	assert.Equal(t, 2, statusCommand([]string{"-config", "examples/cells"}), "no -cell: a usage error")
	assert.Equal(t, 2, acceptCommand([]string{"-config", "examples/cells", "-yes"}))
}
