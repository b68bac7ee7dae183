package config

import "fmt"

// Limit is a hard AWS limit that a stack of the fleet must stay within, with
// the AWS documentation that states it. Every limit privateconnect checks
// before synth is in the table below, and nowhere else.
type Limit struct {
	What   string // what is counted, e.g. "resources in a template"
	Max    int
	Source string
}

func (l Limit) String() string { return fmt.Sprintf("%d %s", l.Max, l.What) }

const (
	cfnQuotas    = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html"
	lambdaQuotas = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
	ssmQuotas    = "https://docs.aws.amazon.com/general/latest/gr/ssm.html"
	ec2SgLimits  = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"
)

// The limits, as AWS documents them (read 2026-11-27).
var (
	LimitResources  = Limit{"resources in a template", 500, cfnQuotas}
	LimitParameters = Limit{"parameters in a template", 200, cfnQuotas}
	LimitOutputs    = Limit{"outputs in a template", 200, cfnQuotas}
	LimitMappings   = Limit{"mappings in a template", 200, cfnQuotas}
	// A template uploaded to S3 first: what cdk deploy does for the vendor's
	// stacks, and the producer guide's --s3-bucket above the inline limit.
	// "1 MB" is read as 10^6 bytes, the stricter reading.
	LimitTemplateBytes = Limit{"bytes of template body (from S3)", 1_000_000, cfnQuotas}
	// A template passed in the request: the inbound guide's deploy command.
	LimitInlineTemplateBytes = Limit{"bytes of template body (passed inline)", 51_200, cfnQuotas}
	// Keys and values of all of a function's environment variables together.
	LimitLambdaEnvironment = Limit{"bytes of Lambda environment variables", 4096, lambdaQuotas}
	// A standard-tier parameter, which is what the stacks create.
	LimitSsmValue = Limit{"bytes of SSM parameter value (standard tier)", 4096, ssmQuotas}
	// GroupDescription, which the stacks write from names and port lists.
	LimitSecurityGroupDescription = Limit{"characters of security group description", 255, ec2SgLimits}
)

// Limits lists every limit checked, for documentation and tests.
var Limits = []Limit{LimitResources, LimitParameters, LimitOutputs, LimitMappings,
	LimitTemplateBytes, LimitInlineTemplateBytes, LimitLambdaEnvironment, LimitSsmValue, LimitSecurityGroupDescription}
