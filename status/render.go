package status

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Width is the table's width: it fits a 100-column terminal.
const Width = 100

// Column widths of the table; DETAIL takes the rest of Width.
const (
	whatWidth  = 24
	stateWidth = 18
	sinceWidth = 18
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report for people: one block per customer, the
// problems last (what on-call reads first at the bottom of the terminal).
// color adds ANSI colours: only for a terminal, and not when NO_COLOR is set.
func WriteTable(w io.Writer, r *Report, color bool) {
	t := table{w: w, color: color, now: r.ReadAt}
	counts := map[string]int{}
	for _, c := range r.Customers {
		counts[c.State]++
	}
	var summary []string
	for _, s := range []string{Healthy, Unhealthy, NotDeployed, Unknown} {
		if counts[s] > 0 {
			summary = append(summary, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	t.line(fmt.Sprintf("%d customers: %s", len(r.Customers), strings.Join(summary, ", ")))
	t.line(fmt.Sprintf("read %s in %.1f s from %s", r.ReadAt.Format("2006-01-02 15:04:05Z"), r.Seconds, strings.Join(r.Regions, ", ")))
	fmt.Fprintln(w)
	t.row("CUSTOMER / WHAT", "STATE", "SINCE", "DETAIL")
	for _, c := range r.Customers {
		t.customer(c)
	}
	var problems []string
	for _, c := range r.Customers {
		for _, p := range c.Problems {
			problems = append(problems, c.Name+": "+p)
		}
	}
	if len(problems) > 0 {
		fmt.Fprintf(w, "\n%s\n", t.paint("Unhealthy:", red))
		for _, p := range problems {
			t.wrap("  ", p)
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "\n%s\n", t.paint("Could not read (those parts show as unknown):", red))
		for _, e := range r.Errors {
			t.wrap("  ", e.String())
		}
	}
}

type table struct {
	w     io.Writer
	color bool
	now   time.Time
}

const (
	red    = "31"
	green  = "32"
	yellow = "33"
)

func (t table) paint(s, code string) string {
	if !t.color || code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// row writes the four columns, each cut to its width; state is coloured by its meaning.
func (t table) row(what, state, since, detail string) {
	detailWidth := Width - whatWidth - stateWidth - sinceWidth - 3
	cells := []string{pad(what, whatWidth), pad(state, stateWidth), pad(since, sinceWidth), cut(detail, detailWidth)}
	cells[1] = t.paint(cells[1], tone(state))
	fmt.Fprintln(t.w, strings.TrimRight(strings.Join(cells, " "), " "))
}

// wrap writes s after indent, broken between words to fit Width; the
// lines after the first are indented two more spaces. Problems are
// wrapped, not cut: the end says what to do.
func (t table) wrap(indent, s string) {
	line := indent
	for _, word := range strings.Fields(s) {
		if utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > Width && strings.TrimSpace(line) != "" {
			t.line(line)
			line = indent + "  "
		}
		if strings.TrimSpace(line) != "" {
			line += " "
		}
		line += word
	}
	t.line(line)
}

// line writes a free line, cut to Width.
func (t table) line(s string) { fmt.Fprintln(t.w, cut(s, Width)) }

func (t table) customer(c *Customer) {
	t.row(c.Name, c.State, "", c.Region)
	if c.State == NotDeployed && len(c.Endpoints) == 0 && c.Vpn == nil && c.Inbound == nil {
		return
	}
	for _, s := range c.Stacks {
		if s.Status != "" && !strings.HasSuffix(s.Status, "CREATE_COMPLETE") && s.Status != "UPDATE_COMPLETE" {
			t.row("  stack", s.Status, "", s.Name)
		}
	}
	for _, e := range c.Endpoints {
		t.row("  endpoint "+e.Service, e.State, t.created(e.Created), strings.Join(e.AvailabilityZones, ","))
		// The regional DNS name starts with the endpoint's ID.
		if e.DNSName != "" {
			t.line("    dns " + e.DNSName)
		} else if e.EndpointID != "" {
			t.line("    id " + e.EndpointID)
		}
		if e.ResourceConfigurationArn != "" {
			t.line("    arn " + e.ResourceConfigurationArn)
		}
		if i := e.Invitation; i != nil {
			t.line(fmt.Sprintf("    RAM share %s from %s waits: make accept", i.ShareName, i.Sender))
		}
	}
	if v := c.Vpn; v != nil {
		t.row("  vpn", v.State, "", v.ConnectionID)
		for _, tu := range v.Tunnels {
			detail := fmt.Sprintf("%d routes", tu.AcceptedRoutes)
			if tu.Message != "" {
				detail += "; " + tu.Message
			}
			t.row("    tunnel "+tu.OutsideIP, tu.Status, t.ago(tu.LastChange), detail)
		}
	}
	if in := c.Inbound; in != nil {
		if len(in.Connections) == 0 {
			state := "no endpoint yet"
			if in.ServiceID == "" {
				state = NotDeployed
			}
			t.row("  inbound", state, "", "from "+strings.Join(in.Accounts, ","))
		}
		for _, conn := range in.Connections {
			t.row("  inbound "+conn.Account, conn.State, t.created(conn.Created), conn.EndpointID)
		}
	}
	for _, a := range c.Alarms {
		t.row("  alarm", "ALARM", t.ago(a.Since), "")
		t.line("    " + a.Name + ": " + a.Reason)
	}
	if len(c.Probes) == 0 && c.State != NotDeployed && c.State != Unknown {
		t.row("  probe", "no data", "", "")
	}
	for _, p := range c.Probes {
		state := "no data"
		if p.Reachable != nil {
			state = map[bool]string{true: "reachable", false: "UNREACHABLE"}[*p.Reachable]
		}
		t.row("  probe", state, t.ago(p.At), p.Target)
	}
}

// tone is the colour of a state: green when working, yellow while waiting
// or unknown, red otherwise.
func tone(state string) string {
	switch strings.ToLower(state) {
	case "", "state":
		return ""
	case Healthy, "available", "up", "reachable", "create_complete", "update_complete":
		return green
	case NotDeployed, ServicePending, "no data", "pending", "no endpoint yet", Unknown, "deleted":
		return yellow
	}
	return red
}

// created says how long ago something was created: AWS keeps no time of
// the last state change of an endpoint or a connection.
func (t table) created(at *time.Time) string {
	if at == nil {
		return ""
	}
	return "created " + t.ago(at)
}

func (t table) ago(at *time.Time) string {
	if at == nil {
		return ""
	}
	d := t.now.Sub(*at)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm ago", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}

func pad(s string, n int) string {
	s = cut(s, n)
	return s + strings.Repeat(" ", n-utf8.RuneCountInString(s))
}

// cut shortens s to n runes, marking the cut with an ellipsis.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
