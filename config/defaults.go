package config

import "slices"

// Defaults live here and only here; validation.go never fills anything in.
const (
	DefaultVpcPrefixLength       = 24
	DefaultLogRetentionDays      = 365
	DefaultTargetCount           = 1
	DefaultProducerMode          = ModeNlb
	DefaultRdsBy                 = "hostname"
	DefaultRdsRole               = "writer"
	DefaultScheduleMinutes       = 1
	DefaultDeregisterAfterMisses = 3
	// The handed-over load balancer gets a security group of its own.
	DefaultLoadBalancerSecurityGroup = true

	// Target groups: rds targets follow a failing-over database (a removed
	// address drains 30 s, then its connections are closed; a new one is in
	// service after 2 checks 10 s apart); ip and instance keep AWS's defaults.
	DefaultRdsDeregistrationDelay = 30
	DefaultDeregistrationDelay    = 300
	DefaultRdsHealthCheckInterval = 10
	DefaultHealthCheckInterval    = 30
	DefaultRdsHealthyThreshold    = 2
	DefaultHealthyThreshold       = 5
	DefaultUnhealthyThreshold     = 2
	MaxDefaultHealthCheckTimeout  = 10 // AWS's default for TCP checks
	MinHealthCheckTimeout         = 2

	// VPN. The tunnel defaults are the safe choices: IKEv2 only, AES-256,
	// SHA-2, DH groups of 2048-bit MODP or stronger elliptic curves, and the
	// AWS end starting and restarting the negotiation itself.
	DefaultAmazonSideAsn         = 64512 // the first private 16-bit ASN, AWS's own default
	DefaultStaticCustomerAsn     = 65000 // AWS's default; unused by static routing
	DefaultNatGateways           = "single"
	DefaultPhase1LifetimeSeconds = 28800
	DefaultPhase2LifetimeSeconds = 3600
	DefaultDpdTimeoutSeconds     = 30
	DefaultDpdTimeoutAction      = "restart"
	DefaultStartupAction         = "start"
	// TunnelCount is how many tunnels every VPN connection has.
	TunnelCount = 2

	// Probe: a target alarms after failing this many minutes in a row.
	DefaultProbeFailMinutes = 3
	DefaultProbeEnabled     = true

	// Inbound PrivateLink: HTTPS to the platform, names from private hosted zones.
	DefaultInboundPort = 443
	DefaultDnsMode     = DnsModePrivateHostedZone
)

// Inbound PrivateLink DNS modes.
const (
	DnsModePrivateHostedZone = "privateHostedZone"
	DnsModePrivateDnsName    = "privateDnsName"
)

// Default tunnel lists; functions so that no customer can share, and so
// change, another's slice.
func defaultIkeVersions() []string          { return []string{"ikev2"} }
func defaultEncryptionAlgorithms() []string { return []string{"AES256-GCM-16", "AES256"} }
func defaultIntegrityAlgorithms() []string  { return []string{"SHA2-256", "SHA2-384", "SHA2-512"} }
func defaultDhGroupNumbers() []int          { return []int{14, 19, 20, 21} }

func setVendorDefaults(v *Vendor) {
	if v.VpcPrefixLength == nil {
		v.VpcPrefixLength = ptr(DefaultVpcPrefixLength)
	}
	if v.LogRetentionDays == nil {
		v.LogRetentionDays = ptr(DefaultLogRetentionDays)
	}
	if in := v.InboundPrivateLink; in != nil && in.Ports == nil {
		in.Ports = []int{DefaultInboundPort}
	}
	setPipelineDefaults(v.Pipeline) // pipeline.go
}

// setCustomerDefaults fills in c's defaults. v is nil when vendor.yaml could
// not be read; defaults taken from it are then left unset (the fleet fails anyway).
func setCustomerDefaults(c *Customer, v *Vendor) {
	if c.DisplayName == "" {
		c.DisplayName = c.Name
	}
	if c.Probe == nil {
		c.Probe = &Probe{}
	}
	if c.Probe.Enabled == nil {
		c.Probe.Enabled = ptr(DefaultProbeEnabled)
	}
	if c.Probe.FailMinutes == nil {
		c.Probe.FailMinutes = ptr(DefaultProbeFailMinutes)
	}
	if c.PrivateLink != nil {
		for i := range c.PrivateLink.Services {
			setProducerDefaults(c.PrivateLink.Services[i].Producer)
		}
	}
	if c.Vpn != nil {
		setVpnDefaults(c.Vpn, v)
	}
	if c.InboundPrivateLink != nil {
		setInboundDefaults(c, v)
	}
}

// setInboundDefaults fills the inbound section. The accounts and client
// networks default to the customer's own through Customer.InboundAccounts and
// InboundClientCidrs instead, so that a bad account or network is reported
// once, where the file holds it.
func setInboundDefaults(c *Customer, v *Vendor) {
	in := c.InboundPrivateLink
	if in.Region == "" {
		in.Region = c.Region
	}
	if in.Ports == nil {
		in.Ports = []int{DefaultInboundPort}
	}
	if in.DnsMode == "" {
		in.DnsMode = DefaultDnsMode
	}
	// Copied, so that no customer can change the vendor's list.
	if in.Hostnames == nil && v != nil && v.InboundPrivateLink != nil {
		in.Hostnames = slices.Clone(v.InboundPrivateLink.Hostnames)
	}
}

