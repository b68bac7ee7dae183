package diagram

import (
	"fmt"
	"regexp"
	"strings"
)

// Check is a structural check of a Mermaid flowchart as this package writes
// it, the subset of the grammar it uses
// (https://mermaid.js.org/syntax/flowchart.html): a flowchart header; node
// definitions with a quoted label; subgraphs, each closed by end and none
// empty; edges, with an optional quoted label, between nodes defined once.
// Node IDs are letters, digits and underscores, start with a letter and are
// not a keyword; labels hold no quote, angle bracket, backtick, #, ;, &,
// brackets, braces or pipe but in <br/> and entity codes. All problems are
// reported, with line numbers.
func Check(src string) error {
	var problems []string
	bad := func(n int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("line %d: ", n)+fmt.Sprintf(format, args...))
	}
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	if len(lines) == 0 || !headerRe.MatchString(strings.TrimSpace(lines[0])) {
		return fmt.Errorf("line 1: not a flowchart header (got %q)", lines[0])
	}
	nodes, groups := map[string]bool{}, map[string]bool{}
	type open struct {
		id    string
		line  int
		items int
	}
	var stack []*open
	var edges [][3]any // from, to, line
	define := func(n int, id string, set map[string]bool) {
		switch {
		case keywords[strings.ToLower(id)]:
			bad(n, "%q is a Mermaid keyword, not a usable ID", id)
		case nodes[id] || groups[id]:
			bad(n, "%q is defined twice", id)
		}
		set[id] = true
		if len(stack) > 0 {
			stack[len(stack)-1].items++
		}
	}
	for i, raw := range lines[1:] {
		n, l := i+2, strings.TrimSpace(raw)
		switch {
		case l == "" || strings.HasPrefix(l, "%%"):
		case l == "end":
			if len(stack) == 0 {
				bad(n, "end without a subgraph")
				continue
			}
			if top := stack[len(stack)-1]; top.items == 0 {
				bad(top.line, "subgraph %s is empty", top.id)
			}
			stack = stack[:len(stack)-1]
		case strings.HasPrefix(l, "subgraph "):
			m := subgraphRe.FindStringSubmatch(l)
			if m == nil {
				bad(n, "malformed subgraph: %s", l)
				continue
			}
			checkLabel(n, m[2], bad)
			define(n, m[1], groups)
			stack = append(stack, &open{id: m[1], line: n})
		case edgeRe.MatchString(l):
			m := edgeRe.FindStringSubmatch(l)
			if m[3] != "" {
				checkLabel(n, m[3], bad)
			}
			edges = append(edges, [3]any{m[1], m[4], n})
		case nodeRe.MatchString(l):
			m := nodeRe.FindStringSubmatch(l)
			label := m[2][strings.Index(m[2], `"`)+1 : strings.LastIndex(m[2], `"`)]
			checkLabel(n, label, bad)
			define(n, m[1], nodes)
		default:
			bad(n, "neither a node, an edge, a subgraph nor end: %s", l)
		}
	}
	for _, open := range stack {
		bad(open.line, "subgraph %s is never closed", open.id)
	}
	for _, e := range edges {
		for _, id := range []string{e[0].(string), e[1].(string)} {
			if !nodes[id] {
				bad(e[2].(int), "edge to %q, which is not a node defined above", id)
			}
		}
	}
	if len(nodes) == 0 {
		problems = append(problems, "no node")
	}
	if len(problems) > 0 {
		return fmt.Errorf("not a well-formed Mermaid flowchart:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

const idPattern = `([A-Za-z][A-Za-z0-9_]*)`

var (
	headerRe   = regexp.MustCompile(`^flowchart (LR|RL|TB|TD|BT)$`)
	subgraphRe = regexp.MustCompile(`^subgraph ` + idPattern + `\["([^"]*)"\]$`)
	nodeRe     = regexp.MustCompile(`^` + idPattern + `(\["[^"]*"\]|\[\("[^"]*"\)\]|\(\("[^"]*"\)\)|\("[^"]*"\))$`)
	edgeRe     = regexp.MustCompile(`^` + idPattern + ` (-->|==>|-\.->)(?:\|"([^"]*)"\|)? ` + idPattern + `$`)
	// Characters a label may hold only inside <br/> and entity codes.
	labelMarkup = regexp.MustCompile(`<br/>|#[0-9]+;|#[a-z]+;`)
	keywords    = map[string]bool{"end": true, "subgraph": true, "graph": true, "flowchart": true, "style": true,
		"class": true, "classdef": true, "click": true, "linkstyle": true, "direction": true, "default": true}
)

func checkLabel(n int, label string, bad func(int, string, ...any)) {
	if strings.TrimSpace(label) == "" {
		bad(n, "empty label")
	}
	if rest := labelMarkup.ReplaceAllString(label, ""); strings.ContainsAny(rest, "\"<>`#;&[]{}|") {
		bad(n, "label %q holds a character Mermaid reads as syntax: write it as an entity code (#35; for #)", label)
	}
}
