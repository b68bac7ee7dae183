// Package rgfixture is the test customer of producer mode resourceGateway:
// wayne.yaml, the example customer that joins config/customers/ once config
// validates the mode. Until then the producer template's, the guide's and
// the diagram's tests read it here.
package rgfixture

import (
	_ "embed"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/privateconnect/privateconnect/config"
)

//go:embed wayne.yaml
var wayne []byte

// Wayne decodes wayne.yaml and fills what config's defaults fill for the
// mode (rds.by: hostname); config validates the file itself.
func Wayne() (*config.Customer, error) {
	var c config.Customer
	if err := yaml.Unmarshal(wayne, &c); err != nil {
		return nil, err
	}
	if c.DisplayName == "" {
		c.DisplayName = c.Name
	}
	for i, s := range c.PrivateLink.Services {
		p := s.Producer
		if p == nil || p.Mode != config.ModeResourceGateway || p.Target != "rds" {
			return nil, fmt.Errorf("wayne.yaml: privateLink.services[%d]: every service has producer.mode resourceGateway and target rds", i)
		}
		if p.Rds == nil {
			p.Rds = &config.RdsTarget{}
		}
		if p.Rds.By == "" {
			p.Rds.By = config.DefaultRdsBy
		}
	}
	return &c, nil
}
