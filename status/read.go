package status

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/stacks"
)

// Options tune a run of Read.
type Options struct {
	// Parallel is how many regions are read at once (default 4).
	Parallel int
	// Timeout bounds each region: a slow region reports a problem and the
	// others' results still print (default 20 s).
	Timeout time.Duration
	// Progress, when set, is told when each region is done.
	Progress func(done, total int, pending []string)
	// Now is the clock (tests).
	Now func() time.Time
}

// Read reads the state of the given customers (a selection of fleet f)
// through clients, every region concurrently, at most Parallel at a time.
func Read(ctx context.Context, f *config.Fleet, customers []*config.Customer, clients ClientsFor, o Options) *Report {
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	start := o.Now()
	plans := plan(customers)
	var regions []string
	for _, w := range plans {
		regions = append(regions, w.region)
	}

	reads := make([]*regionRead, len(plans))
	sem := make(chan struct{}, o.Parallel)
	var mu sync.Mutex
	pending := slices.Clone(regions)
	var wg sync.WaitGroup
	for i, w := range plans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
			}
			rctx, cancel := context.WithTimeout(ctx, o.Timeout)
			defer cancel()
			reads[i] = readRegion(rctx, clients(w.region), w, start)
			mu.Lock()
			pending = slices.DeleteFunc(pending, func(r string) bool { return r == w.region })
			if o.Progress != nil {
				o.Progress(len(regions)-len(pending), len(regions), slices.Clone(pending))
			}
			mu.Unlock()
		}()
	}
	wg.Wait()

	rep := &Report{ReadAt: start.UTC(), Regions: regions}
	byRegion := map[string]*regionRead{}
	anyOK := false
	for _, r := range reads {
		byRegion[r.region] = r
		if r.stacks != nil {
			anyOK = true
		}
	}
	for _, r := range reads {
		for _, p := range r.problems {
			// Credentials that work elsewhere but not here: the region is off.
			if anyOK && r.stacks == nil && isAuthProblem(p) {
				p = notEnabled(p)
			}
			rep.Errors = append(rep.Errors, p)
		}
	}
	for _, c := range customers {
		rep.Customers = append(rep.Customers, assess(f, c, byRegion[c.Region]))
	}
	rep.Healthy = rep.ExitCode() == ExitHealthy
	rep.Seconds = o.Now().Sub(start).Seconds()
	return rep
}

// plan groups the customers' stacks by region, regions sorted.
func plan(customers []*config.Customer) []wanted {
	byRegion := map[string]*wanted{}
	var order []string
	for _, c := range customers {
		w := byRegion[c.Region]
		if w == nil {
			w = &wanted{region: c.Region}
			byRegion[c.Region] = w
			order = append(order, c.Region)
		}
		w.customers = append(w.customers, c.Name)
		if c.PrivateLink != nil {
			w.stacks = append(w.stacks, stacks.StackName(c, stacks.ModePrivateLink))
			w.sharing = w.sharing || SharesResources(c)
		}
		if c.Vpn != nil {
			w.stacks = append(w.stacks, stacks.StackName(c, stacks.ModeVpn))
		}
		if stacks.HasInbound(c) {
			w.inbound = stacks.InboundServiceStackName(c.Region)
		}
	}
	slices.Sort(order)
	var out []wanted
	for _, r := range order {
		out = append(out, *byRegion[r])
	}
	return out
}
