// Package quotas prints the fleet's quota plan (make quotas): what the
// vendor-side stacks need of each AWS quota per account, region and AZ,
// against the values recorded in vendor.yaml or AWS's defaults, and, with
// credentials, against the values the Service Quotas API applies to the
// account now. The counting is config's (config.QuotaPlan); this package
// reads the live values and renders.
package quotas

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/privateconnect/privateconnect/config"
)

// Line is one line of the plan as printed.
type Line struct {
	Cell       string   `json:"cell,omitempty"`
	Account    string   `json:"account"`
	Region     string   `json:"region"`          // or "global"
	Where      string   `json:"where,omitempty"` // AZ ID, or the stack with the largest need
	Service    string   `json:"service"`
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Adjustable bool     `json:"adjustable"`
	Need       int      `json:"need"`
	Limit      int      `json:"limit"`
	Recorded   bool     `json:"recorded"` // limit from vendor.yaml, else AWS's default
	Headroom   int      `json:"headroom"`
	Over       []string `json:"over,omitempty"`    // customer files that take the need past the limit
	Request    string   `json:"request,omitempty"` // what to do when the need exceeds the limit
	// Live is the value Service Quotas applies to the account now (-live);
	// LiveNote says why it was not read, or that it is AWS's default.
	Live     *int   `json:"live,omitempty"`
	LiveNote string `json:"liveNote,omitempty"`
	// IncreaseNeeded: the account has less than the fleet needs now, so an
	// increase must be requested (and granted) before deploying.
	IncreaseNeeded bool `json:"increaseNeeded"`

	plan config.QuotaNeed
}

// Lines turns the plan into lines.
func Lines(plan []config.QuotaNeed) []Line {
	out := make([]Line, 0, len(plan))
	for _, n := range plan {
		l := Line{Cell: n.Cell, Account: n.Account, Region: n.Region, Where: n.Where, Service: n.Quota.Service,
			Code: n.Quota.Code, Name: n.Quota.Name, Adjustable: n.Quota.Adjustable, Need: n.Need, Limit: n.Limit,
			Recorded: n.Recorded, Headroom: n.Headroom(), IncreaseNeeded: n.Exceeded(), plan: n}
		for _, c := range n.Over {
			l.Over = append(l.Over, c.File)
		}
		if n.Exceeded() {
			l.Request = config.QuotaRequest(n)
		}
		out = append(out, l)
	}
	return out
}

// Short is the plan's verdict: whether every need fits.
func Short(lines []Line) bool {
	for _, l := range lines {
		if l.IncreaseNeeded {
			return true
		}
	}
	return false
}

// WriteJSON writes the lines as a JSON array.
func WriteJSON(w io.Writer, lines []Line) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(lines)
}

// WriteTable writes the plan per account and region, then what to request.
func WriteTable(w io.Writer, lines []Line, live bool) {
	var requests []string
	group := ""
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, l := range lines {
		g := "account " + l.Account
		if l.Cell != "" {
			g = "cell " + l.Cell + ", " + g
		}
		g += ", " + l.Region
		if g != group {
			tw.Flush()
			if group != "" {
				fmt.Fprintln(w)
			}
			fmt.Fprintln(w, g)
			header := "quota\tcode\tneed\tlimit\tfrom\theadroom\t"
			if live {
				header += "live\t"
			}
			fmt.Fprintln(tw, header)
			group = g
		}
		name := l.Name
		if l.Where != "" {
			name += " (" + l.Where + ")"
		}
		source := "default"
		if l.Recorded {
			source = "recorded"
		}
		if !l.Adjustable {
			source += ", fixed"
		}
		row := fmt.Sprintf("%s\t%s %s\t%d\t%d\t%s\t%d\t", name, l.Service, l.Code, l.Need, l.Limit, source, l.Headroom)
		if live {
			switch {
			case l.Live != nil:
				row += fmt.Sprint(*l.Live) + "\t"
			default:
				row += "-\t"
			}
		}
		fmt.Fprintln(tw, row)
		if l.IncreaseNeeded {
			requests = append(requests, l.Request)
		}
	}
	tw.Flush()
	if len(lines) == 0 {
		fmt.Fprintln(w, "the fleet has no vendor-side stacks: no quota to plan")
	}
	notes := liveNotes(lines)
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	fmt.Fprintln(w)
	if len(requests) == 0 {
		fmt.Fprintln(w, "every need fits: nothing to request")
		return
	}
	fmt.Fprintf(w, "%d to request before deploying:\n", len(requests))
	for _, r := range requests {
		fmt.Fprintln(w, "  "+r)
	}
}

// liveNotes are the distinct reasons some live values were not read.
func liveNotes(lines []Line) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		if l.Live == nil && l.LiveNote != "" && !seen[l.LiveNote] {
			seen[l.LiveNote] = true
			out = append(out, l.LiveNote)
		}
	}
	return out
}
