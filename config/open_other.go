//go:build !unix

package config

// openFlags: elsewhere the Lstat and the check on the open file stand alone.
const openFlags = 0
