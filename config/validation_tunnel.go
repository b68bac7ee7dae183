package config

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

// The checks of one tunnel's options: its inside addresses, its pre-shared
// key and the algorithms and timers the AWS end accepts.

func checkTunnel(r *report, p string, c *Customer, v *Vendor, vpn *Vpn, t Tunnel, i int, insides map[netip.Prefix]int) {
	if t.InsideCidr != "" {
		ip := join(p, "insideCidr")
		block, err := cidr.Parse(t.InsideCidr)
		switch {
		case err != nil:
			r.add(ip, "invalid CIDR block: "+err.Error(), t.InsideCidr, "write a /30 in 169.254.0.0/16, e.g. 169.254.10.0/30")
		case block.Bits() != 30 || !cidr.Contains(tunnelInsideRange, block):
			r.add(ip, "a tunnel's inside addresses are a /30 in 169.254.0.0/16", t.InsideCidr, "use a block such as 169.254.10.0/30")
		case slices.Contains(reservedInsideCidrs, block):
			r.add(ip, "AWS reserves 169.254.0.0/30 to 169.254.5.0/30 and 169.254.169.252/30", t.InsideCidr, "use another /30, e.g. 169.254.10.0/30")
		default:
			if other, dup := insides[block]; dup {
				r.add(ip, fmt.Sprintf("tunnels[%d] has the same inside CIDR: each tunnel needs its own", other), t.InsideCidr, "use another /30")
			}
			insides[block] = i
		}
	}

	checkPreSharedKey(r, p, c, v, t)

	iv := join(p, "ikeVersions")
	checkChoices(r, iv, "IKE version", t.IkeVersions, ikeVersions)
	if slices.Contains(t.IkeVersions, "ikev1") && !vpn.AllowIkev1 {
		r.add(iv, "IKEv1 is weaker than IKEv2 (older key exchange, no AWS-initiated tunnels) and needs an explicit opt-in", t.IkeVersions,
			"use [ikev2] if the customer's device supports it; otherwise set vpn.allowIkev1: true (synth then warns)")
	}
	checkChoices(r, join(p, "phase1EncryptionAlgorithms"), "phase 1 encryption algorithm", t.Phase1EncryptionAlgorithms, encryptionAlgorithms)
	checkChoices(r, join(p, "phase2EncryptionAlgorithms"), "phase 2 encryption algorithm", t.Phase2EncryptionAlgorithms, encryptionAlgorithms)
	checkChoices(r, join(p, "phase1IntegrityAlgorithms"), "phase 1 integrity algorithm", t.Phase1IntegrityAlgorithms, integrityAlgorithms)
	checkChoices(r, join(p, "phase2IntegrityAlgorithms"), "phase 2 integrity algorithm", t.Phase2IntegrityAlgorithms, integrityAlgorithms)
	checkChoices(r, join(p, "phase1DhGroupNumbers"), "phase 1 Diffie-Hellman group", t.Phase1DhGroupNumbers, phase1DhGroups)
	checkChoices(r, join(p, "phase2DhGroupNumbers"), "phase 2 Diffie-Hellman group", t.Phase2DhGroupNumbers, phase2DhGroups)

	l1, l2 := *t.Phase1LifetimeSeconds, *t.Phase2LifetimeSeconds
	switch {
	case l1 < 900 || l1 > 28800:
		r.add(join(p, "phase1LifetimeSeconds"), "must be 900 to 28800 seconds", l1, fmt.Sprintf("use %d (the default) unless the customer's device needs another value", DefaultPhase1LifetimeSeconds))
	case l2 >= 900 && l2 <= 3600 && l2 >= l1:
		r.add(join(p, "phase2LifetimeSeconds"), fmt.Sprintf("must be less than phase1LifetimeSeconds (%d)", l1), l2, "shorten phase 2 or lengthen phase 1")
	}
	if l2 < 900 || l2 > 3600 {
		r.add(join(p, "phase2LifetimeSeconds"), "must be 900 to 3600 seconds", l2, fmt.Sprintf("use %d (the default) unless the customer's device needs another value", DefaultPhase2LifetimeSeconds))
	}
	if d := *t.DpdTimeoutSeconds; d < 30 {
		r.add(join(p, "dpdTimeoutSeconds"), "AWS needs at least 30 seconds", d, fmt.Sprintf("use %d (the default) or more", DefaultDpdTimeoutSeconds))
	}
	if !slices.Contains(dpdTimeoutActions, t.DpdTimeoutAction) {
		r.add(join(p, "dpdTimeoutAction"), "unknown DPD timeout action", t.DpdTimeoutAction, "use restart (the default), clear or none")
	}
	sp := join(p, "startupAction")
	switch {
	case !slices.Contains(startupActions, t.StartupAction):
		r.add(sp, "unknown startup action", t.StartupAction, "use start (the default: AWS brings the tunnel up) or add (the customer's device must)")
	case t.StartupAction == "start" && !slices.Contains(t.IkeVersions, "ikev2") && len(t.IkeVersions) > 0:
		r.add(sp, "AWS starts tunnels (startupAction: start, the default) with IKEv2 only, and this tunnel does not accept it", t.StartupAction,
			"add ikev2 to ikeVersions, or set startupAction: add (the customer's device must then bring the tunnel up and keep it up)")
	}
}

