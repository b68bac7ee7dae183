package publish

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/handoff"
)

// fakeS3 keeps objects by path (/bucket/key), answers HEAD, PUT and GET, and
// refuses a PUT whose x-amz-checksum-sha256 is not its body's, as S3 does.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte
	puts    []string
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.objects[r.URL.Path]
	switch r.Method {
	case http.MethodHead, http.MethodGet:
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		sum := sha256.Sum256(data)
		w.Header().Set("x-amz-checksum-sha256", base64.StdEncoding.EncodeToString(sum[:]))
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		if r.Method == http.MethodGet {
			w.Write(data)
		}
	case http.MethodPut:
		body, _ := io.ReadAll(r.Body)
		sum := sha256.Sum256(body)
		if r.Header.Get("x-amz-checksum-sha256") != base64.StdEncoding.EncodeToString(sum[:]) {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `<Error><Code>BadDigest</Code></Error>`)
			return
		}
		f.objects[r.URL.Path] = body
		f.puts = append(f.puts, r.URL.Path)
	}
}

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// setup is a bundle with one template (hooli's, with a template added: no
// CDK needed), an S3 stand-in and the options that reach it.
func setup(t *testing.T) (*handoff.Bundle, *fakeS3, Options) {
	t.Helper()
	fleet, err := config.Load("../config")
	require.NoError(t, err)
	bundles, err := handoff.BuildWith(fleet.Vendor, []*config.Customer{fleet.Customer("hooli")}, handoff.Options{Version: "test", Date: now})
	require.NoError(t, err)
	b := &bundles[0]
	data := []byte("AWSTemplateFormatVersion: '2010-09-09'\n")
	sum := sha256.Sum256(data)
	b.Files["hooli-Producer.yaml"] = data
	b.Templates = append(b.Templates, handoff.BundleTemplate{File: "hooli-Producer.yaml", Guide: handoff.ProducerFile, StackName: "example-integrations-privatelink",
		Region: "eu-west-1", SHA256: hex.EncodeToString(sum[:]), Known: []handoff.KnownParam{{Name: "ClientCidr1", Value: "10.40.0.0/16"}}})
	fake := &fakeS3{objects: map[string][]byte{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	creds := aws.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret"}
	o := Options{
		Buckets: map[string]string{"eu-west-1": "templates-euw1"}, Expires: MaxExpiry, Credentials: creds,
		Now: func() time.Time { return now },
		Client: func(region string) *s3.Client {
			return s3.New(s3.Options{Region: region, BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
				Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })})
		},
	}
	return b, fake, o
}

func TestPublishUploadsOnceAndLinks(t *testing.T) {
	b, fake, o := setup(t)
	tmpl := b.Templates[len(b.Templates)-1]
	done, err := Publish(context.Background(), o, b)
	require.NoError(t, err)
	require.Len(t, done, 1)
	key := "privateconnect/hooli/" + tmpl.SHA256 + "/hooli-Producer.yaml"
	assert.Equal(t, Published{File: "hooli-Producer.yaml", Bucket: "templates-euw1", Key: key, Uploaded: true, Launch: done[0].Launch}, done[0])
	assert.Equal(t, []string{"/templates-euw1/" + key}, fake.puts)

	// The link: the console's quick-create page in the template's region.
	link, err := url.Parse(done[0].Launch.URL)
	require.NoError(t, err)
	assert.Equal(t, "console.aws.amazon.com", link.Host)
	assert.Equal(t, "eu-west-1", link.Query().Get("region"))
	page, query, _ := strings.Cut(link.EscapedFragment(), "?")
	assert.Equal(t, "/stacks/quickcreate", page)
	q, err := url.ParseQuery(query)
	require.NoError(t, err)
	assert.Equal(t, "example-integrations-privatelink", q.Get("stackName"))
	assert.Equal(t, "10.40.0.0/16", q.Get("param_ClientCidr1"))
	// ...which reads the object through an address signed for 7 days.
	tu, err := url.Parse(q.Get("templateURL"))
	require.NoError(t, err)
	assert.Equal(t, "/templates-euw1/"+key, tu.Path)
	assert.Equal(t, "604800", tu.Query().Get("X-Amz-Expires"))
	assert.NotEmpty(t, tu.Query().Get("X-Amz-Signature"))
	assert.Equal(t, now.Add(7*24*time.Hour), done[0].Launch.Expires)

	index := string(b.Files[handoff.IndexFile])
	assert.Contains(t, index, "## Launch in the console")
	assert.Contains(t, index, "[create the stack in eu-west-1]("+done[0].Launch.URL+")")
	assert.Contains(t, index, "The link works until **2026-11-30 10:00 UTC**")
	assert.Contains(t, index, "valid\n  7 days")

	// Publishing again uploads nothing: the key names the content.
	again, err := Publish(context.Background(), o, b)
	require.NoError(t, err)
	assert.False(t, again[0].Uploaded)
	assert.Len(t, fake.puts, 1)

	// An object changed in the bucket is an error, not a link to it.
	fake.objects["/templates-euw1/"+key] = []byte("changed")
	_, err = Publish(context.Background(), o, b)
	assert.ErrorContains(t, err, "an object with other content is already there")
}

