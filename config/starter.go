package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// StarterOptions are what the vendor may already know about a new customer.
// Anything left empty becomes a TODO placeholder that fails validation until
// it is filled in, so an unfinished file can never be deployed.
type StarterOptions struct {
	// Modes are the sections to write: privateLink, vpn, inboundPrivateLink
	// (or privatelink, inbound). Default: privateLink.
	Modes []string
	// Cell is the vendor cell to host the customer, in a fleet with cells;
	// empty: the cell of the region with the most quota headroom.
	Cell     string
	Account  string
	Networks []string
	// AvailabilityZones are the customer's AZ IDs: where their endpoint
	// service is offered (privateLink) and where their endpoint goes
	// (inboundPrivateLink). The VPN's connector subnets use them too, or by
	// default the region's first two AZ IDs: they are the vendor's choice.
	AvailabilityZones []string

	// privateLink
	ServiceName string
	// Target, when set (rds, ip or instance), adds a producer section: the
	// customer's side is handed over (make handoff) and the service stays
	// pending, without serviceName, until the customer sends it.
	Target string
	// ProducerMode is the producer section's mode: nlb (default) or
	// resourceGateway (an RDS database shared through a resource gateway;
	// the service then waits for a resource configuration ARN).
	ProducerMode string
	RdsBy        string // rds target: hostname (default), dbInstance or dbCluster
	RdsRole      string // dbCluster: writer (default) or reader
	Ports        []int

	// vpn
	GatewayIP      string
	Routing        string
	BgpAsn         *int
	RemoteNetworks []string
	VpnPorts       []int
}

// Section keys of a customer file, as written in the YAML.
const (
	ModePrivateLink = "privateLink"
	ModeVpn         = "vpn"
	ModeInbound     = "inboundPrivateLink"
)

// modeNames maps what a user may type (lowercased) to a section key.
var modeNames = map[string]string{
	"privatelink": ModePrivateLink, "vpn": ModeVpn, "inbound": ModeInbound, "inboundprivatelink": ModeInbound,
}

// modeFlag is how a section is named in the modes option.
var modeFlag = map[string]string{ModePrivateLink: "privatelink", ModeVpn: "vpn", ModeInbound: "inbound"}

// Starter is a starter file written by NewCustomer.
type Starter struct {
	Path     string            // the file written
	Cell     string            // the cell chosen, in a fleet with cells
	CellWhy  string            // why that cell, when it was chosen rather than given
	VpcCidrs map[string]string // section -> the vendor VPC CIDR proposed for it
	Todo     []Placeholder     // what the customer must still send, in file order
}

// Placeholder is a value of a starter file still to be filled in.
type Placeholder struct {
	Path string // its YAML path
	Line int
}

// NewCustomer writes dir/customers/<name>.yaml for a new customer, with the
// sections opts.Modes names and the next free vendor VPC block from the pool
// for each section that needs one. Existing customers' blocks are read, never
// recomputed.
//
// The fleet must be valid first (a proposal from a broken fleet could
// overlap), and the options given must be valid: on any error nothing is written.
func NewCustomer(dir, name, region string, opts StarterOptions) (*Starter, error) {
	fleet, files, err := load(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, CustomersDir, name+".yaml")
	switch {
	case !customerRe.MatchString(name):
		return nil, argError("name", "not a valid customer name", name, "use 1-40 lowercase letters, digits and hyphens, starting with a letter")
	case fleet.Customer(name) != nil:
		return nil, argError("name", "customer already exists", name, "choose another name, or edit "+fleet.Customer(name).File)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil, argError("name", "the file already exists", name, "choose another name or remove the file")
	}
	if region == "" {
		region = fleet.Vendor.Regions[0]
	}
	if !slices.Contains(fleet.Vendor.Regions, region) {
		return nil, argError("region", "the vendor does not operate in this region", region,
			fmt.Sprintf("use one of %s, or add it to regions in vendor.yaml", strings.Join(fleet.Vendor.Regions, ", ")))
	}
	modes, err := starterModes(opts)
	if err != nil {
		return nil, err
	}
	// In a fleet with cells, the customer's cell decides the pools, the
	// platform's AZs and the account; it is written once, here.
	var why string
	opts.Cell, why, err = starterCell(fleet, region, opts.Cell)
	if err != nil {
		return nil, err
	}
	vendor := fleet.Vendor.ForCustomer(&Customer{Cell: opts.Cell})
	cellFleet := &Fleet{Dir: fleet.Dir, Vendor: vendor, Customers: fleet.Customers}

	// One block per section with a VPC, each free of the fleet's and of the other's.
	cidrs := map[string]string{}
	var taken []netip.Prefix
	for _, m := range []string{ModePrivateLink, ModeVpn} {
		if !modes[m] {
			continue
		}
		prefix, ok := cellFleet.proposeCidr(*vendor.VpcPrefixLength, taken...)
		if !ok {
			return nil, argError("vpcCidrPools", fmt.Sprintf("no free /%d block is left in the vendor pools", *vendor.VpcPrefixLength),
				vendor.VpcCidrPools, "add a pool to vpcCidrPools in vendor.yaml (or the cell's), or lower vpcPrefixLength")
		}
		cidrs[m] = prefix.String()
		taken = append(taken, prefix)
	}

	data, placeholders := renderStarter(vendor, name, region, cidrs, modes, opts, nil)
	// Check the new file as part of the fleet: only the placeholders may fail.
	// A file with errors is not checked against the others, so the version
	// with stand-ins for the placeholders is checked too: a value given must
	// clash with no other customer's either.
	filled, _ := renderStarter(vendor, name, region, cidrs, modes, opts, newStandIns(cellFleet, region))
	for _, version := range [][]byte{data, filled} {
		customers := append(slices.Clone(files.customers), source{path, version})
		if _, err := build(dir, files.vendor, customers); err != nil {
			var real Errors
			for _, e := range err.(Errors) {
				if e.File != path || !placeholders[e.Path] {
					real = append(real, e)
				}
			}
			if len(real) > 0 {
				return nil, real.sorted()
			}
		}
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := writeAtomic(path, data, false); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, argError("name", "the file already exists", name, "choose another name or remove the file")
		}
		return nil, err
	}
	st := &Starter{Path: path, VpcCidrs: cidrs, Cell: opts.Cell, CellWhy: why}
	for _, l := range lines(data) {
		if placeholders[l.Path] {
			st.Todo = append(st.Todo, l)
		}
	}
	return st, nil
}

