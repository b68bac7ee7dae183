package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdkflags"
	"github.com/privateconnect/privateconnect/stacks"
)

// commands lists the subcommands for the usage text, in the order shown.
var commands = []struct{ name, summary string }{
	{"validate", "check the fleet configuration and print every problem (make validate)"},
	{"new-customer", "start customers/NAME.yaml with the next free vendor-VPC CIDR (make new-customer)"},
	{"handoff", "write dist/<customer>/: the templates the customer deploys, their guides and the README.md index (make handoff)"},
	{"publish", "upload a customer's templates to vendor.yaml's publish.buckets and write launch links into its README.md (make publish)"},
	{"diagram", "write dist/<customer>-diagram.md: the customer's connections as a Mermaid diagram (make diagram)"},
	{"cost", "monthly list-price cost per customer and stack (make cost)"},
	{"status", "what each customer's connections look like in AWS now; exit 0 healthy, 1 unhealthy, 2 unread (make status)"},
	{"quotas", "the quota plan: what the fleet needs of each AWS quota per account, region and AZ, and what to request; -live compares with Service Quotas (make quotas)"},
	{"accept", "accept the inbound customers' connection requests, and only theirs (make accept)"},
	{"schema", "regenerate config/schema/: the JSON Schemas and REFERENCE.md, from the Go types (make schema)"},
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `privateconnect connects each enterprise customer's private systems to the
vendor's platform over AWS PrivateLink or site-to-site VPN, one YAML file per
customer.

Usage:
  go run .                      the CDK app: what cdk synth and cdk deploy run (make synth)
  go run . <command> [flags]    one of the commands below

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Each command takes -config DIR, the fleet directory (default: $%s, else %s);
go run . <command> -h lists its flags. Run make for every target.
`, "PRIVATECONNECT_CONFIG", "config")
}

// parsed parses a command's flags. When ok is false the command stops with
// code: 0 after -h (the flag package printed the flags), 2 after a bad flag.
func parsed(fs *flag.FlagSet, args []string) (code int, ok bool) {
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return 0, false
	case err != nil:
		return 2, false
	}
	return 0, true
}

// minNodeMajor is the oldest Node.js release line the jsii runtime
// (jsii-runtime-go v1.140.0) supports: 22 and 24 are; 20 reached its end of
// life on 2026-10-30.
const minNodeMajor = 22

// checkRuntime says, in one line, what is missing before the CDK runtime
// starts: a Node.js older than 22 (the runtime would print a large banner and
// run anyway) or the feature flags of cdk.json.
func checkRuntime() error {
	if err := checkNode(); err != nil {
		return err
	}
	_, err := cdkflags.Flags()
	return err
}

func checkNode() error {
	if os.Getenv("JSII_RUNTIME") != "" {
		return nil // a runtime command of the user's own
	}
	node := os.Getenv("JSII_NODE") // what the jsii runtime starts, as it does
	if node == "" {
		node = "node"
	}
	const fix = "install Node.js 22 or 24, or run make deps, which puts a pinned Node.js 22 in .tools/node/node_modules/.bin (the make targets use it; for cdk or go run, put that directory first on PATH)"
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return fmt.Errorf("the CDK runs on Node.js %d or later, and %s did not run (%v): %s", minNodeMajor, node, err, fix)
	}
	version := strings.TrimSpace(string(out))
	major, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(version, "v"), ".", 2)[0])
	if err != nil || major < minNodeMajor {
		return fmt.Errorf("the CDK runs on Node.js %d or later, and %s on PATH is %s: %s", minNodeMajor, node, version, fix)
	}
	return nil
}

// configDir picks the fleet directory: -c config=DIR, then $PRIVATECONNECT_CONFIG, then config/.
func configDir(fromContext string) string {
	if fromContext != "" {
		return fromContext
	}
	if env := os.Getenv(config.EnvDir); env != "" {
		return env
	}
	return config.DefaultDir
}

func split(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// loadSelected loads and validates the whole fleet in dir, and returns the
// customers named in the comma-separated list only (all when empty).
func loadSelected(dir, only string) (*config.Fleet, []*config.Customer, error) {
	fleet, err := config.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	customers, err := stacks.Select(fleet, split(only))
	return fleet, customers, err
}

// cellFleet is the part of the fleet that one set of credentials reaches:
// the named cell's, or the whole fleet when it has no cells. With cells, AWS
// credentials are for one account at a time, so the cell must be named.
func cellFleet(fleet *config.Fleet, cell string) (*config.Fleet, error) {
	v := fleet.Vendor
	if !v.HasCells() {
		if cell != "" {
			return nil, fmt.Errorf("-cell %s: %s declares no cells", cell, fleet.Dir)
		}
		return fleet, nil
	}
	if sub := fleet.Cell(cell); sub != nil {
		return sub, nil
	}
	names := v.CellNames()
	if cell == "" {
		return nil, fmt.Errorf("the fleet is split across cells (%s), each its own account: give -cell NAME, with credentials for that cell's account (e.g. AWS_PROFILE)", strings.Join(names, ", "))
	}
	return nil, fmt.Errorf("-cell %s: not one of the fleet's cells (%s)", cell, strings.Join(names, ", "))
}

func fail(err error) int {
	var errs config.Errors
	if errors.As(err, &errs) {
		noun := "problems"
		if len(errs) == 1 {
			noun = "problem"
		}
		fmt.Fprintf(os.Stderr, "privateconnect: %d %s in the fleet configuration:\n%s\n", len(errs), noun, err)
	} else {
		fmt.Fprintf(os.Stderr, "privateconnect: %v\n", err)
	}
	return 1
}

// commit is the commit this build came from, which the bundles' footers
// name: set by the Makefile (-ldflags "-X main.commit=..."); when empty,
// handoff falls back to what the Go toolchain recorded.
var commit string
