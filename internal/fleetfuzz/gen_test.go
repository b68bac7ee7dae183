package fleetfuzz

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// A fleet is the example fleet of config/, as YAML trees the generator edits.
type fleet struct {
	vendor    map[string]any
	customers []map[string]any
}

// loadExamples reads config/vendor.yaml and config/customers/*.yaml.
func loadExamples(tb testing.TB) fleet {
	tb.Helper()
	read := func(path string) map[string]any {
		raw, err := os.ReadFile(path)
		require.NoError(tb, err)
		var m map[string]any
		require.NoError(tb, yaml.Unmarshal(raw, &m))
		return m
	}
	f := fleet{vendor: read("../../config/vendor.yaml")}
	files, _ := filepath.Glob("../../config/customers/*.yaml")
	sort.Strings(files)
	for _, file := range files {
		f.customers = append(f.customers, read(file))
	}
	return f
}

// write lays the fleet out as a fleet directory.
func (f fleet) write(tb testing.TB, dir string) {
	tb.Helper()
	put := func(name string, doc map[string]any) {
		raw, err := yaml.Marshal(doc)
		require.NoError(tb, err)
		require.NoError(tb, os.WriteFile(filepath.Join(dir, name), raw, 0o644))
	}
	os.MkdirAll(filepath.Join(dir, "customers"), 0o755)
	put("vendor.yaml", f.vendor)
	for i, c := range f.customers {
		name, _ := c["name"].(string)
		if !safeFileName(name) {
			name = fmt.Sprintf("customer%d", i) // the file is named apart: validation says so
		}
		if _, err := os.Stat(filepath.Join(dir, "customers", name+".yaml")); err == nil {
			name = fmt.Sprintf("%s-%d", name, i)
		}
		put("customers/"+name+".yaml", c)
	}
}

func safeFileName(s string) bool {
	return s != "" && len(s) < 100 && !strings.ContainsAny(s, "/\\\x00.") && strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r > '~' }) < 0
}

// source hands out the fuzzer's bytes as choices; past the end every choice is 0.
type source struct {
	data []byte
	i    int
}

func (s *source) byte() byte {
	if s.i >= len(s.data) {
		return 0
	}
	b := s.data[s.i]
	s.i++
	return b
}

func (s *source) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return int(s.byte()) % n
}

func (s *source) done() bool { return s.i >= len(s.data) }

