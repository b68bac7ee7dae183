package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
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

// load is Load, also returning the files read.
func load(dir string) (*Fleet, fleetFiles, error) {
	files, errs := read(dir)
	if files.vendor.data == nil {
		return nil, files, errs.sorted()
	}
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

// read reads vendor.yaml and customers/*.yaml; vendor.data is nil when the
// vendor file cannot be read.
func read(dir string) (fleetFiles, Errors) {
	var errs Errors
	files := fleetFiles{vendor: source{file: filepath.Join(dir, VendorFile)}}
	vendor, err := os.ReadFile(files.vendor.file)
	if err != nil {
		errs.append(files.vendor.file, "(document)", 0, fmt.Sprintf("cannot read the vendor file: %v (select the fleet directory with -c config=DIR or %s=DIR)", unwrapPathError(err), EnvDir))
	}
	files.vendor.data = vendor
	custDir := filepath.Join(dir, CustomersDir)
	entries, err := os.ReadDir(custDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs.append(custDir, "(directory)", 0, fmt.Sprintf("cannot list customers: %v", unwrapPathError(err)))
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(custDir, name)
		switch {
		case e.IsDir() || strings.HasPrefix(name, "."):
		case strings.HasSuffix(name, ".yml"):
			errs.append(path, "(document)", 0, fmt.Sprintf("customer files end in .yaml (rename it to %s)", strings.TrimSuffix(name, ".yml")+".yaml"))
		case strings.HasSuffix(name, ".yaml"):
			data, err := os.ReadFile(path)
			if err != nil {
				errs.append(path, "(document)", 0, fmt.Sprintf("cannot read: %v", unwrapPathError(err)))
				continue
			}
			files.customers = append(files.customers, source{path, data})
		}
	}
	return files, errs
}

// build decodes, defaults and validates a fleet held in memory.
func build(dir string, vendor source, customers []source) (*Fleet, error) {
	var errs Errors
	f := &Fleet{Dir: dir}
	lines := map[string]map[string]int{}

	v := &Vendor{}
	before := len(errs)
	lines[vendor.file] = decode(vendor.file, vendor.data, v, &errs)
	if len(errs) == before {
		setVendorDefaults(v)
		validateVendor(&report{vendor.file, lines[vendor.file], &errs}, v)
		f.Vendor = v
	}

	for _, src := range customers {
		c := &Customer{File: src.file}
		before := len(errs)
		lines[src.file] = decode(src.file, src.data, c, &errs)
		if len(errs) > before {
			continue // a file that does not decode would only add noise below
		}
		setCustomerDefaults(c, f.Vendor)
		validateCustomer(&report{src.file, lines[src.file], &errs}, f.Vendor, c)
		f.Customers = append(f.Customers, c)
	}
	sort.SliceStable(f.Customers, func(i, j int) bool { return f.Customers[i].Name < f.Customers[j].Name })
	validateFleet(&errs, f, lines)
	if len(errs) > 0 {
		return nil, errs.sorted()
	}
	return f, nil
}

// proposeCidr returns the first free block of the given size in the vendor
// pools, never touching a block a customer already holds.
func (f *Fleet) proposeCidr(bits int) (netip.Prefix, bool) {
	if f.Vendor == nil {
		return netip.Prefix{}, false
	}
	var pools, used []netip.Prefix
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

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
