// Package publish uploads a customer's handed-over templates to the vendor's
// S3 bucket of each template's region (vendor.yaml publish.buckets), under
// content-addressed keys, and gives each a CloudFormation quick-create link
// that opens the console with the template, the stack name and the known
// parameter values filled in. The link reads the template through a
// presigned address that expires, or, with publish.public, a public one.
package publish

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/privateconnect/privateconnect/handoff"
)

// QuickCreateLink is the console link that creates a stack from templateURL
// with the given name and parameter values, in region
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-console-create-stacks-quick-create-links.html):
// templateURL, stackName and param_<Name> in the query of the console's
// fragment, each URL-encoded (a presigned address holds & and =).
func QuickCreateLink(region, templateURL, stackName string, params []handoff.KnownParam) string {
	q := []string{"templateURL=" + url.QueryEscape(templateURL), "stackName=" + url.QueryEscape(stackName)}
	for _, p := range params {
		q = append(q, "param_"+url.QueryEscape(p.Name)+"="+url.QueryEscape(p.Value))
	}
	return fmt.Sprintf("https://console.aws.amazon.com/cloudformation/home?region=%s#/stacks/quickcreate?%s", url.QueryEscape(region), strings.Join(q, "&"))
}

// Key is where a template goes in the bucket: the customer, the SHA-256 of
// its bytes, and its file name. The same bytes always land on the same key,
// so publishing again uploads nothing, and a link names exactly what it
// opens.
func Key(customer string, t handoff.BundleTemplate) string {
	return fmt.Sprintf("privateconnect/%s/%s/%s", customer, t.SHA256, t.File)
}

// MaxTemplateURL is the longest template address CloudFormation accepts
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-using-console-create-stack-template.html:
// "The URL can be a maximum of 1024 characters long").
const MaxTemplateURL = 1024
