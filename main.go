// Command privateconnect is the CDK app (run with no arguments by the CDK CLI)
// and the fleet's command-line helper (validate, new-customer, handoff,
// publish, diagram, cost, schema, and on day two status and accept).
//
// The app loads the whole fleet, validates it, and only then builds stacks:
// invalid config exits non-zero with every error and writes nothing.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/cost"
	"github.com/privateconnect/privateconnect/handoff"
	"github.com/privateconnect/privateconnect/internal/cfnvalidate"
	"github.com/privateconnect/privateconnect/internal/jsiiclose"
	"github.com/privateconnect/privateconnect/stacks"
)

func main() {
	if len(os.Args) > 1 && isHelp(os.Args[1]) {
		usage(os.Stdout)
		return
	}
	// First, before any CDK call: the templates' CloudFormation Validate
	// check then runs on every core instead of inside the one Node process.
	cfnvalidate.Setup()
	code := 0
	if len(os.Args) > 1 {
		code = command(os.Args[1], os.Args[2:])
	} else {
		code = synth()
	}
	cfnvalidate.Close()
	os.Exit(code)
}

func synth() int {
	// Everything that can be wrong with the input is checked before Node and
	// the CDK start: a bad fleet fails in milliseconds and writes nothing.
	ctx, err := cliContext()
	if err != nil {
		return failSynth(err)
	}
	fleet, customers, err := loadSelected(configDir(ctx["config"]), ctx["customer"])
	if err == nil {
		customers, err = stacks.SelectCell(fleet, customers, ctx["cell"])
	}
	if err != nil {
		return failSynth(err)
	}
	pipeline, tools, err := pipelineLayout(ctx, fleet)
	if err != nil {
		return failSynth(err)
	}
	if err := checkRuntime(); err != nil {
		return failSynth(err)
	}
	defer jsiiclose.Close()
	app := stacks.NewApp("")
	var built []awscdk.Stack
	if pipeline {
		built = stacks.BuildPipeline(app, fleet, tools).All()
	} else {
		built = stacks.Build(app, fleet, customers)
	}
	cfnvalidate.Expect(len(built))
	app.Synth(nil)
	// Said here, in the fleet's terms, rather than as CDK warnings (stacks.Notes).
	for _, n := range stacks.Notes(built) {
		fmt.Fprintln(os.Stderr, n)
	}
	return 0
}

// cliContext reads the string values of the context the CDK CLI passes to the
// app (cdk.json, ~/.cdk.json and -c key=value), as the CDK App itself does.
func cliContext() (map[string]string, error) {
	merged := map[string]any{}
	if raw := os.Getenv("CDK_CONTEXT_JSON"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &merged); err != nil {
			return nil, fmt.Errorf("CDK_CONTEXT_JSON is not a JSON object: %v", err)
		}
	}
	// The CLI moves context too large for the environment into a file.
	if path := os.Getenv("CONTEXT_OVERFLOW_LOCATION_ENV"); path != "" {
		raw, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(raw, &merged)
		}
		if err != nil {
			return nil, fmt.Errorf("reading the CDK context file %s: %v", path, err)
		}
	}
	out := map[string]string{}
	for k, v := range merged {
		if s, ok := v.(string); ok {
			out[k] = strings.TrimSpace(s)
		}
	}
	return out, nil
}

// failSynth reports err and removes the output directory the CLI created for
// this run if nothing was written to it, so a failed synth leaves nothing behind.
func failSynth(err error) int {
	if dir := os.Getenv("CDK_OUTDIR"); dir != "" {
		os.Remove(dir) // removes only an empty directory
	}
	return fail(err)
}

