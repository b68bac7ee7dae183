package stacks

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/pipelines"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// hardenArtifactBuckets versions the artifact buckets CDK Pipelines creates
// (here and in the support stacks) and expires what no execution needs any
// more, and tells EventBridge of their objects: the Control Tower rules
// on buckets that can be met without changing how the pipeline works.
func hardenArtifactBuckets(pipe pipelines.CodePipeline) {
	buckets := []awss3.IBucket{pipe.Pipeline().ArtifactBucket()}
	for _, support := range *pipe.Pipeline().CrossRegionSupport() {
		buckets = append(buckets, support.ReplicationBucket)
	}
	for _, b := range buckets {
		// Only AWS services may be given grants on the artifacts' key
		// (Control Tower's kms_create_grant_aws_service_check); S3,
		// CodeBuild and CloudFormation use the key without grants.
		b.EncryptionKey().AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("GrantsForAwsServicesOnly"),
			Effect:     awsiam.Effect_DENY,
			Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
			Actions:    jsii.Strings("kms:CreateGrant"),
			Resources:  jsii.Strings("*"),
			Conditions: &map[string]any{"BoolIfExists": map[string]any{"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}},
		}), nil)
		cfn := b.Node().DefaultChild().(awss3.CfnBucket)
		cfn.SetVersioningConfiguration(&awss3.CfnBucket_VersioningConfigurationProperty{Status: jsii.String("Enabled")})
		cfn.SetLifecycleConfiguration(&awss3.CfnBucket_LifecycleConfigurationProperty{Rules: &[]any{
			// An execution's artifacts serve its retries; 90 days on, the
			// fleet has long moved on (a rollback re-runs the source).
			&awss3.CfnBucket_RuleProperty{
				Id:                             jsii.String("ExpireArtifacts"),
				Status:                         jsii.String("Enabled"),
				ExpirationInDays:               jsii.Number(90),
				NoncurrentVersionExpiration:    &awss3.CfnBucket_NoncurrentVersionExpirationProperty{NoncurrentDays: jsii.Number(30)},
				AbortIncompleteMultipartUpload: &awss3.CfnBucket_AbortIncompleteMultipartUploadProperty{DaysAfterInitiation: jsii.Number(7)},
			},
		}})
		cfn.SetNotificationConfiguration(&awss3.CfnBucket_NotificationConfigurationProperty{
			EventBridgeConfiguration: &awss3.CfnBucket_EventBridgeConfigurationProperty{EventBridgeEnabled: jsii.Bool(true)},
		})
	}
	// CDK Pipelines writes the bootstrap roles' ARNs of the target
	// environments as Fn::Join on AWS::Partition, which cfn-lint would have
	// as Fn::Sub (E3703, style only), and the pipeline depends on its role
	// both by GetAtt and DependsOn (W3005): neither changes what deploys.
	cfnPipeline := pipe.Pipeline().Node().DefaultChild().(awscodepipeline.CfnPipeline)
	cfnPipeline.AddMetadata(jsii.String("cfn-lint"), map[string]any{"config": map[string]any{"ignore_checks": []string{"E3703", "W3005"}}})
}

// suppressPipelineFindings accepts, with their reasons, the cdk-nag findings
// on what CDK Pipelines generates: its roles' grants on the pipeline's own
// artifact buckets and keys, CodeBuild's per-build log streams and report
// groups, and the self-mutation's use of the bootstrap roles. Each
// suppression names the exact permissions it covers (appliesTo), so that a
// new wildcard still fails.
func suppressPipelineFindings(stack awscdk.Stack, pipe pipelines.CodePipeline) {
	account, region := regexp.QuoteMeta(*stack.Account()), regexp.QuoteMeta(*stack.Region())
	artifacts := "CDK's read-write grant on the pipeline's own artifact bucket and its KMS key (S3 and KMS action groups, every object of the bucket): " +
		"each execution writes objects under names of its own, and the bucket and key hold nothing but this pipeline's artifacts"
	nag(pipe, true,
		sup("AwsSolutions-IAM5", artifacts,
			"Action::s3:Abort*", "Action::s3:DeleteObject*", "Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*",
			"Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*",
			re(`^Resource::<PipelineArtifactsBucket[0-9A-F]{8}\.Arn>/\*$`),
			// The replication bucket of another region (support stack), named by CDK.
			re(`^Resource::arn:aws:s3:::vendor-pipeline-support-[a-z0-9]+/\*$`)),
		sup("AwsSolutions-IAM5", "CodeBuild writes each build's logs to a stream of its own in the project's log group, and its reports to report groups named after the project: the grant is scoped to this project's",
			re(fmt.Sprintf(`^Resource::arn:aws:logs:%s:%s:log-group:/aws/codebuild/<Pipeline[A-Za-z0-9]+>:\*$`, region, account)),
			re(fmt.Sprintf(`^Resource::arn:aws:codebuild:%s:%s:report-group/<Pipeline[A-Za-z0-9]+>-\*$`, region, account))),
	)
	nag(pipe.Pipeline().Role(), true, sup("AwsSolutions-IAM5",
		"The artifact keys of the other regions are created by the pipeline's support stacks there, whose ARNs this stack cannot reference; "+
			"each key's own policy decides who may use it (the pipeline's roles and the deploy roles of the accounts it deploys to)",
		"Resource::*"))
	nag(pipe.SelfMutationProject().Role(), true,
		sup("AwsSolutions-IAM5",
			"Self-mutation runs cdk deploy of this stack: it assumes the CDK bootstrap roles of the pipeline's account, "+
				"only those tagged aws-cdk:bootstrap-role deploy, file-publishing or image-publishing (the statement's condition)",
			fmt.Sprintf("Resource::arn:*:iam::%s:role/*", *stack.Account())),
		sup("AwsSolutions-IAM5",
			"cdk deploy reads the stack's state (cloudformation:DescribeStacks) and lists the bootstrap bucket before it assumes the deploy role; "+
				"both are reads, granted by CDK Pipelines on every resource",
			"Resource::*"))
	// The artifact buckets.
	logs := "The bucket holds only this pipeline's artifacts (source, cloud assembly), encrypted with the pipeline's KMS key, TLS only, " +
		"reached by the pipeline's roles alone; CloudTrail records who reads it. Access logs would need a log bucket of their own for no more insight"
	nag(pipe.Pipeline().ArtifactBucket(), true, sup("AwsSolutions-S1", logs))
	for _, support := range *pipe.Pipeline().CrossRegionSupport() {
		nag(support.ReplicationBucket, true, sup("AwsSolutions-S1", logs))
	}
}

func nag(c constructs.IConstruct, children bool, s ...*cdknag.NagPackSuppression) {
	cdknag.NagSuppressions_AddResourceSuppressions(c, &s, jsii.Bool(children))
}

func sup(id, reason string, appliesTo ...any) *cdknag.NagPackSuppression {
	s := &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		s.AppliesTo = &appliesTo
	}
	return s
}

func re(pattern string) *cdknag.RegexAppliesTo {
	return &cdknag.RegexAppliesTo{Regex: jsii.String("/" + pattern + "/")}
}
