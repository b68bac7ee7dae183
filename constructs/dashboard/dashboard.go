// Package dashboard builds a CloudWatch dashboard with one row per customer:
// the probe's Reachable and ConnectMillis, the traffic of the customer's
// interface endpoints, the state of its VPN tunnels and the state of its
// alarms. The body is written here, compact and in a fixed order, rather
// than with the CDK's widget classes: its size decides how many customers a
// dashboard and a template hold, and it must be known exactly.
//
// CloudWatch's limits on a dashboard, checked by NewDashboard (a row that
// breaks one is a programming error: the stacks split the fleet before):
//   - at most 500 widgets per dashboard, 500 metrics per graph and 2,500
//     metrics per dashboard, across all widgets:
//     https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
//   - an alarm status widget lists 1 to 100 alarm ARNs; a graph of an alarm
//     (annotations.alarms) shows exactly one:
//     https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
package dashboard

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// CloudWatch's limits (see the package comment).
const (
	MaxWidgets         = 500
	MaxMetrics         = 2500
	MaxMetricsPerGraph = 500
	MaxAlarmsPerWidget = 100
)

// Where the probe publishes (constructs/probe).
const (
	probeNamespace = "PrivateConnect/Probe"
	endpointsNS    = "AWS/PrivateLinkEndpoints"
	rowHeight      = 6
)

// Row is one customer's row.
type Row struct {
	// Customer name: the row's title and the probe metrics' Customer dimension. Required.
	Customer *string
	// Markdown under the title: who the customer is, what it uses. Default: none.
	Description *string
	// The probe's targets (its Target dimension). Default: none (no probe graphs).
	Targets *[]*string
	// Endpoint service names whose interface endpoints' traffic
	// (AWS/PrivateLinkEndpoints BytesProcessed) is graphed. Resource
	// endpoints have no place here: AWS publishes that namespace for
	// interface and Gateway Load Balancer endpoints only
	// (privatelink-cloudwatch-metrics.html, below); the probe graphs them.
	// Default: none.
	EndpointServiceNames *[]*string
	// ARN of an alarm on the customer's VPN tunnels' state, graphed with its
	// threshold. Default: none (no VPN).
	TunnelAlarmArn *string
	// ARNs of the customer's alarms, shown by state. Default: none.
	AlarmArns *[]*string
}

// DashboardProps configures a Dashboard.
type DashboardProps struct {
	// Name of the dashboard: unique in the account (dashboards are global). Required.
	Name *string
	// Region of the metrics and alarms. Required.
	Region *string
	// Markdown of the header above the rows. Required.
	Header *string
	// The rows, in order. Required, at least one.
	Rows *[]*Row
}

// Size is what a dashboard body holds, to hold it to CloudWatch's limits.
type Size struct {
	Widgets, Metrics, MaxGraphMetrics, MaxAlarms, Bytes int
}

// NewDashboard creates the dashboard. It panics when the body breaks one of
// CloudWatch's limits.
func NewDashboard(scope constructs.Construct, id *string, props *DashboardProps) awscloudwatch.CfnDashboard {
	if props == nil || props.Name == nil || props.Region == nil || props.Header == nil || props.Rows == nil || len(*props.Rows) == 0 {
		panic("dashboard: DashboardProps.Name, Region, Header and Rows are required")
	}
	body, size := Body(props)
	if size.Widgets > MaxWidgets || size.Metrics > MaxMetrics || size.MaxGraphMetrics > MaxMetricsPerGraph || size.MaxAlarms > MaxAlarmsPerWidget {
		panic(fmt.Sprintf("dashboard: %s breaks CloudWatch's limits: %+v", *props.Name, size))
	}
	return awscloudwatch.NewCfnDashboard(scope, id, &awscloudwatch.CfnDashboardProps{
		DashboardName: props.Name,
		DashboardBody: jsii.String(body),
	})
}

type widget struct {
	Type       string         `json:"type"`
	X          int            `json:"x"`
	Y          int            `json:"y"`
	Width      int            `json:"width"`
	Height     int            `json:"height"`
	Properties map[string]any `json:"properties"`
}

// Columns of a row, left to right, in grid units (24 wide): who, probe
// success, connect time, endpoint traffic, tunnel state, alarms. A column a
// customer has nothing for stays empty, so that columns line up.
var columns = [6]int{3, 5, 4, 4, 4, 4}

