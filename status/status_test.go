package status

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
)

var now = time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)

func read(t *testing.T, account fakeAccount, o Options) *Report {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return now }
	}
	f := testFleet()
	return Read(context.Background(), f, f.Customers, account.clients, o)
}

func customer(t *testing.T, r *Report, name string) *Customer {
	t.Helper()
	for _, c := range r.Customers {
		if c.Name == name {
			return c
		}
	}
	require.Failf(t, "customer missing", "%s not in the report", name)
	return nil
}

func TestHealthyFleet(t *testing.T) {
	r := read(t, healthyAccount(), Options{})
	require.Empty(t, r.Errors)
	assert.Equal(t, ExitHealthy, r.ExitCode())
	assert.True(t, r.Healthy)
	assert.Equal(t, []string{"eu-west-1", "us-east-1"}, r.Regions)

	acme := customer(t, r, "acme")
	assert.Equal(t, Healthy, acme.State)
	require.Len(t, acme.Endpoints, 2)
	db := acme.Endpoints[0]
	assert.Equal(t, "available", db.State)
	assert.Equal(t, "vpce-0acme", db.EndpointID)
	assert.Equal(t, []string{"use1-az1", "use1-az2"}, db.AvailabilityZones)
	assert.Equal(t, created, *db.Created)
	assert.Contains(t, db.DNSName, "vpce-0acme-x.")
	assert.Equal(t, ServicePending, acme.Endpoints[1].State, "a service the customer has not deployed yet")
	require.Len(t, acme.Probes, 1)
	assert.Equal(t, "db:5432", acme.Probes[0].Target)
	assert.True(t, *acme.Probes[0].Reachable, "the newest datapoint counts, not an older 0")
	assert.Equal(t, now.Add(-time.Minute), *acme.Probes[0].At)

	eu := customer(t, r, "acme-eu")
	assert.Equal(t, Healthy, eu.State)
	require.NotNil(t, eu.Vpn)
	assert.Equal(t, "available", eu.Vpn.State)
	require.Len(t, eu.Vpn.Tunnels, 2)
	assert.Equal(t, Tunnel{OutsideIP: "52.0.0.1", Status: "UP", LastChange: &created, AcceptedRoutes: 2}, eu.Vpn.Tunnels[0])
	assert.Empty(t, eu.Probes, "no probe metric: no data, not a failure")

	umb := customer(t, r, "umbrella")
	assert.Equal(t, Healthy, umb.State)
	require.NotNil(t, umb.Inbound)
	assert.Equal(t, "vpce-svc-0inbound", umb.Inbound.ServiceID)
	assert.Equal(t, []Connection{{EndpointID: "vpce-0umb", Account: "333333333333", State: "available", Created: &created}}, umb.Inbound.Connections,
		"another account's request is not umbrella's")

	assert.Equal(t, NotDeployed, customer(t, r, "wayne").State)
	assert.Equal(t, []Stack{{Name: "wayne-PrivateLink"}}, customer(t, r, "wayne").Stacks)
}

