// Package handoff writes what the vendor sends a customer, in
// dist/<customer>/: for a customer with a producer section, the
// CloudFormation template the customer deploys (YAML) and its guide
// (PRODUCER.md), written for the customer's cloud and security teams; for an
// inbound PrivateLink customer, the endpoint template and its guide
// (INBOUND.md); for a customer with a VPN, the sheet of what they configure
// on their VPN device (VPN.md); and for all, README.md, the index of the
// folder with a diagram, the launch links once published, what to send back
// and each template's SHA-256. All are generated from config; nothing is
// hand-edited.
package handoff

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/cost"
	"github.com/privateconnect/privateconnect/internal/templatecheck"
	"github.com/privateconnect/privateconnect/stacks"
)

// DefaultDir is where make handoff writes.
const DefaultDir = "dist"

// Bundle is what one customer receives.
type Bundle struct {
	Customer *config.Customer
	// Files by name: <customer>-Producer.yaml and PRODUCER.md with a
	// producer section, <customer>-Inbound.yaml and INBOUND.md with an
	// inboundPrivateLink section, VPN.md with a vpn section, and README.md.
	Files map[string][]byte
	// Templates are the bundle's templates: producer, then inbound.
	Templates []BundleTemplate

	vendor *config.Vendor
	opts   Options
}

// SetLaunch records how the customer launches the template in file (make
// publish) and writes the index again with the link.
func (b *Bundle) SetLaunch(file string, l Launch) error {
	for i := range b.Templates {
		if b.Templates[i].File == file {
			b.Templates[i].Launch = &l
			return b.renderIndex()
		}
	}
	return fmt.Errorf("%s: no template %s in the bundle", b.Customer.Name, file)
}

// HasHandoff reports whether there is anything to hand the customer: a
// template to deploy, or a VPN to configure.
func HasHandoff(c *config.Customer) bool {
	return stacks.HasProducer(c) || c.Vpn != nil || stacks.HasInbound(c)
}

// The guides of a bundle's templates.
const (
	ProducerFile = "PRODUCER.md"
	InboundFile  = "INBOUND.md"
)

// Build is BuildWith with the default options: this build's version, today.
func Build(v *config.Vendor, customers []*config.Customer) ([]Bundle, error) {
	return BuildWith(v, customers, Options{})
}

// BuildWith synthesizes the handed-over templates of the given customers and
// renders their guides, VPN sheets and index. A customer with nothing to
// hand over is an error, and so is an inbound customer whose region's
// service has no name in vendor.yaml yet: its template would have nothing to
// connect to.
func BuildWith(v *config.Vendor, customers []*config.Customer, opts Options) ([]Bundle, error) {
	opts = opts.withDefaults()
	var templated []*config.Customer
	for _, c := range customers {
		v := v.ForCustomer(c)
		if !HasHandoff(c) {
			return nil, fmt.Errorf("customer %s has no service with a producer section, no vpn and no inboundPrivateLink section: nothing to hand over (see %s)", c.Name, c.File)
		}
		if stacks.HasInbound(c) && stacks.InboundServiceName(v, c) == "" {
			return nil, fmt.Errorf("customer %s: the inbound service in %s is pending: deploy %s, write its ServiceName output into vendor.yaml as %s.serviceName, then run make handoff again",
				c.Name, c.Region, v.SharedStackID(stacks.InboundServiceStackName(c.Region)), v.InboundRegionPath(c.Region))
		}
		if stacks.HasProducer(c) || stacks.HasInbound(c) {
			templated = append(templated, c)
		}
	}
	files := map[*config.Customer]map[string][]byte{}
	templates := map[*config.Customer][]BundleTemplate{}
	for _, c := range customers {
		files[c] = map[string][]byte{}
		if c.Vpn != nil {
			sheet, err := VpnSheet(v.ForCustomer(c), c)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", c.Name, err)
			}
			files[c][VpnSheetFile] = sheet
		}
	}
	if err := buildTemplates(v, templated, files, templates); err != nil {
		return nil, err
	}
	var out []Bundle
	for _, c := range customers {
		b := Bundle{Customer: c, Files: files[c], Templates: templates[c], vendor: v.ForCustomer(c), opts: opts}
		if err := b.renderIndex(); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// buildTemplates adds each customer's templates to files, each with its
// guide: PRODUCER.md for the producer template, INBOUND.md for the inbound
// one, and describes them in templates.
func buildTemplates(v *config.Vendor, customers []*config.Customer, files map[*config.Customer]map[string][]byte, templates map[*config.Customer][]BundleTemplate) error {
	if len(customers) == 0 {
		return nil // nothing to synthesize: no need to start the CDK
	}
	built, err := stacks.Synthesize(func(app awscdk.App) []awscdk.Stack {
		return stacks.BuildHandoff(app, v, customers)
	})
	if err != nil {
		return err
	}
	exceptions, err := templatecheck.LoadExceptions()
	if err != nil {
		return err
	}
	byName := map[string]stacks.Synthesized{}
	for _, b := range built {
		byName[b.Name] = b
	}
	vendor := v
	for _, c := range customers {
		v := vendor.ForCustomer(c)
		for _, mode := range []string{stacks.ModeProducer, stacks.ModeInbound} {
			s, ok := byName[stacks.StackName(c, mode)]
			if !ok {
				continue
			}
			tmpl, err := ParseTemplate(s.Template, exceptions)
			if err != nil {
				return fmt.Errorf("%s: %v", s.Name, err)
			}
			yml, err := TemplateYAML(s.Template)
			if err != nil {
				return fmt.Errorf("%s: %v", s.Name, err)
			}
			file := s.Name + ".yaml"
			estimate, err := cost.Of(s.Template, s.Region)
			if err != nil {
				return err
			}
			var guide []byte
			guideFile, stackName := ProducerFile, ProducerStackName(v)
			if mode == stacks.ModeInbound {
				guideFile, stackName = InboundFile, InboundStackName(v)
				guide, err = InboundGuide(v, c, file, tmpl, estimate)
			} else {
				guide, err = ProducerGuide(v, c, file, tmpl, len(yml), estimate)
			}
			if err != nil {
				return err
			}
			files[c][file], files[c][guideFile] = yml, guide
			templates[c] = append(templates[c], newBundleTemplate(file, guideFile, stackName, s.Region, yml, tmpl))
		}
	}
	return nil
}

// Write puts each bundle in dir/<customer>/, replacing what was there as a
// whole: a reader sees the old set of files or the new one, never a mix.
func Write(dir string, bundles []Bundle) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, b := range bundles {
		tmp, err := os.MkdirTemp(dir, "."+b.Customer.Name+".")
		if err != nil {
			return nil, err
		}
		for name, data := range b.Files {
			if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
				os.RemoveAll(tmp)
				return nil, err
			}
		}
		if err := os.Chmod(tmp, 0o755); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
		final := filepath.Join(dir, b.Customer.Name)
		old := tmp + ".old"
		if err := os.Rename(final, old); err != nil && !os.IsNotExist(err) {
			os.RemoveAll(tmp)
			return nil, err
		}
		if err := os.Rename(tmp, final); err != nil {
			os.Rename(old, final) // put the previous bundle back
			os.RemoveAll(tmp)
			return nil, err
		}
		os.RemoveAll(old)
		written = append(written, final)
	}
	return written, nil
}
