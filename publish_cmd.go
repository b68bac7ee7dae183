package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"time"

	"github.com/privateconnect/privateconnect/internal/awsconf"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/handoff"
	"github.com/privateconnect/privateconnect/internal/jsiiclose"
	"github.com/privateconnect/privateconnect/publish"
)

// publishCommand is make publish: the customers' bundles, built as make
// handoff builds them, their templates uploaded to the vendor's buckets, and
// each README.md with the templates' launch links.
func publishCommand(fs *flag.FlagSet, dir *string, args []string) int {
	out := fs.String("out", handoff.DefaultDir, "directory to write <customer>/ folders into")
	only := fs.String("customer", "", "comma-separated customers (default: every customer with a template to hand over)")
	expires := fs.Duration("expires", publish.MaxExpiry, "how long the presigned links work, at most 168h (7 days)")
	if fs.Parse(args) != nil {
		return 2
	}
	fleet, customers, err := loadSelected(*dir, *only)
	if err != nil {
		return fail(err)
	}
	pub := fleet.Vendor.Publish
	if pub == nil {
		return fail(errors.New("vendor.yaml has no publish section: add publish.buckets, a bucket of the vendor account per region the templates deploy in"))
	}
	customers = slices.DeleteFunc(slices.Clone(customers), func(c *config.Customer) bool { return !handoff.HasHandoff(c) })
	ctx := context.Background()
	// The AWS SDK's own chain: environment, profile, SSO, instance role; and
	// AWS_ENDPOINT_URL (an emulator), where S3 is then addressed by path.
	cfg, err := awsconf.Load(ctx)
	if err != nil {
		return fail(fmt.Errorf("AWS credentials: %v", err))
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return fail(fmt.Errorf("AWS credentials (make publish uploads to the vendor's buckets with them): %v", err))
	}
	opts := publish.Options{
		Buckets: pub.Buckets, Public: pub.Public, Expires: *expires, Credentials: creds,
		Client: func(region string) *s3.Client {
			return s3.NewFromConfig(cfg, func(o *s3.Options) {
				o.Region = region
				o.UsePathStyle = cfg.BaseEndpoint != nil
			})
		},
	}
	if err := checkRuntime(); err != nil {
		return fail(err)
	}
	defer jsiiclose.Close()
	bundles, err := handoff.BuildWith(fleet.Vendor, customers, handoff.Options{Version: commit})
	if err != nil {
		return fail(err)
	}
	var published []handoff.Bundle
	for i := range bundles {
		b := &bundles[i]
		if len(b.Templates) == 0 {
			fmt.Printf("%s: no template to publish (%s only)\n", b.Customer.Name, handoff.VpnSheetFile)
			continue
		}
		done, err := publish.Publish(ctx, opts, b)
		if err != nil {
			return fail(fmt.Errorf("%s: %v", b.Customer.Name, err))
		}
		for _, p := range done {
			how := "uploaded to"
			if !p.Uploaded {
				how = "already in"
			}
			until := "a public object"
			if !p.Launch.Expires.IsZero() {
				until = "link valid until " + p.Launch.Expires.UTC().Format(time.RFC3339)
			}
			fmt.Printf("%s: %s %s s3://%s/%s (%s)\n", b.Customer.Name, p.File, how, p.Bucket, p.Key, until)
		}
		published = append(published, *b)
	}
	written, err := handoff.Write(*out, published)
	if err != nil {
		return fail(err)
	}
	for _, w := range written {
		fmt.Printf("wrote %s (README.md with the launch links)\n", w)
	}
	return 0
}
