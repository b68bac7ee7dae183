package status

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The probes' metric, as the probe stacks publish it (issue 15's contract):
// namespace PrivateConnect/Probe, metric Reachable (1 or 0 a minute),
// dimensions Customer and Target.
const (
	ProbeNamespace = "PrivateConnect/Probe"
	ProbeMetric    = "Reachable"
	// A probe with no datapoint in this window counts as "no data".
	probeWindow = 15 * time.Minute
)

// regionRead is what was read in one region. A nil map means that part
// could not be read (its Problem says why).
type regionRead struct {
	region    string
	stacks    map[string]stackInfo
	endpoints map[string]ec2types.VpcEndpoint
	subnetAZ  map[string]string // subnet ID -> AZ ID
	vpns      map[string]ec2types.VpnConnection
	conns     []ec2types.VpcEndpointConnection // to the region's inbound service
	connsRead bool
	alarms    []Alarm
	alarmsOK  bool
	probes    map[string][]Probe // by customer
	probesOK  bool
	invites   []Invitation // pending RAM invitations, when the region has a customer sharing through a resource gateway
	invitesOK bool

	mu       sync.Mutex
	problems []Problem
}

type stackInfo struct {
	status  string
	outputs map[string]string
}

func (r *regionRead) fail(action string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, problem(r.region, action, err))
}

// wanted is what the fleet has in a region: the stacks to look for.
type wanted struct {
	region    string
	customers []string
	stacks    []string
	inbound   string // the shared inbound stack, or ""
	sharing   bool   // a customer of the region reaches a service through a resource gateway: read RAM invitations
}

// readRegion reads one region; it never returns early on an error, so that
// every part that can be read is.
func readRegion(ctx context.Context, cl Clients, w wanted, now time.Time) *regionRead {
	r := &regionRead{region: w.region}
	var wg sync.WaitGroup
	wg.Add(3)
	if w.sharing {
		wg.Add(1)
		go func() { defer wg.Done(); r.readInvitations(ctx, cl.RAM) }()
	}
	go func() { defer wg.Done(); r.readStacksAndEC2(ctx, cl, w) }()
	go func() { defer wg.Done(); r.readAlarms(ctx, cl.CloudWatch) }()
	go func() { defer wg.Done(); r.readProbes(ctx, cl.CloudWatch, w.customers, now) }()
	wg.Wait()
	sort.Slice(r.problems, func(i, j int) bool { return r.problems[i].Action < r.problems[j].Action })
	return r
}

func (r *regionRead) readStacksAndEC2(ctx context.Context, cl Clients, w wanted) {
	// One listing of the region's stacks (a page per 100 or so) rather than
	// a call per stack: a missing stack is simply absent.
	stacks := map[string]stackInfo{}
	names := slices.Clone(w.stacks)
	if w.inbound != "" {
		names = append(names, w.inbound)
	}
	p := cloudformation.NewDescribeStacksPaginator(cl.CloudFormation, &cloudformation.DescribeStacksInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			r.fail("cloudformation:DescribeStacks", err)
			return
		}
		for _, s := range page.Stacks {
			name := aws.ToString(s.StackName)
			if !slices.Contains(names, name) {
				continue
			}
			out := map[string]string{}
			for _, o := range s.Outputs {
				out[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
			}
			stacks[name] = stackInfo{status: string(s.StackStatus), outputs: out}
		}
	}
	r.stacks = stacks

	var endpointIDs, vpnIDs []string
	var serviceID string
	for name, s := range stacks {
		for k, v := range s.outputs {
			switch {
			case strings.HasSuffix(k, "EndpointId"):
				endpointIDs = append(endpointIDs, v)
			case k == "VpnConnectionId":
				vpnIDs = append(vpnIDs, v)
			case k == "ServiceId" && name == w.inbound:
				serviceID = v
			}
		}
	}
	var wg sync.WaitGroup
	if len(endpointIDs) > 0 {
		wg.Add(1)
		go func() { defer wg.Done(); r.readEndpoints(ctx, cl.EC2, endpointIDs) }()
	}
	if len(vpnIDs) > 0 {
		wg.Add(1)
		go func() { defer wg.Done(); r.readVpns(ctx, cl.EC2, vpnIDs) }()
	}
	if serviceID != "" {
		wg.Add(1)
		go func() { defer wg.Done(); r.readConnections(ctx, cl.EC2, serviceID) }()
	}
	wg.Wait()
}