func TestEachBreakageIsNamed(t *testing.T) {
	cases := map[string]struct {
		breakIt  func(a fakeAccount)
		customer string
		says     string
	}{
		"endpoint rejected": {func(a fakeAccount) { a["us-east-1"].endpoints[0].State = "rejected" }, "acme", "endpoint to db is rejected"},
		"endpoint waits": {func(a fakeAccount) { a["us-east-1"].endpoints[0].State = "pendingAcceptance" }, "acme",
			"endpoint to db waits for the customer to accept it"},
		"endpoint gone": {func(a fakeAccount) { a["us-east-1"].endpoints = a["us-east-1"].endpoints[1:] }, "acme", "endpoint vpce-0acme of service db is not found"},
		"stack failed":  {func(a fakeAccount) { a["us-east-1"].stacks[0].StackStatus = "UPDATE_ROLLBACK_FAILED" }, "acme", "stack acme-PrivateLink is UPDATE_ROLLBACK_FAILED"},
		"probe fails":   {func(a fakeAccount) { a["us-east-1"].probes[[2]string{"acme", "db:5432"}] = []float64{0, 1} }, "acme", "probe db:5432 failed at 02:59:00"},
		"alarm": {func(a fakeAccount) {
			a["us-east-1"].alarms = append(a["us-east-1"].alarms, alarm("acme-PrivateLink-ThingAlarm-XYZ"))
		}, "acme", "alarm acme-PrivateLink-ThingAlarm-XYZ is in ALARM"},
		"probe alarm": {func(a fakeAccount) {
			a["eu-west-1"].alarms = []cwtypes.MetricAlarm{alarm("acme-eu-probe-vpn-10.1.2.3-443")}
		}, "acme-eu", "alarm acme-eu-probe-vpn-10.1.2.3-443 is in ALARM"},
		"one tunnel": {func(a fakeAccount) { a["eu-west-1"].vpns[0] = vpnConn("vpn-0eu", "52.0.0.1", "UP", "52.0.0.2", "DOWN") }, "acme-eu", "tunnel 52.0.0.2 is DOWN since 2026-11-20 09:00Z"},
		"both tunnels": {func(a fakeAccount) {
			a["eu-west-1"].vpns[0] = vpnConn("vpn-0eu", "52.0.0.1", "DOWN", "52.0.0.2", "DOWN")
		}, "acme-eu", "every tunnel is down"},
		"inbound waits": {func(a fakeAccount) { a["us-east-1"].conns[0].VpcEndpointState = "pendingAcceptance" }, "umbrella",
			"inbound endpoint vpce-0umb from 333333333333 waits for the vendor to accept it (privateconnect accept -region us-east-1)"},
		"inbound rejected": {func(a fakeAccount) { a["us-east-1"].conns[0].VpcEndpointState = "rejected" }, "umbrella", "inbound endpoint vpce-0umb from 333333333333 is rejected"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := healthyAccount()
			tc.breakIt(a)
			r := read(t, a, Options{})
			assert.Equal(t, ExitUnhealthy, r.ExitCode())
			c := customer(t, r, tc.customer)
			assert.Equal(t, Unhealthy, c.State)
			assert.Contains(t, strings.Join(c.Problems, "\n"), tc.says)
			for _, other := range r.Customers {
				if other.Name != tc.customer {
					assert.NotEqual(t, Unhealthy, other.State, "%s caught %s's problem", other.Name, tc.customer)
				}
			}
			var out bytes.Buffer
			WriteTable(&out, r, false)
			assert.Contains(t, out.String(), tc.customer+": "+tc.says[:min(len(tc.says), 40)], "the table's Unhealthy list names it")
		})
	}
}

func TestAlarmsByCustomer(t *testing.T) {
	f := testFleet()
	acme, eu, umb := f.Customers[0], f.Customers[1], f.Customers[2]
	assert.True(t, alarmOf(f, acme, "acme-PrivateLink-X-1"))
	assert.False(t, alarmOf(f, acme, "acme-eu-Vpn-SiteRedundancyLostAlarm-1"), "acme-eu's, though it starts with acme-")
	assert.True(t, alarmOf(f, eu, "acme-eu-Vpn-SiteRedundancyLostAlarm-1"))
	assert.False(t, alarmOf(f, acme, "acme-billing"), "not one of the stacks' or probes' names")
	require.NotNil(t, eu.Vpn)
	assert.True(t, alarmOf(f, eu, "acme-eu-vpn-tunnel-state"), "the VPN stack's alarm for the dashboard")
	assert.False(t, alarmOf(f, acme, "acme-eu-vpn-tunnel-state"))
	assert.True(t, alarmOf(f, umb, "Vendor-Inbound-us-east-1-Something-1"), "the shared inbound stack's alarm concerns its customers")
	assert.False(t, alarmOf(f, acme, "Vendor-Inbound-us-east-1-Something-1"))
}

func apiError(code string) error { return &smithy.GenericAPIError{Code: code, Message: "no"} }

