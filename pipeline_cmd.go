package main

import (
	"fmt"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/toolchain"
)

// pipelineLayout reads -c pipeline=true, which asks for the pipeline's
// layout (the Vendor-Pipeline stack and the stages of its waves) instead of
// the flat app of the laptop route, and the pinned tool versions the
// pipeline's build steps install. The pipeline's own synth step passes it.
func pipelineLayout(ctx map[string]string, fleet *config.Fleet) (bool, toolchain.Versions, error) {
	var tools toolchain.Versions
	switch ctx["pipeline"] {
	case "", "false":
		return false, tools, nil
	case "true":
	default:
		return false, tools, fmt.Errorf("-c pipeline=%s: use -c pipeline=true for the pipeline's layout, or leave it out", ctx["pipeline"])
	}
	if fleet.Vendor.Pipeline == nil {
		return false, tools, fmt.Errorf("-c pipeline=true: %s/%s has no pipeline section (README: Rolling out with the pipeline)", fleet.Dir, config.VendorFile)
	}
	for _, key := range []string{"customer", "cell"} {
		if ctx[key] != "" {
			return false, tools, fmt.Errorf("-c pipeline=true deploys the whole fleet in waves: leave out -c %s=%s (make deploy CUSTOMER=... is the laptop route)", key, ctx[key])
		}
	}
	// The app runs in the project's root (cdk.json's app is go run .).
	tools, err := toolchain.Read(".")
	if err != nil {
		return false, tools, fmt.Errorf("-c pipeline=true: reading the pinned tool versions: %v", err)
	}
	return true, tools, nil
}
