package diagram

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// flowchart writes a Mermaid flowchart: subgraphs with their nodes, then
// every edge at the top level (an edge written inside a subgraph would pull
// the nodes it names into that subgraph).
type flowchart struct {
	b     strings.Builder
	depth int
	ids   map[string]bool
	edges []string
}

func newFlowchart(direction string) *flowchart {
	f := &flowchart{ids: map[string]bool{}}
	f.b.WriteString("flowchart " + direction + "\n")
	return f
}

func (f *flowchart) line(s string) {
	f.b.WriteString(strings.Repeat("  ", f.depth+1) + s + "\n")
}

func (f *flowchart) id(id string) string {
	if !idRe.MatchString(id) || f.ids[id] {
		panic(fmt.Sprintf("diagram: node id %q is malformed or used twice", id)) // a bug here, not bad input
	}
	f.ids[id] = true
	return id
}

// open starts a subgraph; close ends it.
func (f *flowchart) open(id string, label ...string) {
	f.line(fmt.Sprintf(`subgraph %s["%s"]`, f.id(id), text(label...)))
	f.depth++
}

func (f *flowchart) close() {
	f.depth--
	f.line("end")
}

// Node shapes.
const (
	box      = `["%s"]`
	database = `[("%s")]`
	circle   = `(("%s"))`
	rounded  = `("%s")`
)

func (f *flowchart) node(id, shape string, label ...string) {
	f.line(f.id(id) + fmt.Sprintf(shape, text(label...)))
}

// Edge styles: a plain arrow, a thick one (the connection itself), a dotted
// one (what is not there yet, or not traffic).
const (
	arrow  = "-->"
	thick  = "==>"
	dotted = "-.->"
)

func (f *flowchart) edge(from, style, label, to string) {
	if label == "" {
		f.edges = append(f.edges, fmt.Sprintf("%s %s %s", from, style, to))
		return
	}
	f.edges = append(f.edges, fmt.Sprintf(`%s %s|"%s"| %s`, from, style, text(label), to))
}

func (f *flowchart) String() string {
	if f.depth != 0 {
		panic("diagram: a subgraph is left open")
	}
	for _, e := range f.edges {
		f.b.WriteString("  " + e + "\n")
	}
	return f.b.String()
}

var idRe = regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*$`)

// text joins the lines of a label with line breaks, each line escaped: a
// character Mermaid could read as syntax becomes an entity code
// (https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters).
func text(lines ...string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		var b strings.Builder
		for _, r := range l {
			if safeRune(r) {
				b.WriteRune(r)
			} else {
				fmt.Fprintf(&b, "#%d;", r)
			}
		}
		out[i] = b.String()
	}
	return strings.Join(out, "<br/>")
}

// safeRune: letters, digits and punctuation no Mermaid parser or Markdown
// renderer treats as syntax inside a quoted label.
func safeRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || strings.ContainsRune(".,:/()-_+*@'=×·", r)
}
