package stacks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/bench/benchfleet"
	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/dashboard"
	"github.com/privateconnect/privateconnect/internal/cdktest"
)

// body is one dashboard as CloudWatch reads it.
type body struct {
	Widgets []struct {
		Type       string
		X, Y       int
		Width      int
		Height     int
		Properties struct {
			Markdown    string
			Title       string
			Region      string
			Metrics     [][]any
			Alarms      []string
			Annotations struct{ Alarms []string }
		}
	}
}

// dashboards are a template's dashboards by name, parsed.
func dashboards(t *testing.T, tmpl cdktest.Template) map[string]body {
	out := map[string]body{}
	for _, r := range tmpl.Resources("AWS::CloudWatch::Dashboard") {
		var b body
		require.NoError(t, json.Unmarshal([]byte(r.Properties["DashboardBody"].(string)), &b), "%s: the body is JSON", r.LogicalID)
		out[r.Properties["DashboardName"].(string)] = b
	}
	return out
}

// limits holds a dashboard to CloudWatch's limits, counted from the body
// (constructs/dashboard cites them): widgets, metrics per graph and in all
// (a search counts the endpoints it finds: one per service name), alarms
// per status widget; and the grid: 24 wide, no two widgets overlapping.
func limits(t *testing.T, name string, b body) (metrics int) {
	assert.LessOrEqual(t, len(b.Widgets), dashboard.MaxWidgets, "%s: widgets", name)
	cells := map[[2]int]bool{}
	for _, w := range b.Widgets {
		n := len(w.Properties.Metrics)
		for _, m := range w.Properties.Metrics {
			if e, ok := m[0].(map[string]any); ok {
				n += strings.Count(e["expression"].(string), `"Service Name"=`) - 1
			}
		}
		assert.LessOrEqual(t, n, dashboard.MaxMetricsPerGraph, "%s: metrics of %q", name, w.Properties.Title)
		metrics += n + len(w.Properties.Annotations.Alarms)
		if w.Type == "alarm" {
			assert.True(t, len(w.Properties.Alarms) >= 1 && len(w.Properties.Alarms) <= dashboard.MaxAlarmsPerWidget, "%s: alarms of a status widget", name)
		}
		assert.LessOrEqual(t, w.X+w.Width, 24, "%s: widget beyond the grid", name)
		for x := w.X; x < w.X+w.Width; x++ {
			for y := w.Y; y < w.Y+w.Height; y++ {
				assert.False(t, cells[[2]int{x, y}], "%s: widgets overlap at %d,%d", name, x, y)
				cells[[2]int{x, y}] = true
			}
		}
	}
	assert.LessOrEqual(t, metrics, dashboard.MaxMetrics, "%s: metrics", name)
	return metrics
}

// rows are the customers a dashboard has a row for, from its text widgets.
func rows(b body) []string {
	var out []string
	for _, w := range b.Widgets {
		if w.Type == "text" && strings.HasPrefix(w.Properties.Markdown, "### ") {
			out = append(out, strings.SplitN(strings.TrimPrefix(w.Properties.Markdown, "### "), "\n", 2)[0])
		}
	}
	return out
}

// The example fleet: a dashboard stack per region with a customer the
// vendor reaches, each customer of the region on it once, with its probe's
// targets, its endpoints' traffic, its tunnels and its alarms by the names
// the customer's stacks give them.
func TestExampleDashboards(t *testing.T) {
	f := example.fleet
	var regions []string
	for _, s := range example.stacks {
		if strings.HasPrefix(s, config.DashboardStackPrefix) {
			regions = append(regions, strings.TrimPrefix(s, config.DashboardStackPrefix))
		}
	}
	assert.Equal(t, config.DashboardRegions(f.Customers), regions, "one stack per region")
	for _, region := range regions {
		tmpl := example.templates[DashboardStackName(region)]
		all := dashboards(t, tmpl)
		require.Len(t, all, 1, "one page is enough for the example fleet")
		b := all["privateconnect-"+region+"-1"]
		limits(t, region, b)
		var want []string
		for _, c := range f.Customers {
			if c.Region == region && config.HasDashboardRow(c) {
				want = append(want, c.Name)
			}
		}
		assert.Equal(t, want, rows(b), "%s: one row per customer the vendor reaches, in fleet order", region)
		for _, name := range want {
			c := f.Customer(name)
			text := strings.Join(nonEmptyTitles(b), "\n")
			assert.NotEmpty(t, text)
			got := map[string]bool{}
			for _, w := range b.Widgets {
				for _, m := range w.Properties.Metrics {
					if len(m) >= 6 && m[3] == c.Name {
						got[m[1].(string)+" "+m[5].(string)] = true
					}
				}
				for _, a := range append(w.Properties.Alarms, w.Properties.Annotations.Alarms...) {
					got["alarm "+a[strings.LastIndex(a, ":")+1:]] = true
				}
			}
			for _, target := range config.ProbeTargets(c) {
				assert.True(t, got["Reachable "+target], "%s: Reachable of %s", name, target)
				assert.True(t, got["ConnectMillis "+target], "%s: ConnectMillis of %s", name, target)
				assert.True(t, got["alarm "+config.ProbeAlarmName(name, target)], "%s: the alarm of %s", name, target)
			}
			if c.Vpn != nil {
				assert.True(t, got["alarm "+config.TunnelStateAlarmName(name)], "%s: the tunnel state", name)
			}
		}
	}
	// Every alarm a dashboard names exists in a stack of the fleet, by that name.
	names := map[string]bool{}
	for _, tmpl := range example.templates {
		for _, a := range tmpl.Resources("AWS::CloudWatch::Alarm") {
			if n, ok := a.Properties["AlarmName"].(string); ok {
				names[n] = true
			}
		}
	}
	for _, region := range regions {
		for _, b := range dashboards(t, example.templates[DashboardStackName(region)]) {
			for _, w := range b.Widgets {
				for _, a := range append(w.Properties.Alarms, w.Properties.Annotations.Alarms...) {
					assert.True(t, strings.HasPrefix(a, "arn:aws:cloudwatch:"+region+":"+f.Vendor.Account+":alarm:"), a)
					assert.True(t, names[a[strings.LastIndex(a, ":")+1:]], "%s names an alarm no stack creates", a)
				}
			}
		}
	}
	hooli := dashboards(t, example.templates[DashboardStackName("eu-west-1")])["privateconnect-eu-west-1-1"]
	var search string
	for _, w := range hooli.Widgets {
		for _, m := range w.Properties.Metrics {
			if e, ok := m[0].(map[string]any); ok {
				search += e["expression"].(string)
			}
		}
	}
	assert.Contains(t, search, `"Service Name"="com.amazonaws.vpce.eu-west-1.vpce-svc-0c1d2e3f4a5b6c7d8"`, "hooli's erp endpoint, found by its service")
	assert.Contains(t, search, `{AWS/PrivateLinkEndpoints,"Endpoint Type","Service Name","VPC Endpoint Id","VPC Id"}`)
}

