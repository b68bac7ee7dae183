package status

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/stacks"
)

// assess turns what was read in the customer's region into the customer's
// report and its health.
func assess(f *config.Fleet, c *config.Customer, r *regionRead) *Customer {
	out := &Customer{Name: c.Name, Region: c.Region, Alarms: []Alarm{}, Probes: []Probe{}, Stacks: []Stack{}}
	if r == nil || r.stacks == nil {
		out.State = Unknown
		return out
	}
	bad := func(format string, args ...any) { out.Problems = append(out.Problems, fmt.Sprintf(format, args...)) }
	deployed := false
	// own: the customer's own stack, not the region's shared inbound one.
	stack := func(name string, own bool) (stackInfo, bool) {
		s, ok := r.stacks[name]
		out.Stacks = append(out.Stacks, Stack{Name: name, Status: s.status})
		if ok {
			deployed = deployed || own
			if broken(s.status) {
				bad("stack %s is %s", name, s.status)
			}
		}
		return s, ok
	}

	if c.PrivateLink != nil {
		s, ok := stack(stacks.StackName(c, stacks.ModePrivateLink), true)
		for _, svc := range c.PrivateLink.Services {
			e := Endpoint{Service: svc.Name, ServiceName: svc.ServiceName, ResourceConfigurationArn: svc.ResourceConfigurationArn}
			if svc.ViaResourceGateway() {
				e.Invitation = invitationFrom(c, r)
			}
			switch {
			case svc.Pending():
				e.State = ServicePending
			case !ok:
				e.State = NotDeployed
			default:
				e.EndpointID = s.outputs[stacks.OutputID(svc.Name)+"EndpointId"]
				e.DNSName = s.outputs[stacks.OutputID(svc.Name)+"EndpointDnsName"]
				if e.EndpointID == "" {
					// Added to the YAML, not deployed yet (or the stack is
					// still being created, or its update failed): the stack
					// has no such output. With the customer's share not
					// accepted, a deploy cannot create the endpoint.
					e.State = NotDeployed
					if e.Invitation != nil {
						bad("endpoint to %s is missing: %s", e.Service, e.Invitation.waits())
					}
					break
				}
				endpoint(&e, r, bad)
				if e.ResourceConfigurationArn != svc.ResourceConfigurationArn && svc.ResourceConfigurationArn != "" && e.ResourceConfigurationArn != "" {
					bad("endpoint to %s reaches %s, the fleet says %s: deploy again (make deploy CUSTOMER=%s)", e.Service, e.ResourceConfigurationArn, svc.ResourceConfigurationArn, c.Name)
				}
			}
			out.Endpoints = append(out.Endpoints, e)
		}
	}
	if c.Vpn != nil {
		s, ok := stack(stacks.StackName(c, stacks.ModeVpn), true)
		v := &Vpn{State: NotDeployed, Tunnels: []Tunnel{}}
		if v.ConnectionID = s.outputs["VpnConnectionId"]; ok && v.ConnectionID != "" {
			vpn(v, r, bad)
		}
		out.Vpn = v
	}
	if stacks.HasInbound(c) {
		s, ok := stack(stacks.InboundServiceStackName(c.Region), false)
		in := &Inbound{Accounts: c.InboundAccounts(), Connections: []Connection{}}
		if ok {
			in.ServiceID = s.outputs["ServiceId"]
			inbound(in, c, r, bad)
		}
		// The shared stack alone is not this customer's deployment: its
		// endpoint, in the customer's account, is.
		deployed = deployed || len(in.Connections) > 0
		out.Inbound = in
	}

	if r.alarmsOK {
		for _, a := range r.alarms {
			if alarmOf(f, c, a.Name) {
				out.Alarms = append(out.Alarms, a)
				bad("alarm %s is in ALARM", a.Name)
			}
		}
	}
	if r.probesOK {
		for _, p := range r.probes[c.Name] {
			out.Probes = append(out.Probes, p)
			if p.Reachable != nil && !*p.Reachable {
				bad("probe %s failed at %s", p.Target, p.At.UTC().Format(time.TimeOnly))
			}
		}
	}

	switch {
	case len(out.Problems) > 0:
		out.State = Unhealthy
	case !deployed:
		out.State = NotDeployed
	default:
		out.State = Healthy
	}
	return out
}

// broken: stack states in which the stack's resources are not what the
// template says. UPDATE_ROLLBACK_COMPLETE is not among them: the stack runs
// as before the failed update.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html (StackStatus)
func broken(status string) bool {
	return strings.HasSuffix(status, "_FAILED") || status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_IN_PROGRESS"
}

