package stacks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
)

// createOnly are the properties whose change makes CloudFormation replace a
// resource, for the types of the producer templates: the createOnlyProperties
// of their resource schemas
// (https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html).
// A Network Load Balancer's SecurityGroups is not among them, but the ELB
// API refuses to add groups to one created without any
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html).
var createOnly = map[string][]string{
	"AWS::CloudWatch::Alarm":                      {"AlarmName"},
	"AWS::EC2::SecurityGroup":                     {"GroupDescription", "GroupName", "VpcId"},
	"AWS::EC2::VPCEndpointConnectionNotification": {"ServiceId", "VPCEndpointId"},
	"AWS::EC2::VPCEndpointService":                {},
	"AWS::EC2::VPCEndpointServicePermissions":     {"ServiceId"},
	"AWS::ElasticLoadBalancingV2::Listener":       {"LoadBalancerArn"},
	"AWS::ElasticLoadBalancingV2::LoadBalancer":   {"Name", "Type", "Scheme"},
	"AWS::ElasticLoadBalancingV2::TargetGroup":    {"TargetType", "ProtocolVersion", "Port", "Name", "VpcId", "Protocol", "IpAddressType"},
	"AWS::Events::Rule":                           {"Name"},
	"AWS::IAM::Role":                              {"Path", "RoleName"},
	"AWS::Lambda::Function":                       {"FunctionName", "PackageType", "TenancyConfig"},
	"AWS::Lambda::Permission":                     {"FunctionName", "FunctionUrlAuthType", "InvokedViaFunctionUrl", "SourceAccount", "SourceArn", "Principal", "PrincipalOrgID", "Action", "EventSourceToken"},
	"AWS::Logs::LogGroup":                         {"LogGroupName"},
	"AWS::SSM::Parameter":                         {"Name"},
}

// withoutLoadBalancerGroup is c with every handed-over service set to
// loadBalancerSecurityGroup: false, as the vendor sets it for a customer who
// deployed the first release.
func withoutLoadBalancerGroup(c *config.Customer) *config.Customer {
	out := *c
	pl := *c.PrivateLink
	pl.Services = append([]config.Service(nil), pl.Services...)
	for i, s := range pl.Services {
		if s.Producer != nil {
			pr := *s.Producer
			pr.LoadBalancerSecurityGroup = new(bool)
			pl.Services[i].Producer = &pr
		}
	}
	out.PrivateLink = &pl
	return &out
}

// A customer who deployed the first release's template updates it to
// today's, built with loadBalancerSecurityGroup: false, in place: every
// resource of the first release keeps its logical ID and type, and none of
// its create-only properties changes, so CloudFormation replaces nothing
// (above all not the load balancer the vendor's endpoint is connected
// through). With the setting's default, the load balancer and its target
// groups are new resources, and the endpoint service stays.
func TestFirstReleaseStacksUpdateInPlace(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "first-release", "*-Producer.json"))
	require.NotEmpty(t, files, "a first-release template in testdata/first-release")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), "-Producer.json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			var old cdktest.Template
			require.NoError(t, json.Unmarshal(raw, &old))
			c := example.fleet.Customer(name)
			require.NotNil(t, c, "customer %s in the example fleet", name)
			variant := withoutLoadBalancerGroup(c)
			outdir := t.TempDir()
			app := NewApp(outdir)
			stack := NewProducerStack(app, example.fleet.Vendor, variant)
			app.Synth(nil)
			raw, err = os.ReadFile(filepath.Join(outdir, *stack.StackName()+".template.json"))
			require.NoError(t, err)
			var kept cdktest.Template
			require.NoError(t, json.Unmarshal(raw, &kept))
			// config's estimate of the stack follows the setting too.
			checkFootprints(t, &config.Fleet{Vendor: example.fleet.Vendor, Customers: []*config.Customer{variant}},
				[]awscdk.Stack{stack}, func(string) []byte { return raw })
			secured := example.templates[StackName(c, ModeProducer)]
			oldResources := old["Resources"].(map[string]any)
			ids := make([]string, 0, len(oldResources))
			for id := range oldResources {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			lbTypes := 0
			for _, id := range ids {
				was := oldResources[id].(map[string]any)
				typ := was["Type"].(string)
				now := kept.Resource(id)
				if !assert.Equal(t, typ, now["Type"], "%s (%s) of the first release is gone: CloudFormation would delete it", id, typ) {
					continue
				}
				props, ok := createOnly[typ]
				assert.True(t, ok, "%s: no create-only properties listed for %s", id, typ)
				for _, p := range props {
					cdktest.JSONEq(t, dig(was["Properties"], p), dig(now["Properties"], p), "%s: create-only %s changes: CloudFormation would replace it", id, p)
				}
				if strings.HasPrefix(typ, "AWS::ElasticLoadBalancingV2::") {
					lbTypes++
					if typ == "AWS::ElasticLoadBalancingV2::LoadBalancer" {
						assert.Nil(t, dig(now["Properties"], "SecurityGroups"), "%s gets security groups, which AWS cannot add to a load balancer created without", id)
					}
					// The secured shape is a new load balancer: new logical IDs but for the listeners.
					if typ != "AWS::ElasticLoadBalancingV2::Listener" {
						assert.Nil(t, secured.Resource(id), "%s is in the secured template too: a target group serves one load balancer, the secured one is new", id)
					}
				}
				if typ == "AWS::EC2::VPCEndpointService" {
					assert.NotNil(t, secured.Resource(id), "%s is not in the secured template: the endpoint service (its ID and name) must stay", id)
				}
			}
			assert.NotZero(t, lbTypes, "the first release's template has no load balancer resource: wrong file?")
			kept.ResourceCountIs(t, "AWS::EC2::SecurityGroup", 0, "with loadBalancerSecurityGroup: false")
			if _, ok := kept["Outputs"].(map[string]any); ok {
				for out := range kept["Outputs"].(map[string]any) {
					assert.False(t, strings.HasSuffix(out, "NlbSecurityGroupId"), "output %s without a security group", out)
				}
			}
		})
	}
}