func command(name string, args []string) int {
	switch name {
	case "status":
		return statusCommand(args)
	case "accept":
		return acceptCommand(args)
	case "quotas":
		return quotasCommand(args)
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dir := fs.String("config", configDir(""), "fleet directory")
	switch name {
	case "validate":
		if code, ok := parsed(fs, args); !ok {
			return code
		}
		fleet, err := config.Load(*dir)
		if err != nil {
			return fail(err)
		}
		fmt.Printf("%s: %d customers, valid\n", *dir, len(fleet.Customers))
		return 0
	case "schema":
		out := fs.String("out", "config/schema", "directory to write the JSON Schemas to")
		if code, ok := parsed(fs, args); !ok {
			return code
		}
		if err := config.WriteSchemas(*out); err != nil {
			return fail(err)
		}
		return 0
	case "handoff":
		out := fs.String("out", handoff.DefaultDir, "directory to write <customer>/ folders into")
		only := fs.String("customer", "", "comma-separated customers (default: every customer with a producer, vpn or inboundPrivateLink section)")
		if code, ok := parsed(fs, args); !ok {
			return code
		}
		fleet, customers, err := loadSelected(*dir, *only)
		if err != nil {
			return fail(err)
		}
		if *only == "" {
			customers = slices.DeleteFunc(slices.Clone(customers), func(c *config.Customer) bool { return !handoff.HasHandoff(c) })
		}
		if err := checkRuntime(); err != nil {
			return fail(err)
		}
		defer jsiiclose.Close()
		bundles, err := handoff.BuildWith(fleet.Vendor, customers, handoff.Options{Version: commit})
		if err != nil {
			return fail(err)
		}
		written, err := handoff.Write(*out, bundles)
		if err != nil {
			return fail(err)
		}
		for _, w := range written {
			fmt.Printf("wrote %s\n", w)
		}
		return 0
	case "cost":
		only := fs.String("customer", "", "comma-separated customers (default: all)")
		if code, ok := parsed(fs, args); !ok {
			return code
		}
		fleet, customers, err := loadSelected(*dir, *only)
		if err != nil {
			return fail(err)
		}
		if err := checkRuntime(); err != nil {
			return fail(err)
		}
		defer jsiiclose.Close()
		report, err := costReport(fleet, customers)
		if err != nil {
			return fail(err)
		}
		if err := cost.Report(os.Stdout, report); err != nil {
			return fail(err)
		}
		return 0
	case "new-customer":
		var opts config.StarterOptions
		nameFlag := fs.String("name", "", "customer name (a DNS label); required")
		region := fs.String("region", "", "region for the customer's vendor-side stacks (default: the vendor's first region)")
		modes := fs.String("modes", "", "comma-separated sections to write: privatelink, vpn, inbound (default: privatelink)")
		fs.StringVar(&opts.Account, "account", "", "customer's AWS account ID")
		fs.StringVar(&opts.Cell, "cell", "", "with cells: the vendor cell to host the customer (default: the region's cell with the most headroom)")
		networks := fs.String("networks", "", "comma-separated CIDRs of all the customer's networks")
		azs := fs.String("azs", "", "comma-separated AZ IDs of the customer's endpoint service (privatelink) or endpoint subnets (inbound)")
		fs.StringVar(&opts.ServiceName, "service-name", "", "privatelink: customer's endpoint service name")
		fs.StringVar(&opts.Target, "target", "", "privatelink: rds, ip or instance: hand the customer a template for the service's producer side")
		fs.StringVar(&opts.ProducerMode, "producer-mode", "", "with -target: nlb (default) or resourceGateway (the database shared through a resource gateway)")
		fs.StringVar(&opts.RdsBy, "rds-by", "", "target rds: hostname, dbInstance or dbCluster (Aurora)")
		fs.StringVar(&opts.RdsRole, "rds-role", "", "rds-by dbCluster: writer or reader")
		ports := fs.String("ports", "", "privatelink: comma-separated TCP ports of the service")
		fs.StringVar(&opts.GatewayIP, "gateway-ip", "", "vpn: public IPv4 address of the customer's VPN device")
		fs.StringVar(&opts.Routing, "routing", "", "vpn: bgp or static")
		asn := fs.String("asn", "", "vpn: BGP ASN of the customer's VPN device")
		remote := fs.String("remote-networks", "", "vpn: comma-separated CIDRs the connectors reach over the tunnels")
		vpnPorts := fs.String("vpn-ports", "", "vpn: comma-separated TCP ports the connectors open to them")
		if code, ok := parsed(fs, args); !ok {
			return code
		}
		if *nameFlag == "" {
			fmt.Fprintln(os.Stderr, "new-customer: -name is required (make new-customer NAME=acme REGION=eu-west-1)")
			return 2
		}
		opts.Modes, opts.Networks, opts.AvailabilityZones, opts.RemoteNetworks = split(*modes), split(*networks), split(*azs), split(*remote)
		numbers := func(flag, list string) ([]int, bool) {
			var out []int
			for _, p := range split(list) {
				n, err := strconv.Atoi(p)
				if err != nil {
					fmt.Fprintf(os.Stderr, "new-customer: -%s: %q is not a number\n", flag, p)
					return nil, false
				}
				out = append(out, n)
			}
			return out, true
		}
		var ok [3]bool
		var asns []int
		opts.Ports, ok[0] = numbers("ports", *ports)
		opts.VpnPorts, ok[1] = numbers("vpn-ports", *vpnPorts)
		asns, ok[2] = numbers("asn", *asn)
		if ok != [3]bool{true, true, true} {
			return 2
		}
		switch len(asns) {
		case 0:
		case 1:
			opts.BgpAsn = &asns[0]
		default:
			fmt.Fprintln(os.Stderr, "new-customer: -asn: give one ASN, the customer device's")
			return 2
		}
		st, err := config.NewCustomer(*dir, *nameFlag, *region, opts)
		if err != nil {
			return fail(err)
		}
		var blocks []string
		for _, m := range []string{config.ModePrivateLink, config.ModeVpn} {
			if c, ok := st.VpcCidrs[m]; ok {
				blocks = append(blocks, fmt.Sprintf("%s.vpcCidr %s", m, c))
			}
		}
		fmt.Printf("wrote %s (vendor VPC blocks from the pool: %s)\n", st.Path, strings.Join(blocks, ", "))
		if st.CellWhy != "" {
			fmt.Printf("cell %s: %s (CELL= to choose another; it is never changed once deployed)\n", st.Cell, st.CellWhy)
		}
		if len(st.Todo) > 0 {
			fmt.Println("the fleet stays invalid until these TODOs hold what the customer sends:")
			for _, t := range st.Todo {
				fmt.Printf("  %s:%d: %s\n", st.Path, t.Line, t.Path)
			}
		}
		fmt.Println("then run make validate and make synth")
		return 0
	case "publish":
		return publishCommand(fs, dir, args)
	case "diagram":
		return diagramCommand(fs, dir, args)
	}
	fmt.Fprintf(os.Stderr, "unknown command %q: see go run . --help\n", name)
	return 2
}
