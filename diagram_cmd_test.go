package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/diagram"
)

// make diagram writes the vendor's view of each customer: the diagram, which
// parses, the stacks, and what is pending.
func TestDiagramWritesTheVendorsView(t *testing.T) {
	dir := t.TempDir()
	out, err := exec.Command(bin, "diagram", "-config", "config", "-customer", "acme,hooli", "-out", dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	for name, want := range map[string][]string{
		"acme":  {"| `acme-PrivateLink` | the vendor", "| `example-integrations-privatelink` from `acme-Producer.yaml` | the customer | 444455556666 | us-east-1 |", "Pending: `reports` has no serviceName yet"},
		"hooli": {"| `hooli-Vpn` | the vendor", "your VPN device 198.51.100.40"},
	} {
		page, err := os.ReadFile(filepath.Join(dir, name+"-diagram.md"))
		require.NoError(t, err)
		src := regexp.MustCompile("(?s)```mermaid\n(.*?)```").FindSubmatch(page)
		if assert.NotNil(t, src, name) {
			assert.NoError(t, diagram.Check(string(src[1])), name)
		}
		for _, w := range want {
			assert.Contains(t, string(page), w, name)
		}
	}
}
