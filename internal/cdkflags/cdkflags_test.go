package cdkflags

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// libModule is the aws-cdk-lib the app is built with (go.mod); its jsii
// tarball carries the library's own list of recommended flags, the list
// cdk init writes into a new project's cdk.json.
const libModule = "github.com/aws/aws-cdk-go/awscdk/v2"

func recommended(t *testing.T) map[string]any {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", libModule).Output()
	require.NoError(t, err, "go list -m %s", libModule)
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	tgz := filepath.Join(dir, "jsii", "aws-cdk-lib-"+strings.TrimPrefix(version, "v")+".tgz")
	f, err := os.Open(tgz)
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		require.NoError(t, err, "%s holds no package/recommended-feature-flags.json", tgz)
		if h.Name == "package/recommended-feature-flags.json" {
			raw, err := io.ReadAll(tr)
			require.NoError(t, err)
			var flags map[string]any
			require.NoError(t, json.Unmarshal(raw, &flags))
			return flags
		}
	}
}

// cdk.json holds exactly the pinned library's recommended flags, so the CDK
// CLI finds none unconfigured and the app runs as a new project would.
func TestCdkJSONHoldsTheLibrarysRecommendedFlags(t *testing.T) {
	flags, err := Flags()
	require.NoError(t, err)
	assert.Equal(t, recommended(t), flags)
}

// cdk.json keeps the order cdk init writes (sorted keys, two-space indent),
// so a later cdk init comparison is a plain diff.
func TestCdkJSONIsWrittenAsCdkInitWritesIt(t *testing.T) {
	path, err := find()
	require.NoError(t, err)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 2 && dec.More() && strings.HasPrefix(v, "@aws-cdk") {
				keys = append(keys, v)
			}
		}
	}
	assert.IsNonDecreasing(t, keys, "feature flags in cdk.json are sorted, as cdk init writes them")
}

func TestReadRejectsAFileWithoutFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), File)
	require.NoError(t, os.WriteFile(path, []byte(`{"app":"go run .","context":{"cli-telemetry":false}}`), 0o644))
	_, err := Read(path)
	assert.ErrorContains(t, err, "holds no feature flags")
}
