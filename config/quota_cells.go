package config

// The cells of the fleet, as the quota plan sees them: one vendor view per
// account, with the customers deployed to it.

func (f *Fleet) cellViews() []*Vendor { return []*Vendor{f.Vendor} }

func (f *Fleet) cellCustomers(view *Vendor) []*Customer { return f.Customers }

func (v *Vendor) cellName() string { return "" }

// quotasPath is the path of a cell's quotas: in vendor.yaml.
func (v *Vendor) quotasPath() string { return "quotas" }
