package config

import "testing"

// Target group settings default by target kind: rds follows a failing-over
// database, ip and instance keep AWS's defaults; given values are kept and
// the timeout follows a given interval.
func TestTargetGroupDefaults(t *testing.T) {
	type settings struct{ delay, interval, timeout, healthy, unhealthy int }
	for _, tc := range []struct {
		name, producer string
		want           settings
		terminate      bool
	}{
		{"rds", "target: rds", settings{30, 10, 5, 2, 2}, true},
		{"ip", "target: ip", settings{300, 30, 10, 5, 2}, false},
		{"instance given", "target: instance\n        targetGroup: {healthCheckIntervalSeconds: 6, connectionTermination: true, unhealthyThresholdCount: 3}", settings{300, 6, 3, 5, 3}, true},
		{"rds given", "target: rds\n        targetGroup: {deregistrationDelaySeconds: 0, healthCheckIntervalSeconds: 60, connectionTermination: false}", settings{0, 60, 10, 2, 2}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := baseFleet()
			f.acme = replace(t, f.acme, "ports: [5432]", "ports: [5432]\n      producer:\n        "+tc.producer)
			fleet, err := f.build()
			if err != nil {
				t.Fatal(err)
			}
			tg := fleet.Customer("acme").PrivateLink.Services[0].Producer.TargetGroup
			got := settings{*tg.DeregistrationDelaySeconds, *tg.HealthCheckIntervalSeconds, *tg.HealthCheckTimeoutSeconds, *tg.HealthyThresholdCount, *tg.UnhealthyThresholdCount}
			if got != tc.want || *tg.ConnectionTermination != tc.terminate {
				t.Errorf("got %+v terminate=%v, want %+v terminate=%v", got, *tg.ConnectionTermination, tc.want, tc.terminate)
			}
		})
	}
}
