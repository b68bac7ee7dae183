//go:build unix

package config

import "syscall"

// openFlags make opening a fleet file fail on a symbolic link instead of
// following it, and return at once on a named pipe instead of waiting for a
// writer; the file's type is then checked on the open descriptor.
const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
