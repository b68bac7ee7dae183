package dashboard

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

func props(rows ...*Row) *DashboardProps {
	return &DashboardProps{Name: jsii.String("privateconnect-us-east-1-1"), Region: jsii.String("us-east-1"), Header: jsii.String("## fleet"), Rows: &rows}
}

type parsed struct {
	Widgets []struct {
		Type                string
		X, Y, Width, Height int
		Properties          map[string]any
	}
}

func parse(t *testing.T, body string) parsed {
	var p parsed
	require.NoError(t, json.Unmarshal([]byte(body), &p))
	return p
}

// A full row: text, the two probe graphs, the endpoints' search, the
// tunnels' alarm graph and the alarm status, left to right in fixed columns.
func TestFullRow(t *testing.T) {
	body, size := Body(props(&Row{
		Customer: jsii.String("acme"), Description: jsii.String("Acme & Co"),
		Targets:              jsii.Strings("db:5432", "vpn:10.0.0.1:443"),
		EndpointServiceNames: jsii.Strings("com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d"),
		TunnelAlarmArn:       jsii.String("arn:aws:cloudwatch:us-east-1:111122223333:alarm:acme-vpn-tunnel-state"),
		AlarmArns:            jsii.Strings("arn:aws:cloudwatch:us-east-1:111122223333:alarm:acme-probe-db-5432"),
	}))
	p := parse(t, body)
	require.Len(t, p.Widgets, 7, "the header and six widgets")
	var types []string
	x := 0
	for _, w := range p.Widgets[1:] {
		types = append(types, w.Type)
		assert.Equal(t, x, w.X, "columns line up")
		assert.Equal(t, 2, w.Y, "below the header")
		x += w.Width
	}
	assert.Equal(t, []string{"text", "metric", "metric", "metric", "metric", "alarm"}, types)
	assert.Equal(t, 24, x, "the row fills the grid")
	assert.Contains(t, body, "Acme & Co", "no HTML escaping in markdown")
	reach := p.Widgets[2].Properties["metrics"].([]any)
	assert.Equal(t, []any{"PrivateConnect/Probe", "Reachable", "Customer", "acme", "Target", "db:5432", map[string]any{"label": "db:5432"}}, reach[0])
	assert.Equal(t, "Minimum", p.Widgets[2].Properties["stat"])
	search := p.Widgets[4].Properties["metrics"].([]any)[0].([]any)[0].(map[string]any)["expression"]
	assert.Equal(t, `SEARCH('{AWS/PrivateLinkEndpoints,"Endpoint Type","Service Name","VPC Endpoint Id","VPC Id"} MetricName="BytesProcessed" ("Service Name"="com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d")', 'Sum', 60)`, search)
	assert.Equal(t, map[string]any{"alarms": []any{"arn:aws:cloudwatch:us-east-1:111122223333:alarm:acme-vpn-tunnel-state"}}, p.Widgets[5].Properties["annotations"])
	assert.Equal(t, Size{Widgets: 7, Metrics: 2*2 + 1 + 1, MaxGraphMetrics: 2, MaxAlarms: 1, Bytes: len(body)}, size)
}

// A customer with nothing to graph yet keeps its columns empty, and the next
// row starts below.
func TestEmptyRowKeepsColumns(t *testing.T) {
	body, size := Body(props(&Row{Customer: jsii.String("new")}, &Row{Customer: jsii.String("next"), AlarmArns: jsii.Strings("arn:a")}))
	p := parse(t, body)
	require.Len(t, p.Widgets, 4)
	assert.Equal(t, 0, size.Metrics)
	assert.Equal(t, [2]int{0, 2}, [2]int{p.Widgets[1].X, p.Widgets[1].Y})
	assert.Equal(t, [2]int{0, 8}, [2]int{p.Widgets[2].X, p.Widgets[2].Y}, "the next row")
	assert.Equal(t, [2]int{20, 8}, [2]int{p.Widgets[3].X, p.Widgets[3].Y}, "the alarms' column")
}

func TestLimitsPanic(t *testing.T) {
	var arns []string
	for i := 0; i <= MaxAlarmsPerWidget; i++ {
		arns = append(arns, fmt.Sprint("arn:aws:cloudwatch:us-east-1:111122223333:alarm:a", i))
	}
	assert.Panics(t, func() {
		NewDashboard(cdktest.NewStack("D"), jsii.String("D"), props(&Row{Customer: jsii.String("a"), AlarmArns: jsii.Strings(arns...)}))
	}, "101 alarms in a status widget")
	stack := cdktest.NewStack("D")
	NewDashboard(stack, jsii.String("D"), props(&Row{Customer: jsii.String("a"), AlarmArns: jsii.Strings(arns[:MaxAlarmsPerWidget]...)}))
	tmpl := cdktest.TemplateOf(t, stack)
	d := tmpl.One(t, "AWS::CloudWatch::Dashboard").Properties
	assert.Equal(t, "privateconnect-us-east-1-1", d["DashboardName"])
}