func nonEmptyTitles(b body) []string {
	var out []string
	for _, w := range b.Widgets {
		if w.Properties.Title != "" {
			out = append(out, w.Properties.Title)
		}
	}
	return out
}

// A selection builds the dashboards of its customers' regions, from the
// whole fleet, as it builds the inbound stack: deploying one customer keeps
// every other row.
func TestSelectionBuildsItsRegionsDashboards(t *testing.T) {
	acme := example.fleet.Customer("acme")
	built := Build(NewApp(""), example.fleet, []*config.Customer{acme})
	var names []string
	for _, s := range built {
		names = append(names, *s.StackName())
	}
	assert.Contains(t, names, DashboardStackName(acme.Region))
	assert.NotContains(t, names, DashboardStackName("eu-west-1"), "no selected customer there")
	for _, s := range built {
		if *s.StackName() == DashboardStackName(acme.Region) {
			for _, b := range dashboards(t, cdktest.TemplateOf(t, s)) {
				assert.Contains(t, rows(b), "initech", "other customers of the region keep their rows")
			}
		}
	}
}

// 500 customers in one region (bench's generator, every customer moved to
// us-east-1): the dashboards split into pages within CloudWatch's limits
// and stacks within CloudFormation's, every customer on exactly one page,
// and config's footprint of each stack holds.
func TestDashboardsOf500Customers(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes the dashboards of a 500-customer fleet")
	}
	dir := t.TempDir()
	require.NoError(t, benchfleet.Write(dir, 500))
	files, _ := filepath.Glob(filepath.Join(dir, "customers", "*.yaml"))
	for _, file := range files {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		text := strings.ReplaceAll(strings.ReplaceAll(string(raw), "eu-west-1", "us-east-1"), "euw1-", "use1-")
		require.NoError(t, os.WriteFile(file, []byte(text), 0o644))
	}
	// One region now holds every customer, past the quotas benchfleet
	// recorded for two: the dashboards are what is tested here.
	f, err := config.LoadForPlan(dir)
	require.NoError(t, err)
	outdir := t.TempDir()
	app := NewApp(outdir)
	var built []awscdk.Stack
	for _, region := range config.DashboardRegions(f.Customers) {
		built = append(built, dashboardStacks(app, f, region)...)
	}
	app.Synth(nil)
	require.NotEmpty(t, built)
	seen := map[string]int{}
	pages := 0
	for _, s := range built {
		name := *s.StackName()
		raw, err := os.ReadFile(filepath.Join(outdir, name+".template.json"))
		require.NoError(t, err)
		assert.LessOrEqual(t, len(raw), config.LimitTemplateBytes.Max, "%s: template size", name)
		var tmpl cdktest.Template
		require.NoError(t, json.Unmarshal(raw, &tmpl))
		for page, b := range dashboards(t, tmpl) {
			pages++
			m := limits(t, page, b)
			r := rows(b)
			assert.LessOrEqual(t, len(r), config.DashboardPageRows, "%s: rows", page)
			t.Logf("%s %s: %d rows, %d widgets, %d metrics", name, page, len(r), len(b.Widgets), m)
			for _, c := range r {
				seen[c]++
			}
		}
	}
	assert.Len(t, seen, 500, "every customer has a row")
	for c, n := range seen {
		assert.Equal(t, 1, n, "%s has one row", c)
	}
	assert.GreaterOrEqual(t, pages, 10, "500 customers of at most 50 rows")
	checkFootprints(t, f, built, func(name string) []byte {
		raw, err := os.ReadFile(filepath.Join(outdir, name+".template.json"))
		require.NoError(t, err)
		return raw
	})
}

// A service waiting for its endpoint service name or for its resource
// configuration ARN is pending; one with either is not.
func TestRowDescriptionCountsPendingServices(t *testing.T) {
	three := 3
	c := &config.Customer{Probe: &config.Probe{FailMinutes: &three}, PrivateLink: &config.PrivateLink{Services: []config.Service{
		{Name: "a", ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718"},
		{Name: "b", ResourceConfigurationArn: "arn:aws:vpc-lattice:us-east-1:246813579135:resourceconfiguration/rcfg-0a1b2c3d4e5f60718"},
		{Name: "c", Producer: &config.Producer{Mode: config.ModeResourceGateway, Target: "rds"}},
	}}}
	assert.Contains(t, rowDescription(c), "PrivateLink: 3 service(s), 1 pending")
}