// filterBatch is how many values go into one EC2 filter. The API reference
// gives no maximum, and large filters are refused in practice (around 200
// values): batches of 100 keep each request well below.
const filterBatch = 100

func batches(ids []string) [][]string {
	var out [][]string
	for len(ids) > filterBatch {
		out = append(out, ids[:filterBatch])
		ids = ids[filterBatch:]
	}
	return append(out, ids)
}

func (r *regionRead) readEndpoints(ctx context.Context, api EC2, ids []string) {
	// All endpoints of the account, matched by ID: a filter on IDs is not
	// needed (an account has few), and an ID list would fail the whole call
	// on one endpoint deleted outside CloudFormation.
	eps := map[string]ec2types.VpcEndpoint{}
	var subnets []string
	p := ec2.NewDescribeVpcEndpointsPaginator(api, &ec2.DescribeVpcEndpointsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			r.fail("ec2:DescribeVpcEndpoints", err)
			return
		}
		for _, e := range page.VpcEndpoints {
			if id := aws.ToString(e.VpcEndpointId); slices.Contains(ids, id) {
				eps[id] = e
				subnets = append(subnets, e.SubnetIds...)
			}
		}
	}
	azs := map[string]string{}
	if len(subnets) > 0 {
		slices.Sort(subnets)
		for _, b := range batches(slices.Compact(subnets)) {
			out, err := api.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("subnet-id"), Values: b}}})
			if err != nil {
				r.fail("ec2:DescribeSubnets", err)
				break
			}
			for _, s := range out.Subnets {
				az := aws.ToString(s.AvailabilityZoneId)
				if az == "" {
					az = aws.ToString(s.AvailabilityZone)
				}
				azs[aws.ToString(s.SubnetId)] = az
			}
		}
	}
	r.mu.Lock()
	r.endpoints, r.subnetAZ = eps, azs
	r.mu.Unlock()
}

func (r *regionRead) readVpns(ctx context.Context, api EC2, ids []string) {
	// All of the region's VPN connections (one call, no pages; the default
	// quota is 50 a region), matched by ID: an ID list would fail the whole
	// call on one connection deleted outside CloudFormation.
	out, err := api.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
	if err != nil {
		r.fail("ec2:DescribeVpnConnections", err)
		return
	}
	vpns := map[string]ec2types.VpnConnection{}
	for _, v := range out.VpnConnections {
		if id := aws.ToString(v.VpnConnectionId); slices.Contains(ids, id) {
			vpns[id] = v
		}
	}
	r.mu.Lock()
	r.vpns = vpns
	r.mu.Unlock()
}

func (r *regionRead) readConnections(ctx context.Context, api EC2, serviceID string) {
	conns, err := endpointConnections(ctx, api, serviceID)
	if err != nil {
		r.fail("ec2:DescribeVpcEndpointConnections", err)
		return
	}
	r.mu.Lock()
	r.conns, r.connsRead = conns, true
	r.mu.Unlock()
}

func (r *regionRead) readInvitations(ctx context.Context, api RAM) {
	pending, err := pendingInvitations(ctx, api)
	if err != nil {
		r.fail("ram:GetResourceShareInvitations", err)
		return
	}
	var out []Invitation
	for _, inv := range pending {
		out = append(out, Invitation{Arn: aws.ToString(inv.ResourceShareInvitationArn), ShareArn: aws.ToString(inv.ResourceShareArn),
			ShareName: aws.ToString(inv.ResourceShareName), Sender: aws.ToString(inv.SenderAccountId), Sent: inv.InvitationTimestamp})
	}
	r.mu.Lock()
	r.invites, r.invitesOK = out, true
	r.mu.Unlock()
}

