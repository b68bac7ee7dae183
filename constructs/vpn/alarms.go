package vpn

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"
)

// addAlarms watches TunnelState by VpnId, which aggregates both tunnels: 1
// while both are up, 0 once both are down, and in between (or a 0 and a 1
// from the two tunnels) while one is down. The Minimum falls below 1 as soon
// as one tunnel is down; the Maximum stays at 0.5 or 1 while one is up.
func (s *site) addAlarms(props *SiteProps) {
	label := "privateconnect"
	if props.Name != nil {
		label = *props.Name
	}
	dims := []any{&awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String("VpnId"), Value: s.conn.Ref()}}
	var actions *[]any
	if props.AlarmTopicArn != nil {
		actions = &[]any{props.AlarmTopicArn}
	}
	s.redundancy = awscloudwatch.NewCfnAlarm(s.Construct, jsii.String("RedundancyLostAlarm"), &awscloudwatch.CfnAlarmProps{
		AlarmDescription: jsii.String(fmt.Sprintf("%s: one of the two VPN tunnels has been down for %d minutes; one more failure cuts the customer off. Check the tunnel logs, and that the customer's device has both tunnels configured.",
			label, redundancyLostPeriods*tunnelStateAlarmPeriod/60)),
		Namespace:          jsii.String(tunnelStateNamespace),
		MetricName:         jsii.String(tunnelStateMetric),
		Dimensions:         dims,
		Statistic:          jsii.String("Minimum"),
		Period:             jsii.Number(tunnelStateAlarmPeriod),
		EvaluationPeriods:  jsii.Number(redundancyLostPeriods),
		DatapointsToAlarm:  jsii.Number(redundancyLostPeriods),
		Threshold:          jsii.Number(1),
		ComparisonOperator: jsii.String("LessThanThreshold"),
		// Silence is the other alarm's to report, so one outage pages once.
		TreatMissingData: jsii.String("notBreaching"),
		AlarmActions:     actions,
		OkActions:        actions,
	})
	s.connectivity = awscloudwatch.NewCfnAlarm(s.Construct, jsii.String("ConnectivityLostAlarm"), &awscloudwatch.CfnAlarmProps{
		AlarmDescription: jsii.String(fmt.Sprintf("%s: both VPN tunnels are down; the connectors cannot reach the customer. Check the tunnel logs and the customer's device.", label)),
		Namespace:        jsii.String(tunnelStateNamespace),
		MetricName:       jsii.String(tunnelStateMetric),
		Dimensions:       dims,
		Statistic:        jsii.String("Maximum"),
		Period:           jsii.Number(tunnelStateAlarmPeriod),
		// Both down for one period is an outage already.
		EvaluationPeriods:  jsii.Number(connectivityLostPeriods),
		Threshold:          jsii.Number(0.5),
		ComparisonOperator: jsii.String("LessThanThreshold"),
		// A connection that reports nothing cannot be shown to be up.
		TreatMissingData: jsii.String("breaching"),
		AlarmActions:     actions,
		OkActions:        actions,
	})
	if props.TunnelStateAlarmName != nil {
		awscloudwatch.NewCfnAlarm(s.Construct, jsii.String("TunnelStateAlarm"), &awscloudwatch.CfnAlarmProps{
			AlarmName: props.TunnelStateAlarmName,
			AlarmDescription: jsii.String(fmt.Sprintf("%s: a VPN tunnel is down now. For dashboards only, no action: the redundancy-lost and connectivity-lost alarms notify.",
				label)),
			Namespace:          jsii.String(tunnelStateNamespace),
			MetricName:         jsii.String(tunnelStateMetric),
			Dimensions:         dims,
			Statistic:          jsii.String("Minimum"),
			Period:             jsii.Number(tunnelStateAlarmPeriod),
			EvaluationPeriods:  jsii.Number(1),
			Threshold:          jsii.Number(1),
			ComparisonOperator: jsii.String("LessThanThreshold"),
			TreatMissingData:   jsii.String("missing"),
		})
	}
}
