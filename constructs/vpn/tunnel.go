package vpn

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
)

// Safe tunnel defaults, used for any option TunnelOptions leaves nil. AWS's
// own defaults also accept IKEv1, SHA-1, DH group 2 and leave the tunnel
// down until the customer's device sends traffic; these do not.
var (
	defaultIkeVersions          = []string{"ikev2"}
	defaultEncryptionAlgorithms = []string{"AES256-GCM-16", "AES256"}
	defaultIntegrityAlgorithms  = []string{"SHA2-256", "SHA2-384", "SHA2-512"}
	defaultDhGroupNumbers       = []float64{14, 19, 20, 21}
)

// TunnelOptions are one tunnel's options. Every nil option takes the safe
// default named on it.
type TunnelOptions struct {
	// A /30 in 169.254.0.0/16. Default: AWS picks one.
	InsideCidr *string
	// Name or ARN of a Secrets Manager secret holding the pre-shared key; the
	// template holds only a dynamic reference, resolved at deploy time.
	// Default: AWS generates the key.
	PreSharedKeySecret *string
	// The key within the secret's JSON holding this tunnel's key.
	// Default: the whole secret string is the key.
	PreSharedKeyJsonField *string
	// Default: [ikev2].
	IkeVersions *[]*string
	// Default: [AES256-GCM-16, AES256].
	Phase1EncryptionAlgorithms *[]*string
	// Default: [AES256-GCM-16, AES256].
	Phase2EncryptionAlgorithms *[]*string
	// Default: [SHA2-256, SHA2-384, SHA2-512].
	Phase1IntegrityAlgorithms *[]*string
	// Default: [SHA2-256, SHA2-384, SHA2-512].
	Phase2IntegrityAlgorithms *[]*string
	// Default: [14, 19, 20, 21].
	Phase1DhGroupNumbers *[]*float64
	// Default: [14, 19, 20, 21].
	Phase2DhGroupNumbers *[]*float64
	// Default: 28800.
	Phase1LifetimeSeconds *float64
	// Default: 3600.
	Phase2LifetimeSeconds *float64
	// Default: 30.
	DpdTimeoutSeconds *float64
	// Default: restart (renegotiate at once rather than wait for the customer).
	DpdTimeoutAction *string
	// Default: start (the AWS end brings the tunnel up; needs IKEv2).
	StartupAction *string
}

// tunnelSpec is one tunnel's options, with the safe default for each unset one.
func (s *site) tunnelSpec(t *TunnelOptions, bgp bool) *awsec2.CfnVPNConnection_VpnTunnelOptionsSpecificationProperty {
	if t == nil {
		t = &TunnelOptions{}
	}
	logs := &awsec2.CfnVPNConnection_CloudwatchLogOptionsSpecificationProperty{
		LogEnabled:      jsii.Bool(true),
		LogGroupArn:     s.logs.AttrArn(),
		LogOutputFormat: jsii.String("json"),
	}
	if bgp {
		// BGP session events explain a tunnel that is up but routes nothing.
		logs.BgpLogEnabled = jsii.Bool(true)
		logs.BgpLogGroupArn = s.logs.AttrArn()
		logs.BgpLogOutputFormat = jsii.String("json")
	}
	spec := &awsec2.CfnVPNConnection_VpnTunnelOptionsSpecificationProperty{
		TunnelInsideCidr:      t.InsideCidr,
		Phase1LifetimeSeconds: or(t.Phase1LifetimeSeconds, defaultPhase1Lifetime),
		Phase2LifetimeSeconds: or(t.Phase2LifetimeSeconds, defaultPhase2Lifetime),
		DpdTimeoutSeconds:     or(t.DpdTimeoutSeconds, defaultDpdTimeout),
		DpdTimeoutAction:      or(t.DpdTimeoutAction, defaultDpdAction),
		StartupAction:         or(t.StartupAction, defaultStartupAction),
		LogOptions:            &awsec2.CfnVPNConnection_VpnTunnelLogOptionsSpecificationProperty{CloudwatchLogOptions: logs},
	}
	// Each value goes in a request-list property of its own type.
	spec.IkeVersions = list(strs(t.IkeVersions, defaultIkeVersions), func(v *string) any {
		return &awsec2.CfnVPNConnection_IKEVersionsRequestListValueProperty{Value: v}
	})
	spec.Phase1EncryptionAlgorithms = list(strs(t.Phase1EncryptionAlgorithms, defaultEncryptionAlgorithms), func(v *string) any {
		return &awsec2.CfnVPNConnection_Phase1EncryptionAlgorithmsRequestListValueProperty{Value: v}
	})
	spec.Phase2EncryptionAlgorithms = list(strs(t.Phase2EncryptionAlgorithms, defaultEncryptionAlgorithms), func(v *string) any {
		return &awsec2.CfnVPNConnection_Phase2EncryptionAlgorithmsRequestListValueProperty{Value: v}
	})
	spec.Phase1IntegrityAlgorithms = list(strs(t.Phase1IntegrityAlgorithms, defaultIntegrityAlgorithms), func(v *string) any {
		return &awsec2.CfnVPNConnection_Phase1IntegrityAlgorithmsRequestListValueProperty{Value: v}
	})
	spec.Phase2IntegrityAlgorithms = list(strs(t.Phase2IntegrityAlgorithms, defaultIntegrityAlgorithms), func(v *string) any {
		return &awsec2.CfnVPNConnection_Phase2IntegrityAlgorithmsRequestListValueProperty{Value: v}
	})
	spec.Phase1DhGroupNumbers = list(nums(t.Phase1DhGroupNumbers, defaultDhGroupNumbers), func(v *float64) any {
		return &awsec2.CfnVPNConnection_Phase1DHGroupNumbersRequestListValueProperty{Value: v}
	})
	spec.Phase2DhGroupNumbers = list(nums(t.Phase2DhGroupNumbers, defaultDhGroupNumbers), func(v *float64) any {
		return &awsec2.CfnVPNConnection_Phase2DHGroupNumbersRequestListValueProperty{Value: v}
	})
	if t.PreSharedKeySecret != nil {
		var opts *awscdk.SecretsManagerSecretOptions
		if t.PreSharedKeyJsonField != nil {
			opts = &awscdk.SecretsManagerSecretOptions{JsonField: t.PreSharedKeyJsonField}
		}
		// A {{resolve:secretsmanager:...}} reference: CloudFormation reads the
		// key at deploy time, and the template never holds it.
		spec.PreSharedKey = awscdk.SecretValue_SecretsManager(t.PreSharedKeySecret, opts).UnsafeUnwrap()
	}
	return spec
}

// or returns v, or def when v is nil.
func or[T any](v *T, def T) *T {
	if v == nil {
		return &def
	}
	return v
}

func strs(v *[]*string, def []string) []*string {
	if v != nil {
		return *v
	}
	return *jsii.Strings(def...)
}

func nums(v *[]*float64, def []float64) []*float64 {
	if v != nil {
		return *v
	}
	out := make([]*float64, len(def))
	for i, d := range def {
		out[i] = jsii.Number(d)
	}
	return out
}

// list is the values, each wrapped, or nil (the property left out) when
// there are none.
func list[V any](values []*V, wrap func(*V) any) any {
	if len(values) == 0 {
		return nil
	}
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = wrap(v)
	}
	return out
}