// generate applies up to 16 edits, chosen by data, to the example fleet.
// Edits stay within the schema: each writes a value of the key's type,
// mostly valid and often at the edge of what validation allows, sometimes
// not (which validation must then refuse, cheaply).
func generate(base fleet, data []byte) fleet {
	f := clone(base)
	s := &source{data: data}
	// The first byte keeps a subset of the examples (none dropped at 0).
	if keep := s.byte(); keep != 0 {
		var kept []map[string]any
		for i, c := range f.customers {
			if keep&(1<<i) != 0 {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			f.customers = kept
		}
	}
	for n := 0; n < 16 && !s.done(); n++ {
		switch s.intn(9) {
		case 0:
			f.addCustomer(s)
		case 1, 2, 3:
			if len(f.customers) > 0 && s.intn(4) != 0 {
				setLeaf(f.customers[s.intn(len(f.customers))], s, false)
			} else {
				setLeaf(f.vendor, s, true)
			}
		case 4:
			if len(f.customers) > 0 {
				addService(f.customers[s.intn(len(f.customers))], s, len(f.customers))
			}
		case 5:
			if len(f.customers) > 0 {
				addSection(f.customers[s.intn(len(f.customers))], s, len(f.customers))
			}
		case 6:
			doc := f.vendor
			if len(f.customers) > 0 && s.intn(2) == 0 {
				doc = f.customers[s.intn(len(f.customers))]
			}
			doc["tags"] = pick(s, tagSets)
		case 7:
			if len(f.customers) > 1 {
				i := s.intn(len(f.customers))
				f.customers = append(f.customers[:i], f.customers[i+1:]...)
			}
		case 8:
			f.splitIntoCells(s)
		}
	}
	return f
}

// splitIntoCells moves the vendor's single account into cell-1 and adds a
// cell-2 in another account, for every region or the first only, with the
// platform's load balancers copied into its account; each customer goes to
// a cell by a choice, sometimes to none or to an unknown one. Done twice,
// the second time it only reassigns customers.
func (f *fleet) splitIntoCells(s *source) {
	v := f.vendor
	if _, done := v["cells"]; !done {
		regions, _ := v["regions"].([]any)
		cell1 := map[string]any{"name": "cell-1", "account": v["account"], "principalArn": v["principalArn"],
			"regions": regions, "alarmTopicArns": v["alarmTopicArns"]}
		cell2Regions := regions
		if len(regions) > 1 && s.intn(2) == 0 {
			cell2Regions = regions[:1]
		}
		other := "999900001111"
		topics := map[string]any{}
		for _, r := range cell2Regions {
			topics[fmt.Sprint(r)] = fmt.Sprintf("arn:aws:sns:%v:%s:alarms", r, other)
		}
		cell2 := map[string]any{"name": pick(s, []string{"cell-2", "c2", "Cell_2", strings.Repeat("c", 21)}), "account": other,
			"principalArn": "arn:aws:iam::" + other + ":root", "regions": cell2Regions, "alarmTopicArns": topics}
		if in, ok := v["inboundPrivateLink"].(map[string]any); ok {
			if byRegion, ok := in["regions"].(map[string]any); ok {
				cell1["inboundPrivateLink"] = byRegion
				mine := map[string]any{}
				for _, r := range cell2Regions {
					if conf, ok := byRegion[fmt.Sprint(r)].(map[string]any); ok {
						c := maps.Clone(conf)
						c["nlbArn"] = strings.Replace(fmt.Sprint(conf["nlbArn"]), fmt.Sprint(v["account"]), other, 1)
						delete(c, "serviceName") // pending in the new account
						mine[fmt.Sprint(r)] = c
					}
				}
				cell2["inboundPrivateLink"] = mine
				delete(in, "regions")
			}
		}
		delete(v, "principalArn")
		delete(v, "alarmTopicArns")
		v["cells"] = []any{cell1, cell2}
	}
	cells, _ := v["cells"].([]any)
	for _, c := range f.customers {
		switch s.intn(8) {
		case 6:
			delete(c, "cell")
		case 7:
			c["cell"] = "cell-9"
		default:
			if cell, ok := cells[s.intn(len(cells))].(map[string]any); ok {
				c["cell"] = cell["name"]
			}
		}
	}
}

// addCustomer copies a customer under a new name, with its own blocks,
// accounts and addresses, so that it validates beside the original.
func (f *fleet) addCustomer(s *source) {
	if len(f.customers) == 0 || len(f.customers) >= 4 {
		return
	}
	k := len(f.customers) + 10
	c := clone(fleet{customers: []map[string]any{f.customers[s.intn(len(f.customers))]}}).customers[0]
	renumber(c, k)
	c["name"] = pick(s, []string{fmt.Sprintf("copy%d", k), fmt.Sprintf("c%d-%s", k, strings.Repeat("x", 30)), "inbound", "acme", "Copy"})
	f.customers = append(f.customers, c)
}

// renumber gives customer c the k-th set of blocks and unique identifiers.
func renumber(c map[string]any, k int) {
	c["account"] = fmt.Sprintf("5%011d", k)
	if pl, ok := c["privateLink"].(map[string]any); ok {
		pl["vpcCidr"] = fmt.Sprintf("10.65.%d.0/24", k)
		if svcs, ok := pl["services"].([]any); ok {
			for i, x := range svcs {
				if svc, ok := x.(map[string]any); ok {
					if name, ok := svc["serviceName"].(string); ok {
						svc["serviceName"] = name[:strings.LastIndex(name, "-")+1] + fmt.Sprintf("%08x", 0x70000000+k*16+i)
					}
					// The customer's own share: its account, a configuration of its own.
					if _, ok := svc["resourceConfigurationArn"].(string); ok {
						svc["resourceConfigurationArn"] = rcfgArn(fmt.Sprint(c["region"]), fmt.Sprint(c["account"]), 0x7000000+k*16+i)
					}
				}
			}
		}
	}
	if vp, ok := c["vpn"].(map[string]any); ok {
		vp["vpcCidr"] = fmt.Sprintf("10.66.%d.0/24", k)
		if gw, ok := vp["customerGateway"].(map[string]any); ok {
			gw["ipAddress"] = fmt.Sprintf("203.0.113.%d", 100+k)
		}
		delete(vp, "tunnels") // inside CIDRs and secrets are per customer
	}
	if in, ok := c["inboundPrivateLink"].(map[string]any); ok {
		delete(in, "accounts")
	}
}

// addService appends a service from a template of each kind.
func addService(c map[string]any, s *source, k int) {
	pl, ok := c["privateLink"].(map[string]any)
	if !ok {
		return
	}
	svcs, _ := pl["services"].([]any)
	n := len(svcs)
	svc := map[string]any{
		"name":  pick(s, labels),
		"ports": pick(s, portLists),
	}
	region := fmt.Sprint(c["region"])
	switch s.intn(7) {
	case 0, 1:
		svc["serviceName"] = fmt.Sprintf("com.amazonaws.vpce.%s.vpce-svc-%08x", region, 0x60000000+k*64+n)
	case 2:
		svc["producer"] = map[string]any{"target": "rds", "rds": pick(s, rdsLookups), "registrar": map[string]any{"scheduleMinutes": pick(s, []int{1, 5, 60}), "deregisterAfterMisses": pick(s, []int{1, 3, 10})}}
	case 3:
		svc["serviceName"] = fmt.Sprintf("com.amazonaws.vpce.%s.vpce-svc-%08x", region, 0x50000000+k*64+n)
		svc["producer"] = map[string]any{"target": pick(s, []string{"ip", "instance"}), "count": pick(s, []int{1, 2, 20})}
	case 4:
		svc["serviceName"] = fmt.Sprintf("com.amazonaws.vpce.us-west-2.vpce-svc-%08x", 0x40000000+k*64+n)
		svc["serviceRegion"] = "us-west-2"
	case 5:
		// Producer mode resourceGateway, pending: a database by ARN has one port.
		rds := maps.Clone(pick(s, rgLookups)) // later edits must not reach the pool
		if rds["by"] != "hostname" {
			svc["ports"] = []any{pick(s, []int{5432, 3306, 1521})}
		}
		svc["producer"] = map[string]any{"mode": "resourceGateway", "target": "rds", "rds": rds}
	case 6:
		// A resource configuration the customer shared: with the producer
		// section that built it, or one the customer built.
		svc["resourceConfigurationArn"] = rcfgArn(region, fmt.Sprint(c["account"]), 0x3000000+k*64+n)
		svc["ports"] = []any{pick(s, []int{5432, 3306})}
		if s.intn(2) == 0 {
			svc["producer"] = map[string]any{"mode": "resourceGateway", "target": "rds", "rds": maps.Clone(pick(s, rgLookups))}
		}
	}
	pl["services"] = append(svcs, svc)
}

// rcfgArn is a resource configuration ARN of the given region and account.
func rcfgArn(region, account string, n int) string {
	return fmt.Sprintf("arn:aws:vpc-lattice:%s:%s:resourceconfiguration/rcfg-%017x", region, account, n)
}

// addSection gives the customer a mode it lacks, from the examples' shapes.
func addSection(c map[string]any, s *source, k int) {
	region := fmt.Sprint(c["region"])
	azs := map[string][]any{"us-east-1": {"use1-az1", "use1-az2"}, "eu-west-1": {"euw1-az1", "euw1-az2"}}[region]
	if azs == nil {
		return
	}
	switch s.intn(3) {
	case 0:
		if _, ok := c["vpn"]; !ok {
			remote := pick(s, [][]any{{"172.31.0.0/16"}, {"172.31.0.0/16", "192.168.50.0/24"}})
			ports := pick(s, portLists)
			c["vpn"] = map[string]any{
				"vpcCidr": fmt.Sprintf("10.67.%d.0/24", k), "availabilityZones": azs,
				"customerGateway": map[string]any{"ipAddress": fmt.Sprintf("198.51.100.%d", 100+k)},
				"routing":         "static", "remoteNetworks": remote,
				"ports": ports, "natGateways": pick(s, []string{"single", "perAz", "none"}),
				"probeTargets": []any{map[string]any{"host": "172.31.0.10", "port": ports[0], "tls": s.intn(2) == 0}},
			}
			// Remote networks lie inside the customer's networks.
			networks, _ := c["networks"].([]any)
			for _, n := range remote {
				if !slices.Contains(networks, n) {
					networks = append(networks, n)
				}
			}
			c["networks"] = networks
		}
	case 1:
		if _, ok := c["inboundPrivateLink"]; !ok && region == "us-east-1" {
			c["inboundPrivateLink"] = map[string]any{"availabilityZones": azs, "dnsMode": pick(s, []string{"privateHostedZone", "privateDnsName"}),
				"clientCidrs": pick(s, [][]any{{"10.200.0.0/16"}, {"10.200.0.0/16", "172.30.0.0/16"}, {"8.8.8.0/24"}})}
		}
	case 2:
		if _, ok := c["privateLink"]; !ok {
			c["privateLink"] = map[string]any{"vpcCidr": fmt.Sprintf("10.68.%d.0/24", k), "availabilityZones": azs,
				"services": []any{map[string]any{"name": "db", "ports": []any{5432}, "producer": map[string]any{"target": "rds"}}}}
		}
	}
}

// setLeaf replaces one value of doc, found by walking it with s's choices,
// by a value of the same key from the pools.
func setLeaf(doc map[string]any, s *source, vendor bool) {
	var node any = doc
	key, parentKey := "", ""
	var set func(v any)
	for depth := 0; depth < 6; depth++ {
		switch x := node.(type) {
		case map[string]any:
			if len(x) == 0 {
				return
			}
			keys := sortedKeys(x)
			k := keys[s.intn(len(keys))]
			parentKey, key = key, k
			node = x[k]
			set = func(v any) { x[k] = v }
			if _, deeper := node.(map[string]any); !deeper || s.intn(3) == 0 {
				if _, list := node.([]any); !list || s.intn(2) == 0 {
					set(valueFor(key, parentKey, vendor, s, node))
					return
				}
			}
		case []any:
			if len(x) == 0 {
				set(valueFor(key, parentKey, vendor, s, node))
				return
			}
			i := s.intn(len(x))
			node = x[i]
			if _, ok := node.(map[string]any); !ok {
				set(valueFor(key, parentKey, vendor, s, x))
				return
			}
		default:
			set(valueFor(key, parentKey, vendor, s, node))
			return
		}
	}
}

// valueFor picks a value for key (under parentKey) from its pool.
func valueFor(key, parentKey string, vendor bool, s *source, old any) any {
	switch key {
	case "name":
		switch {
		case vendor:
			return pick(s, vendorNames)
		case parentKey == "":
			return pick(s, []string{"acme", "inbound", "Acme", "a-b", strings.Repeat("c", 40)})
		}
		return pick(s, labels)
	case "displayName":
		return pick(s, displayNames)
	case "ports":
		return pick(s, portLists)
	case "availabilityZones":
		return pick(s, azLists)
	case "count":
		return pick(s, []int{1, 2, 20, 21, 0})
	case "target":
		return pick(s, []string{"rds", "ip", "instance"})
	case "region", "serviceRegion":
		return pick(s, []string{"us-east-1", "eu-west-1", "us-west-2", "us-west-1", "mars-1"})
	case "networks", "clientCidrs", "remoteNetworks":
		return pick(s, cidrLists)
	case "hostnames":
		return pick(s, hostnameLists)
	case "tags":
		return pick(s, tagSets)
	case "ipAddress":
		return pick(s, []string{"198.51.100.7", "203.0.113.24", "10.0.0.1", "0.0.0.0"})
	case "principalArn":
		return pick(s, []string{"arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/ops/" + strings.Repeat("r", 64), "arn:aws:iam::111122223333:role/" + strings.Repeat("r", 65)})
	case "dnsMode":
		return pick(s, []string{"privateHostedZone", "privateDnsName"})
	case "natGateways":
		return pick(s, []string{"single", "perAz", "none"})
	case "routing":
		return pick(s, []string{"static", "bgp"})
	case "bgpAsn", "amazonSideAsn":
		return pick(s, []int{64512, 65000, 65534, 7224, 4200000001, 4294967294})
	case "insideCidr":
		return pick(s, []string{"169.254.10.0/30", "169.254.10.4/30", "169.254.5.0/30"})
	case "by":
		return pick(s, []string{"hostname", "dbInstance", "dbCluster"})
	case "privateDnsName":
		return pick(s, []string{"*.platform.example.com", "api.platform.example.com", ""})
	case "accounts":
		return pick(s, [][]any{{"135792468024"}, {"135792468024", "135792468025"}, {"444455556666"}})
	case "host":
		return pick(s, []string{"10.48.1.25", "172.24.10.20", "172.31.0.10", "db.corp.example.com", "10.1.2.3", "fd00::1", strings.Repeat("h", 63) + "." + strings.Repeat("o", 63) + "." + strings.Repeat("s", 63) + ".example"})
	case "port":
		return pick(s, []int{443, 5432, 1521, 8443, 0})
	case "failMinutes":
		return pick(s, []int{2, 3, 60, 1, 61})
	case "probeTargets":
		return pick(s, [][]any{{}, {map[string]any{"host": "10.48.1.25", "port": 5432, "tls": true}}, probeTargets(10), probeTargets(11)})
	case "serviceName":
		return pick(s, []string{"com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718", "com.amazonaws.vpce.eu-west-1.vpce-svc-01234567", ""})
	case "mode":
		return pick(s, []string{"nlb", "resourceGateway", "lattice"})
	case "resourceConfigurationArn":
		return pick(s, []string{rcfgArn("us-east-1", "444455556666", 1), rcfgArn("eu-west-1", "444455556666", 2), rcfgArn("us-east-1", "999988887777", 3), ""})
	}
	switch old.(type) {
	case bool:
		return s.intn(2) == 0
	case int:
		return pick(s, []int{0, 1, 3, 60, 365, 65535, 4200000000})
	case []any:
		return pick(s, [][]any{{}, {"x"}})
	}
	return pick(s, trickyStrings)
}

// Pools of values: valid ones, edges of validity, and the inputs the issue
// names (non-Latin letters, accents, &, commas, leading digits, format and
// bidi controls, labels that collide once their hyphens go).
var (
	labels        = []string{"db", "api", "a-1", "a1", "vpc-id", "has-alarm-topic", "db-endpoint", "db-service-name", "reports-db", "x", strings.Repeat("s", 32), "subnet-ids", "consumer"}
	vendorNames   = []string{"Example Integrations", "Example & Co", "3M Integrations", "Müller Integrations", "X", strings.Repeat("V", 64), "Example-Integrations 2.0 @EU", "Example\u202eInc"}
	displayNames  = []string{"Acme Corporation", "Société Générale & Cie, S.A.", "株式会社サンプル", "3M", "Acme\u202eCorp", "<b>Acme</b>", strings.Repeat("\U0001D538", 100), "Ac\u200dme", "O'Brien (EU) + Partners: 2026"}
	portLists     = [][]any{{443}, {5432}, {1, 65535}, ints(1000, 5), ints(2000, 20), ints(3000, 25), ints(4000, 40), {443, 443}, {0}}
	azLists       = [][]any{{"use1-az1", "use1-az2"}, {"use1-az4", "use1-az6", "use1-az1"}, {"use1-az9", "use1-az1"}, {"euw1-az1", "euw1-az2"}, {"euw1-az3"}, {"usw2-az1", "usw2-az2"}, {"use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"}}
	cidrLists     = [][]any{{"10.0.0.0/16"}, {"172.20.0.0/16", "192.168.10.0/24"}, {"203.0.113.0/24"}, {"10.0.0.0/16", "10.0.0.0/16"}, {"0.0.0.0/0"}, {"100.64.0.0/10", "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"}}
	hostnameLists = [][]any{{"api.platform.example.com"}, {"api.platform.example.com", "hub.platform.example.com"}, {"www.example.org"}, hosts(30)}
	rgLookups     = []map[string]any{{"by": "hostname"}, {"by": "dbInstance"}, {"by": "dbCluster"}, {"by": "dbCluster", "role": "writer"}}
	rdsLookups    = []any{map[string]any{"by": "hostname"}, map[string]any{"by": "dbInstance"}, map[string]any{"by": "dbCluster", "role": "reader"}, map[string]any{"by": "dbCluster", "role": "writer"}}
	tagSets       = []any{map[string]any{}, map[string]any{"Owner": "team"}, map[string]any{"Ünïcode Kéy": "välue 値"}, map[string]any{"Bad,Key": "x"}, map[string]any{"aws:x": "y"}, manyTags(45), manyTags(46)}
	trickyStrings = []string{"", "x", "3M", "Ab & Cd, Inc", "\u202e", "株式会社", strings.Repeat("z", 300), "a\nb", "${AWS::Region}", "{{resolve:ssm:x}}"}
)

// probeTargets are n VPN probe targets in 172.31.0.0/16 on port 443.
func probeTargets(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"host": fmt.Sprintf("172.31.0.%d", i+1), "port": 443}
	}
	return out
}

func ints(from, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}

func hosts(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("h%d.platform.example.com", i)
	}
	return out
}

func manyTags(n int) map[string]any {
	out := map[string]any{}
	for i := 0; i < n; i++ {
		out[fmt.Sprintf("Tag%d", i)] = strings.Repeat("v", 50)
	}
	return out
}

func pick[T any](s *source, from []T) T { return from[s.intn(len(from))] }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// clone deep-copies a fleet through YAML, so edits never touch the base.
func clone(f fleet) fleet {
	raw, _ := yaml.Marshal(map[string]any{"vendor": f.vendor, "customers": f.customers})
	var out struct {
		Vendor    map[string]any   `yaml:"vendor"`
		Customers []map[string]any `yaml:"customers"`
	}
	yaml.Unmarshal(raw, &out)
	return fleet{vendor: out.Vendor, customers: out.Customers}
}