func TestErrorsAreOneLineEachAndTheRestPrints(t *testing.T) {
	a := healthyAccount()
	a["eu-west-1"].errs = map[string]error{"ec2:DescribeVpnConnections": apiError("RequestLimitExceeded")}
	a["us-east-1"].errs = map[string]error{"cloudwatch:DescribeAlarms": apiError("AccessDenied")}
	r := read(t, a, Options{})
	assert.Equal(t, ExitUnread, r.ExitCode(), "nothing unhealthy, but not all of it read")
	require.Len(t, r.Errors, 2)
	assert.Equal(t, "eu-west-1: ec2:DescribeVpnConnections: throttled (RequestLimitExceeded), still after retries: run again in a minute, or with -parallel 1", r.Errors[0].String())
	assert.Equal(t, "us-east-1: cloudwatch:DescribeAlarms: access denied (AccessDenied): the caller needs cloudwatch:DescribeAlarms (README: Day two, IAM policy)", r.Errors[1].String())
	assert.Equal(t, Unknown, customer(t, r, "acme-eu").Vpn.State)
	assert.Equal(t, Healthy, customer(t, r, "acme").State, "the rest of the region still reports")

	var out bytes.Buffer
	WriteTable(&out, r, false)
	assert.Contains(t, out.String(), "Could not read")
	assert.Contains(t, out.String(), "  eu-west-1: ec2:DescribeVpnConnections: throttled")
}

func TestUnhealthyWinsOverUnread(t *testing.T) {
	a := healthyAccount()
	a["eu-west-1"].errs = map[string]error{"cloudformation:DescribeStacks": apiError("AccessDenied")}
	a["us-east-1"].endpoints[0].State = "failed"
	r := read(t, a, Options{})
	assert.Equal(t, ExitUnhealthy, r.ExitCode())
	assert.Equal(t, Unknown, customer(t, r, "acme-eu").State)
}

func TestRegionNotEnabled(t *testing.T) {
	a := healthyAccount()
	a["eu-west-1"].errs = map[string]error{}
	for _, action := range []string{"cloudformation:DescribeStacks", "cloudwatch:DescribeAlarms", "cloudwatch:ListMetrics"} {
		a["eu-west-1"].errs[action] = apiError("UnrecognizedClientException")
	}
	r := read(t, a, Options{})
	require.Len(t, r.Errors, 3)
	for _, e := range r.Errors {
		assert.Equal(t, "eu-west-1", e.Region)
		assert.Contains(t, e.Message, "the region is not enabled for this account")
	}
	// Everywhere refused: the credentials, not a region.
	for _, reg := range a {
		reg.errs = map[string]error{"cloudformation:DescribeStacks": apiError("InvalidClientTokenId")}
	}
	r = read(t, a, Options{})
	for _, e := range r.Errors {
		assert.Contains(t, e.Message, "the region refused the credentials (InvalidClientTokenId)")
	}
}

func TestSlowRegionDoesNotStallTheRest(t *testing.T) {
	a := healthyAccount()
	a["eu-west-1"].block = true
	start := time.Now()
	r := read(t, a, Options{Timeout: 300 * time.Millisecond, Now: time.Now})
	assert.Less(t, time.Since(start), 3*time.Second)
	assert.Equal(t, Unknown, customer(t, r, "acme-eu").State)
	assert.Equal(t, Healthy, customer(t, r, "acme").State)
	require.NotEmpty(t, r.Errors)
	assert.Contains(t, r.Errors[0].String(), "eu-west-1: ")
	assert.Contains(t, r.Errors[0].Message, "no answer in time")
}

func TestRegionsReadConcurrentlyButBounded(t *testing.T) {
	var inflight, peak atomic.Int32
	a := fakeAccount{}
	f := testFleet()
	var customers = f.Customers[:0:0]
	for i, region := range []string{"r1", "r2", "r3", "r4", "r5", "r6"} {
		a[region] = &fakeRegion{inflight: &inflight, peak: &peak}
		c := *f.Customers[3]
		c.Name, c.Region = "c"+string(rune('a'+i)), region
		customers = append(customers, &c)
	}
	f.Customers = customers
	var progress []int
	r := Read(context.Background(), f, customers, a.clients, Options{Parallel: 2, Progress: func(done, total int, pending []string) {
		progress = append(progress, done)
		assert.Len(t, pending, total-done)
	}})
	assert.Len(t, r.Customers, 6)
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, progress)
	// Each region makes 3 calls at once (stacks, alarms, metrics): 2 regions, 6 calls.
	assert.LessOrEqual(t, peak.Load(), int32(6))
	assert.Greater(t, peak.Load(), int32(3), "more than one region at a time")
}