// Body is the dashboard's body and what it holds.
func Body(props *DashboardProps) (string, Size) {
	region := *props.Region
	var size Size
	widgets := []widget{{Type: "text", Width: 24, Height: 2, Properties: map[string]any{"markdown": *props.Header}}}
	y := 2
	graph := func(title, stat string, metrics []any, extra map[string]any) map[string]any {
		p := map[string]any{"title": title, "region": region, "view": "timeSeries", "stat": stat, "period": 60, "metrics": metrics}
		for k, v := range extra {
			p[k] = v
		}
		size.Metrics += len(metrics)
		size.MaxGraphMetrics = max(size.MaxGraphMetrics, len(metrics))
		return p
	}
	for _, r := range *props.Rows {
		x := 0
		add := func(col int, typ string, p map[string]any) {
			widgets = append(widgets, widget{Type: typ, X: x, Y: y, Width: columns[col], Height: rowHeight, Properties: p})
		}
		customer := *r.Customer
		text := "### " + customer
		if r.Description != nil {
			text += "\n" + *r.Description
		}
		add(0, "text", map[string]any{"markdown": text})
		x += columns[0]
		if targets := strs(r.Targets); len(targets) > 0 {
			var reach, millis []any
			for _, t := range targets {
				reach = append(reach, []any{probeNamespace, "Reachable", "Customer", customer, "Target", t, map[string]any{"label": t}})
				millis = append(millis, []any{probeNamespace, "ConnectMillis", "Customer", customer, "Target", t, map[string]any{"label": t}})
			}
			// Minimum: a minute with one failed run shows as 0.
			add(1, "metric", graph("Probe: reachable (1) or not (0)", "Minimum", reach, map[string]any{"yAxis": map[string]any{"left": map[string]any{"min": 0, "max": 1}}}))
			x += columns[1]
			add(2, "metric", graph("Probe: TCP connect, ms", "Average", millis, nil))
			x += columns[2]
		} else {
			x += columns[1] + columns[2]
		}
		if names := strs(r.EndpointServiceNames); len(names) > 0 {
			// The endpoints' IDs are the customer's stack's: found by their
			// service's name, with the dimensions AWS publishes them under.
			// https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-cloudwatch-metrics.html
			var terms []string
			for _, n := range names {
				terms = append(terms, fmt.Sprintf(`"Service Name"="%s"`, n))
			}
			expr := fmt.Sprintf(`SEARCH('{%s,"Endpoint Type","Service Name","VPC Endpoint Id","VPC Id"} MetricName="BytesProcessed" (%s)', 'Sum', 60)`,
				endpointsNS, strings.Join(terms, " OR "))
			add(3, "metric", graph("Endpoint traffic, bytes a minute", "Sum", []any{[]any{map[string]any{"expression": expr, "id": "e1"}}}, nil))
			// A search returns a series per endpoint: count them, not the expression.
			size.Metrics += len(names) - 1
		}
		x += columns[3]
		if r.TunnelAlarmArn != nil {
			size.Metrics++
			add(4, "metric", map[string]any{"title": "VPN tunnels: 1 both up, below 1 one down", "region": region, "view": "timeSeries",
				"annotations": map[string]any{"alarms": []any{*r.TunnelAlarmArn}}})
		}
		x += columns[4]
		if alarms := strs(r.AlarmArns); len(alarms) > 0 {
			size.MaxAlarms = max(size.MaxAlarms, len(alarms))
			add(5, "alarm", map[string]any{"title": "Alarms", "alarms": alarms, "sortBy": "stateUpdatedTimestamp"})
		}
		y += rowHeight
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // & in a display name stays &
	if err := enc.Encode(map[string]any{"start": "-PT3H", "periodOverride": "inherit", "widgets": widgets}); err != nil {
		panic(err)
	}
	body := strings.TrimSuffix(buf.String(), "\n")
	size.Widgets, size.Bytes = len(widgets), len(body)
	return body, size
}

func strs(p *[]*string) []string {
	if p == nil {
		return nil
	}
	out := make([]string, len(*p))
	for i, s := range *p {
		out[i] = *s
	}
	return out
}
