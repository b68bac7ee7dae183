package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBucketNames(t *testing.T) {
	for _, ok := range []string{"abc", "example-privateconnect-templates-us-east-1", "a1-b2", strings.Repeat("a", 63)} {
		assert.Empty(t, bucketNameProblem(ok), ok)
	}
	for bad, says := range map[string]string{
		"ab":                    "not an S3 bucket name",
		strings.Repeat("a", 64): "not an S3 bucket name",
		"Templates":             "not an S3 bucket name",
		"-abc":                  "not an S3 bucket name",
		"abc-":                  "not an S3 bucket name",
		"a_b":                   "not an S3 bucket name",
		"a..b":                  "two adjacent dots",
		"192.168.5.4":           "IP address",
		"xn--abc":               "starts with xn--",
		"sthree-abc":            "starts with sthree-",
		"amzn-s3-demo-bucket":   "starts with amzn-s3-demo-",
		"abc-s3alias":           "ends with -s3alias",
		"abc--ol-s3":            "ends with --ol-s3",
		"abc.mrap":              "ends with .mrap",
		"abc--x-s3":             "ends with --x-s3",
		"abc--table-s3":         "ends with --table-s3",
		"templates.example.com": "has dots",
	} {
		assert.Contains(t, bucketNameProblem(bad), says, bad)
	}
}

func TestPublishBucketsAreChecked(t *testing.T) {
	var errs Errors
	validatePublish(&report{file: "vendor.yaml", errs: &errs}, &Publish{Buckets: map[string]string{"us-east-1": "templates.example.com", "mars-north-1": "ok-bucket", "eu-west-1": "ok-bucket"}})
	got := errs.Error()
	assert.Contains(t, got, `vendor.yaml: publish.buckets.us-east-1: has dots`)
	assert.Contains(t, got, `publish.buckets.mars-north-1: unknown AWS region`)
	assert.Contains(t, got, `publish.buckets.mars-north-1: the bucket of eu-west-1 too, but a bucket is in one region`)
	errs = nil
	validatePublish(&report{file: "vendor.yaml", errs: &errs}, &Publish{})
	assert.Contains(t, errs.Error(), "publish.buckets: no bucket is listed")
}
