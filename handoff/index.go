package handoff

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/diagram"
	"github.com/privateconnect/privateconnect/internal/english"
	"github.com/privateconnect/privateconnect/stacks"
)

// IndexFile is the bundle's index: every file of the folder, the diagram,
// the launch links once published, what to send back, and the footer that
// says which version wrote the bundle, when, and each template's SHA-256.
const IndexFile = "README.md"

//go:embed index.md.tmpl
var indexText string

var indexTemplate = template.Must(template.New(IndexFile).Funcs(guideFuncs).Parse(indexText))

// Options say what a bundle records of its making.
type Options struct {
	// Version of privateconnect (a commit). Default: the build's VCS
	// revision, or "(version unknown)".
	Version string
	// Date the bundle is written. Default: $SOURCE_DATE_EPOCH, or today.
	Date time.Time
}

func (o Options) withDefaults() Options {
	if o.Version == "" {
		o.Version = buildVersion()
	}
	if o.Date.IsZero() {
		o.Date = time.Now()
		// Reproducible builds' convention: https://reproducible-builds.org/specs/source-date-epoch/
		if s, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
			o.Date = time.Unix(s, 0)
		}
	}
	return o
}

// buildVersion is the VCS revision the binary was built from, when the Go
// toolchain recorded it.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(version unknown)"
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value[:min(12, len(s.Value))]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev == "" {
		return "(version unknown)"
	}
	return rev + dirty
}

// BundleTemplate is one template of a bundle, as the index and the launch
// link need it.
type BundleTemplate struct {
	File, Guide string
	// StackName is the name the guide proposes; Region where it deploys.
	StackName, Region string
	// Capabilities the deploy must acknowledge (CAPABILITY_IAM with a role).
	Capabilities []string
	// Known are the parameters whose value the vendor knows (those with a
	// default), in console order: a launch link fills them in.
	Known []KnownParam
	// SHA256 of File's bytes, hex.
	SHA256 string
	// Launch is set once the template is published.
	Launch *Launch
}

// KnownParam is a parameter and the value the vendor knows for it.
type KnownParam struct{ Name, Value string }

// Launch is how the customer launches a published template.
type Launch struct {
	// URL is the CloudFormation console's quick-create link.
	URL string
	// TemplateURL is where CloudFormation reads the template.
	TemplateURL string
	// Expires is when TemplateURL stops working; zero for a public object.
	Expires time.Time
	// Valid is how long it was signed for, as the index says it ("7 days").
	Valid string
}

func newBundleTemplate(file, guide, stackName, region string, data []byte, t Template) BundleTemplate {
	sum := sha256.Sum256(data)
	bt := BundleTemplate{File: file, Guide: guide, StackName: stackName, Region: region, SHA256: hex.EncodeToString(sum[:])}
	for _, name := range t.ParameterOrder() {
		if p := t.Parameters[name]; p.Default != nil && *p.Default != "" {
			bt.Known = append(bt.Known, KnownParam{name, *p.Default})
		}
	}
	if t.hasIAM {
		bt.Capabilities = []string{"CAPABILITY_IAM"}
	}
	return bt
}

type indexFile struct{ Name, What string }

type sendBack struct {
	Done bool
	Text string
}

// indexData is what the index template reads.
type indexData struct {
	Vendor    *config.Vendor
	Customer  *config.Customer
	Summary   string
	Files     []indexFile
	Diagram   string
	Templates []BundleTemplate
	Launches  []BundleTemplate
	SendBack  []sendBack
	Version   string
	Date      string
}

