// Package benchfleet writes synthetic fleets of any size, for the synth
// benchmark (make bench) and for tests that need a fleet at scale.
package benchfleet

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/privateconnect/privateconnect/config"
)

// Write writes a valid synthetic fleet of n customers into dir, in one
// vendor account, mixing what the example fleet shows: same- and
// cross-region services, one to three AZs, several ports, handed-over
// producers of every target kind, site-to-site VPNs and inbound PrivateLink.
// It records the quota values the fleet needs (see recordQuotas).
func Write(dir string, n int) error { return write(dir, n, 0) }

// WriteCells writes the fleet of Write split into cells of cellSize
// customers, in order: cell-1 holds the first cellSize, each cell its own
// account with the platform's load balancers in both regions.
func WriteCells(dir string, n, cellSize int) error { return write(dir, n, cellSize) }

// CellSize is the size of cell the README recommends, from the quota plan:
// at 150 customers every quota but the network ones (raised on request
// anyway) stays within AWS's defaults.
const CellSize = 150

const vendorHead = `apiVersion: privateconnect/v1
kind: Vendor
name: Bench Integrations
account: "111122223333"
regions: [us-east-1, eu-west-1]
vpcCidrPools: [10.64.0.0/12]
internalDomain: connect.internal.example.com
tags:
  Owner: platform
inboundPrivateLink:
  domains: [platform.example.com]
  hostnames: [api.platform.example.com]
`

// account is the vendor account of cell k (0 for a fleet without cells).
func account(k int) string { return fmt.Sprintf("%012d", 111122223333+k) }

// platform is the platform's load balancers and services in the account
// of cell k, each line indented by indent.
func platform(k int, indent string) string {
	a := account(k)
	return indented(indent, fmt.Sprintf(`us-east-1:
  nlbArn: arn:aws:elasticloadbalancing:us-east-1:%[1]s:loadbalancer/net/platform/0a1b2c3d4e5f60%02[2]x
  availabilityZones: [use1-az1, use1-az2, use1-az3]
  serviceName: com.amazonaws.vpce.us-east-1.vpce-svc-0f1e2d3c4b5a697%02[2]x
eu-west-1:
  nlbArn: arn:aws:elasticloadbalancing:eu-west-1:%[1]s:loadbalancer/net/platform/1b2c3d4e5f6071%02[2]x
  availabilityZones: [euw1-az1, euw1-az2, euw1-az3]
  serviceName: com.amazonaws.vpce.eu-west-1.vpce-svc-0a1b2c3d4e5f607%02[2]x`, a, k))
}

// topics is the alarm topics in the account of cell k.
func topics(k int, indent string) string {
	a := account(k)
	return indented(indent, fmt.Sprintf("us-east-1: arn:aws:sns:us-east-1:%[1]s:alarms\neu-west-1: arn:aws:sns:eu-west-1:%[1]s:alarms", a))
}

func indented(indent, text string) string {
	return indent + strings.ReplaceAll(text, "\n", "\n"+indent) + "\n"
}

func write(dir string, n, cellSize int) error {
	if err := os.MkdirAll(filepath.Join(dir, "customers"), 0o755); err != nil {
		return err
	}
	var v strings.Builder
	v.WriteString(vendorHead)
	cells := 0
	if cellSize > 0 {
		cells = max(1, (n+cellSize-1)/cellSize)
	}
	if cells == 0 {
		fmt.Fprintf(&v, "  regions:\n%s", platform(0, "    "))
		fmt.Fprintf(&v, "principalArn: arn:aws:iam::%s:root\nalarmTopicArns:\n%s", account(0), topics(0, "  "))
	} else {
		v.WriteString("cells:\n")
		for k := 0; k < cells; k++ {
			fmt.Fprintf(&v, "  - name: cell-%d\n    account: \"%s\"\n    principalArn: arn:aws:iam::%s:root\n    regions: [us-east-1, eu-west-1]\n",
				k+1, account(k), account(k))
			fmt.Fprintf(&v, "    alarmTopicArns:\n%s    inboundPrivateLink:\n%s", topics(k, "      "), platform(k, "      "))
		}
	}
	vendor := v.String()
	if err := os.WriteFile(filepath.Join(dir, "vendor.yaml"), []byte(vendor), 0o644); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		doc := customer(i)
		if cells > 0 {
			region := "region: us-east-1\n"
			if i%2 == 1 {
				region = "region: eu-west-1\n"
			}
			doc = strings.Replace(doc, region, region+fmt.Sprintf("cell: cell-%d\n", i/cellSize+1), 1)
		}
		if err := os.WriteFile(filepath.Join(dir, "customers", Name(i)+".yaml"), []byte(doc), 0o644); err != nil {
			return err
		}
	}
	return recordQuotas(dir, vendor)
}

