package config

// Cell is one vendor account of a fleet split across several: it hosts the
// vendor-side stacks of the customers assigned to it, who allow-list its
// principal. A cell limits what one account's quotas, one mistake or one
// compromised role can reach.
type Cell struct {
	Name         string   `yaml:"name" pc:"required" doc:"Cell name, a DNS label of at most 20 characters (e.g. cell-1): customers name it in cell:, and it suffixes the construct IDs of the cell's shared stacks." pattern:"^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$"`
	Account      string   `yaml:"account" pc:"required" doc:"12-digit AWS account ID of the cell, where its customers' vendor-side stacks deploy; one account per cell. Quote it." pattern:"^[0-9]{12}$"`
	PrincipalArn string   `yaml:"principalArn" pc:"required" doc:"IAM principal the cell's customers allow-list on their endpoint services: arn:aws:iam::<cell account>:root, or a role of the cell's account."`
	Regions      []string `yaml:"regions" pc:"required" doc:"Regions the cell operates in, each one of the vendor's regions." enum:"$regions"`
	VpcCidrPools []string `yaml:"vpcCidrPools" doc:"Private IPv4 blocks from which make new-customer proposes the vendor VPC CIDRs of the cell's customers; every vendor VPC of the fleet stays disjoint from every other, whatever its cell." defaultDoc:"the vendor's vpcCidrPools"`

	AlarmTopicArns     map[string]string         `yaml:"alarmTopicArns" pc:"required" doc:"SNS topic for the cell's alarms, per region of the cell: a topic in that region and the cell's account." keys:"region"`
	InboundPrivateLink map[string]InboundRegion  `yaml:"inboundPrivateLink" doc:"Per region of the cell: the platform's load balancer in the cell's account, which the cell's endpoint service for inbound customers fronts (vendor.yaml's inboundPrivateLink gives the domains, hostnames and ports)." keys:"region"`
	Quotas             map[string]map[string]int `yaml:"quotas" doc:"AWS quota values the cell's account has obtained, as in quotas: region of the cell (or global, for Route 53 and IAM) -> quota code -> value. Validation holds the cell's customers to these, or to AWS's defaults; make quotas prints each cell's plan." keys:"region,quota code"`
}

// HasCells reports whether vendor.yaml declares cells.
func (v *Vendor) HasCells() bool { return len(v.Cells) > 0 }

// CellNames are the declared cells' names, in vendor.yaml's order.
func (v *Vendor) CellNames() []string {
	var out []string
	for _, c := range v.Cells {
		out = append(out, c.Name)
	}
	return out
}

// Cell returns the declared cell of that name, or nil.
func (v *Vendor) Cell(name string) *Cell {
	for i := range v.Cells {
		if v.Cells[i].Name == name {
			return &v.Cells[i]
		}
	}
	return nil
}

// ForCustomer is the vendor as customer c's cell sees it: its account,
// principal, regions, pools, alarm topics, platform load balancers and
// quotas. Without cells it is v itself; for a customer of an unknown cell
// (reported by validation) it is v too, so that checks still run.
func (v *Vendor) ForCustomer(c *Customer) *Vendor {
	if v == nil || c == nil || !v.HasCells() {
		return v
	}
	for i := range v.Cells {
		if v.Cells[i].Name == c.Cell {
			return v.forCell(i)
		}
	}
	return v
}

// CellViews is one view of the vendor per cell, in vendor.yaml's order: v
// itself without cells.
func (v *Vendor) CellViews() []*Vendor {
	if !v.HasCells() {
		return []*Vendor{v}
	}
	out := make([]*Vendor, len(v.Cells))
	for i := range v.Cells {
		out[i] = v.forCell(i)
	}
	return out
}

func (v *Vendor) forCell(i int) *Vendor {
	cell := &v.Cells[i]
	view := *v
	view.Cells = nil
	view.CellName = cell.Name
	view.cellPath = index("cells", i)
	view.Account = cell.Account
	view.PrincipalArn = cell.PrincipalArn
	view.Regions = cell.Regions
	if len(cell.VpcCidrPools) > 0 {
		view.VpcCidrPools = cell.VpcCidrPools
	}
	view.AlarmTopicArns = cell.AlarmTopicArns
	view.Quotas = cell.Quotas
	if v.InboundPrivateLink != nil {
		in := *v.InboundPrivateLink
		in.Regions = cell.InboundPrivateLink
		view.InboundPrivateLink = &in
	}
	return &view
}

// Cells splits the fleet into one fleet per cell: the cell's view of the
// vendor and the customers assigned to it, in name order. What is shared
// per account and region (the inbound endpoint service, the dashboards,
// quotas) is built and checked per cell from these. Without cells it is f
// itself.
func (f *Fleet) Cells() []*Fleet {
	if f.Vendor == nil || !f.Vendor.HasCells() {
		return []*Fleet{f}
	}
	out := make([]*Fleet, len(f.Vendor.Cells))
	for i := range f.Vendor.Cells {
		out[i] = f.cell(i)
	}
	return out
}

// Cell is the fleet of the named cell, as Cells has it: f itself for "" in
// a fleet without cells, nil for a cell vendor.yaml does not declare.
func (f *Fleet) Cell(name string) *Fleet {
	if f.Vendor == nil || !f.Vendor.HasCells() {
		if name == "" {
			return f
		}
		return nil
	}
	for i := range f.Vendor.Cells {
		if f.Vendor.Cells[i].Name == name {
			return f.cell(i)
		}
	}
	return nil
}

// cell is the fleet of the i-th declared cell.
func (f *Fleet) cell(i int) *Fleet {
	view := f.Vendor.forCell(i)
	cell := &Fleet{Dir: f.Dir, Vendor: view}
	for _, c := range f.Customers {
		if c.Cell == view.CellName {
			cell.Customers = append(cell.Customers, c)
		}
	}
	return cell
}

// CellOf is the fleet of customer c's cell (f itself without cells, or for
// a cell validation reports as unknown).
func (f *Fleet) CellOf(c *Customer) *Fleet {
	if cell := f.Cell(c.Cell); cell != nil {
		return cell
	}
	return f
}

// InboundRegionPath is where vendor.yaml gives the platform's load balancer
// in region, for v (the vendor, or a cell's view of it).
func (v *Vendor) InboundRegionPath(region string) string {
	if v.cellPath != "" {
		return mapKey(join(v.cellPath, "inboundPrivateLink"), region)
	}
	return mapKey("inboundPrivateLink.regions", region)
}

// quotasPath is where vendor.yaml records v's quotas: quotas, or the
// cell's cells[i].quotas.
func (v *Vendor) quotasPath() string { return join(v.cellPath, "quotas") }

// SharedStackID is the construct ID of a stack shared by a cell's customers
// (Vendor-Inbound-<region>, Vendor-Dashboard-<region>): its stack name is
// the same in every cell's account, and the ID tells the cells apart in one
// app. A fleet without cells keeps the name as its ID.
func (v *Vendor) SharedStackID(stackName string) string {
	if v.CellName == "" {
		return stackName
	}
	return stackName + "-" + v.CellName
}
