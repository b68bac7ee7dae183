// Package english holds the few rules of English grammar that generated text
// needs: a name is not always followed by "'s".
package english

import (
	"strconv"
	"strings"
)

// Possessive is the possessive of a name: Acme's, but Example Integrations'
// and reports' (a name ending in s takes the apostrophe alone, as in most
// style guides for plural and plural-looking names).
func Possessive(name string) string {
	if strings.HasSuffix(name, "s") || strings.HasSuffix(name, "S") {
		return name + "'"
	}
	return name + "'s"
}

// Count is n of a thing, in the plural unless one: "1 request", "2
// requests" (for nouns that take an s).
func Count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
