package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/privateconnect/privateconnect/handoff"
)

// MaxExpiry is the longest a presigned address is valid: SigV4 signs for
// at most 7 days
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html).
const MaxExpiry = 7 * 24 * time.Hour

// Options of a Publisher.
type Options struct {
	// Buckets by region (vendor.yaml publish.buckets).
	Buckets map[string]string
	// Public links to the objects' plain addresses; else presigned ones.
	Public bool
	// Expires is how long a presigned address is valid, at most MaxExpiry.
	Expires time.Duration
	// Client returns the S3 client of a region.
	Client func(region string) *s3.Client
	// Credentials sign the presigned addresses; their expiry, if any, ends
	// the address's validity too.
	Credentials aws.Credentials
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// Get fetches a public address, to check that it is public (http.Get by default).
	Get func(url string) (*http.Response, error)
}

// Published is one template put in its bucket.
type Published struct {
	File, Bucket, Key string
	// Uploaded is false when the object was there already, with these bytes.
	Uploaded bool
	Launch   handoff.Launch
}

// Publish uploads the bundle's templates and records each one's launch link
// in the bundle (its README.md is written again).
func Publish(ctx context.Context, o Options, b *handoff.Bundle) ([]Published, error) {
	if !o.Public && (o.Expires <= 0 || o.Expires > MaxExpiry) {
		return nil, fmt.Errorf("a presigned address is valid for 1 second to 7 days (got %s)", o.Expires)
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	var out []Published
	for _, t := range b.Templates {
		bucket, ok := o.Buckets[t.Region]
		if !ok {
			return nil, fmt.Errorf("%s deploys in %s, which has no bucket in vendor.yaml: add publish.buckets.%s: <a bucket of the vendor account in %s>", t.File, t.Region, t.Region, t.Region)
		}
		client := o.Client(t.Region)
		p := Published{File: t.File, Bucket: bucket, Key: Key(b.Customer.Name, t)}
		uploaded, err := put(ctx, client, bucket, p.Key, b.Files[t.File])
		if err != nil {
			return nil, fmt.Errorf("%s to s3://%s/%s: %w", t.File, bucket, p.Key, err)
		}
		p.Uploaded = uploaded
		if p.Launch, err = launch(ctx, o, client, t, bucket, p.Key, now()); err != nil {
			return nil, fmt.Errorf("%s: %w", t.File, err)
		}
		if err := b.SetLaunch(t.File, p.Launch); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// put uploads data under key unless the object is there already. S3 checks
// the upload against its SHA-256, and an object already under the key must
// have that SHA-256 too: the key names its content.
func put(ctx context.Context, client *s3.Client, bucket, key string, data []byte) (bool, error) {
	sum := sha256.Sum256(data)
	want := base64.StdEncoding.EncodeToString(sum[:])
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key, ChecksumMode: types.ChecksumModeEnabled})
	if err == nil {
		if head.ContentLength != nil && *head.ContentLength != int64(len(data)) ||
			head.ChecksumSHA256 != nil && *head.ChecksumSHA256 != want {
			return false, errors.New("an object with other content is already there: someone changed it; delete it and publish again")
		}
		return false, nil
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || (apiErr.ErrorCode() != "NotFound" && apiErr.ErrorCode() != "NoSuchKey") {
		return false, err
	}
	_, err = client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &bucket, Key: &key, Body: bytes.NewReader(data),
		ContentType:       aws.String("application/x-yaml"),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
		ChecksumSHA256:    &want,
	})
	return err == nil, err
}

// launch is the template's quick-create link: a presigned address valid
// o.Expires, or until the signing credentials expire if sooner; or the
// object's plain address, checked to be readable without credentials.
func launch(ctx context.Context, o Options, client *s3.Client, t handoff.BundleTemplate, bucket, key string, now time.Time) (handoff.Launch, error) {
	var l handoff.Launch
	if o.Public {
		req, err := s3.NewPresignClient(client).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
		if err != nil {
			return l, err
		}
		u, err := url.Parse(req.URL)
		if err != nil {
			return l, err
		}
		u.RawQuery = "" // the plain address: no signature
		l.TemplateURL = u.String()
		get := http.Get
		if o.Get != nil {
			get = o.Get
		}
		resp, err := get(l.TemplateURL)
		if err != nil {
			return l, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return l, fmt.Errorf("publish.public is set, but %s answers %s to a request without credentials: the bucket's policy must allow s3:GetObject on privateconnect/* to everyone, and its Block Public Access settings must let it", l.TemplateURL, resp.Status)
		}
	} else {
		req, err := s3.NewPresignClient(client).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key}, s3.WithPresignExpires(o.Expires))
		if err != nil {
			return l, err
		}
		l.TemplateURL, l.Expires, l.Valid = req.URL, now.Add(o.Expires), duration(o.Expires)
		if c := o.Credentials; c.CanExpire && c.Expires.Before(l.Expires) {
			l.Expires, l.Valid = c.Expires, "until the credentials that signed it expire"
		}
	}
	if n := len(l.TemplateURL); n > MaxTemplateURL {
		return l, fmt.Errorf("the template's address is %d characters, over the %d CloudFormation accepts; temporary credentials add a long session token to a presigned address: publish with an IAM user's access key, or set publish.public", n, MaxTemplateURL)
	}
	l.URL = QuickCreateLink(t.Region, l.TemplateURL, t.StackName, t.Known)
	return l, nil
}

// duration says d as a reader would: "7 days", "12 hours", "90 minutes".
func duration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minute")
	}
	return plural(int64(d/time.Second), "second")
}
