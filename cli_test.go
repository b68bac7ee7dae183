package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelpPrintsUsage(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		t.Run(arg, func(t *testing.T) {
			stdout, stderr, code := runArgs(t, nil, arg)
			assert.Equal(t, 0, code)
			assert.Empty(t, stderr)
			assert.Contains(t, stdout, "Usage:")
			for _, c := range commands {
				assert.Contains(t, stdout, "\n  "+c.name+" ", "usage lists %s", c.name)
			}
		})
	}
}

func TestCommandHelpExitsZero(t *testing.T) {
	_, stderr, code := runArgs(t, nil, "validate", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "-config")
	_, _, code = runArgs(t, nil, "validate", "-nosuchflag")
	assert.Equal(t, 2, code)
}

// On a Node.js older than 22 the app says in one line what to install,
// before the CDK runtime would print its end-of-life banner.
func TestOldNodeSaysWhatToInstall(t *testing.T) {
	fake := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(fake, "node"), []byte("#!/bin/sh\necho v20.20.2\n"), 0o755))
	out := filepath.Join(t.TempDir(), "cdk.out")
	require.NoError(t, os.Mkdir(out, 0o755))
	env := []string{"PATH=" + fake + string(os.PathListSeparator) + os.Getenv("PATH"), "CDK_OUTDIR=" + out, "CDK_CONTEXT_JSON={}"}
	for _, args := range [][]string{nil, {"cost"}} {
		_, stderr, code := runArgs(t, env, args...)
		assert.Equal(t, 1, code, "%v", args)
		assert.Equal(t, "privateconnect: the CDK runs on Node.js 22 or later, and node on PATH is v20.20.2: install Node.js 22 or 24, or run make deps, which puts a pinned Node.js 22 in .tools/node/node_modules/.bin (the make targets use it; for cdk or go run, put that directory first on PATH)\n", stderr, "%v", args)
	}
	assert.NoDirExists(t, out, "a failed synth leaves no output directory")
	_, _, code := runArgs(t, env, "validate")
	assert.Equal(t, 0, code, "validate needs no Node.js")
}

// A successful synth prints the stacks' notes and nothing else: no banner,
// no CDK acknowledgement, no "Runtime process exited abnormally".
func TestSynthPrintsOnlyNotes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cdk.out")
	require.NoError(t, os.Mkdir(out, 0o755))
	stdout, stderr, code := run(t, out, `{"customer":"acme"}`)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	assert.Equal(t, []string{
		"acme-PrivateLink: service reports is pending, so it has no endpoint yet: once the customer has deployed its template (make handoff CUSTOMER=acme), set privateLink.services[1].serviceName in config/customers/acme.yaml to the ServiceName the template outputs",
	}, strings.Split(strings.TrimSuffix(stderr, "\n"), "\n"))
}

// The usage lists exactly the commands command() dispatches: a command added
// to the switch without a line in the usage (publish and diagram once were)
// fails here.
func TestUsageListsEveryCommand(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, 0)
	require.NoError(t, err)
	var dispatched []string
	ast.Inspect(file, func(n ast.Node) bool {
		if fn, ok := n.(*ast.FuncDecl); ok && fn.Name.Name != "command" {
			return false
		}
		if cc, ok := n.(*ast.CaseClause); ok {
			for _, e := range cc.List {
				if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					name, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					dispatched = append(dispatched, name)
				}
			}
		}
		return true
	})
	require.NotEmpty(t, dispatched, "no case of command() found in main.go")
	var listed []string
	for _, c := range commands {
		listed = append(listed, c.name)
	}
	assert.ElementsMatch(t, dispatched, listed)
}