func setVpnDefaults(vpn *Vpn, v *Vendor) {
	if vpn.AmazonSideAsn == nil {
		vpn.AmazonSideAsn = ptr(DefaultAmazonSideAsn)
	}
	// With BGP the ASN is the customer's to tell: no default.
	if vpn.CustomerGateway.BgpAsn == nil && vpn.Routing == "static" {
		vpn.CustomerGateway.BgpAsn = ptr(DefaultStaticCustomerAsn)
	}
	if vpn.NatGateways == "" {
		vpn.NatGateways = DefaultNatGateways
	}
	if vpn.TunnelLogs == nil {
		vpn.TunnelLogs = &TunnelLogs{}
	}
	// A vendor retention CloudWatch rejects is reported in vendor.yaml; it is
	// not copied here, where it would be reported again against a file that
	// does not hold it.
	if vpn.TunnelLogs.RetentionDays == nil && v != nil && v.LogRetentionDays != nil && slices.Contains(logRetentionDays, *v.LogRetentionDays) {
		vpn.TunnelLogs.RetentionDays = ptr(*v.LogRetentionDays)
	}
	// Every connection has two tunnels; the ones not listed get every default.
	// More than two listed is left for validation to report.
	for len(vpn.Tunnels) < TunnelCount {
		vpn.Tunnels = append(vpn.Tunnels, Tunnel{})
	}
	for i := range vpn.Tunnels {
		setTunnelDefaults(&vpn.Tunnels[i])
	}
}

// setTunnelDefaults fills what is unset; a list written empty stays empty,
// for validation to report.
func setTunnelDefaults(t *Tunnel) {
	if t.IkeVersions == nil {
		t.IkeVersions = defaultIkeVersions()
	}
	if t.Phase1EncryptionAlgorithms == nil {
		t.Phase1EncryptionAlgorithms = defaultEncryptionAlgorithms()
	}
	if t.Phase2EncryptionAlgorithms == nil {
		t.Phase2EncryptionAlgorithms = defaultEncryptionAlgorithms()
	}
	if t.Phase1IntegrityAlgorithms == nil {
		t.Phase1IntegrityAlgorithms = defaultIntegrityAlgorithms()
	}
	if t.Phase2IntegrityAlgorithms == nil {
		t.Phase2IntegrityAlgorithms = defaultIntegrityAlgorithms()
	}
	if t.Phase1DhGroupNumbers == nil {
		t.Phase1DhGroupNumbers = defaultDhGroupNumbers()
	}
	if t.Phase2DhGroupNumbers == nil {
		t.Phase2DhGroupNumbers = defaultDhGroupNumbers()
	}
	if t.Phase1LifetimeSeconds == nil {
		t.Phase1LifetimeSeconds = ptr(DefaultPhase1LifetimeSeconds)
	}
	if t.Phase2LifetimeSeconds == nil {
		t.Phase2LifetimeSeconds = ptr(DefaultPhase2LifetimeSeconds)
	}
	if t.DpdTimeoutSeconds == nil {
		t.DpdTimeoutSeconds = ptr(DefaultDpdTimeoutSeconds)
	}
	if t.DpdTimeoutAction == "" {
		t.DpdTimeoutAction = DefaultDpdTimeoutAction
	}
	if t.StartupAction == "" {
		t.StartupAction = DefaultStartupAction
	}
}

// setProducerDefaults fills only what applies to the target kind, so that
// validation can still tell a key written for the wrong kind.
func setProducerDefaults(p *Producer) {
	if p == nil {
		return
	}
	if p.Mode == "" {
		p.Mode = DefaultProducerMode
	}
	if p.Mode == ModeResourceGateway {
		// No load balancer, target group nor registrar: their keys stay
		// unset so validation can name them as misplaced.
		if p.Target == "rds" {
			if p.Rds == nil {
				p.Rds = &RdsTarget{}
			}
			if p.Rds.By == "" {
				p.Rds.By = DefaultRdsBy
			}
		}
		return
	}
	if p.LoadBalancerSecurityGroup == nil {
		p.LoadBalancerSecurityGroup = ptr(DefaultLoadBalancerSecurityGroup)
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
	setTargetGroupDefaults(p)
}

// setTargetGroupDefaults fills the target group settings by target kind.
func setTargetGroupDefaults(p *Producer) {
	if p.TargetGroup == nil {
		p.TargetGroup = &TargetGroup{}
	}
	t, rds := p.TargetGroup, p.Target == "rds"
	pick := func(v **int, forRds, other int) {
		if *v == nil {
			*v = ptr(map[bool]int{true: forRds, false: other}[rds])
		}
	}
	pick(&t.DeregistrationDelaySeconds, DefaultRdsDeregistrationDelay, DefaultDeregistrationDelay)
	pick(&t.HealthCheckIntervalSeconds, DefaultRdsHealthCheckInterval, DefaultHealthCheckInterval)
	pick(&t.HealthyThresholdCount, DefaultRdsHealthyThreshold, DefaultHealthyThreshold)
	pick(&t.UnhealthyThresholdCount, DefaultUnhealthyThreshold, DefaultUnhealthyThreshold)
	if t.HealthCheckTimeoutSeconds == nil {
		// Half the interval, so a check ends before the next starts.
		t.HealthCheckTimeoutSeconds = ptr(max(MinHealthCheckTimeout, min(MaxDefaultHealthCheckTimeout, *t.HealthCheckIntervalSeconds/2)))
	}
	if t.ConnectionTermination == nil {
		t.ConnectionTermination = ptr(rds)
	}
}

func ptr[T any](v T) *T { return &v }
