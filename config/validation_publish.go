package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// S3 general purpose bucket names
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
// 3 to 63 lowercase letters, digits, dots and hyphens, a letter or digit at
// both ends, no two adjacent dots, not an IP address, and none of the
// prefixes and suffixes S3 reserves. Dots are refused here too: a bucket
// whose name has dots cannot be reached by virtual-hosted-style HTTPS, the
// address CloudFormation is given.
var (
	bucketNameRe     = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	reservedPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
)

// bucketNameProblem says why name is not a bucket name make publish can use, or "".
func bucketNameProblem(name string) string {
	if !bucketNameRe.MatchString(name) {
		return "not an S3 bucket name: 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"
	}
	if strings.Contains(name, "..") {
		return "two adjacent dots, which S3 does not allow"
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return "formatted as an IP address, which S3 does not allow"
	}
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(name, p) {
			return fmt.Sprintf("starts with %s, a prefix S3 reserves", p)
		}
	}
	for _, s := range reservedSuffixes {
		if strings.HasSuffix(name, s) {
			return fmt.Sprintf("ends with %s, a suffix S3 reserves", s)
		}
	}
	if strings.Contains(name, ".") {
		return "has dots: the template's HTTPS address (virtual-hosted style) would not match the bucket's certificate"
	}
	return ""
}

func validatePublish(r *report, p *Publish) {
	if len(p.Buckets) == 0 {
		r.add("publish.buckets", "no bucket is listed", raw("an empty map"), "add region: bucket for each region the customers' templates deploy in, e.g. us-east-1: example-privateconnect-templates-use1")
	}
	seen := map[string]string{}
	for _, reg := range sortedKeys(p.Buckets) {
		path := mapKey("publish.buckets", reg)
		checkRegion(r, path, reg)
		name := p.Buckets[reg]
		if problem := bucketNameProblem(name); problem != "" {
			r.add(path, problem, name, "name the bucket as S3 allows, e.g. example-privateconnect-templates-"+reg)
			continue
		}
		if other, ok := seen[name]; ok {
			r.add(path, fmt.Sprintf("the bucket of %s too, but a bucket is in one region", other), name, "give each region its own bucket, created in that region")
		}
		seen[name] = reg
	}
}
