package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/diagram"
	"github.com/privateconnect/privateconnect/handoff"
	"github.com/privateconnect/privateconnect/stacks"
)

// diagramCommand is make diagram: the vendor's view of each customer's
// connections, the diagram of the customer's README.md with the vendor's
// stacks and what is pending, in <out>/<customer>-diagram.md (beside the
// customers' folders, which make handoff replaces whole).
func diagramCommand(fs *flag.FlagSet, dir *string, args []string) int {
	out := fs.String("out", handoff.DefaultDir, "directory to write <customer>-diagram.md into")
	only := fs.String("customer", "", "comma-separated customers (default: all)")
	if fs.Parse(args) != nil {
		return 2
	}
	fleet, customers, err := loadSelected(*dir, *only)
	if err != nil {
		return fail(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fail(err)
	}
	for _, c := range customers {
		page, err := vendorView(fleet.Vendor.ForCustomer(c), c)
		if err != nil {
			return fail(err)
		}
		path := filepath.Join(*out, c.Name+"-diagram.md")
		if err := os.WriteFile(path, page, 0o644); err != nil {
			return fail(err)
		}
		fmt.Printf("wrote %s\n", path)
	}
	return 0
}

func vendorView(v *config.Vendor, c *config.Customer) ([]byte, error) {
	src, err := diagram.Customer(v, c, diagram.Names{ProducerStack: handoff.ProducerStackName(v), InboundStack: handoff.InboundStackName(v)})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", c.Name, err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s (%s): connections\n\n", c.DisplayName, c.Name)
	fmt.Fprintf(&b, "From %s; the customer's README.md (make handoff) has the same diagram.\n\n```mermaid\n%s```\n\n", c.File, src)
	fmt.Fprintf(&b, "| stack | deployed by | account | region |\n| --- | --- | --- | --- |\n")
	if c.PrivateLink != nil {
		fmt.Fprintf(&b, "| `%s` | the vendor (make deploy CUSTOMER=%s) | %s | %s |\n", stacks.StackName(c, stacks.ModePrivateLink), c.Name, v.Account, c.Region)
	}
	if c.Vpn != nil {
		fmt.Fprintf(&b, "| `%s` | the vendor (make deploy CUSTOMER=%s) | %s | %s |\n", stacks.StackName(c, stacks.ModeVpn), c.Name, v.Account, c.Region)
	}
	if stacks.HasInbound(c) {
		fmt.Fprintf(&b, "| `%s` | the vendor, shared by the region's inbound customers | %s | %s |\n", stacks.InboundServiceStackName(c.Region), v.Account, c.Region)
		fmt.Fprintf(&b, "| `%s` from `%s.yaml` | the customer | %s | %s |\n", handoff.InboundStackName(v), stacks.StackName(c, stacks.ModeInbound), c.Account, c.InboundPrivateLink.Region)
	}
	if stacks.HasProducer(c) {
		fmt.Fprintf(&b, "| `%s` from `%s.yaml` | the customer | %s | %s |\n", handoff.ProducerStackName(v), stacks.StackName(c, stacks.ModeProducer), c.Account, stacks.ProducerRegion(c))
	}
	if c.PrivateLink != nil {
		for _, s := range c.PrivateLink.Services {
			switch {
			case s.Pending() && s.ViaResourceGateway():
				fmt.Fprintf(&b, "\nPending: `%s` has no resourceConfigurationArn yet; once the customer sends it, add it in %s, accept the customer's RAM invitation (make accept) and deploy.\n", s.Name, c.File)
			case s.Pending():
				fmt.Fprintf(&b, "\nPending: `%s` has no serviceName yet; once the customer sends it, add it in %s and deploy.\n", s.Name, c.File)
			}
		}
	}
	return b.Bytes(), nil
}