// renderIndex writes the bundle's README.md from its other files.
func (b *Bundle) renderIndex() error {
	v, c := b.vendor, b.Customer
	src, err := diagram.Customer(v, c, diagram.Names{ProducerStack: ProducerStackName(v), InboundStack: InboundStackName(v)})
	if err != nil {
		return fmt.Errorf("%s: diagram: %v", c.Name, err)
	}
	d := indexData{Vendor: v, Customer: c, Diagram: src, Templates: b.Templates,
		Version: b.opts.Version, Date: b.opts.Date.UTC().Format("2006-01-02")}
	var what []string
	if c.PrivateLink != nil {
		var all []string
		for _, s := range c.PrivateLink.Services {
			all = append(all, "`"+s.Name+"`")
		}
		what = append(what, fmt.Sprintf("reaches %s in your AWS account over AWS PrivateLink", joinAnd(all)))
	}
	for _, t := range b.Templates {
		if t.Launch != nil {
			d.Launches = append(d.Launches, t)
		}
		switch t.Guide {
		case ProducerFile:
			services := producerNames(c)
			what, steps := "the endpoint services", fmt.Sprintf("how to deploy it and accept %s connection, checks, notifications", posName(v))
			switch {
			case len(stacks.NlbServices(c)) == 0:
				what, steps = "the resource gateway and shared resource configurations", "how to deploy it and admit the gateway on your databases, checks"
			case len(stacks.GatewayServices(c)) > 0:
				what = "the endpoint services and shared resource configurations"
			}
			d.Files = append(d.Files,
				indexFile{t.File, fmt.Sprintf("CloudFormation template you deploy in account %s, region %s, as `%s` says: %s through which %s reaches %s", c.Account, t.Region, t.Guide, what, v.Name, services)},
				indexFile{t.Guide, fmt.Sprintf("the guide to `%s`: what it creates, the parameters, %s, updates, cost, its security review and how to remove it", t.File, steps)})
		case InboundFile:
			what = append(what, "gives your systems a private way to its platform, through an endpoint in your VPC")
			d.Files = append(d.Files,
				indexFile{t.File, fmt.Sprintf("CloudFormation template you deploy in your VPC's region, %s, as `%s` says: the interface endpoint and DNS through which your systems reach %s platform", t.Region, t.Guide, posName(v))},
				indexFile{t.Guide, fmt.Sprintf("the guide to `%s`: what %s has on file, DNS, how to deploy it, the wait for %s acceptance, checks, cost, its security review and how to remove it", t.File, v.Name, posName(v))})
		}
	}
	if _, ok := b.Files[VpnSheetFile]; ok {
		what = append(what, "reaches your network over a site-to-site VPN")
		d.Files = append(d.Files, indexFile{VpnSheetFile, fmt.Sprintf("what you configure on your VPN device (%s): the tunnels' parameters, routing, firewall, device configuration and keys", c.Vpn.CustomerGateway.IPAddress)})
	}
	d.Files = append(d.Files, indexFile{IndexFile, "this index"})
	d.Summary = v.Name + " " + joinAnd(what) + "."
	d.SendBack = sendBackList(v, c, b)
	var buf bytes.Buffer
	if err := indexTemplate.Execute(&buf, d); err != nil {
		return err
	}
	b.Files[IndexFile] = buf.Bytes()
	return nil
}

// sendBackList is the checklist of what the customer sends back; what the
// vendor already has is ticked, with the value on file.
func sendBackList(v *config.Vendor, c *config.Customer, b *Bundle) []sendBack {
	var out []sendBack
	if c.PrivateLink != nil {
		for _, s := range c.PrivateLink.Services {
			switch {
			case s.ResourceConfigurationArn != "":
				out = append(out, sendBack{true, fmt.Sprintf("The ARN of the `%s` resource configuration: we have `%s` on file; tell us if it changes.", s.Name, s.ResourceConfigurationArn)})
			case s.ViaResourceGateway():
				out = append(out, sendBack{false, fmt.Sprintf("The ARN of the `%s` resource configuration: the `%sResourceConfigurationArn` output, once the stack is deployed (see `%s`).",
					s.Name, stacks.OutputID(s.Name), ProducerFile)})
			case s.ServiceName != "":
				out = append(out, sendBack{true, fmt.Sprintf("The name of the `%s` endpoint service: we have `%s` on file; tell us if it changes.", s.Name, s.ServiceName)})
			case s.Producer != nil:
				out = append(out, sendBack{false, fmt.Sprintf("The name of the `%s` endpoint service: the `%sServiceName` output, once the stack is deployed (see `%s`).",
					s.Name, stacks.OutputID(s.Name), ProducerFile)})
			}
		}
	}
	if _, ok := b.Files[InboundFile]; ok {
		out = append(out, sendBack{false, fmt.Sprintf("The ID of your interface endpoint (the `EndpointId` output), so that %s accepts its connection request (`%s`).", v.Name, InboundFile)})
	}
	if vp := c.Vpn; vp != nil {
		out = append(out, sendBack{false, fmt.Sprintf("Your VPN device's vendor, model (platform) and software version: %s sends you the configuration AWS generates for it (`%s`).", v.Name, VpnSheetFile)})
		text := fmt.Sprintf("Your VPN device's public IPv4 address %s: we have it on file; tell us before it changes, as the VPN is tied to it.", vp.CustomerGateway.IPAddress)
		if vp.Routing == "bgp" {
			text = fmt.Sprintf("Your VPN device's public IPv4 address %s and BGP ASN %d: we have them on file; tell us before they change, as the VPN is tied to them.",
				vp.CustomerGateway.IPAddress, *vp.CustomerGateway.BgpAsn)
		}
		out = append(out, sendBack{true, text})
	}
	alarm := "when an alarm fires"
	if c.Vpn != nil {
		alarm = "when an alarm fires (a tunnel down, for instance)"
	}
	out = append(out, sendBack{false, fmt.Sprintf("An on-call contact for this connection: a name, an email address and a phone number %s can reach %s, and who on your side changes or removes what you deploy.", v.Name, alarm)})
	return out
}

func posName(v *config.Vendor) string { return english.Possessive(v.Name) }

func producerNames(c *config.Customer) string {
	var names []string
	for _, s := range c.PrivateLink.Services {
		if s.Producer != nil {
			names = append(names, "`"+s.Name+"`")
		}
	}
	return joinAnd(names)
}

// joinAnd lists a, b and c.
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
