// Package handoff writes what the vendor sends a customer, in
// dist/<customer>/: for a customer with a producer section, the
// CloudFormation template the customer deploys (YAML) and a README written
// for the customer's cloud and security teams; for a customer with a VPN, the
// sheet of what they configure on their VPN device. All are generated from
// config; nothing is hand-edited.
package handoff

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/cost"
	"github.com/privateconnect/privateconnect/stacks"
)

// DefaultDir is where make handoff writes.
const DefaultDir = "dist"

// Bundle is what one customer receives.
type Bundle struct {
	Customer *config.Customer
	// Files by name: <customer>-Producer.yaml and README.md with a producer
	// section, VPN.md with a vpn section.
	Files map[string][]byte
}

// HasHandoff reports whether there is anything to hand the customer: a
// template to deploy, or a VPN to configure.
func HasHandoff(c *config.Customer) bool { return stacks.HasProducer(c) || c.Vpn != nil }

// Build synthesizes the handed-over templates of the given customers and
// renders their READMEs and VPN sheets. A customer with neither a producer
// section nor a VPN is an error: there is nothing to hand them.
func Build(v *config.Vendor, customers []*config.Customer) ([]Bundle, error) {
	var producers []*config.Customer
	for _, c := range customers {
		if !HasHandoff(c) {
			return nil, fmt.Errorf("customer %s has no service with a producer section and no vpn section: nothing to hand over (see %s)", c.Name, c.File)
		}
		if stacks.HasProducer(c) {
			producers = append(producers, c)
		}
	}
	files := map[*config.Customer]map[string][]byte{}
	for _, c := range customers {
		files[c] = map[string][]byte{}
		if c.Vpn != nil {
			sheet, err := VpnSheet(v, c)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", c.Name, err)
			}
			files[c][VpnSheetFile] = sheet
		}
	}
	if err := buildTemplates(v, producers, files); err != nil {
		return nil, err
	}
	var out []Bundle
	for _, c := range customers {
		out = append(out, Bundle{Customer: c, Files: files[c]})
	}
	return out, nil
}

// buildTemplates adds each producer customer's template and README to files.
func buildTemplates(v *config.Vendor, customers []*config.Customer, files map[*config.Customer]map[string][]byte) error {
	if len(customers) == 0 {
		return nil // nothing to synthesize: no need to start the CDK
	}
	built, err := stacks.Synthesize(func(app awscdk.App) []awscdk.Stack {
		return stacks.BuildHandoff(app, v, customers)
	})
	if err != nil {
		return err
	}
	for i, c := range customers {
		name, raw := built[i].Name, built[i].Template
		var tmpl Template
		if err := json.Unmarshal(raw, &tmpl); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		yml, err := TemplateYAML(raw)
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		file := name + ".yaml"
		estimate, err := cost.Of(raw, built[i].Region)
		if err != nil {
			return err
		}
		readme, err := Readme(v, c, file, tmpl, len(yml), estimate)
		if err != nil {
			return err
		}
		files[c][file], files[c]["README.md"] = yml, readme
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

// Close releases the CDK runtime Build started.
func Close() { jsii.Close() }