func recordQuotas(dir, vendor string) error {
	need, err := config.RequiredQuotas(dir)
	if err != nil {
		return err
	}
	if len(need) == 0 {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(vendor), &doc); err != nil {
		return err
	}
	root := doc.Content[0]
	for cell, regions := range need {
		target := root
		if cell != "" {
			target = cellNode(root, cell)
			if target == nil {
				return fmt.Errorf("benchfleet: no cell %s in vendor.yaml", cell)
			}
		}
		quotas := &yaml.Node{Kind: yaml.MappingNode}
		for _, region := range slices.Sorted(maps.Keys(regions)) {
			codes := &yaml.Node{Kind: yaml.MappingNode}
			for _, code := range slices.Sorted(maps.Keys(regions[region])) {
				codes.Content = append(codes.Content, scalar(code), scalar(fmt.Sprint(regions[region][code])))
			}
			quotas.Content = append(quotas.Content, scalar(region), codes)
		}
		target.Content = append(target.Content, scalar("quotas"), quotas)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "vendor.yaml"), out, 0o644)
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }

// cellNode is the mapping of the named cell in vendor.yaml's cells.
func cellNode(root *yaml.Node, name string) *yaml.Node {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "cells" {
			continue
		}
		for _, cell := range root.Content[i+1].Content {
			for j := 0; j+1 < len(cell.Content); j += 2 {
				if cell.Content[j].Value == "name" && cell.Content[j+1].Value == name {
					return cell
				}
			}
		}
	}
	return nil
}

// Name is the name of the i-th customer of a fleet Write wrote.
func Name(i int) string { return fmt.Sprintf("c%04d", i) }

func customer(i int) string {
	region, prefix := "us-east-1", "use1"
	if i%2 == 1 {
		region, prefix = "eu-west-1", "euw1"
	}
	azs := []string{prefix + "-az1", prefix + "-az2", prefix + "-az3"}[:2+i%2]
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: privateconnect/v1
kind: Customer
name: %s
account: "%012d"
region: %s
networks: [172.20.0.0/16]
privateLink:
  vpcCidr: 10.%d.%d.0/24
  availabilityZones: [%s]
  services:
`, Name(i), 200000000000+i, region, 64+i/256, i%256, strings.Join(azs, ", "))
	services := 1 + i%3
	for s := 0; s < services; s++ {
		svcRegion := region
		extra := ""
		if s == 2 { // one in three customers with three services reaches one cross-region
			svcRegion, extra = "us-west-2", "      serviceRegion: us-west-2\n"
		}
		fmt.Fprintf(&b, "    - name: svc%d\n      serviceName: com.amazonaws.vpce.%s.vpce-svc-%017x\n%s      ports: [%d, %d]\n",
			s, svcRegion, i*8+s, extra, 5432+s, 8000+s)
		if s < 2 && (i+s)%3 == 0 {
			target := []string{"rds", "ip", "instance"}[(i/3+s)%3]
			fmt.Fprintf(&b, "      producer:\n        target: %s\n", target)
		}
	}
	if i%4 == 3 { // one customer in four also has a site-to-site VPN
		fmt.Fprintf(&b, `vpn:
  vpcCidr: 10.%d.%d.0/24
  availabilityZones: [%s]
  customerGateway:
    ipAddress: 198.51.100.%d
  routing: static
  remoteNetworks: [172.20.0.0/16]
  ports: [443]
  probeTargets: [{host: 172.20.0.10, port: 443, tls: true}]
`, 72+i/256, i%256, strings.Join(azs[:2], ", "), 1+i%250)
	}
	if i%5 == 4 { // one in five also reaches the platform over inbound PrivateLink
		fmt.Fprintf(&b, "inboundPrivateLink:\n  availabilityZones: [%s]\n", strings.Join(azs[:2], ", "))
	}
	return b.String()
}
