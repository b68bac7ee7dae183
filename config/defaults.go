package config

// Defaults live here and only here; validation.go never fills anything in.
const (
	DefaultVpcPrefixLength  = 24
	DefaultLogRetentionDays = 365
)

func setVendorDefaults(v *Vendor) {
	if v.VpcPrefixLength == nil {
		v.VpcPrefixLength = ptr(DefaultVpcPrefixLength)
	}
	if v.LogRetentionDays == nil {
		v.LogRetentionDays = ptr(DefaultLogRetentionDays)
	}
}

func setCustomerDefaults(c *Customer) {
	if c.DisplayName == "" {
		c.DisplayName = c.Name
	}
}

func ptr[T any](v T) *T { return &v }
