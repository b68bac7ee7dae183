// Package toolchain reads the versions the project pins, where make deps
// reads them: Go from go.mod's go line, Node.js from
// .tools/node/package-lock.json and the CDK CLI from .tools/package-lock.json.
// The pipeline's build steps install exactly these, so that CodeBuild
// synthesizes and tests the fleet as a laptop does.
package toolchain

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// Versions are the pinned tools.
type Versions struct {
	Go     string // e.g. 1.26.8, as go.mod's go line
	Node   string // e.g. 22.23.3
	CdkCli string // e.g. 2.1148.1
}

var goLine = regexp.MustCompile(`(?m)^go ([0-9]+\.[0-9]+(?:\.[0-9]+)?)\s*$`)

// Read reads the pinned versions from the project at root.
func Read(root string) (Versions, error) {
	var v Versions
	raw, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return v, err
	}
	m := goLine.FindSubmatch(raw)
	if m == nil {
		return v, fmt.Errorf("%s: no go line with a version such as go 1.26.8", filepath.Join(root, "go.mod"))
	}
	v.Go = string(m[1])
	if v.Node, err = lockVersion(filepath.Join(root, ".tools", "node", "package-lock.json"), "node"); err != nil {
		return v, err
	}
	if v.CdkCli, err = lockVersion(filepath.Join(root, ".tools", "package-lock.json"), "aws-cdk"); err != nil {
		return v, err
	}
	return v, nil
}

// lockVersion is the version of pkg that an npm lock file (lockfileVersion 2 or 3) pins.
func lockVersion(path, pkg string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(raw, &lock); err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	v := lock.Packages["node_modules/"+pkg].Version
	if !regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(v) {
		return "", fmt.Errorf("%s: no exact version of %s (got %q)", path, pkg, v)
	}
	return v, nil
}
