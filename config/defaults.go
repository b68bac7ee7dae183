package config

// Defaults live here and only here; validation.go never fills anything in.
const (
	DefaultVpcPrefixLength       = 24
	DefaultLogRetentionDays      = 365
	DefaultTargetCount           = 1
	DefaultRdsBy                 = "hostname"
	DefaultRdsRole               = "writer"
	DefaultScheduleMinutes       = 1
	DefaultDeregisterAfterMisses = 3
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
	if c.PrivateLink != nil {
		for i := range c.PrivateLink.Services {
			setProducerDefaults(c.PrivateLink.Services[i].Producer)
		}
	}
}

// setProducerDefaults fills only what applies to the target kind, so that
// validation can still tell a key written for the wrong kind.
func setProducerDefaults(p *Producer) {
	if p == nil {
		return
	}
	switch p.Target {
	case "ip", "instance":
		if p.Count == nil {
			p.Count = ptr(DefaultTargetCount)
		}
	case "rds":
		if p.Rds == nil {
			p.Rds = &RdsTarget{}
		}
		if p.Rds.By == "" {
			p.Rds.By = DefaultRdsBy
		}
		if p.Rds.Role == "" && p.Rds.By == "dbCluster" {
			p.Rds.Role = DefaultRdsRole
		}
		if p.Registrar == nil {
			p.Registrar = &Registrar{}
		}
		if p.Registrar.ScheduleMinutes == nil {
			p.Registrar.ScheduleMinutes = ptr(DefaultScheduleMinutes)
		}
		if p.Registrar.DeregisterAfterMisses == nil {
			p.Registrar.DeregisterAfterMisses = ptr(DefaultDeregisterAfterMisses)
		}
	}
}

func ptr[T any](v T) *T { return &v }
