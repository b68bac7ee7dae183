// Package cdkflags reads the CDK feature flags from the project's cdk.json,
// so that the app builds the same templates whether the CDK CLI runs it (which
// passes cdk.json's context itself) or Go does (tests, handoff, cost, bench).
// cdk.json is the one place the flags are written.
package cdkflags

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// File is the name of the CDK CLI's project file.
const File = "cdk.json"

var (
	once  sync.Once
	root  string
	flags map[string]any
	err   error
)

// load finds and reads cdk.json once per process: every app reads it.
func load() {
	once.Do(func() {
		var path string
		if path, err = find(); err == nil {
			root = filepath.Dir(path)
			flags, err = Read(path)
		}
	})
}

// Flags returns the feature flags (context keys starting with "@aws-cdk") of
// the cdk.json beside go.mod in the working directory or the nearest of its
// parents: the project root, from which the app and every package's tests run.
func Flags() (map[string]any, error) {
	load()
	return flags, err
}

// Root returns the project root: the directory of the cdk.json Flags reads.
func Root() (string, error) {
	load()
	return root, err
}

// Read returns the feature flags of the cdk.json at path.
func Read(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	out := map[string]any{}
	for k, v := range file.Context {
		if strings.HasPrefix(k, "@aws-cdk") {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: context holds no feature flags (\"@aws-cdk...\" keys)", path)
	}
	return out, nil
}

func find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for start := dir; ; {
		if exists(filepath.Join(dir, "go.mod")) && exists(filepath.Join(dir, File)) {
			return filepath.Join(dir, File), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no " + File + " beside a go.mod in " + start + " or its parents: run privateconnect from its source tree")
		}
		dir = parent
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
