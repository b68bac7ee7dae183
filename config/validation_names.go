package config

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Values that end up in AWS names, descriptions and patterns are checked
// against the rules of every place they land in. The vendor's name lands in:
//   - the privateconnect:vendor tag of the handed-over templates: letters,
//     digits, spaces and _ . : / = + - @, up to 256
//     (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html);
//   - security group descriptions: ASCII letters, digits, spaces and
//     ._-:/()#,@[]+=&;{}!$* only, up to 255
//     (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html);
//   - lowercased, other characters turned into hyphens, the start of the
//     stack name the customer's guide proposes, which must start with a
//     letter (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html);
//   - template, output and parameter descriptions and the guides.
//
// What all of these accept: an ASCII letter, then ASCII letters, digits,
// spaces and _ . : / = + - @.
var vendorNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 _.:/=+@-]*$`)

const maxVendorName = 64

func checkVendorName(r *report, p, s string) {
	switch {
	case s == "":
		// Reported by the decoder as a missing key.
	case utf8.RuneCountInString(s) > maxVendorName:
		r.add(p, fmt.Sprintf("longer than %d characters", maxVendorName), s, "shorten it")
	case !vendorNameRe.MatchString(s) || strings.TrimSpace(s) != s || strings.Contains(s, "  "):
		r.add(p, "the vendor's name goes into tags, security group descriptions and a stack name, which accept an ASCII letter first, then ASCII letters, digits, single spaces and _ . : / = + - @ only", s,
			`write it with those characters only, e.g. "Example Integrations" for "Example & Integrations, Inc."`)
	}
}

// A customer's displayName lands in template descriptions (any text up to
// 1,024 bytes: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-description-structure.html)
// and in the titles of the guides handed to the customer. Letters of any
// script, accents, digits, & and commas are all fine there. What is not:
// control characters, invisible format characters, among them the bidi
// controls that make text read differently from what it is (CVE-2021-42574),
// private-use and unassigned code points, line breaks, and the characters
// Markdown would read as markup in a title.
const maxDisplayName = 100

func checkDisplayName(r *report, p, s string) {
	if utf8.RuneCountInString(s) > maxDisplayName {
		r.add(p, fmt.Sprintf("longer than %d characters", maxDisplayName), s, "shorten it")
	}
	for _, c := range s {
		if what := badTextRune(c); what != "" {
			r.add(p, "contains "+what, s, "use letters, digits, spaces and ordinary punctuation only")
			return
		}
	}
	if strings.TrimSpace(s) != s {
		r.add(p, "starts or ends with a space", s, "remove it")
	}
}

// badTextRune says what is wrong with c in a human-readable name, or "".
func badTextRune(c rune) string {
	switch {
	case c == utf8.RuneError:
		return "an invalid character (the file is not UTF-8 here)"
	case unicode.IsControl(c) || c == '\u2028' || c == '\u2029':
		return "a control character or a line break"
	case unicode.Is(unicode.Cf, c):
		return fmt.Sprintf("an invisible formatting character (U+%04X), such as a bidi control", c)
	case unicode.Is(unicode.Co, c) || !unicode.IsGraphic(c):
		return fmt.Sprintf("a private-use or unassigned character (U+%04X)", c)
	case unicode.IsSpace(c) && c != ' ':
		return fmt.Sprintf("a space other than the plain space (U+%04X)", c)
	case strings.ContainsRune("<>`\\|*[]", c):
		return fmt.Sprintf("%q, which the customer's guide would read as markup", c)
	}
	return ""
}

// IAM principal ARNs as IAM defines them: the account root, or a role,
// arn:aws:iam::<account>:role/<path><name>, whose name is 1-64 of
// [A-Za-z0-9_+=,.@-] and whose path is / or /<segments>/, up to 512 characters
// of printable ASCII (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
var (
	principalArnRe = regexp.MustCompile(`^arn:aws:iam::([0-9]{12}):(.*)$`)
	roleNameRe     = regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]{1,64}$`)
	rolePathRe     = regexp.MustCompile(`^/([\x21-\x2E\x30-\x7E]+/)*$`)
)

// principalProblem says why arn is not an IAM principal an endpoint service
// can allow, or ""; account is the account in it.
func principalProblem(arn string) (problem, account string) {
	m := principalArnRe.FindStringSubmatch(arn)
	if m == nil {
		return "not an IAM principal ARN the endpoint can be created as", ""
	}
	resource := m[2]
	if resource == "root" {
		return "", m[1]
	}
	rest, ok := strings.CutPrefix(resource, "role/")
	if !ok {
		return "not an account root or a role, the principals privateconnect allow-lists", m[1]
	}
	cut := strings.LastIndex(rest, "/")
	path, name := "/"+rest[:cut+1], rest[cut+1:]
	switch {
	case !roleNameRe.MatchString(name):
		return "not a role name IAM accepts (1-64 letters, digits and _+=,.@-)", m[1]
	case len(path) > 512 || !rolePathRe.MatchString(path):
		return "not a role path IAM accepts (/ or /<segments>/, printable ASCII, up to 512 characters)", m[1]
	}
	return "", m[1]
}
