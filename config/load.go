package config

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

// DefaultDir is the fleet directory used when none is selected.
const DefaultDir = "config"

// EnvDir names the environment variable that selects another fleet directory.
const EnvDir = "PRIVATECONNECT_CONFIG"

// VendorFile and CustomersDir locate the files inside a fleet directory.
const (
	VendorFile   = "vendor.yaml"
	CustomersDir = "customers"
)

type source struct {
	file string
	data []byte
}

// Load reads, defaults and validates the fleet in dir. On any problem it
// returns Errors holding every problem found, ordered by file and line.
func Load(dir string) (*Fleet, error) {
	f, _, err := load(dir)
	return f, err
}

// load is Load, also returning the files read. A file that cannot be read or
// parsed hides nothing else: every other file is still checked.
func load(dir string) (*Fleet, fleetFiles, error) {
	files, errs := read(dir)
	f, err := build(dir, files.vendor, files.customers)
	if err != nil {
		errs = append(errs, err.(Errors)...)
	}
	if len(errs) > 0 {
		return nil, files, errs.sorted()
	}
	return f, files, nil
}

type fleetFiles struct {
	vendor    source
	customers []source
}

// read reads vendor.yaml and customers/*.yaml (see readfs.go for what it
// refuses); vendor.data is nil when the vendor file cannot be read.
func read(dir string) (fleetFiles, Errors) {
	var errs Errors
	files := fleetFiles{vendor: source{file: filepath.Join(dir, VendorFile)}}
	if p := checkFleetDir(dir); p != nil {
		errs.append(safePath(dir), "(directory)", 0, p.String())
		return files, errs
	}
	data, p := readRegular(files.vendor.file)
	if p != nil {
		if p.missing {
			p.fix = fmt.Sprintf("select the fleet directory with -c config=DIR or %s=DIR", EnvDir)
			if near := nearName(dir, VendorFile, false); near != "" {
				p.fix = fmt.Sprintf("rename %s to %s", near, VendorFile)
			}
		}
		p.what = "cannot read the vendor file: " + p.what
		errs.append(files.vendor.file, "(document)", 0, p.String())
	}
	files.vendor.data = data
	customers, problems := readCustomers(dir)
	files.customers = customers
	errs = append(errs, problems...)
	return files, errs
}

// build decodes, defaults and validates a fleet held in memory; a source
// with nil data could not be read (its error is already reported). A file
// that parses is checked in full even when some of its keys did not decode
// (unknown keys, wrong types), without the errors those would cascade into;
// only files that decode cleanly take part in the checks across files.
func build(dir string, vendor source, customers []source) (*Fleet, error) {
	return buildFleet(dir, vendor, customers, true)
}

// LoadForPlan is Load without holding the fleet to its quotas: what make
// quotas reads, so that it can print the plan of a fleet that needs more than
// its account has. Every other check still applies.
func LoadForPlan(dir string) (*Fleet, error) {
	files, errs := read(dir)
	f, err := buildFleet(dir, files.vendor, files.customers, false)
	if err != nil {
		errs = append(errs, err.(Errors)...)
	}
	if len(errs) > 0 {
		return nil, errs.sorted()
	}
	return f, nil
}