func endpoint(e *Endpoint, r *regionRead, bad func(string, ...any)) {
	if r.endpoints == nil {
		e.State = Unknown
		return
	}
	ep, ok := r.endpoints[e.EndpointID]
	if !ok {
		e.State = NotFound
		bad("endpoint %s of service %s is not found: deleted outside CloudFormation?", e.EndpointID, e.Service)
		return
	}
	e.State = string(ep.State)
	e.Created = ep.CreationTimestamp
	e.Type = string(ep.VpcEndpointType)
	if arn := aws.ToString(ep.ResourceConfigurationArn); arn != "" {
		e.ResourceConfigurationArn = arn
	}
	for _, sn := range ep.SubnetIds {
		if az := r.subnetAZ[sn]; az != "" && !slices.Contains(e.AvailabilityZones, az) {
			e.AvailabilityZones = append(e.AvailabilityZones, az)
		}
	}
	slices.Sort(e.AvailabilityZones)
	// States, the same for endpoints of type Interface and Resource:
	// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html
	// The API answers them in camel case (pendingAcceptance); the SDK's
	// constants are capitalised (PendingAcceptance): compare without case.
	// A resource endpoint needs no acceptance by the resource's owner: its
	// owner shared the resource configuration through AWS RAM instead, and
	// an invitation the vendor has not accepted is the likely reason one is
	// not available.
	// https://docs.aws.amazon.com/vpc/latest/privatelink/use-resource-endpoint.html
	why := ""
	if e.Invitation != nil {
		why = ": " + e.Invitation.waits()
	}
	switch strings.ToLower(string(ep.State)) {
	case "available":
	case "pendingacceptance":
		bad("endpoint to %s waits for the customer to accept it%s", e.Service, why)
	case "pending":
		bad("endpoint to %s is still being created%s", e.Service, why)
	default:
		msg := ""
		switch {
		case ep.LastError != nil && ep.LastError.Message != nil:
			msg = ": " + *ep.LastError.Message
		case ep.FailureReason != nil:
			msg = ": " + *ep.FailureReason
		}
		bad("endpoint to %s is %s%s%s", e.Service, ep.State, msg, why)
	}
}

// invitationFrom is the pending RAM invitation from the customer's account
// in the region, or nil (none, or RAM could not be read).
func invitationFrom(c *config.Customer, r *regionRead) *Invitation {
	for _, i := range r.invites {
		if i.Sender == c.Account {
			return &i
		}
	}
	return nil
}

// waits says what an invitation blocks and the fix.
func (i *Invitation) waits() string {
	return fmt.Sprintf("the customer's RAM share %s (from %s) waits for the vendor to accept it (make accept)", i.ShareName, i.Sender)
}

func vpn(v *Vpn, r *regionRead, bad func(string, ...any)) {
	if r.vpns == nil {
		v.State = Unknown
		return
	}
	conn, ok := r.vpns[v.ConnectionID]
	if !ok {
		v.State = NotFound
		bad("VPN connection %s is not found: deleted outside CloudFormation?", v.ConnectionID)
		return
	}
	v.State = string(conn.State)
	if conn.State != ec2types.VpnStateAvailable && conn.State != ec2types.VpnStatePending {
		bad("VPN connection %s is %s", v.ConnectionID, conn.State)
	}
	down := 0
	for _, t := range conn.VgwTelemetry {
		tu := Tunnel{OutsideIP: aws.ToString(t.OutsideIpAddress), Status: string(t.Status), LastChange: t.LastStatusChange,
			Message: aws.ToString(t.StatusMessage), AcceptedRoutes: aws.ToInt32(t.AcceptedRouteCount)}
		v.Tunnels = append(v.Tunnels, tu)
		if t.Status != ec2types.TelemetryStatusUp {
			down++
			since := ""
			if tu.LastChange != nil {
				since = " since " + tu.LastChange.UTC().Format("2006-01-02 15:04Z")
			}
			bad("tunnel %s is %s%s", tu.OutsideIP, tu.Status, since)
		}
	}
	if down > 0 && down == len(conn.VgwTelemetry) {
		bad("every tunnel is down: the connectors cannot reach the customer")
	}
}

func inbound(in *Inbound, c *config.Customer, r *regionRead, bad func(string, ...any)) {
	if !r.connsRead {
		return
	}
	for _, conn := range r.conns {
		owner := aws.ToString(conn.VpcEndpointOwner)
		if !slices.Contains(in.Accounts, owner) {
			continue
		}
		state := string(conn.VpcEndpointState)
		in.Connections = append(in.Connections, Connection{EndpointID: aws.ToString(conn.VpcEndpointId), Account: owner, State: state, Created: conn.CreationTimestamp})
		switch strings.ToLower(state) {
		case "available", "deleted", "deleting":
		case "pendingacceptance":
			bad("inbound endpoint %s from %s waits for the vendor to accept it (privateconnect accept -region %s)", aws.ToString(conn.VpcEndpointId), owner, c.Region)
		default:
			bad("inbound endpoint %s from %s is %s", aws.ToString(conn.VpcEndpointId), owner, state)
		}
	}
}

// alarmOf reports whether an alarm is one of the customer's. CloudFormation
// names an alarm without an AlarmName <stack>-<logical ID>-<suffix>, the
// probe alarms are named <customer>-probe-<target> and the VPN's tunnel
// state alarm <customer>-vpn-tunnel-state; the shared inbound
// stack's alarms concern every inbound customer of its region. One
// customer's prefix may start another's (acme-PrivateLink- and
// acme-probe-... of customers acme and acme-probe): the longest match wins.
func alarmOf(f *config.Fleet, c *config.Customer, name string) bool {
	if stacks.HasInbound(c) && strings.HasPrefix(name, stacks.InboundServiceStackName(c.Region)+"-") {
		return true
	}
	// The VPN stack's alarm the dashboard graphs, named in full.
	if c.Vpn != nil && name == config.TunnelStateAlarmName(c.Name) {
		return true
	}
	owner, longest := "", 0
	for _, other := range f.Customers {
		for _, p := range []string{other.Name + "-probe-", other.Name + "-" + stacks.ModePrivateLink + "-", other.Name + "-" + stacks.ModeVpn + "-"} {
			if strings.HasPrefix(name, p) && len(p) > longest {
				owner, longest = other.Name, len(p)
			}
		}
	}
	return owner == c.Name
}
