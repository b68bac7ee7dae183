package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/privateconnect/privateconnect/internal/awsconf"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/privateconnect/privateconnect/bench/benchfleet"
	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/mototest"
	"github.com/privateconnect/privateconnect/stacks"
	"github.com/privateconnect/privateconnect/status"
)

// StatusResult is how long privateconnect status takes for one fleet
// against the emulator.
type StatusResult struct {
	Fleet     string  `json:"fleet"`
	Customers int     `json:"customers"`
	Stacks    int     `json:"stacks"`
	Seconds   float64 `json:"medianSeconds"`
	Min       float64 `json:"minSeconds"`
	Max       float64 `json:"maxSeconds"`
	Healthy   int     `json:"healthyCustomers"`
}

// StatusReport is what bench -status writes.
type StatusReport struct {
	Date               string         `json:"date"`
	Runs               int            `json:"runsPerMeasurement"`
	Results            []StatusResult `json:"results"`
	MachineDescription string         `json:"machine"`
	Method             string         `json:"method"`
}

const statusMethod = "moto (e2e/moto_launcher.py) on 127.0.0.1; per customer the stacks status reads, created with CloudFormation " +
	"in the shapes and with the outputs of the fleet's stacks (VPC, subnets and an interface endpoint per service; customer gateway, " +
	"VPN gateway and VPN connection; per region the inbound endpoint service on an NLB) and one Reachable datapoint per service; " +
	"then the built binary's status -json, timed from start to exit"

// benchStatus times status for the example fleet (exampleDir) and for
// generated fleets of each size, against the emulator.
func benchStatus(exampleDir, sizeList string, runs int, out string) error {
	tmp, err := os.MkdirTemp("", "privateconnect-bench-status")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin, err := buildApp(tmp)
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(tmp, "moto.log"))
	if err != nil {
		return err
	}
	url, stop, err := mototest.Launch(".", logf)
	if err != nil {
		return err
	}
	defer stop()
	for k, v := range mototest.Env(url, tmp) {
		if v == "" {
			os.Unsetenv(k)
		} else {
			os.Setenv(k, v)
		}
	}

	fleets := [][2]string{{"example (" + exampleDir + ")", exampleDir}}
	for _, s := range strings.Split(sizeList, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(s), &n); err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a fleet size", s)
		}
		dir := filepath.Join(tmp, fmt.Sprintf("fleet-%d", n))
		if err := benchfleet.Write(dir, n); err != nil {
			return err
		}
		fleets = append(fleets, [2]string{fmt.Sprintf("generated, %d customers", n), dir})
	}
	report := StatusReport{Date: time.Now().UTC().Format(time.RFC3339), Runs: runs, MachineDescription: machine(), Method: statusMethod}
	fmt.Printf("%-34s %9s %6s %9s %9s %9s\n", "fleet", "customers", "stacks", "median s", "min s", "max s")
	for _, fl := range fleets {
		if _, err := http.Post(url+"/moto-api/reset", "application/json", nil); err != nil {
			return err
		}
		fleet, err := config.Load(fl[1])
		if err != nil {
			return err
		}
		n, err := deployShapes(context.Background(), fleet)
		if err != nil {
			return err
		}
		var samples []sample
		var last status.Report
		for i := 0; i < runs; i++ {
			cmd := exec.Command(bin, "status", "-json", "-config", fl[1])
			var stdout strings.Builder
			cmd.Stdout = &stdout
			s, err := run(cmd)
			if err != nil && !strings.Contains(err.Error(), "exit status 1") {
				return err
			}
			if err := json.Unmarshal([]byte(stdout.String()), &last); err != nil {
				return fmt.Errorf("status -json: %v", err)
			}
			if len(last.Errors) > 0 {
				return fmt.Errorf("status could not read: %v", last.Errors[0])
			}
			samples = append(samples, s)
		}
		r := StatusResult{Fleet: fl[0], Customers: len(fleet.Customers), Stacks: n, Seconds: median(samples).Wall.Seconds()}
		r.Min, r.Max = samples[0].Wall.Seconds(), samples[0].Wall.Seconds()
		for _, s := range samples {
			r.Min, r.Max = min(r.Min, s.Wall.Seconds()), max(r.Max, s.Wall.Seconds())
		}
		for _, c := range last.Customers {
			if c.State == status.Healthy {
				r.Healthy++
			}
		}
		report.Results = append(report.Results, r)
		fmt.Printf("%-34s %9d %6d %9.2f %9.2f %9.2f\n", r.Fleet, r.Customers, r.Stacks, r.Seconds, r.Min, r.Max)
	}
	data, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(data, '\n'), 0o644)
}

