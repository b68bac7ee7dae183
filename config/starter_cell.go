package config

import (
	"cmp"
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
			return "", "", argError("cell", "not one of vendor.yaml's cells", given, "use one of "+strings.Join(v.CellNames(), ", "))
		case !slices.Contains(c.Regions, region):
			return "", "", argError("cell", fmt.Sprintf("the cell does not operate in %s", region), given,
				fmt.Sprintf("use one of %s, or add %s to the cell's regions", orX(strings.Join(serving, ", ")), region))
		}
		return given, "", nil
	}
	if len(serving) == 0 {
		return "", "", argError("region", "no cell operates in this region", region, "add the region to a cell's regions in vendor.yaml")
	}
	// The region's cells ranked by the room their quota plans leave there
	// (quota_plan.go); on a tie, the one with the fewest customers in the region.
	rooms := f.CellRooms(region)
	count := func(cell string) int {
		n := 0
		for _, c := range f.Customers {
			if c.Cell == cell && c.Region == region {
				n++
			}
		}
		return n
	}
	slices.SortStableFunc(rooms, func(a, b CellRoom) int {
		return cmp.Or(cmp.Compare(b.Free, a.Free), cmp.Compare(count(a.Cell), count(b.Cell)))
	})
	best := rooms[0]
	if best.Tight.Quota.Code == "" {
		return best.Cell, fmt.Sprintf("the most quota headroom in %s: nothing deployed there yet (%d customers)", region, count(best.Cell)), nil
	}
	t := best.Tight
	return best.Cell, fmt.Sprintf("the most quota headroom in %s: its tightest quota, %s (%s %s), has %d of %d left",
		region, t.Quota.Name, t.Quota.Service, t.Quota.Code, t.Headroom(), t.Limit), nil
}
