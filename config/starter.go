package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// StarterOptions are what the vendor may already know about a new customer.
// Anything left empty becomes a TODO placeholder that fails validation until
// it is filled in, so an unfinished file can never be deployed.
type StarterOptions struct {
	Account           string
	AvailabilityZones []string
	ServiceName       string
	// Target, when set (rds, ip or instance), adds a producer section: the
	// customer's side is handed over (make handoff) and the service stays
	// pending, without serviceName, until the customer sends it.
	Target string
	Ports  []int
}

// Placeholders written into a starter file for what the customer must send.
const (
	todoAccount     = "TODO-customer-account-id"
	todoAZ          = "TODO-az-id"
	todoServiceName = "TODO-endpoint-service-name"
)

// Starter is a starter file written by NewCustomer.
type Starter struct {
	Path  string   // the file written
	Block string   // the vendor VPC CIDR proposed
	Todo  []string // YAML paths still holding a placeholder, in file order
}

// NewCustomer writes dir/customers/<name>.yaml for a new PrivateLink customer,
// with the next free vendor VPC block from the pool. Existing customers'
// blocks are read, never recomputed.
//
// The fleet must be valid first (a proposal from a broken fleet could
// overlap), and the options given must be valid: on any error nothing is written.
func NewCustomer(dir, name, region string, opts StarterOptions) (*Starter, error) {
	fleet, files, err := load(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, CustomersDir, name+".yaml")
	arg := func(flag, what string, got any, fix string) error {
		return fmt.Errorf("%s %s: %s (%s)", flag, show(got), what, fix)
	}
	switch {
	case !customerRe.MatchString(name):
		return nil, arg("name", "not a valid customer name", name, "use 1-40 lowercase letters, digits and hyphens, starting with a letter")
	case fleet.Customer(name) != nil:
		return nil, arg("name", "customer already exists", name, "choose another name, or edit "+fleet.Customer(name).File)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil, arg("name", "the file already exists", name, "choose another name or remove the file")
	}
	if region == "" {
		region = fleet.Vendor.Regions[0]
	}
	if !slices.Contains(fleet.Vendor.Regions, region) {
		return nil, arg("region", "the vendor does not operate in this region", region,
			fmt.Sprintf("use one of %s, or add it to regions in vendor.yaml", strings.Join(fleet.Vendor.Regions, ", ")))
	}
	prefix, ok := fleet.proposeCidr(*fleet.Vendor.VpcPrefixLength)
	if !ok {
		return nil, arg("vpcCidrPools", fmt.Sprintf("no free /%d block is left in the vendor pools", *fleet.Vendor.VpcPrefixLength),
			fleet.Vendor.VpcCidrPools, "add a pool to vpcCidrPools in vendor.yaml, or lower vpcPrefixLength")
	}
	block := prefix.String()

	data, placeholders := renderStarter(name, region, block, opts)
	// Check the new file as part of the fleet: only the placeholders may fail.
	customers := append(files.customers, source{path, data})
	if _, err := build(dir, files.vendor, customers); err != nil {
		var real Errors
		for _, e := range err.(Errors) {
			if !placeholders[e.Path] {
				real = append(real, e)
			}
		}
		if len(real) > 0 {
			return nil, real
		}
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := writeAtomic(path, data, false); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, arg("name", "the file already exists", name, "choose another name or remove the file")
		}
		return nil, err
	}
	st := &Starter{Path: path, Block: block}
	for _, e := range lines(data) {
		if placeholders[e] {
			st.Todo = append(st.Todo, e)
		}
	}
	return st, nil
}

// lines lists the YAML paths of a starter file in the order they appear.
func lines(data []byte) []string {
	var errs Errors
	at, _ := decode("", data, &Customer{}, &errs)
	paths := sortedKeys(at)
	sort.SliceStable(paths, func(i, j int) bool { return at[paths[i]] < at[paths[j]] })
	return paths
}

// renderStarter returns the file and the YAML paths that hold placeholders.
func renderStarter(name, region, block string, opts StarterOptions) ([]byte, map[string]bool) {
	todo := map[string]bool{}
	q := func(s string) string { // a JSON string is a valid double-quoted YAML scalar
		b, _ := json.Marshal(s)
		return string(b)
	}
	account := q(opts.Account)
	if opts.Account == "" {
		account, todo["account"] = q(todoAccount), true
	}
	var azs []string
	for _, az := range opts.AvailabilityZones {
		azs = append(azs, q(az))
	}
	if len(azs) == 0 {
		azs = []string{q(todoAZ + "-1"), q(todoAZ + "-2")}
		todo["privateLink.availabilityZones[0]"], todo["privateLink.availabilityZones[1]"] = true, true
	}
	service := "      # The endpoint service name the customer sends.\n      serviceName: " + q(opts.ServiceName) + "\n"
	switch {
	case opts.Target != "":
		service = "      # Pending until the customer deploys the handed-over template\n" +
			"      # (make handoff) and sends its ServiceName output: add it here as serviceName.\n"
		if opts.ServiceName != "" {
			service += "      serviceName: " + q(opts.ServiceName) + "\n"
		}
	case opts.ServiceName == "":
		service = "      # The endpoint service name the customer sends.\n      serviceName: " + q(todoServiceName) + "\n"
		todo["privateLink.services[0].serviceName"] = true
	}
	producer := ""
	if opts.Target != "" {
		producer = "      producer:\n        target: " + q(opts.Target) + "\n"
	}
	var ports []string
	for _, p := range opts.Ports {
		ports = append(ports, strconv.Itoa(p))
	}
	if len(ports) == 0 {
		todo["privateLink.services[0].ports"] = true
	}

	var b strings.Builder
	fmt.Fprintf(&b, `# yaml-language-server: $schema=../schema/%s
#
# Written by make new-customer. Replace every TODO with what the customer
# sends, then run make validate.
apiVersion: %s
kind: %s

name: %s
account: %s
region: %s
# The customer's own networks, so the vendor VPC never overlaps them.
networks: []

privateLink:
  # Proposed from the vendor pool; never change it once deployed.
  vpcCidr: %s
  # AZ IDs (not names) the customer's endpoint service is offered in.
  availabilityZones: [%s]
  services:
    - name: db
%s      ports: [%s]
%s`, CustomerSchemaFile, APIVersion, KindCustomer, name, account, region, block,
		strings.Join(azs, ", "), service, strings.Join(ports, ", "), producer)
	return []byte(b.String()), todo
}
