package english

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPossessive(t *testing.T) {
	for name, want := range map[string]string{
		"Acme":                 "Acme's",
		"Example Integrations": "Example Integrations'",
		"reports":              "reports'",
		"ACME SYSTEMS":         "ACME SYSTEMS'",
		"db":                   "db's",
	} {
		assert.Equal(t, want, Possessive(name), name)
	}
}

func TestCount(t *testing.T) {
	assert.Equal(t, "0 requests", Count(0, "request"))
	assert.Equal(t, "1 invitation", Count(1, "invitation"))
	assert.Equal(t, "2 invitations", Count(2, "invitation"))
}
