package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// MaxFileBytes caps every file read from the fleet directory. A fleet file is
// a few kilobytes; a file near this size is a mistake (a dump, a binary, a
// log) and is refused before it is read.
const MaxFileBytes = 1 << 20

// The fleet directory is read as a careless operator or a hostile pull
// request may have left it: only regular files are read, never through a
// symbolic link (which could lead out of the directory) and never from a
// named pipe or device (which could block or never end). Every entry of
// customers/ is either a customer file or an error; nothing is skipped
// silently, so a file that is not read is never mistaken for one that is.

// fsProblem is why an entry of the fleet directory cannot be read, rendered
// as "<what> (got <got>; <fix>)".
type fsProblem struct {
	what, got, fix string
	missing        bool // the entry does not exist
}

func (p *fsProblem) String() string { return fmt.Sprintf("%s (got %s; %s)", p.what, p.got, p.fix) }

// checkFleetDir says why dir cannot be a fleet directory, or nil.
func checkFleetDir(dir string) *fsProblem {
	info, err := os.Stat(dir) // the directory the user names may be a link: they chose it
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &fsProblem{what: "no fleet directory here", got: "nothing", missing: true,
			fix: fmt.Sprintf("select the fleet directory with -c config=DIR or %s=DIR", EnvDir)}
	case err != nil:
		return &fsProblem{what: "cannot read the fleet directory", got: unwrapPathError(err).Error(), fix: "check its permissions"}
	case !info.IsDir():
		return &fsProblem{what: "the fleet directory is not a directory", got: kindOf(info.Mode()), fix: "name the directory that holds vendor.yaml and customers/"}
	}
	return nil
}

// readRegular reads the regular file at path, refusing links, pipes,
// devices, sockets and directories, and files over MaxFileBytes, each before
// a byte is read.
func readRegular(path string) ([]byte, *fsProblem) {
	info, err := os.Lstat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &fsProblem{what: "the file does not exist", got: "nothing", missing: true}
		}
		return nil, &fsProblem{what: "cannot read the file", got: unwrapPathError(err).Error(), fix: "check its permissions"}
	}
	if p := notRegular(info.Mode()); p != nil {
		return nil, p
	}
	if info.Size() > MaxFileBytes {
		return nil, tooLarge(info.Size())
	}
	// Opened without following a link and without blocking on a pipe, and
	// checked again once open: the entry may have changed since Lstat.
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, &fsProblem{what: "cannot read the file", got: unwrapPathError(err).Error(), fix: "make it a regular, readable file"}
	}
	defer f.Close()
	info, err = f.Stat()
	if err != nil {
		return nil, &fsProblem{what: "cannot read the file", got: err.Error(), fix: "make it a regular, readable file"}
	}
	if p := notRegular(info.Mode()); p != nil {
		return nil, p
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	switch {
	case err != nil:
		return nil, &fsProblem{what: "cannot read the file", got: err.Error(), fix: "make it a regular, readable file"}
	case len(data) > MaxFileBytes:
		return nil, tooLarge(int64(len(data)))
	}
	return data, nil
}

func notRegular(m fs.FileMode) *fsProblem {
	switch {
	case m.IsRegular():
		return nil
	case m&fs.ModeSymlink != 0:
		return &fsProblem{what: "a symbolic link, which privateconnect never follows (it could lead out of the fleet directory)", got: "a symbolic link",
			fix: "put the file itself here"}
	case m.IsDir():
		return &fsProblem{what: "a directory where a file belongs", got: "a directory", fix: "move the directory away and put the file here"}
	}
	return &fsProblem{what: "not a regular file", got: kindOf(m), fix: "put a regular file here"}
}