// argError is an error about a command-line value: <flag> <value>: <what> (<fix>).
func argError(flag, what string, got any, fix string) error {
	return fmt.Errorf("%s %s: %s (%s)", flag, show(got), what, fix)
}

// starterModes reads opts.Modes, and refuses an option given for a section
// that is not written: it would be dropped without a word.
func starterModes(opts StarterOptions) (map[string]bool, error) {
	modes := map[string]bool{}
	for _, m := range opts.Modes {
		key, ok := modeNames[strings.ToLower(m)]
		if !ok {
			return nil, argError("modes", "unknown mode", m, "use privatelink, vpn or inbound, separated by commas")
		}
		modes[key] = true
	}
	if len(modes) == 0 {
		modes[ModePrivateLink] = true
	}
	var asn any
	if opts.BgpAsn != nil {
		asn = *opts.BgpAsn
	}
	for _, o := range []struct {
		flag, mode string
		given      bool
		value      any
	}{
		{"service-name", ModePrivateLink, opts.ServiceName != "", opts.ServiceName},
		{"target", ModePrivateLink, opts.Target != "", opts.Target},
		{"producer-mode", ModePrivateLink, opts.ProducerMode != "", opts.ProducerMode},
		{"ports", ModePrivateLink, len(opts.Ports) > 0, opts.Ports},
		{"gateway-ip", ModeVpn, opts.GatewayIP != "", opts.GatewayIP},
		{"routing", ModeVpn, opts.Routing != "", opts.Routing},
		{"asn", ModeVpn, asn != nil, asn},
		{"remote-networks", ModeVpn, len(opts.RemoteNetworks) > 0, opts.RemoteNetworks},
		{"vpn-ports", ModeVpn, len(opts.VpnPorts) > 0, opts.VpnPorts},
	} {
		if o.given && !modes[o.mode] {
			return nil, argError(o.flag, "is for the "+o.mode+" section, which modes leaves out", o.value,
				fmt.Sprintf("add %s to modes, or leave %s out", modeFlag[o.mode], o.flag))
		}
	}
	if opts.ProducerMode != "" && opts.Target == "" {
		return nil, argError("producer-mode", "is the mode of a producer section, which target adds", opts.ProducerMode, "set target rds too, or leave producer-mode out")
	}
	if (opts.RdsBy != "" || opts.RdsRole != "") && opts.Target != "rds" {
		return nil, argError("rds-by", "finds the database of an rds target, and target is not rds", opts.Target, "set target rds, or leave rds-by and rds-role out")
	}
	if opts.RdsRole != "" && opts.RdsBy != "dbCluster" {
		return nil, argError("rds-role", "applies to rds-by dbCluster only (an Aurora cluster)", opts.RdsRole, "set rds-by dbCluster, or leave rds-role out")
	}
	return modes, nil
}

// lines lists the YAML paths of a starter file with their lines, in file order.
func lines(data []byte) []Placeholder {
	var errs Errors
	at, _ := decode("", data, &Customer{}, &errs)
	paths := sortedKeys(at)
	sort.SliceStable(paths, func(i, j int) bool { return at[paths[i]] < at[paths[j]] })
	out := make([]Placeholder, len(paths))
	for i, p := range paths {
		out[i] = Placeholder{p, at[p]}
	}
	return out
}
