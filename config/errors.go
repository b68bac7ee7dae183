package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Error is one problem in one file, located by its YAML path.
// Error() renders "<file>: <path>: <message>", where the message says what is
// wrong, the value found and how to fix it.
type Error struct {
	File string
	Path string
	Line int // 0 when unknown; used to order errors as they appear in the file
	Msg  string
}

func (e Error) Error() string { return fmt.Sprintf("%s: %s: %s", e.File, e.Path, e.Msg) }

// Errors is every problem found in a fleet. Loading reports all of them at once.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sorted orders errors by file, then line, then path, and drops exact repeats.
func (es Errors) sorted() Errors {
	out := append(Errors(nil), es...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Path < b.Path
	})
	dedup := out[:0]
	for i, e := range out {
		if i > 0 && e == out[i-1] {
			continue
		}
		dedup = append(dedup, e)
	}
	return dedup
}

// report collects errors for one file, with the line of each path when known.
type report struct {
	file  string
	lines map[string]int
	errs  *Errors
	// prefix is put before every path: a cell's checks run on its view of
	// the vendor, and report at cells[i].
	prefix string
}

// under is r reporting the paths it is given below p.
func (r *report) under(p string) *report {
	out := *r
	out.prefix = join(r.prefix, p)
	return &out
}

func (r *report) at(path string) string {
	if r.prefix == "" {
		return path
	}
	return join(r.prefix, path)
}

// add records "<what> (got <value>; <fix>)" at path. got is quoted as written.
func (r *report) add(path, what string, got any, fix string) {
	if s := show(got); strings.HasPrefix(s, `"`+todoPrefix) {
		// A starter's placeholder: why it is not a valid value is no news.
		what = "still the placeholder make new-customer wrote"
	}
	path = r.at(path)
	r.errs.append(r.file, path, r.line(path), fmt.Sprintf("%s (got %s; %s)", what, show(got), fix))
}

// addf records a message that has no single offending value.
func (r *report) addf(path, format string, args ...any) {
	path = r.at(path)
	r.errs.append(r.file, path, r.line(path), fmt.Sprintf(format, args...))
}

// line is the line of path, or for a value the file does not hold (a
// default) the line of its nearest ancestor, so the error sorts where the
// user would look for it.
func (r *report) line(path string) int {
	for p := path; p != ""; {
		if l, ok := r.lines[p]; ok {
			return l
		}
		cut := strings.LastIndexAny(p, ".[")
		if cut < 0 {
			break
		}
		p = p[:cut]
	}
	return 0
}

func (es *Errors) append(file, path string, line int, msg string) {
	*es = append(*es, Error{File: file, Path: path, Line: line, Msg: msg})
}

// raw is a "got" value printed as is, without quotes.
type raw string

func show(v any) string {
	switch x := v.(type) {
	case raw:
		return string(x)
	case string:
		return quoteClipped(x)
	case []string:
		q := make([]string, 0, len(x))
		for i, s := range x {
			if i == maxItemsShown {
				q = append(q, fmt.Sprintf("... (%d items)", len(x)))
				break
			}
			q = append(q, quoteClipped(s))
		}
		return "[" + strings.Join(q, ", ") + "]"
	default:
		return fmt.Sprint(x)
	}
}

// How much of a value an error repeats: enough to recognise it, never all of
// a secret pasted into the wrong file, and never a terminal escape or a line
// break that could forge lines in a CI log.
const (
	maxValueShown = 100
	maxKeyShown   = 128
	maxItemsShown = 10
)

// quoteClipped quotes the first line of s, clipped to maxValueShown
// characters, with escapes for anything unprintable or invisible.
func quoteClipped(s string) string {
	first, _, multiline := strings.Cut(s, "\n")
	r := []rune(first)
	if len(r) <= maxValueShown && !multiline {
		return strconv.Quote(s)
	}
	if len(r) > maxValueShown {
		r = r[:maxValueShown]
	}
	return fmt.Sprintf("%s... (%d characters)", strconv.Quote(string(r)), len([]rune(s)))
}

// clipText clips a message from a library to n characters.
func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