// endpointConnections lists every connection to an endpoint service.
func endpointConnections(ctx context.Context, api EC2, serviceID string) ([]ec2types.VpcEndpointConnection, error) {
	var out []ec2types.VpcEndpointConnection
	p := ec2.NewDescribeVpcEndpointConnectionsPaginator(api, &ec2.DescribeVpcEndpointConnectionsInput{
		Filters: []ec2types.Filter{{Name: aws.String("service-id"), Values: []string{serviceID}}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.VpcEndpointConnections...)
	}
	return out, nil
}

func (r *regionRead) readAlarms(ctx context.Context, api CloudWatch) {
	var alarms []Alarm
	p := cloudwatch.NewDescribeAlarmsPaginator(api, &cloudwatch.DescribeAlarmsInput{
		StateValue: cwtypes.StateValueAlarm,
		AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			r.fail("cloudwatch:DescribeAlarms", err)
			return
		}
		for _, a := range page.MetricAlarms {
			alarms = append(alarms, Alarm{Name: aws.ToString(a.AlarmName), Since: a.StateUpdatedTimestamp, Reason: aws.ToString(a.StateReason)})
		}
		for _, a := range page.CompositeAlarms {
			alarms = append(alarms, Alarm{Name: aws.ToString(a.AlarmName), Since: a.StateUpdatedTimestamp, Reason: aws.ToString(a.StateReason)})
		}
	}
	r.mu.Lock()
	r.alarms, r.alarmsOK = alarms, true
	r.mu.Unlock()
}

// metricBatch is the most metrics one GetMetricData call returns.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
const metricBatch = 500

func (r *regionRead) readProbes(ctx context.Context, api CloudWatch, customers []string, now time.Time) {
	var metrics []cwtypes.Metric
	p := cloudwatch.NewListMetricsPaginator(api, &cloudwatch.ListMetricsInput{
		Namespace: aws.String(ProbeNamespace), MetricName: aws.String(ProbeMetric),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			r.fail("cloudwatch:ListMetrics", err)
			return
		}
		for _, m := range page.Metrics {
			if slices.Contains(customers, dimension(m, "Customer")) && dimension(m, "Target") != "" {
				metrics = append(metrics, m)
			}
		}
	}
	probes := map[string][]Probe{}
	for start := 0; start < len(metrics); start += metricBatch {
		batch := metrics[start:min(start+metricBatch, len(metrics))]
		var queries []cwtypes.MetricDataQuery
		for i := range batch {
			queries = append(queries, cwtypes.MetricDataQuery{
				Id:         aws.String("m" + strconv.Itoa(i)),
				MetricStat: &cwtypes.MetricStat{Metric: &batch[i], Period: aws.Int32(60), Stat: aws.String("Minimum")},
			})
		}
		latest := map[string]Probe{}
		dp := cloudwatch.NewGetMetricDataPaginator(api, &cloudwatch.GetMetricDataInput{
			MetricDataQueries: queries, StartTime: aws.Time(now.Add(-probeWindow)), EndTime: aws.Time(now),
			ScanBy: cwtypes.ScanByTimestampDescending,
		})
		for dp.HasMorePages() {
			page, err := dp.NextPage(ctx)
			if err != nil {
				r.fail("cloudwatch:GetMetricData", err)
				return
			}
			for _, res := range page.MetricDataResults {
				for k, ts := range res.Timestamps {
					id := aws.ToString(res.Id)
					if k < len(res.Values) && (latest[id].At == nil || ts.After(*latest[id].At)) {
						ok := res.Values[k] >= 1
						latest[id] = Probe{Reachable: &ok, At: aws.Time(ts)}
					}
				}
			}
		}
		for i, m := range batch {
			pr := latest["m"+strconv.Itoa(i)]
			pr.Target = dimension(m, "Target")
			c := dimension(m, "Customer")
			probes[c] = append(probes[c], pr)
		}
	}
	for c := range probes {
		sort.Slice(probes[c], func(i, j int) bool { return probes[c][i].Target < probes[c][j].Target })
	}
	r.mu.Lock()
	r.probes, r.probesOK = probes, true
	r.mu.Unlock()
}

func dimension(m cwtypes.Metric, name string) string {
	for _, d := range m.Dimensions {
		if aws.ToString(d.Name) == name {
			return aws.ToString(d.Value)
		}
	}
	return ""
}
