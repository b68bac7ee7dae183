package config

import (
	"fmt"
	"slices"
	"strings"
)

// regionAZs lists every commercial AWS region privateconnect knows, with the
// AZ IDs of its Availability Zones. A region missing here is rejected as
// unknown, and so is an AZ ID missing from its region's list (use1-az9), so a
// typo fails validation rather than a deployment.
//
// Source: AWS Regions and Availability Zones, "AWS Availability Zones"
// (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html),
// read 2026-11-27, and for the regions it models the table of moto 5.2.1 (the
// emulator e2e deploys to). The Availability Zones AWS has closed to new
// accounts (usw1-az2, apne1-az3) are left out: vendor subnets cannot be
// created there. To add a region or an AZ, list its AZ IDs in the vendor
// account (aws ec2 describe-availability-zones --region <r> --query
// 'AvailabilityZones[].ZoneId') and add them here with the date.
var regionAZs = map[string][]string{
	"af-south-1":     {"afs1-az1", "afs1-az2", "afs1-az3"},
	"ap-east-1":      {"ape1-az1", "ape1-az2", "ape1-az3"},
	"ap-northeast-1": {"apne1-az1", "apne1-az2", "apne1-az4"},
	"ap-northeast-2": {"apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"},
	"ap-northeast-3": {"apne3-az1", "apne3-az2", "apne3-az3"},
	"ap-south-1":     {"aps1-az1", "aps1-az2", "aps1-az3"},
	"ap-south-2":     {"aps2-az1", "aps2-az2", "aps2-az3"},
	"ap-southeast-1": {"apse1-az1", "apse1-az2", "apse1-az3"},
	"ap-southeast-2": {"apse2-az1", "apse2-az2", "apse2-az3"},
	"ap-southeast-3": {"apse3-az1", "apse3-az2", "apse3-az3"},
	"ap-southeast-4": {"apse4-az1", "apse4-az2", "apse4-az3"},
	"ap-southeast-5": {"apse5-az1", "apse5-az2", "apse5-az3"},
	"ap-southeast-7": {"apse7-az1", "apse7-az2", "apse7-az3"},
	"ca-central-1":   {"cac1-az1", "cac1-az2", "cac1-az4"},
	"ca-west-1":      {"caw1-az1", "caw1-az2", "caw1-az3"},
	"eu-central-1":   {"euc1-az1", "euc1-az2", "euc1-az3"},
	"eu-central-2":   {"euc2-az1", "euc2-az2", "euc2-az3"},
	"eu-north-1":     {"eun1-az1", "eun1-az2", "eun1-az3"},
	"eu-south-1":     {"eus1-az1", "eus1-az2", "eus1-az3"},
	"eu-south-2":     {"eus2-az1", "eus2-az2", "eus2-az3"},
	"eu-west-1":      {"euw1-az1", "euw1-az2", "euw1-az3"},
	"eu-west-2":      {"euw2-az1", "euw2-az2", "euw2-az3"},
	"eu-west-3":      {"euw3-az1", "euw3-az2", "euw3-az3"},
	"il-central-1":   {"ilc1-az1", "ilc1-az2", "ilc1-az3"},
	"me-central-1":   {"mec1-az1", "mec1-az2", "mec1-az3"},
	"me-south-1":     {"mes1-az1", "mes1-az2", "mes1-az3"},
	"mx-central-1":   {"mxc1-az1", "mxc1-az2", "mxc1-az3"},
	"sa-east-1":      {"sae1-az1", "sae1-az2", "sae1-az3"},
	"us-east-1":      {"use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"},
	"us-east-2":      {"use2-az1", "use2-az2", "use2-az3"},
	"us-west-1":      {"usw1-az1", "usw1-az3"},
	"us-west-2":      {"usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"},
}

// azPrefix maps each region to the prefix of its AZ IDs (use1 for us-east-1).
var azPrefix = func() map[string]string {
	out := map[string]string{}
	for region, azs := range regionAZs {
		out[region], _, _ = strings.Cut(azs[0], "-az")
	}
	return out
}()

// knownRegion reports whether region is in the table.
func knownRegion(region string) bool { _, ok := regionAZs[region]; return ok }

// regionOfAZ is the region whose table lists the AZ ID, or "".
func regionOfAZ(az string) string {
	for region, azs := range regionAZs {
		if slices.Contains(azs, az) {
			return region
		}
	}
	return ""
}

func checkRegion(r *report, p, s string) bool {
	if !knownRegion(s) {
		if s != "" {
			r.add(p, "unknown AWS region", s, "use a region code such as us-east-1 or eu-west-1 (the regions known are listed in config/regions.go)")
		}
		return false
	}
	return true
}

// checkAZ checks an AZ ID against the table of the region's AZs. region may
// be unknown (reported where it is written); the AZ is then checked alone.
func checkAZ(r *report, p, az, region string) bool {
	want := azPrefix[region]
	m := azIDRe.FindStringSubmatch(az)
	other := regionOfAZ(az)
	if other == "" && m != nil {
		other = regionOfPrefix(m[1]) // another region's prefix: say which, first
	}
	switch {
	case m == nil && azNameRe.MatchString(az):
		r.add(p, "this is an AZ name, which maps to different zones in different accounts", az,
			fmt.Sprintf("use the AZ ID the customer sees for it (e.g. %s-az1): aws ec2 describe-availability-zones --region %s --query 'AvailabilityZones[].[ZoneName,ZoneId]'", orX(want), orX(region)))
		return false
	case m == nil:
		r.add(p, "not an AZ ID", az, fmt.Sprintf("write an AZ ID such as %s-az1", orX(want)))
		return false
	case other != "" && other == region && slices.Contains(regionAZs[region], az):
		return true
	case other != "" && want == "" && slices.Contains(regionAZs[other], az):
		return true
	case other != "" && other != region && want != "":
		r.add(p, fmt.Sprintf("this AZ is in %s, not in the customer's region %s", other, region), az, "use one of "+strings.Join(regionAZs[region], ", "))
		return false
	case other != "":
		r.add(p, fmt.Sprintf("%s has no AZ with this ID", other), az, "use one of "+strings.Join(regionAZs[other], ", ")+" (config/regions.go lists each region's AZ IDs, with their source)")
		return false
	case want != "":
		r.add(p, fmt.Sprintf("not an AZ of %s", region), az, "use one of "+strings.Join(regionAZs[region], ", "))
		return false
	}
	r.add(p, "not the AZ ID of any region privateconnect knows", az, "check the ID with aws ec2 describe-availability-zones (config/regions.go lists each region's AZ IDs)")
	return false
}

// logRetentionDays are the values CloudWatch Logs accepts for RetentionInDays.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// regionOfPrefix is the region whose AZ IDs start with prefix (use1), or "".
func regionOfPrefix(prefix string) string {
	for region, p := range azPrefix {
		if p == prefix {
			return region
		}
	}
	return ""
}