func TestTableFits100ColumnsAndColoursOnlyWhenAsked(t *testing.T) {
	a := healthyAccount()
	a["eu-west-1"].vpns[0] = vpnConn("vpn-0eu", "52.0.0.1", "UP", "52.0.0.2", "DOWN")
	a["us-east-1"].conns[0].VpcEndpointState = "pendingAcceptance"
	a["us-east-1"].alarms = append(a["us-east-1"].alarms, alarm("acme-PrivateLink-AVeryLongAlarmNameThatGoesOnAndOnForeverAndEverUntilTheColumnsRunOut-0123456789"))
	r := read(t, a, Options{})
	var plain, color bytes.Buffer
	WriteTable(&plain, r, false)
	WriteTable(&color, r, true)
	for _, line := range strings.Split(plain.String(), "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(line), Width, line)
	}
	assert.NotContains(t, plain.String(), "\x1b[")
	assert.Contains(t, plain.String(), "\n    (privateconnect accept -region us-east-1)\n", "a long problem wraps; its end says what to do")
	assert.Contains(t, color.String(), "\x1b[31munhealthy")
	assert.Contains(t, plain.String(), "\nwayne                    not deployed                          eu-west-1\n")
	assert.Contains(t, plain.String(), "\n  probe                  reachable          1m ago             db:5432\n")
	assert.Contains(t, plain.String(), "\n    tunnel 52.0.0.2      DOWN               6d ago             2 routes; IPSEC IS DOWN\n")
	assert.Contains(t, plain.String(), "\n  endpoint db            available          created 6d ago     use1-az1,use1-az2\n")
	assert.Contains(t, plain.String(), "\n  inbound 333333333333   pendingAcceptance  created 6d ago     vpce-0umb\n")
}

func TestJSONIsTheReport(t *testing.T) {
	r := read(t, healthyAccount(), Options{})
	var out bytes.Buffer
	require.NoError(t, WriteJSON(&out, r))
	var back Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &back))
	assert.Equal(t, len(r.Customers), len(back.Customers))
	assert.Equal(t, r.Customers[0].Endpoints, back.Customers[0].Endpoints)
	assert.Contains(t, out.String(), `"state": "not deployed"`)
}

func TestAServiceNotDeployedYet(t *testing.T) {
	a := healthyAccount()
	f := testFleet()
	// A service added to the YAML since the last deploy: the stack has no output for it.
	f.Customers[0].PrivateLink.Services = append(f.Customers[0].PrivateLink.Services,
		config.Service{Name: "new-api", ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef9"})
	// A VPN stack still being created: no outputs yet.
	a["eu-west-1"].stacks[0] = stack("acme-eu-Vpn", "CREATE_IN_PROGRESS")
	r := Read(context.Background(), f, f.Customers, a.clients, Options{Now: func() time.Time { return now }})
	acme := customer(t, r, "acme")
	assert.Equal(t, Healthy, acme.State, acme.Problems)
	assert.Equal(t, NotDeployed, acme.Endpoints[2].State)
	eu := customer(t, r, "acme-eu")
	assert.Equal(t, Healthy, eu.State, eu.Problems)
	assert.Equal(t, NotDeployed, eu.Vpn.State)
	assert.Equal(t, []Stack{{Name: "acme-eu-Vpn", Status: "CREATE_IN_PROGRESS"}}, eu.Stacks)
	var out bytes.Buffer
	WriteTable(&out, r, false)
	assert.Contains(t, out.String(), "\n  stack                  CREATE_IN_PROGRESS                    acme-eu-Vpn\n")
}