// checkPreSharedKey accepts a key only as a Secrets Manager reference. A key
// written in the file is rejected without ever being repeated, in an error
// message or anywhere else.
func checkPreSharedKey(r *report, p string, c *Customer, v *Vendor, t Tunnel) {
	if t.PreSharedKey != "" {
		kp := join(p, "preSharedKey")
		r.add(kp, "a pre-shared key written here would be stored in plain text in the CloudFormation template", raw(fmt.Sprintf("%d characters, not shown", len(t.PreSharedKey))),
			"store it in Secrets Manager in the vendor account and set preSharedKeySecret: <its name or ARN>, or remove it to let AWS generate one; then rotate it, since it has been in this file")
		if problem := pskProblem(t.PreSharedKey); problem != "" {
			r.add(kp, "AWS would also reject this key: "+problem, raw("the key, not shown"),
				"use 8 to 64 letters, digits, . and _, not starting with 0")
		}
	}
	sp := join(p, "preSharedKeySecret")
	if s := t.PreSharedKeySecret; s != "" {
		if m := secretArnRe.FindStringSubmatch(s); m != nil {
			switch {
			case m[1] != c.Region && knownRegion(c.Region):
				r.add(sp, fmt.Sprintf("the secret is in %s; CloudFormation resolves secrets of the stack's region (%s) only", m[1], c.Region), s,
					fmt.Sprintf("store the key in a secret in %s", c.Region))
			case v != nil && m[2] != v.Account:
				r.add(sp, fmt.Sprintf("the secret is not in the vendor account %s, where the stack resolves it", v.Account), s,
					"store the key in a secret in the vendor account")
			}
		} else if strings.HasPrefix(s, "arn:") || !secretNameRe.MatchString(s) {
			r.add(sp, "not a Secrets Manager secret name or ARN", s,
				"write the secret's name (letters, digits and /_+=.@-) or its ARN, arn:aws:secretsmanager:<region>:<account>:secret:<name>")
		}
	}
	if k := t.PreSharedKeyJSONKey; k != "" {
		kp := join(p, "preSharedKeyJsonKey")
		switch {
		case t.PreSharedKeySecret == "":
			r.add(kp, "preSharedKeyJsonKey names a key inside preSharedKeySecret, which is not set", k, "set preSharedKeySecret or remove preSharedKeyJsonKey")
		case !secretJSONKeyRe.MatchString(k):
			r.add(kp, "not a usable JSON key", k, "use letters, digits and /_+=.@- only")
		}
	}
}

// pskProblem says why AWS would reject a pre-shared key, or "".
func pskProblem(psk string) string {
	switch {
	case len(psk) < 8 || len(psk) > 64:
		return fmt.Sprintf("it has %d characters, not 8 to 64", len(psk))
	case !pskRe.MatchString(psk):
		return "it holds characters other than letters, digits, . and _"
	case psk[0] == '0':
		return "it starts with 0"
	}
	return ""
}

// checkChoices checks a list of accepted values: not empty, each known, none twice.
func checkChoices[T comparable](r *report, p, what string, got, known []T) {
	if len(got) == 0 {
		r.add(p, "an empty list accepts nothing, so the tunnel could never come up", raw("an empty list"), "remove the key to use the defaults, or list at least one value")
		return
	}
	seen := map[T]bool{}
	for i, g := range got {
		ip := index(p, i)
		switch {
		case !slices.Contains(known, g):
			r.add(ip, "AWS does not offer this "+what, g, "use one of "+joinAny(known))
		case seen[g]:
			r.add(ip, "listed twice", g, "list each value once")
		}
		seen[g] = true
	}
}
