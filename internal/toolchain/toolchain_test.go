package toolchain

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The project's own pins: what make deps installs.
func TestReadTheProjectsPins(t *testing.T) {
	v, err := Read(filepath.Join("..", ".."))
	require.NoError(t, err)
	assert.Regexp(t, `^1\.[0-9]+(\.[0-9]+)?$`, v.Go)
	assert.Regexp(t, `^22\.[0-9]+\.[0-9]+$`, v.Node, "the jsii runtime supports Node.js 22 and 24; .tools/node pins 22")
	assert.Regexp(t, `^2\.[0-9]+\.[0-9]+$`, v.CdkCli, "CLI 3.x cannot read this library's cloud assembly")
}

func TestReadFailsOnWhatItCannotPin(t *testing.T) {
	root := t.TempDir()
	write := func(path, body string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(root, path)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, path), []byte(body), 0o644))
	}
	_, err := Read(root)
	assert.Error(t, err, "no go.mod")
	write("go.mod", "module x\n")
	_, err = Read(root)
	assert.ErrorContains(t, err, "no go line")
	write("go.mod", "module x\n\ngo 1.26.8\n")
	write(".tools/node/package-lock.json", `{"packages": {"node_modules/node": {"version": "^22.0.0"}}}`)
	_, err = Read(root)
	assert.ErrorContains(t, err, "no exact version of node")
	write(".tools/node/package-lock.json", `{"packages": {"node_modules/node": {"version": "22.23.3"}}}`)
	write(".tools/package-lock.json", `{"packages": {"node_modules/aws-cdk": {"version": "2.1148.1"}}}`)
	v, err := Read(root)
	require.NoError(t, err)
	assert.Equal(t, Versions{Go: "1.26.8", Node: "22.23.3", CdkCli: "2.1148.1"}, v)
}
