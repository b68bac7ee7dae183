// Package handoff writes what the vendor sends a customer: for each customer
// with a producer section, dist/<customer>/ holds the CloudFormation template
// the customer deploys (YAML) and a README written for the customer's cloud
// and security teams. Both are generated from config; nothing is hand-edited.
package handoff

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/stacks"
)

// DefaultDir is where make handoff writes.
const DefaultDir = "dist"

// Bundle is what one customer receives.
type Bundle struct {
	Customer *config.Customer
	// Files by name: <customer>-Producer.yaml and README.md.
	Files map[string][]byte
}

// Build synthesizes the handed-over templates of the given customers and
// renders their READMEs. Customers without a producer section are an error:
// there is nothing to hand them.
func Build(v *config.Vendor, customers []*config.Customer) ([]Bundle, error) {
	for _, c := range customers {
		if !stacks.HasProducer(c) {
			return nil, fmt.Errorf("customer %s has no service with a producer section: nothing to hand over (see %s)", c.Name, c.File)
		}
	}
	outdir, err := os.MkdirTemp("", "privateconnect-handoff")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(outdir)
	app := stacks.NewApp(outdir)
	built := stacks.BuildHandoff(app, v, customers)
	app.Synth(nil)
	// Never hand over a template with an unexplained security finding.
	findings, err := stacks.NagFindings(outdir, built)
	if err != nil {
		return nil, err
	}
	if len(findings) > 0 {
		return nil, fmt.Errorf("cdk-nag findings in the handed-over templates (fix them, or suppress each with its reason beside the construct):\n  %s", strings.Join(findings, "\n  "))
	}

	var out []Bundle
	for i, c := range customers {
		name := *built[i].StackName()
		raw, err := os.ReadFile(filepath.Join(outdir, name+".template.json"))
		if err != nil {
			return nil, err
		}
		var tmpl Template
		if err := json.Unmarshal(raw, &tmpl); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		yml, err := TemplateYAML(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		file := name + ".yaml"
		readme, err := Readme(v, c, file, tmpl)
		if err != nil {
			return nil, err
		}
		out = append(out, Bundle{Customer: c, Files: map[string][]byte{file: yml, "README.md": readme}})
	}
	return out, nil
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
