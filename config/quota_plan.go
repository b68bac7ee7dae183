package config

import (
	"cmp"
	"slices"
)

// QuotaNeed is one line of the quota plan: what the fleet needs of one quota
// in one account and region (and AZ, for a quota per AZ), against the value
// the vendor recorded in vendor.yaml or, without one, AWS's default.
type QuotaNeed struct {
	Quota   Quota
	Cell    string // "" in a fleet without cells
	Account string
	Region  string // GlobalQuotaKey for an account-wide quota
	// Where narrows the line: the AZ ID of a quota per AZ; for a quota per
	// VPC, security group or gateway, the stack holding the largest need.
	Where    string
	Need     int
	Limit    int
	Recorded bool // Limit comes from quotas: in vendor.yaml
	// Over are the customers whose stacks take the need past Limit, in the
	// fleet's order; none while the need fits.
	Over []*Customer

	quotasPath string // where vendor.yaml records the limit
}

// Headroom is what is left of the quota once the fleet is deployed;
// negative when the fleet needs more than Limit.
func (n QuotaNeed) Headroom() int { return n.Limit - n.Need }

// Exceeded reports whether the fleet needs more than the quota allows.
func (n QuotaNeed) Exceeded() bool { return n.Need > n.Limit }

// QuotaLimit is the value that applies to quota q in region (or
// GlobalQuotaKey) of the vendor view v: the recorded one, or AWS's default.
func QuotaLimit(v *Vendor, region string, q Quota) (int, bool) {
	if n, ok := v.Quotas[region][q.Code]; ok {
		return n, true
	}
	return q.Default, false
}

// QuotaPlan counts what the fleet needs of every quota in QuotaTable, per
// cell (account) and region, and per AZ where the quota is per AZ. Lines
// with no need are left out. The fleet must be valid (or at least its
// vendor file): customers are counted as they are.
func (f *Fleet) QuotaPlan() []QuotaNeed {
	var out []QuotaNeed
	for _, cell := range f.Cells() {
		out = append(out, planCell(cell.Vendor, cell.Customers)...)
	}
	return out
}

// contribution is one customer's share of a line, in fleet order.
type contribution struct {
	c *Customer
	n int
}

type lineKey struct {
	region, where, code string
}

// planCell is the plan of one cell: the customers deployed to its account.
func planCell(v *Vendor, customers []*Customer) []QuotaNeed {
	sums := map[lineKey][]contribution{}
	add := func(k lineKey, c *Customer, n int) {
		if n > 0 {
			sums[k] = append(sums[k], contribution{c, n})
		}
	}
	largest := map[lineKey]contribution{} // per VPC, group or gateway: region -> the largest
	largestAt := map[lineKey]string{}
	count := func(u StackUse, c *Customer) {
		for code, n := range u.Counts {
			q, _ := QuotaByCode(code)
			region := u.Region
			if q.Scope == PerAccount {
				region = GlobalQuotaKey
			}
			add(lineKey{region, "", code}, c, n)
		}
		for code, n := range u.Max {
			k := lineKey{u.Region, "", code}
			if n > largest[k].n {
				largest[k], largestAt[k] = contribution{c, n}, u.Stack
			}
		}
		for _, az := range u.NatAZs {
			add(lineKey{u.Region, az, QuotaNatPerAZ}, c, 1)
		}
	}
	byRegion := map[string][]*Customer{}
	for _, c := range customers {
		byRegion[c.Region] = append(byRegion[c.Region], c)
		for _, u := range CustomerStackUse(v, c) {
			count(u, c)
		}
	}
	// Shared stacks, and what cdk bootstrap leaves in every region of the cell.
	sub := &Fleet{Vendor: v, Customers: customers}
	for _, region := range v.Regions {
		inbound := slices.ContainsFunc(byRegion[region], func(c *Customer) bool { return c.InboundPrivateLink != nil })
		for _, u := range SharedStackUse(v, region, inbound, sub.DashboardStacks(region)) {
			count(u, nil)
		}
		if len(byRegion[region]) > 0 {
			add(lineKey{region, "", QuotaStacks}, nil, 1) // CDKToolkit
		}
		add(lineKey{GlobalQuotaKey, "", QuotaRoles}, nil, CdkBootstrapRoles)
	}

	var out []QuotaNeed
	line := func(k lineKey, need int) QuotaNeed {
		q, _ := QuotaByCode(k.code)
		limit, recorded := QuotaLimit(v, k.region, q)
		return QuotaNeed{Quota: q, Cell: v.CellName, Account: v.Account, Region: k.region, Where: k.where,
			Need: need, Limit: limit, Recorded: recorded, quotasPath: v.quotasPath()}
	}
	for k, cs := range sums {
		n := line(k, 0)
		for _, x := range cs {
			n.Need += x.n
			if n.Need > n.Limit && x.c != nil && !slices.Contains(n.Over, x.c) {
				n.Over = append(n.Over, x.c)
			}
		}
		out = append(out, n)
	}
	for k, x := range largest {
		n := line(k, x.n)
		n.Where = largestAt[k]
		if n.Exceeded() {
			n.Over = []*Customer{x.c}
		}
		out = append(out, n)
	}
	order := func(code string) int {
		return slices.IndexFunc(QuotaTable, func(q Quota) bool { return q.Code == code })
	}
	regionOrder := func(r string) int {
		if r == GlobalQuotaKey {
			return len(v.Regions)
		}
		return slices.Index(v.Regions, r)
	}
	slices.SortFunc(out, func(a, b QuotaNeed) int {
		return cmp.Or(cmp.Compare(regionOrder(a.Region), regionOrder(b.Region)), cmp.Compare(a.Region, b.Region),
			cmp.Compare(order(a.Quota.Code), order(b.Quota.Code)), cmp.Compare(a.Where, b.Where))
	})
	return out
}

