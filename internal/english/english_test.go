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
