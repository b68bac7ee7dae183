package benchfleet

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/privateconnect/privateconnect/config"
)

// A fleet of 100 needs more than AWS's defaults (75 VPCs in eu-west-1):
// Write records the values, and the fleet validates.
func TestWriteRecordsTheQuotasItNeeds(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Write(dir, 100))
	f, err := config.Load(dir)
	require.NoError(t, err)
	assert.Equal(t, 75, f.Vendor.Quotas["eu-west-1"][config.QuotaVPCs])
	for _, n := range f.QuotaPlan() {
		assert.False(t, n.Exceeded(), "%s %s", n.Region, n.Quota.Code)
	}
}

func TestCellNode(t *testing.T) {
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("name: x\ncells:\n  - name: a\n    account: \"1\"\n  - name: b\n    account: \"2\"\n"), &doc))
	b := cellNode(doc.Content[0], "b")
	require.NotNil(t, b)
	assert.Equal(t, "2", b.Content[3].Value)
	assert.Nil(t, cellNode(doc.Content[0], "c"))
}

// The bench's fleets in cells: each cell its own account, the quotas it
// needs recorded in it, and the fleet valid.
func TestWriteCells(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, WriteCells(dir, 320, CellSize))
	f, err := config.Load(dir)
	require.NoError(t, err)
	cells := f.Cells()
	require.Len(t, cells, 3, "320 customers in cells of 150")
	assert.Len(t, cells[0].Customers, 150)
	assert.Len(t, cells[2].Customers, 20)
	assert.Equal(t, "111122223335", cells[2].Vendor.Account)
	assert.Equal(t, "c0300", cells[2].Customers[0].Name)
	for _, n := range f.QuotaPlan() {
		assert.False(t, n.Exceeded(), "%s %s %s", n.Cell, n.Region, n.Quota.Code)
	}

	one := t.TempDir()
	require.NoError(t, WriteCells(one, 1, CellSize))
	f, err = config.Load(one)
	require.NoError(t, err)
	assert.Len(t, f.Cells(), 1)
}
