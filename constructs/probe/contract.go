package probe

import (
	"encoding/json"
	"fmt"
	"strings"
)

// What the probe publishes, and below how its targets and alarms are named:
// the contract that config's validation, the dashboards, make cost and
// privateconnect status rely on.
const (
	Namespace           = "PrivateConnect/Probe"
	MetricReachable     = "Reachable"
	MetricConnectMillis = "ConnectMillis"
	MetricTlsDaysLeft   = "TlsDaysLeft"
	DimensionCustomer   = "Customer"
	DimensionTarget     = "Target"
)

// TargetName is the Target dimension of a service port ("" host) or a VPN host.
func TargetName(service, host string, port float64) string {
	if service != "" {
		return fmt.Sprintf("%s:%v", service, port)
	}
	return fmt.Sprintf("vpn:%s:%v", host, port)
}

// AlarmName is the alarm of a customer's target.
func AlarmName(customer, target string) string {
	return customer + "-probe-" + strings.ReplaceAll(target, ":", "-")
}

// PublishedMetrics counts the custom metrics a probe function publishes,
// from the environment variables of its AWS::Lambda::Function in a
// template: Reachable and ConnectMillis per target, and TlsDaysLeft per
// target whose TLS is checked. ok is false for another function.
func PublishedMetrics(env map[string]any) (metrics int, ok bool) {
	if env["NAMESPACE"] != Namespace {
		return 0, false
	}
	read := func(key string) []any {
		s, _ := env[key].(string)
		var out []any
		json.Unmarshal([]byte(s), &out)
		return out
	}
	tls := func(v any) int {
		if b, _ := v.(bool); b {
			return 1
		}
		return 0
	}
	for _, s := range read("SERVICES") {
		svc, _ := s.([]any)
		if len(svc) == 3 {
			ports, _ := svc[1].([]any)
			metrics += len(ports) * (2 + tls(svc[2]))
		}
	}
	for _, h := range read("HOSTS") {
		host, _ := h.([]any)
		if len(host) == 3 {
			metrics += 2 + tls(host[2])
		}
	}
	return metrics, true
}