func TestPublishRefuses(t *testing.T) {
	b, _, o := setup(t)
	noBucket := o
	noBucket.Buckets = map[string]string{"us-east-1": "x-templates"}
	_, err := Publish(context.Background(), noBucket, b)
	assert.ErrorContains(t, err, "hooli-Producer.yaml deploys in eu-west-1, which has no bucket in vendor.yaml: add publish.buckets.eu-west-1")

	tooLong := o
	tooLong.Expires = 8 * 24 * time.Hour
	_, err = Publish(context.Background(), tooLong, b)
	assert.ErrorContains(t, err, "1 second to 7 days")

	// A session token makes the presigned address longer than CloudFormation takes.
	session := o
	session.Credentials.SessionToken = strings.Repeat("T", 900)
	session.Client = func(region string) *s3.Client {
		c := o.Client(region)
		return s3.New(c.Options(), func(opt *s3.Options) {
			opt.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return session.Credentials, nil })
		})
	}
	_, err = Publish(context.Background(), session, b)
	assert.ErrorContains(t, err, "over the 1024 CloudFormation accepts")
}

// Credentials that expire before the link would end its validity: the README
// states when, and why.
func TestPublishWithExpiringCredentials(t *testing.T) {
	b, _, o := setup(t)
	o.Credentials.CanExpire, o.Credentials.Expires = true, now.Add(time.Hour)
	done, err := Publish(context.Background(), o, b)
	require.NoError(t, err)
	assert.Equal(t, now.Add(time.Hour), done[0].Launch.Expires)
	assert.Contains(t, string(b.Files[handoff.IndexFile]), "**2026-11-23 11:00 UTC**")
	assert.Contains(t, string(b.Files[handoff.IndexFile]), "until the credentials that signed it expire")
}

func TestPublishPublic(t *testing.T) {
	b, _, o := setup(t)
	o.Public = true
	o.Get = func(string) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden", Body: io.NopCloser(strings.NewReader(""))}, nil
	}
	_, err := Publish(context.Background(), o, b)
	assert.ErrorContains(t, err, "answers 403 Forbidden to a request without credentials")
	o.Get = nil // the stand-in serves anyone
	done, err := Publish(context.Background(), o, b)
	require.NoError(t, err)
	assert.True(t, done[0].Launch.Expires.IsZero())
	assert.NotContains(t, done[0].Launch.TemplateURL, "?")
	assert.Contains(t, string(b.Files[handoff.IndexFile]), "The template is a public object of Example Integrations' S3 bucket")
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{7 * 24 * time.Hour: "7 days", 24 * time.Hour: "1 day", 12 * time.Hour: "12 hours", 90 * time.Minute: "90 minutes", 5 * time.Second: "5 seconds"} {
		assert.Equal(t, want, duration(d))
	}
}

func TestQuickCreateLinkEncodesTheTemplateURL(t *testing.T) {
	link := QuickCreateLink("us-east-1", "https://b.s3.us-east-1.amazonaws.com/k.yaml?X-Amz-Signature=ab&X-Amz-Expires=60", "my-stack",
		[]handoff.KnownParam{{Name: "ClientCidr1", Value: "10.0.0.0/16"}})
	assert.Equal(t, "https://console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/quickcreate?"+
		"templateURL=https%3A%2F%2Fb.s3.us-east-1.amazonaws.com%2Fk.yaml%3FX-Amz-Signature%3Dab%26X-Amz-Expires%3D60&stackName=my-stack&param_ClientCidr1=10.0.0.0%2F16", link)
}
