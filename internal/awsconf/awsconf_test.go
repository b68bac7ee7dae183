package awsconf

import (
	"context"
	"testing"

	"github.com/aws/smithy-go/logging"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Load replaces the SDK's logger (which writes to stderr) with one that
// drops, and keeps the standard credential chain.
func TestLoadIsQuiet(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // nothing may reach the instance metadata service
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	cfg, err := Load(context.Background())
	require.NoError(t, err)
	assert.IsType(t, logging.Nop{}, cfg.Logger, "the SDK's logger")
	_, err = cfg.Credentials.Retrieve(context.Background())
	assert.NoError(t, err, "the standard chain still reads the environment")
}
