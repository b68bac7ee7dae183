package config

import (
	"fmt"
	"slices"
	"strings"
)

// checkAllQuotaValues checks the quotas: of vendor.yaml, or of each cell
// (validation.go refuses top-level quotas: beside cells).
func checkAllQuotaValues(r *report, v *Vendor) {
	for _, view := range v.CellViews() {
		checkQuotaValues(r, view)
	}
}

// checkQuotaValues checks the quotas: section of a vendor view (vendor.yaml,
// or a cell): regions of the view or global, codes of QuotaTable recorded
// under the right key, positive values, and nothing recorded for a limit
// AWS does not raise.
func checkQuotaValues(r *report, v *Vendor) {
	base := v.quotasPath()
	for _, region := range sortedKeys(v.Quotas) {
		rp := mapKey(base, region)
		switch {
		case region == GlobalQuotaKey:
		case !slices.Contains(v.Regions, region):
			r.add(rp, "quotas for a region the account does not operate in", region,
				fmt.Sprintf("use one of %s, or %s for the account-wide quotas (Route 53, IAM)", strings.Join(v.Regions, ", "), GlobalQuotaKey))
			continue
		}
		for _, code := range sortedKeys(v.Quotas[region]) {
			p, value := mapKey(rp, code), v.Quotas[region][code]
			q, ok := QuotaByCode(code)
			switch {
			case !ok:
				r.add(p, "not a quota privateconnect plans", code, "use one of the codes make quotas lists (README: Quotas), e.g. L-F678F1CE for VPCs per Region")
			case !q.Adjustable:
				r.add(p, fmt.Sprintf("AWS does not raise %s (%s): there is no value to record", q.Name, q.Service), code,
					"remove the entry; split the fleet into cells if it needs more")
			case q.Scope == PerAccount && region != GlobalQuotaKey:
				r.add(p, fmt.Sprintf("%s (%s %s) is a quota of the whole account", q.Name, q.Service, code), region,
					fmt.Sprintf("record it under %s", mapKey(base, GlobalQuotaKey)))
			case q.Scope != PerAccount && region == GlobalQuotaKey:
				r.add(p, fmt.Sprintf("%s (%s %s) is a quota per region", q.Name, q.Service, code), region,
					"record it under each region it was raised in")
			case value <= 0:
				r.add(p, "a quota value must be positive", value, "write the value Service Quotas shows as applied (make quotas -live reads it)")
			}
		}
	}
}

// quotaValuesValid reports whether checkQuotaValues has nothing to say.
func quotaValuesValid(v *Vendor) bool {
	var errs Errors
	checkQuotaValues(&report{errs: &errs}, v)
	return len(errs) == 0
}

// checkQuotas holds the fleet's quota plan against the recorded quotas or
// AWS's defaults. A quota of the region or account is reported against the
// vendor file, naming the customers that take it past the limit; a quota
// per VPC, security group or gateway, against the customer whose stack needs it.
func checkQuotas(vr *report, customerReport func(*Customer) *report, f *Fleet) {
	for _, n := range f.QuotaPlan() {
		if !n.Exceeded() || n.Quota.CheckedPerFile {
			continue
		}
		q := n.Quota
		where := fmt.Sprintf("account %s %s", n.Account, n.Region)
		if n.Region == GlobalQuotaKey {
			where = "account " + n.Account
		}
		if n.Quota.Scope == PerAZ {
			where += " " + n.Where
		}
		if n.Cell != "" {
			where = "cell " + n.Cell + " (" + where + ")"
		}
		limit := fmt.Sprintf("AWS's default of %d", n.Limit)
		if n.Recorded {
			limit = fmt.Sprintf("the %d recorded", n.Limit)
		}
		fix := QuotaRequest(n)
		switch q.Scope {
		case PerVPC, PerGroup, PerGateway:
			c := n.Over[0]
			customerReport(c).add(quotaPathInFile(q), fmt.Sprintf("the stack %s needs %d of %s (%s %s) in %s, more than %s", n.Where, n.Need, q.Name, q.Service, q.Code, where, limit),
				raw(fmt.Sprint(n.Need)), fix)
		default:
			vr.add(mapKey(mapKey(n.quotasPath, n.Region), q.Code),
				fmt.Sprintf("the fleet needs %d of %s (%s %s) in %s, more than %s", n.Need, q.Name, q.Service, q.Code, where, limit),
				raw(fmt.Sprintf("a need of %d; %s take it past %d", n.Need, customerFiles(n.Over), n.Limit)), fix)
		}
	}
}

// QuotaRequest says what to do about a quota the fleet needs more of: the
// increase to request and where to record it, or, for a limit AWS does not
// raise, to split the fleet into cells.
func QuotaRequest(n QuotaNeed) string {
	q := n.Quota
	if !q.Adjustable {
		return fmt.Sprintf("AWS does not raise this limit: split the fleet into cells (cells: in vendor.yaml, README: Quotas) so that no account needs more than %d here", n.Limit)
	}
	region := n.Region
	if region == GlobalQuotaKey {
		region = "us-east-1" // Service Quotas keeps global quotas there
	}
	return fmt.Sprintf("request %s >= %d in account %s %s (Service Quotas console, or aws service-quotas request-service-quota-increase --service-code %s --quota-code %s --desired-value %d --region %s), then record it under %s: %s: %s: %d",
		q.Code, n.Need, n.Account, region, q.Service, q.Code, n.Need, region, n.quotasPath, n.Region, q.Code, n.Need)
}

// quotaPathInFile is the section of a customer file that drives a quota per
// VPC, group or gateway.
func quotaPathInFile(q Quota) string {
	switch q.Code {
	case QuotaEndpointsPerVPC, QuotaResourceEndpointsPerVPC:
		return "privateLink.services"
	}
	return "vpn"
}

// customerFiles names up to three customers' files, and how many more.
func customerFiles(cs []*Customer) string {
	var names []string
	for i, c := range cs {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(cs)-3))
			break
		}
		names = append(names, c.File)
	}
	if len(names) == 0 {
		return "the vendor's shared stacks"
	}
	return strings.Join(names, ", ")
}
