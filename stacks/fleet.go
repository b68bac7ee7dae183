// Package stacks turns a validated fleet into CDK stacks: it is the only
// place that reads config and the only place that names stacks, outputs and
// SSM parameters. Constructs know nothing of YAML.
package stacks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/config"
)

// Select returns the customers named in only, in fleet order, or every
// customer when only is empty. An unknown name is an error that lists the
// known ones.
func Select(f *config.Fleet, only []string) ([]*config.Customer, error) {
	if len(only) == 0 {
		return f.Customers, nil
	}
	var known []string
	for _, c := range f.Customers {
		known = append(known, c.Name)
	}
	for _, name := range only {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("unknown customer %q (the fleet in %s has: %s)", name, f.Dir, strings.Join(known, ", "))
		}
	}
	var out []*config.Customer
	for _, c := range f.Customers {
		if slices.Contains(only, c.Name) {
			out = append(out, c)
		}
	}
	return out, nil
}

// SelectCell narrows customers to those of the named cell; "" keeps them
// all. An unknown cell is an error that lists the fleet's cells.
func SelectCell(f *config.Fleet, customers []*config.Customer, cell string) ([]*config.Customer, error) {
	if cell == "" {
		return customers, nil
	}
	if f.Vendor.Cell(cell) == nil {
		names := f.Vendor.CellNames()
		if len(names) == 0 {
			return nil, fmt.Errorf("unknown cell %q: %s declares no cells", cell, f.Dir)
		}
		return nil, fmt.Errorf("unknown cell %q (the fleet in %s has: %s)", cell, f.Dir, strings.Join(names, ", "))
	}
	var out []*config.Customer
	for _, c := range customers {
		if c.Cell == cell {
			out = append(out, c)
		}
	}
	return out, nil
}

// Build adds the stacks of the given customers, a selection of the fleet f.
// Other customers' constructs are never created, so deploying one customer
// costs about the same in a fleet of 1 or of 500. The exception is the
// vendor's inbound stack of a selected inbound customer's region: it serves
// every inbound customer there, so it is built from the whole fleet, and
// deploying one customer never drops another's access. So are the dashboard
// stacks of a selected customer's region: one row per customer of the
// region, so that deploying a new customer adds its row and drops no other.
// In a fleet of cells, "the region" is the region in the customer's cell:
// each cell's account has its own shared stacks, built from its customers.
func Build(scope constructs.Construct, f *config.Fleet, customers []*config.Customer) []awscdk.Stack {
	var out []awscdk.Stack
	for _, c := range customers {
		out = append(out, customerStacks(scope, f, c)...)
	}
	// A cell's shared stacks serve its customers only: they deploy to its account.
	for _, cell := range f.Cells() {
		var selected []*config.Customer
		var inboundRegions []string
		for _, c := range customers {
			if c.Cell != cell.Vendor.CellName {
				continue
			}
			selected = append(selected, c)
			if HasInbound(c) && !slices.Contains(inboundRegions, c.Region) {
				inboundRegions = append(inboundRegions, c.Region)
			}
		}
		slices.Sort(inboundRegions)
		for _, region := range inboundRegions {
			out = append(out, NewInboundServiceStack(scope, cell.Vendor, region, inboundCustomers(cell, region)))
		}
		for _, region := range config.DashboardRegions(selected) {
			out = append(out, dashboardStacks(scope, cell, region)...)
		}
	}
	return out
}

// customerStacks are customer c's own stacks, in its cell's account.
func customerStacks(scope constructs.Construct, f *config.Fleet, c *config.Customer) []awscdk.Stack {
	v := f.Vendor.ForCustomer(c)
	var out []awscdk.Stack
	if c.PrivateLink != nil {
		out = append(out, NewPrivateLinkStack(scope, v, c))
	}
	if c.Vpn != nil {
		out = append(out, NewVpnStack(scope, v, c))
	}
	return out
}

// StackName is the name of a customer's stack for one mode, e.g. acme-PrivateLink.
func StackName(c *config.Customer, mode string) string { return c.Name + "-" + mode }

// SharedCustomer is what CustomerOf returns for a stack shared by customers.
const SharedCustomer = "(shared)"

// CustomerOf is the customer a stack name belongs to: acme for
// acme-PrivateLink, SharedCustomer for a Vendor-Inbound-<region> or
// Vendor-Dashboard-<region> stack.
func CustomerOf(stackName string) string {
	if strings.HasPrefix(stackName, sharedInboundPrefix) || strings.HasPrefix(stackName, config.DashboardStackPrefix) {
		return SharedCustomer
	}
	return stackName[:max(0, strings.LastIndex(stackName, "-"))]
}

// vendorStack creates a stack deployed in the vendor account, in the
// customer's region, tagged with the vendor's and the customer's tags.
func vendorStack(scope constructs.Construct, v *config.Vendor, c *config.Customer, mode, description string) awscdk.Stack {
	name := StackName(c, mode)
	tags := stackTags(v.Tags, c.Tags, map[string]string{
		"privateconnect:customer": c.Name,
		"privateconnect:mode":     strings.ToLower(mode),
	})
	stack := awscdk.NewStack(scope, jsii.String(name), &awscdk.StackProps{
		StackName:   jsii.String(name),
		Description: jsii.String(fmt.Sprintf("privateconnect: %s for %s (%s)", description, c.DisplayName, c.Name)),
		Env:         &awscdk.Environment{Account: jsii.String(v.Account), Region: jsii.String(c.Region)},
		// Deleting a customer's stack cuts the customer off: make it deliberate.
		TerminationProtection: jsii.Bool(true),
		AnalyticsReporting:    jsii.Bool(false),
		Tags:                  &tags,
	})
	checked(stack)
	tagResources(stack, tags)
	return stack
}

// stackTags merges tag maps, later ones winning on a clash: the vendor's,
// then the customer's, then privateconnect's own.
func stackTags(maps ...map[string]string) map[string]*string {
	out := map[string]*string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = jsii.String(v)
		}
	}
	return out
}

// tagResources puts tags on every taggable resource of the stack. The stack
// itself gets them from StackProps.Tags: under the feature flag
// @aws-cdk/core:explicitStackTags (cdk.json), Tags.of(stack) no longer tags
// the CloudFormation stack.
func tagResources(stack awscdk.Stack, tags map[string]*string) {
	t := awscdk.Tags_Of(stack)
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		t.Add(jsii.String(k), tags[k], nil)
	}
}