// CellRoom is how much room a cell's account has left in a region for
// another customer: the tightest line of its plan there (or account-wide).
type CellRoom struct {
	Cell  string
	Tight QuotaNeed // the line with the least room, relative to its limit
	// Free is the fraction of that line's limit still free (Headroom/Limit);
	// negative when the cell is already over it.
	Free float64
}

// CellRooms ranks the cells that operate in region by the room their
// quotas leave, most first: make new-customer puts a new customer in the
// first. A cell whose plan in the region is empty has every quota free.
func (f *Fleet) CellRooms(region string) []CellRoom {
	var out []CellRoom
	for _, cell := range f.Cells() {
		view := cell.Vendor
		if !slices.Contains(view.Regions, region) {
			continue
		}
		room := CellRoom{Cell: view.CellName, Free: 1}
		for _, n := range planCell(view, cell.Customers) {
			if (n.Region != region && n.Region != GlobalQuotaKey) || n.Quota.CheckedPerFile || n.Quota.Scope == PerVPC ||
				n.Quota.Scope == PerGroup || n.Quota.Scope == PerGateway || n.Limit <= 0 {
				continue // per VPC, group or gateway: a new customer brings its own
			}
			if free := float64(n.Headroom()) / float64(n.Limit); free < room.Free {
				room.Free, room.Tight = free, n
			}
		}
		out = append(out, room)
	}
	slices.SortStableFunc(out, func(a, b CellRoom) int { return cmp.Compare(b.Free, a.Free) })
	return out
}

// PlanCustomers is the plan of the given customers deployed to the account
// of vendor view v: what a cell of them would need (the README's figures
// split the bench fleets this way).
func PlanCustomers(v *Vendor, customers []*Customer) []QuotaNeed { return planCell(v, customers) }

// RequiredQuotas loads the fleet in dir without holding it to its quotas and
// returns, per cell ("" without cells), the values quotas: must record for
// it to validate: region (or global) -> code -> need, for every adjustable
// quota the fleet needs more of than AWS's default. bench/benchfleet
// records them in the fleets it writes, as a vendor would after its requests.
func RequiredQuotas(dir string) (map[string]map[string]map[string]int, error) {
	f, err := LoadForPlan(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]map[string]int{}
	for _, n := range f.QuotaPlan() {
		if n.Need <= n.Quota.Default || !n.Quota.Adjustable || n.Quota.CheckedPerFile {
			continue
		}
		if out[n.Cell] == nil {
			out[n.Cell] = map[string]map[string]int{}
		}
		if out[n.Cell][n.Region] == nil {
			out[n.Cell][n.Region] = map[string]int{}
		}
		out[n.Cell][n.Region][n.Quota.Code] = max(out[n.Cell][n.Region][n.Quota.Code], n.Need)
	}
	return out, nil
}
