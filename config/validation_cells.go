package config

import (
	"fmt"
	"slices"
	"strings"
)

// validateCells checks vendor.yaml's cells: each a distinct account with its
// own principal, regions among the vendor's, alarm topics and platform load
// balancers in its account. With cells, the single-account keys they
// replace must be absent, so that nothing is read from the wrong account.
func validateCells(r *report, v *Vendor) {
	if !v.HasCells() {
		return
	}
	moved := func(key string, got any, fix string) {
		r.add(key, "with cells, each cell has its own", got, fix)
	}
	if v.PrincipalArn != "" {
		moved("principalArn", v.PrincipalArn, "give it as cells[i].principalArn of the cell whose account it is in, and remove it here")
	}
	if len(v.AlarmTopicArns) > 0 {
		moved("alarmTopicArns", raw(fmt.Sprint(len(v.AlarmTopicArns))+" topics"), "give each cell's topics as cells[i].alarmTopicArns, and remove them here")
	}
	if len(v.Quotas) > 0 {
		moved("quotas", raw(fmt.Sprint(len(v.Quotas))+" regions"), "record each cell account's quotas under cells[i].quotas, and remove them here")
	}
	names, accounts := map[string]int{}, map[string]int{}
	for i := range v.Cells {
		cell := &v.Cells[i]
		p := index("cells", i)
		cr := r.under(p)
		switch j, dup := names[cell.Name]; {
		case !cellRe.MatchString(cell.Name):
			cr.add("name", "not a valid cell name", cell.Name, "use 1-20 lowercase letters, digits and hyphens, starting with a letter, e.g. cell-1")
		case dup:
			cr.add("name", fmt.Sprintf("cell name already used by cells[%d]", j), cell.Name, "give each cell its own name")
		}
		names[cell.Name] = i
		checkAccount(cr, "account", cell.Account)
		if j, dup := accounts[cell.Account]; dup && cell.Account != "" {
			cr.add("account", fmt.Sprintf("cells[%d] (%s) is in the same account: a cell is an account, and two would share its quotas", j, v.Cells[j].Name), cell.Account,
				"give each cell an account of its own, or merge the two cells")
		}
		accounts[cell.Account] = i
		view := v.forCell(i)
		checkPrincipal(cr, view)
		checkRegions(cr, "regions", cell.Regions, v.Regions)
		if len(cell.VpcCidrPools) > 0 {
			checkPools(cr, "vpcCidrPools", cell.VpcCidrPools)
		}
		checkAlarmTopics(cr, view)
		switch {
		case len(cell.InboundPrivateLink) > 0 && v.InboundPrivateLink == nil:
			cr.add("inboundPrivateLink", "vendor.yaml has no inboundPrivateLink section, which gives the platform's domains, hostnames and ports", raw(fmt.Sprint(len(cell.InboundPrivateLink))+" regions"),
				"add inboundPrivateLink: with domains, hostnames and ports, or remove this entry")
		case len(cell.InboundPrivateLink) > 0:
			checkInboundRegions(cr, view, "inboundPrivateLink", cell.InboundPrivateLink)
		}
	}
}

// checkCell checks the customer's cell: named when vendor.yaml declares
// cells, one of them, with the customer's region among the cell's. It also
// keeps the customer's account apart from every vendor account.
func checkCell(r *report, v *Vendor, c *Customer) {
	if v == nil {
		return
	}
	if c.Account != "" && c.Account != v.Account {
		for i, cell := range v.Cells {
			if cell.Account == c.Account {
				r.add("account", fmt.Sprintf("this is the account of the vendor's cell %s (cells[%d] in vendor.yaml)", cell.Name, i), c.Account,
					"write the customer's AWS account ID")
			}
		}
	}
	names := v.CellNames()
	switch cell := v.Cell(c.Cell); {
	case !v.HasCells() && c.Cell != "":
		r.add("cell", "vendor.yaml declares no cells: the customer's stacks deploy to the vendor account", c.Cell,
			"remove cell:, or declare cells in vendor.yaml")
	case !v.HasCells():
	case c.Cell == "":
		r.add("cell", "required key is missing: vendor.yaml declares cells", raw("nothing"),
			fmt.Sprintf("add cell: with one of %s (make quotas shows each cell's headroom); it is written once and never changed", strings.Join(names, ", ")))
	case cell == nil:
		r.add("cell", "not one of vendor.yaml's cells", c.Cell, fmt.Sprintf("use one of %s", strings.Join(names, ", ")))
	case c.Region != "" && knownRegion(c.Region) && !slices.Contains(cell.Regions, c.Region):
		r.add("region", fmt.Sprintf("the customer's cell %s does not operate in this region", cell.Name), c.Region,
			fmt.Sprintf("use one of %s, or add the region to the cell's regions in vendor.yaml", strings.Join(cell.Regions, ", ")))
	}
}
