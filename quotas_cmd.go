package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/awsconf"
	"github.com/privateconnect/privateconnect/quotas"
)

// quotasCommand is privateconnect quotas: the fleet's quota plan. Exit code 0
// when every need fits, 1 when a quota must be raised (or, with -live, the
// account has less than the fleet needs now), 2 on a usage error or a value
// that could not be read.
func quotasCommand(args []string) int {
	fs := flag.NewFlagSet("quotas", flag.ContinueOnError)
	dir := fs.String("config", configDir(""), "fleet directory")
	live := fs.Bool("live", false, "also read the values Service Quotas applies now, in the account of the credentials (AWS_PROFILE, AWS_ENDPOINT_URL)")
	asJSON := fs.Bool("json", false, "write JSON instead of the table")
	if code, ok := parsed(fs, args); !ok {
		return code
	}
	// The plan of a fleet that needs more than its account has is what this
	// command is for: every check but the quotas applies.
	fleet, err := config.LoadForPlan(*dir)
	if err != nil {
		fail(err)
		return 2
	}
	lines := quotas.Lines(fleet.QuotaPlan())
	unread := 0
	if *live {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		cfg, err := awsconf.Load(ctx)
		if err != nil {
			fmt.Fprintf(os.Stderr, "privateconnect quotas: %v\n", err)
			return 2
		}
		account, err := quotas.CallerAccount(ctx, cfg)
		if err != nil {
			fmt.Fprintf(os.Stderr, "privateconnect quotas: which account the credentials are for: %v\n", err)
			return 2
		}
		unread = quotas.ReadLive(ctx, lines, account, quotas.NewAPI(cfg))
	}
	if *asJSON {
		if err := quotas.WriteJSON(os.Stdout, lines); err != nil {
			fail(err)
			return 2
		}
	} else {
		quotas.WriteTable(os.Stdout, lines, *live)
	}
	switch {
	case unread > 0:
		return 2
	case quotas.Short(lines):
		return 1
	}
	return 0
}