func buildFleet(dir string, vendor source, customers []source, quotas bool) (*Fleet, error) {
	var errs Errors
	f := &Fleet{Dir: dir}
	lines := map[string]map[string]int{}

	if vendor.data != nil {
		v := &Vendor{}
		clean := check(vendor, v, lines, &errs, func(r *report) {
			setVendorDefaults(v)
			validateVendor(r, v)
		})
		if clean {
			f.Vendor = v
		}
	}
	for _, src := range customers {
		if src.data == nil {
			continue
		}
		c := &Customer{File: src.file}
		if check(src, c, lines, &errs, func(r *report) {
			setCustomerDefaults(c, f.Vendor)
			validateCustomer(r, f.Vendor, c)
		}) {
			f.Customers = append(f.Customers, c)
		}
	}
	sort.SliceStable(f.Customers, func(i, j int) bool { return f.Customers[i].Name < f.Customers[j].Name })
	validateFleet(&errs, f, lines)
	// The stacks' limits and IDs rest on valid values: they are checked for
	// the files with no other problem.
	if f.Vendor != nil && !hasErrors(errs, vendor.file) {
		vr := &report{file: vendor.file, lines: lines[vendor.file], errs: &errs}
		for _, c := range f.Customers {
			if !hasErrors(errs, c.File) {
				checkStacks(&report{file: c.File, lines: lines[c.File], errs: &errs}, vr, f.Vendor.ForCustomer(c), c)
			}
		}
		for _, cell := range f.Cells() {
			checkSharedStacks(vr, cell)
		}
		checkPipeline(vr, f)
		checkAllQuotaValues(vr, f.Vendor)
		// The quota plan counts the customers whose files are valid.
		if quotas && !hasErrors(errs, vendor.file) {
			clean := &Fleet{Dir: f.Dir, Vendor: f.Vendor}
			for _, c := range f.Customers {
				if !hasErrors(errs, c.File) {
					clean.Customers = append(clean.Customers, c)
				}
			}
			checkQuotas(vr, func(c *Customer) *report { return &report{file: c.File, lines: lines[c.File], errs: &errs} }, clean)
		}
	}
	if len(errs) > 0 {
		return nil, errs.sorted()
	}
	return f, nil
}

// check decodes src into out and, if it parsed, runs validate on it. It
// reports whether the file decoded without an error.
func check(src source, out any, lines map[string]map[string]int, errs *Errors, validate func(r *report)) bool {
	var decodeErrs, checkErrs Errors
	l, parsed := decode(src.file, src.data, out, &decodeErrs)
	lines[src.file] = l
	if parsed {
		validate(&report{file: src.file, lines: l, errs: &checkErrs})
	}
	*errs = append(*errs, decodeErrs...)
	*errs = append(*errs, withoutCascades(decodeErrs, checkErrs)...)
	return parsed && len(decodeErrs) == 0
}

func hasErrors(errs Errors, file string) bool {
	return slices.ContainsFunc(errs, func(e Error) bool { return e.File == file })
}

// withoutCascades drops the validation errors a decoding error explains: at
// the same path, above it or below it (a key that did not decode is left
// empty, and would be reported again as empty), and the errors about the
// file as a whole (a section that did not decode leaves the file without it).
func withoutCascades(decoded, checked Errors) Errors {
	if len(decoded) == 0 {
		return checked
	}
	var out Errors
	for _, c := range checked {
		explained := c.Path == "(document)"
		for _, d := range decoded {
			explained = explained || related(c.Path, d.Path)
		}
		if !explained {
			out = append(out, c)
		}
	}
	return out
}

// related reports whether one YAML path is the other or lies under it.
func related(a, b string) bool {
	under := func(p, parent string) bool {
		return strings.HasPrefix(p, parent+".") || strings.HasPrefix(p, parent+"[")
	}
	return a == b || under(a, b) || under(b, a)
}

// proposeCidr returns the first free block of the given size in the vendor
// pools, never touching a block a customer already holds, nor taken.
func (f *Fleet) proposeCidr(bits int, taken ...netip.Prefix) (netip.Prefix, bool) {
	if f.Vendor == nil {
		return netip.Prefix{}, false
	}
	var pools []netip.Prefix
	used := slices.Clone(taken)
	for _, s := range f.Vendor.VpcCidrPools {
		if p, err := cidr.Parse(s); err == nil {
			pools = append(pools, p)
		}
	}
	for _, c := range f.Customers {
		for _, vb := range vendorBlocks(c) {
			if p, err := cidr.Parse(vb.cidr); err == nil {
				used = append(used, p)
			}
		}
	}
	return cidr.NextFree(pools, used, bits)
}
