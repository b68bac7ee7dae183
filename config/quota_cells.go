package config

// The cells of the fleet, as the quota plan sees them: one vendor view per
// account (cells.go), with the customers deployed to it.

func (f *Fleet) cellViews() []*Vendor { return f.Vendor.CellViews() }

func (f *Fleet) cellCustomers(view *Vendor) []*Customer {
	if !f.Vendor.HasCells() {
		return f.Customers
	}
	var out []*Customer
	for _, c := range f.Customers {
		if c.Cell == view.CellName {
			out = append(out, c)
		}
	}
	return out
}

func (v *Vendor) cellName() string { return v.CellName }

// quotasPath is the path of a vendor view's quotas: in vendor.yaml, or in its cell.
func (v *Vendor) quotasPath() string { return join(v.cellPath, "quotas") }
