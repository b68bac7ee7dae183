package config

import "fmt"

// checkStacks holds a customer's stacks against AWS's limits and their
// logical IDs against each other, before anything is synthesized. It runs
// for a customer whose file is otherwise valid, so that the estimate rests
// on valid values. A limit the vendor's tags alone make a stack exceed is
// reported against vendor.yaml (vr), in words that are the same for every
// customer, so that it is reported once.
func checkStacks(r, vr *report, v *Vendor, c *Customer) {
	// The same stacks without the customer's tags, and without any: a size
	// that the vendor's tags alone push over the limit is the vendor's to fix.
	custBare, vendBare := *c, *v
	custBare.Tags, vendBare.Tags = nil, nil
	vendorTagsOnly, noTags := Footprints(v, &custBare), Footprints(&vendBare, &custBare)
	for i, fp := range Footprints(v, c) {
		checkIDs(r, fp)
		for _, m := range measures(fp) {
			if m.value <= m.limit.Max {
				continue
			}
			if m.size && len(v.Tags) > 0 &&
				vendorTagsOnly[i].TemplateBytes > m.limit.Max && noTags[i].TemplateBytes <= m.limit.Max {
				vr.add("tags", fmt.Sprintf("the vendor's tags go on every resource of the vendor's stacks, and they alone would make a customer's stack exceed the %s", m.limit),
					raw(fmt.Sprintf("%d tags", len(v.Tags))), "use fewer or shorter tags")
				continue
			}
			r.add(m.path, fmt.Sprintf("the stack %s would exceed the %s", fp.Stack, m.limit), raw(fmt.Sprintf("an estimated %d", m.value)), m.fix)
		}
	}
}

type measure struct {
	limit Limit
	value int
	path  string
	fix   string
	size  bool // the template's size, which tags add to
}

// measures lists what of fp is held against which limit; the template size
// comes after the counts, then the Lambda environments and SSM values.
func measures(fp Footprint) []measure {
	split := "move some services into a second customer file (e.g. " + fp.Stack[:max(0, len(fp.Stack)-len("-PrivateLink"))] + "-2.yaml), whose stacks are separate"
	switch {
	case fp.Path == "vpn":
		split = "list fewer AZs, static routes or ports"
	case fp.Path == "inboundPrivateLink":
		split = "list fewer hostnames, client networks, ports or AZs"
	case fp.HandedOver:
		split = "hand some services over from a second customer file, or lower their target count"
	}
	size, sizeFix := LimitTemplateBytes, "use fewer or shorter tags, or "+split
	if fp.Inline {
		size = LimitInlineTemplateBytes
	}
	out := []measure{
		{LimitResources, fp.Resources, fp.Path, split, false},
		{LimitParameters, fp.Parameters, fp.Path, split, false},
		{LimitOutputs, fp.Outputs, fp.Path, split, false},
		{LimitMappings, fp.Mappings, fp.Path, split, false},
		{size, fp.TemplateBytes, fp.Path, sizeFix, true},
	}
	for _, e := range fp.LambdaEnvironments {
		fix := "list fewer ports: each adds a target group ARN to the registrar's environment (a second service with the other ports has a registrar of its own)"
		switch e.Path {
		case "privateLink.services":
			fix = "use shorter service names or fewer ports: the probe's environment lists each"
		case "vpn.probeTargets":
			fix = "list fewer or shorter probe targets: the probe's environment lists each"
		}
		out = append(out, measure{LimitLambdaEnvironment, e.Bytes, e.Path, fix, false})
	}
	for _, d := range fp.SecurityGroupDescriptions {
		out = append(out, measure{LimitSecurityGroupDescription, d.Bytes, d.Path, "list fewer ports: the description lists them", false})
	}
	for _, s := range fp.SsmValues {
		out = append(out, measure{LimitSsmValue, s.Bytes, s.Path, "list fewer accounts for this region's inbound customers", false})
	}
	return out
}

// checkIDs reports two configured values that would become the same logical
// ID of a stack, or a value that would take an ID the stack already uses: CDK
// would refuse the second construct, and synth would stop.
func checkIDs(r *report, fp Footprint) {
	first := map[string]OwnedID{}
	reported := map[string]bool{}
	for _, id := range fp.IDs {
		prev, taken := first[id.ID]
		if !taken {
			first[id.ID] = id
			continue
		}
		if id.Path == "" || id.Path == prev.Path || reported[id.Path] {
			continue // the stack's own IDs are distinct; one error per value
		}
		reported[id.Path] = true
		if prev.Path == "" {
			r.add(id.Path, fmt.Sprintf("would become the logical ID %s of the stack %s, which the stack already uses for one of its own", id.ID, fp.Stack), id.Value,
				"rename it")
			continue
		}
		r.add(id.Path, fmt.Sprintf("%s (%q) and this one would both become the logical ID %s of the stack %s (IDs drop the hyphens and capitalize)", prev.Path, prev.Value, id.ID, fp.Stack), id.Value,
			"rename one of them")
	}
}

// checkSharedStacks holds the vendor's shared inbound stack of each region
// against the limits; it is reported against vendor.yaml's region entry.
func checkSharedStacks(vr *report, f *Fleet) {
	if f.Vendor == nil || f.Vendor.InboundPrivateLink == nil {
		return
	}
	byRegion := f.inboundByRegion()
	for _, region := range sortedKeys(byRegion) {
		if _, ok := f.Vendor.InboundPrivateLink.Regions[region]; !ok {
			continue // reported against each customer of the region
		}
		fp := InboundServiceFootprint(f.Vendor, region, byRegion[region])
		fp.Path = f.Vendor.InboundRegionPath(region)
		for _, m := range measures(fp) {
			if m.value > m.limit.Max {
				vr.add(fp.Path, fmt.Sprintf("the stack %s, shared by the region's %d inbound customers, would exceed the %s", fp.Stack, len(byRegion[region]), m.limit),
					raw(fmt.Sprintf("an estimated %d", m.value)), m.fix)
			}
		}
	}
}
