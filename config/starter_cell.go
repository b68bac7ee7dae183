package config

import (
	"fmt"
	"slices"
	"strings"
)

// starterCell is the cell a new customer of region goes to: the one given,
// checked, or in a fleet with cells the cell of the region with the most
// quota headroom, and why. Without cells it is "".
func starterCell(f *Fleet, region, given string) (cell, why string, err error) {
	v := f.Vendor
	if !v.HasCells() {
		if given != "" {
			return "", "", argError("cell", "vendor.yaml declares no cells", given, "leave cell out")
		}
		return "", "", nil
	}
	var serving []string
	for _, c := range v.Cells {
		if slices.Contains(c.Regions, region) {
			serving = append(serving, c.Name)
		}
	}
	if given != "" {
		switch c := v.Cell(given); {
		case c == nil:
			return "", "", argError("cell", "not one of vendor.yaml's cells", given, "use one of "+strings.Join(cellNames(v), ", "))
		case !slices.Contains(c.Regions, region):
			return "", "", argError("cell", fmt.Sprintf("the cell does not operate in %s", region), given,
				fmt.Sprintf("use one of %s, or add %s to the cell's regions", orX(strings.Join(serving, ", ")), region))
		}
		return given, "", nil
	}
	if len(serving) == 0 {
		return "", "", argError("region", "no cell operates in this region", region, "add the region to a cell's regions in vendor.yaml")
	}
	best, bestRoom, bestWhy := "", 0, ""
	for _, name := range serving {
		room, what := cellHeadroom(f, name, region)
		if best == "" || room > bestRoom {
			best, bestRoom, bestWhy = name, room, what
		}
	}
	return best, bestWhy, nil
}

func cellNames(v *Vendor) []string {
	var out []string
	for _, c := range v.Cells {
		out = append(out, c.Name)
	}
	return out
}

// cellHeadroom ranks a cell for a new customer of region (higher is
// better) and says why: the fewer customers it has there, the better.
func cellHeadroom(f *Fleet, cell, region string) (int, string) {
	n := 0
	for _, c := range f.Customers {
		if c.Cell == cell && c.Region == region {
			n++
		}
	}
	return -n, fmt.Sprintf("the fewest customers in %s (%d)", region, n)
}