type obj = map[string]any

func ref(id string) obj { return obj{"Ref": id} }

// deployShapes creates, for every customer, stacks with the names and the
// outputs status reads, and a probe datapoint per service; the number of stacks.
func deployShapes(ctx context.Context, fleet *config.Fleet) (int, error) {
	cfg, err := awsconf.Load(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	create := func(region, name string, template obj) error {
		body, _ := json.Marshal(template)
		cfn := cloudformation.NewFromConfig(cfg, func(o *cloudformation.Options) { o.Region = region })
		if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(string(body))}); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		n++
		return nil
	}
	inbound := map[string]bool{}
	for _, c := range fleet.Customers {
		var data []cwtypes.MetricDatum
		if pl := c.PrivateLink; pl != nil {
			res := obj{"Vpc": obj{"Type": "AWS::EC2::VPC", "Properties": obj{"CidrBlock": "10.0.0.0/16"}}}
			var subnets []any
			for i, az := range pl.AvailabilityZones {
				id := fmt.Sprint("Subnet", i)
				res[id] = obj{"Type": "AWS::EC2::Subnet", "Properties": obj{"VpcId": ref("Vpc"), "CidrBlock": fmt.Sprintf("10.0.%d.0/24", i), "AvailabilityZoneId": az}}
				subnets = append(subnets, ref(id))
			}
			outs := obj{}
			for _, s := range pl.Services {
				if s.ServiceName == "" {
					continue
				}
				id := stacks.OutputID(s.Name)
				res[id] = obj{"Type": "AWS::EC2::VPCEndpoint", "Properties": obj{"VpcId": ref("Vpc"), "VpcEndpointType": "Interface",
					"ServiceName": s.ServiceName, "SubnetIds": subnets}}
				outs[id+"EndpointId"] = obj{"Value": ref(id)}
				for _, p := range s.Ports {
					data = append(data, cwtypes.MetricDatum{MetricName: aws.String(status.ProbeMetric), Value: aws.Float64(1), Timestamp: aws.Time(time.Now().Add(-time.Minute)),
						Dimensions: []cwtypes.Dimension{{Name: aws.String("Customer"), Value: aws.String(c.Name)}, {Name: aws.String("Target"), Value: aws.String(fmt.Sprintf("%s:%d", s.Name, p))}}})
				}
			}
			if err := create(c.Region, stacks.StackName(c, stacks.ModePrivateLink), obj{"Resources": res, "Outputs": outs}); err != nil {
				return n, err
			}
		}
		if c.Vpn != nil {
			if err := create(c.Region, stacks.StackName(c, stacks.ModeVpn), obj{"Resources": obj{
				"Cgw":  obj{"Type": "AWS::EC2::CustomerGateway", "Properties": obj{"Type": "ipsec.1", "IpAddress": c.Vpn.CustomerGateway.IPAddress, "BgpAsn": 65000}},
				"Vgw":  obj{"Type": "AWS::EC2::VPNGateway", "Properties": obj{"Type": "ipsec.1"}},
				"Conn": obj{"Type": "AWS::EC2::VPNConnection", "Properties": obj{"Type": "ipsec.1", "CustomerGatewayId": ref("Cgw"), "VpnGatewayId": ref("Vgw")}},
			}, "Outputs": obj{"VpnConnectionId": obj{"Value": ref("Conn")}}}); err != nil {
				return n, err
			}
		}
		if stacks.HasInbound(c) && !inbound[c.Region] {
			inbound[c.Region] = true
			if err := create(c.Region, stacks.InboundServiceStackName(c.Region), obj{"Resources": obj{
				"Vpc":     obj{"Type": "AWS::EC2::VPC", "Properties": obj{"CidrBlock": "10.250.0.0/16"}},
				"Subnet":  obj{"Type": "AWS::EC2::Subnet", "Properties": obj{"VpcId": ref("Vpc"), "CidrBlock": "10.250.0.0/24"}},
				"Nlb":     obj{"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": obj{"Type": "network", "Scheme": "internal", "Subnets": []any{ref("Subnet")}}},
				"Service": obj{"Type": "AWS::EC2::VPCEndpointService", "Properties": obj{"NetworkLoadBalancerArns": []any{ref("Nlb")}, "AcceptanceRequired": true}},
			}, "Outputs": obj{"ServiceId": obj{"Value": ref("Service")}}}); err != nil {
				return n, err
			}
		}
		if len(data) > 0 {
			cw := cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.Region = c.Region })
			if _, err := cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(status.ProbeNamespace), MetricData: data}); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