func tooLarge(size int64) *fsProblem {
	return &fsProblem{what: fmt.Sprintf("larger than the %d bytes a fleet file may have", MaxFileBytes), got: fmt.Sprintf("%d bytes", size),
		fix: "check that this is the file you meant; a fleet file is a few kilobytes"}
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// readCustomers reads every customers/<name>.yaml. Every other entry of the
// directory, and a missing or misnamed directory, is an error with a fix.
func readCustomers(dir string) ([]source, Errors) {
	var errs Errors
	custDir := filepath.Join(dir, CustomersDir)
	fail := func(path, where string, p *fsProblem) { errs.append(safePath(path), where, 0, p.String()) }
	info, err := os.Lstat(custDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p := &fsProblem{what: "no customers directory", got: "nothing",
			fix: fmt.Sprintf("create it (mkdir %s), then add one <name>.yaml per customer with make new-customer", custDir)}
		if near := nearName(dir, CustomersDir, true); near != "" {
			p.fix = fmt.Sprintf("rename %s to %s", near, CustomersDir)
		}
		fail(custDir, "(directory)", p)
		return nil, errs
	case err != nil:
		fail(custDir, "(directory)", &fsProblem{what: "cannot read the customers directory", got: unwrapPathError(err).Error(), fix: "check its permissions"})
		return nil, errs
	case !info.IsDir():
		fail(custDir, "(directory)", &fsProblem{what: "customers must be a directory inside the fleet directory", got: kindOf(info.Mode()),
			fix: "make it a directory holding one <name>.yaml per customer; a symbolic link is never followed"})
		return nil, errs
	}
	entries, err := os.ReadDir(custDir)
	if err != nil {
		fail(custDir, "(directory)", &fsProblem{what: "cannot list the customers directory", got: unwrapPathError(err).Error(), fix: "check its permissions"})
		return nil, errs
	}
	var out []source
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(custDir, name)
		if !printableName(name) {
			fail(custDir, "(directory)", &fsProblem{what: "an entry whose name holds control or invisible characters", got: strconv.QuoteToASCII(name),
				fix: "rename or remove it; customer files are named <name>.yaml"})
			continue
		}
		if p := customerEntryProblem(name, e.Type()); p != nil {
			where := "(document)"
			if e.IsDir() {
				where = "(directory)"
			}
			fail(path, where, p)
			continue
		}
		data, p := readRegular(path)
		if p != nil {
			fail(path, "(document)", p)
			continue
		}
		out = append(out, source{path, data})
	}
	return out, errs
}

// customerEntryProblem says why an entry of customers/ is not a customer
// file, or nil for <name>.yaml (whose content is checked once read).
func customerEntryProblem(name string, mode fs.FileMode) *fsProblem {
	stem, isYAML := strings.CutSuffix(name, ".yaml")
	ext := strings.ToLower(filepath.Ext(name))
	lower := strings.ToLower(name)
	switch {
	case isYAML && stem != "" && !strings.HasPrefix(name, "."):
		if mode.IsDir() {
			return &fsProblem{what: "a directory named like a customer file", got: "a directory",
				fix: "customers/ holds one file per customer: move the directory out of the fleet directory"}
		}
		return notRegular(mode) // nil for a regular file
	case mode.IsDir():
		return &fsProblem{what: "customers/ holds customer files only, no directories", got: "a directory",
			fix: "move it out of the fleet directory (an archive of old customers belongs elsewhere, or in git history)"}
	case strings.HasPrefix(name, "."):
		return &fsProblem{what: "a hidden file in customers/ (an editor's swap or backup file?)", got: "a hidden file",
			fix: "remove it, or close the editor that holds it"}
	case ext == ".yml" || ext == ".yaml":
		// The name inside is a lowercase DNS label equal to the file name.
		return &fsProblem{what: "customer files are named <name>.yaml, in lowercase", got: strconv.Quote(name),
			fix: fmt.Sprintf("rename it to %s.yaml", strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name))))}
	case ext == ".json":
		return &fsProblem{what: "customer files are YAML", got: strconv.Quote(name),
			fix: fmt.Sprintf("write it as %s.yaml (start from an example in config/customers/)", strings.TrimSuffix(name, filepath.Ext(name)))}
	case strings.Contains(lower, ".yaml") || strings.Contains(lower, ".yml"):
		return &fsProblem{what: "not a customer file: only <name>.yaml is read, so this copy or backup would be ignored", got: strconv.Quote(name),
			fix: "remove it, or rename it to <name>.yaml if it is a customer"}
	}
	return &fsProblem{what: "not a customer file: customers/ holds only <name>.yaml files", got: strconv.Quote(name),
		fix: "move it out of the fleet directory (notes belong in the repository's README)"}
}

// nearName is an entry of dir that is probably want misnamed (another case,
// .yml, a missing s), or "".
func nearName(dir, want string, isDir bool) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	stem := strings.TrimSuffix(want, filepath.Ext(want))
	for _, e := range entries {
		if e.IsDir() != isDir {
			continue
		}
		n := strings.ToLower(e.Name())
		s := strings.TrimSuffix(n, filepath.Ext(n))
		if e.Name() != want && (n == strings.ToLower(want) || s == stem || s+"s" == stem || s == stem+"s") {
			return safePath(filepath.Join(dir, e.Name()))
		}
	}
	return ""
}

// printableName reports whether a file name can be shown as is: no control,
// format (bidi) or other invisible characters.
func printableName(name string) bool {
	for _, r := range name {
		if !unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// safePath is path as is when it prints as itself, else quoted, so that a
// file name can never inject terminal escapes or line breaks into a log.
func safePath(path string) string {
	if printableName(path) {
		return path
	}
	return strconv.QuoteToASCII(path)
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
