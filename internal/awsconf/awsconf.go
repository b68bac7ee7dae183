// Package awsconf loads the AWS SDK's configuration the way every command
// that calls AWS does (status, accept, publish, bench -status): the standard
// credential chain and AWS_ENDPOINT_URL, read by the SDK itself, but without
// the SDK's own log lines. Those (e.g. "WARN falling back to IMDSv1" when the
// chain probes the instance metadata service off EC2) would land between the
// command's output lines; a failure that matters comes back as an error,
// which the commands print in one line.
package awsconf

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
)

// Load returns the SDK configuration, with optFns applied after the quiet
// logger.
func Load(ctx context.Context, optFns ...func(*awsconfig.LoadOptions) error) (aws.Config, error) {
	return awsconfig.LoadDefaultConfig(ctx, append([]func(*awsconfig.LoadOptions) error{awsconfig.WithLogger(logging.Nop{})}, optFns...)...)
}
