package status

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/privateconnect/privateconnect/internal/awsconf"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ram"
	"github.com/aws/smithy-go"
)

// EC2 is the part of the EC2 API status and accept use.
type EC2 interface {
	DescribeVpcEndpoints(context.Context, *ec2.DescribeVpcEndpointsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointsOutput, error)
	DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	DescribeVpnConnections(context.Context, *ec2.DescribeVpnConnectionsInput, ...func(*ec2.Options)) (*ec2.DescribeVpnConnectionsOutput, error)
	DescribeVpcEndpointConnections(context.Context, *ec2.DescribeVpcEndpointConnectionsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointConnectionsOutput, error)
	AcceptVpcEndpointConnections(context.Context, *ec2.AcceptVpcEndpointConnectionsInput, ...func(*ec2.Options)) (*ec2.AcceptVpcEndpointConnectionsOutput, error)
}

// CloudFormation is the part of the CloudFormation API status uses.
type CloudFormation interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
}

// CloudWatch is the part of the CloudWatch API status uses.
type CloudWatch interface {
	DescribeAlarms(context.Context, *cloudwatch.DescribeAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
	ListMetrics(context.Context, *cloudwatch.ListMetricsInput, ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error)
	GetMetricData(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

// RAM is the part of the AWS RAM API status and accept use.
type RAM interface {
	GetResourceShareInvitations(context.Context, *ram.GetResourceShareInvitationsInput, ...func(*ram.Options)) (*ram.GetResourceShareInvitationsOutput, error)
	AcceptResourceShareInvitation(context.Context, *ram.AcceptResourceShareInvitationInput, ...func(*ram.Options)) (*ram.AcceptResourceShareInvitationOutput, error)
}

// Clients are the API clients of one region.
type Clients struct {
	EC2            EC2
	CloudFormation CloudFormation
	CloudWatch     CloudWatch
	RAM            RAM
}

// ClientsFor returns the clients of a region.
type ClientsFor func(region string) Clients

// NewAWS loads the standard credential chain (environment, shared config
// and credentials files with AWS_PROFILE, SSO, container and instance
// roles) and returns clients per region. AWS_ENDPOINT_URL, when set, sends
// every call there (the SDK reads it itself): that is how e2e points status
// at the emulator. Missing credentials are an error here, in one line,
// rather than once per region and call.
func NewAWS(ctx context.Context) (ClientsFor, error) {
	cfg, err := awsconf.Load(ctx,
		// Throttled calls are retried with backoff a few more times than the
		// SDK's default 3 before status reports the region as throttled.
		awsconfig.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 5 })
		}))
	if err != nil {
		return nil, fmt.Errorf("reading the AWS configuration: %v", err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("no AWS credentials found (%v): set AWS_PROFILE, run aws sso login, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the vendor account", firstLine(err))
	}
	return func(region string) Clients {
		return Clients{
			EC2:            ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.Region = region }),
			CloudFormation: cloudformation.NewFromConfig(cfg, func(o *cloudformation.Options) { o.Region = region }),
			CloudWatch:     cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.Region = region }),
			RAM:            ram.NewFromConfig(cfg, func(o *ram.Options) { o.Region = region }),
		}
	}, nil
}

// problem turns an error of a call in region into one line naming the
// region and the IAM action, with what to do about it.
func problem(region, action string, err error) Problem {
	p := Problem{Region: region, Action: action}
	var ae smithy.APIError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		p.Message = "no answer in time: the region is slow or unreachable (raise -timeout)"
	case errors.Is(err, context.Canceled):
		p.Message = "interrupted"
	case errors.As(err, &ae):
		code := ae.ErrorCode()
		switch {
		case isThrottle(code):
			p.Message = fmt.Sprintf("throttled (%s), still after retries: run again in a minute, or with -parallel 1", code)
		case isDenied(code):
			p.Message = fmt.Sprintf("access denied (%s): the caller needs %s (README: Day two, IAM policy)", code, action)
		case isAuth(code):
			p.Message = fmt.Sprintf("the region refused the credentials (%s): the region may not be enabled for this account (opt-in regions: aws account enable-region), or the credentials are not valid there", code)
		case code == "ExpiredToken" || code == "ExpiredTokenException" || code == "RequestExpired":
			p.Message = fmt.Sprintf("the credentials have expired (%s): sign in again", code)
		default:
			p.Message = fmt.Sprintf("%s: %s", code, firstLine(errors.New(ae.ErrorMessage())))
		}
	default:
		p.Message = firstLine(err)
	}
	return p
}

// isAuthProblem reports whether p says the region refused the credentials.
func isAuthProblem(p Problem) bool {
	return strings.HasPrefix(p.Message, "the region refused the credentials")
}

// notEnabled is what an auth failure means when the same credentials work
// in another region of the fleet.
func notEnabled(p Problem) Problem {
	p.Message = "the region is not enabled for this account (the same credentials work in other regions): enable it (aws account enable-region --region-name " + p.Region + ") or take it out of the fleet"
	return p
}

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html and
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html (throttling codes)
func isThrottle(code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown", "EC2ThrottledException":
		return true
	}
	return false
}

func isDenied(code string) bool {
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "Blocked":
		return true
	}
	return false
}

// A region the account has not enabled refuses the credentials with one of these.
// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
func isAuth(code string) bool {
	switch code {
	case "AuthFailure", "UnrecognizedClientException", "InvalidClientTokenId", "OptInRequired", "SignatureDoesNotMatch":
		return true
	}
	return false
}

func firstLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
