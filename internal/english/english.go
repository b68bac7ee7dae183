// Package english holds the few rules of English grammar that generated text
// needs: a name is not always followed by "'s".
package english

import "strings"

// Possessive is the possessive of a name: Acme's, but Example Integrations'
// and reports' (a name ending in s takes the apostrophe alone, as in most
// style guides for plural and plural-looking names).
func Possessive(name string) string {
	if strings.HasSuffix(name, "s") || strings.HasSuffix(name, "S") {
		return name + "'"
	}
	return name + "'s"
}
