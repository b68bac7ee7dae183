package status

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
	"github.com/aws/smithy-go"

	"github.com/privateconnect/privateconnect/config"
)

// fakeRegion is one region of a fake vendor account: what its APIs answer.
// errs[action] fails that call; block makes every call wait for the
// context (a region that never answers).
type fakeRegion struct {
	stacks    []cfntypes.Stack
	endpoints []ec2types.VpcEndpoint
	subnets   []ec2types.Subnet
	vpns      []ec2types.VpnConnection
	conns     []ec2types.VpcEndpointConnection
	alarms    []cwtypes.MetricAlarm
	probes    map[[2]string][]float64 // (customer, target) -> values, newest first
	errs      map[string]error
	block     bool
	refuse    map[string]string // endpoint ID -> error code AcceptVpcEndpointConnections answers
	invites   []ramtypes.ResourceShareInvitation

	mu       sync.Mutex
	calls    []string
	accepted []string // endpoint IDs and invitation ARNs
	inflight *atomic.Int32
	peak     *atomic.Int32
}

func (f *fakeRegion) call(ctx context.Context, action string) error {
	f.mu.Lock()
	f.calls = append(f.calls, action)
	f.mu.Unlock()
	if f.inflight != nil {
		n := f.inflight.Add(1)
		defer f.inflight.Add(-1)
		for {
			p := f.peak.Load()
			if n <= p || f.peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if f.block {
		<-ctx.Done()
		return ctx.Err()
	}
	return f.errs[action]
}

func (f *fakeRegion) DescribeStacks(ctx context.Context, _ *cloudformation.DescribeStacksInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	if err := f.call(ctx, "cloudformation:DescribeStacks"); err != nil {
		return nil, err
	}
	return &cloudformation.DescribeStacksOutput{Stacks: f.stacks}, nil
}

func (f *fakeRegion) DescribeVpcEndpoints(ctx context.Context, _ *ec2.DescribeVpcEndpointsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointsOutput, error) {
	if err := f.call(ctx, "ec2:DescribeVpcEndpoints"); err != nil {
		return nil, err
	}
	return &ec2.DescribeVpcEndpointsOutput{VpcEndpoints: f.endpoints}, nil
}

func (f *fakeRegion) DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	if err := f.call(ctx, "ec2:DescribeSubnets"); err != nil {
		return nil, err
	}
	var out []ec2types.Subnet
	for _, s := range f.subnets {
		for _, want := range in.Filters[0].Values {
			if aws.ToString(s.SubnetId) == want {
				out = append(out, s)
			}
		}
	}
	return &ec2.DescribeSubnetsOutput{Subnets: out}, nil
}

func (f *fakeRegion) DescribeVpnConnections(ctx context.Context, _ *ec2.DescribeVpnConnectionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpnConnectionsOutput, error) {
	if err := f.call(ctx, "ec2:DescribeVpnConnections"); err != nil {
		return nil, err
	}
	return &ec2.DescribeVpnConnectionsOutput{VpnConnections: f.vpns}, nil
}

func (f *fakeRegion) DescribeVpcEndpointConnections(ctx context.Context, in *ec2.DescribeVpcEndpointConnectionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointConnectionsOutput, error) {
	if err := f.call(ctx, "ec2:DescribeVpcEndpointConnections"); err != nil {
		return nil, err
	}
	var out []ec2types.VpcEndpointConnection
	for _, c := range f.conns {
		if aws.ToString(c.ServiceId) == in.Filters[0].Values[0] {
			out = append(out, c)
		}
	}
	return &ec2.DescribeVpcEndpointConnectionsOutput{VpcEndpointConnections: out}, nil
}

func (f *fakeRegion) AcceptVpcEndpointConnections(ctx context.Context, in *ec2.AcceptVpcEndpointConnectionsInput, _ ...func(*ec2.Options)) (*ec2.AcceptVpcEndpointConnectionsOutput, error) {
	if err := f.call(ctx, "ec2:AcceptVpcEndpointConnections"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &ec2.AcceptVpcEndpointConnectionsOutput{}
	for _, id := range in.VpcEndpointIds {
		if code, ok := f.refuse[id]; ok {
			out.Unsuccessful = append(out.Unsuccessful, ec2types.UnsuccessfulItem{ResourceId: aws.String(id),
				Error: &ec2types.UnsuccessfulItemError{Code: aws.String(code), Message: aws.String("no")}})
			continue
		}
		f.accepted = append(f.accepted, id)
	}
	for i, c := range f.conns {
		for _, id := range f.accepted {
			if aws.ToString(c.VpcEndpointId) == id && aws.ToString(c.ServiceId) == aws.ToString(in.ServiceId) {
				f.conns[i].VpcEndpointState = ec2types.StateAvailable
			}
		}
	}
	return out, nil
}

func (f *fakeRegion) GetResourceShareInvitations(ctx context.Context, _ *ram.GetResourceShareInvitationsInput, _ ...func(*ram.Options)) (*ram.GetResourceShareInvitationsOutput, error) {
	if err := f.call(ctx, "ram:GetResourceShareInvitations"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return &ram.GetResourceShareInvitationsOutput{ResourceShareInvitations: append([]ramtypes.ResourceShareInvitation(nil), f.invites...)}, nil
}

func (f *fakeRegion) AcceptResourceShareInvitation(ctx context.Context, in *ram.AcceptResourceShareInvitationInput, _ ...func(*ram.Options)) (*ram.AcceptResourceShareInvitationOutput, error) {
	if err := f.call(ctx, "ram:AcceptResourceShareInvitation"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if code, ok := f.refuse[aws.ToString(in.ResourceShareInvitationArn)]; ok {
		return nil, &smithy.GenericAPIError{Code: code, Message: "no"}
	}
	for i, inv := range f.invites {
		if aws.ToString(inv.ResourceShareInvitationArn) == aws.ToString(in.ResourceShareInvitationArn) {
			f.invites[i].Status = ramtypes.ResourceShareInvitationStatusAccepted
			f.accepted = append(f.accepted, aws.ToString(in.ResourceShareInvitationArn))
			return &ram.AcceptResourceShareInvitationOutput{ResourceShareInvitation: &f.invites[i]}, nil
		}
	}
	return nil, &smithy.GenericAPIError{Code: "UnknownResourceException", Message: "no such invitation"}
}

func (f *fakeRegion) DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if err := f.call(ctx, "cloudwatch:DescribeAlarms"); err != nil {
		return nil, err
	}
	var out []cwtypes.MetricAlarm
	for _, a := range f.alarms {
		if a.StateValue == in.StateValue {
			out = append(out, a)
		}
	}
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: out}, nil
}

func (f *fakeRegion) ListMetrics(ctx context.Context, in *cloudwatch.ListMetricsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error) {
	if err := f.call(ctx, "cloudwatch:ListMetrics"); err != nil {
		return nil, err
	}
	var out []cwtypes.Metric
	for k := range f.probes {
		out = append(out, cwtypes.Metric{Namespace: in.Namespace, MetricName: in.MetricName, Dimensions: []cwtypes.Dimension{
			{Name: aws.String("Customer"), Value: aws.String(k[0])}, {Name: aws.String("Target"), Value: aws.String(k[1])}}})
	}
	return &cloudwatch.ListMetricsOutput{Metrics: out}, nil
}

func (f *fakeRegion) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	if err := f.call(ctx, "cloudwatch:GetMetricData"); err != nil {
		return nil, err
	}
	var out []cwtypes.MetricDataResult
	for _, q := range in.MetricDataQueries {
		m := q.MetricStat.Metric
		values := f.probes[[2]string{dimension(*m, "Customer"), dimension(*m, "Target")}]
		res := cwtypes.MetricDataResult{Id: q.Id}
		for i, v := range values {
			res.Timestamps = append(res.Timestamps, in.EndTime.Add(-time.Duration(i+1)*time.Minute))
			res.Values = append(res.Values, v)
		}
		out = append(out, res)
	}
	return &cloudwatch.GetMetricDataOutput{MetricDataResults: out}, nil
}

// fakeAccount is the fake vendor account, by region.
type fakeAccount map[string]*fakeRegion

func (a fakeAccount) clients(region string) Clients {
	r := a[region]
	if r == nil {
		r = &fakeRegion{}
		a[region] = r
	}
	return Clients{EC2: r, CloudFormation: r, CloudWatch: r, RAM: r}
}

// Builders of what the fakes answer.

func stack(name, status string, outputs ...string) cfntypes.Stack {
	s := cfntypes.Stack{StackName: aws.String(name), StackStatus: cfntypes.StackStatus(status)}
	for i := 0; i+1 < len(outputs); i += 2 {
		s.Outputs = append(s.Outputs, cfntypes.Output{OutputKey: aws.String(outputs[i]), OutputValue: aws.String(outputs[i+1])})
	}
	return s
}

var created = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func vpce(id, state string, subnets ...string) ec2types.VpcEndpoint {
	return ec2types.VpcEndpoint{VpcEndpointId: aws.String(id), State: ec2types.State(state), CreationTimestamp: aws.Time(created), SubnetIds: subnets}
}

func subnet(id, az string) ec2types.Subnet {
	return ec2types.Subnet{SubnetId: aws.String(id), AvailabilityZoneId: aws.String(az)}
}

func vpnConn(id string, tunnels ...string) ec2types.VpnConnection {
	v := ec2types.VpnConnection{VpnConnectionId: aws.String(id), State: ec2types.VpnStateAvailable}
	for i := 0; i+1 < len(tunnels); i += 2 {
		msg := ""
		if tunnels[i+1] == "DOWN" {
			msg = "IPSEC IS DOWN"
		}
		v.VgwTelemetry = append(v.VgwTelemetry, ec2types.VgwTelemetry{OutsideIpAddress: aws.String(tunnels[i]), Status: ec2types.TelemetryStatus(tunnels[i+1]),
			LastStatusChange: aws.Time(created), StatusMessage: aws.String(msg), AcceptedRouteCount: aws.Int32(2)})
	}
	return v
}

func conn(service, endpointID, owner, state string) ec2types.VpcEndpointConnection {
	return ec2types.VpcEndpointConnection{ServiceId: aws.String(service), VpcEndpointId: aws.String(endpointID), VpcEndpointOwner: aws.String(owner),
		VpcEndpointState: ec2types.State(state), CreationTimestamp: aws.Time(created)}
}

// invite is a RAM invitation from sender's share in region, PENDING unless a status is given.
func invite(id, region, sender, share string, status ...ramtypes.ResourceShareInvitationStatus) ramtypes.ResourceShareInvitation {
	st := ramtypes.ResourceShareInvitationStatusPending
	if len(status) > 0 {
		st = status[0]
	}
	return ramtypes.ResourceShareInvitation{
		ResourceShareInvitationArn: aws.String("arn:aws:ram:" + region + ":" + sender + ":resource-share-invitation/" + id),
		ResourceShareArn:           aws.String("arn:aws:ram:" + region + ":" + sender + ":resource-share/" + id),
		ResourceShareName:          aws.String(share), SenderAccountId: aws.String(sender), ReceiverAccountId: aws.String("123456789012"),
		InvitationTimestamp: aws.Time(created), Status: st,
	}
}

func alarm(name string) cwtypes.MetricAlarm {
	return cwtypes.MetricAlarm{AlarmName: aws.String(name), StateValue: cwtypes.StateValueAlarm, StateUpdatedTimestamp: aws.Time(created), StateReason: aws.String("Threshold Crossed")}
}

// testFleet: acme (PrivateLink, one service pending handover), acme-eu
// (VPN; its name starts with acme's), umbrella (inbound) and wayne
// (nothing deployed yet), in two regions.
func testFleet() *config.Fleet {
	f := &config.Fleet{Vendor: &config.Vendor{}, Customers: []*config.Customer{
		{Name: "acme", Region: "us-east-1", Account: "111111111111", PrivateLink: &config.PrivateLink{Services: []config.Service{
			{Name: "db", ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", Ports: []int{5432}},
			{Name: "reports", Ports: []int{443}},
		}}},
		{Name: "acme-eu", Region: "eu-west-1", Account: "222222222222", Vpn: &config.Vpn{}},
		{Name: "umbrella", Region: "us-east-1", Account: "333333333333", InboundPrivateLink: &config.InboundPrivateLink{Accounts: []string{"333333333333", "444444444444"}}},
		{Name: "wayne", Region: "eu-west-1", Account: "555555555555", PrivateLink: &config.PrivateLink{Services: []config.Service{
			{Name: "api", ServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef1", Ports: []int{443}}}}},
	}}
	return f
}

// healthyAccount is the account of testFleet with everything working.
func healthyAccount() fakeAccount {
	return fakeAccount{
		"us-east-1": {
			stacks: []cfntypes.Stack{
				stack("acme-PrivateLink", "UPDATE_COMPLETE", "DbEndpointId", "vpce-0acme", "DbEndpointDnsName", "vpce-0acme-x.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com"),
				stack("Vendor-Inbound-us-east-1", "CREATE_COMPLETE", "ServiceId", "vpce-svc-0inbound"),
				stack("unrelated", "CREATE_COMPLETE", "DbEndpointId", "vpce-0other"),
			},
			endpoints: []ec2types.VpcEndpoint{vpce("vpce-0acme", "available", "subnet-1", "subnet-2"), vpce("vpce-0other", "rejected")},
			subnets:   []ec2types.Subnet{subnet("subnet-1", "use1-az1"), subnet("subnet-2", "use1-az2")},
			conns: []ec2types.VpcEndpointConnection{
				conn("vpce-svc-0inbound", "vpce-0umb", "333333333333", "available"),
				conn("vpce-svc-0inbound", "vpce-0stranger", "999999999999", "pendingAcceptance"),
			},
			alarms: []cwtypes.MetricAlarm{alarm("someone-elses-alarm")},
			probes: map[[2]string][]float64{{"acme", "db:5432"}: {1, 1, 0}},
		},
		"eu-west-1": {
			stacks: []cfntypes.Stack{stack("acme-eu-Vpn", "CREATE_COMPLETE", "VpnConnectionId", "vpn-0eu")},
			vpns:   []ec2types.VpnConnection{vpnConn("vpn-0eu", "52.0.0.1", "UP", "52.0.0.2", "UP")},
		},
	}
}
