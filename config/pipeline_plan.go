package config

import (
	"fmt"
	"slices"
)

// The rollout plan of the pipeline section, decided here from the
// configuration alone so that validation can hold it to CodePipeline's
// limits and package stacks builds exactly it:
//
//  1. a canary wave (or several, maxParallel stages each): the canary
//     customers, with the shared stacks they need;
//  2. a manual approval, before the first wave after the canaries;
//  3. the other customers, cell by cell in file order and within a cell
//     region by region in the order of its regions, maxParallel stages per
//     wave.
//
// A stage is a customer (its PrivateLink and VPN stacks) or a shared stage
// of a cell's region: its Vendor-Inbound stack, or its Vendor-Dashboard
// stacks. A shared stage joins the first wave that has a customer needing
// it (an inbound customer; a customer with a dashboard row), in the list
// before that customer, so it deploys in the same wave or an earlier one.

// Kinds of pipeline stage.
const (
	StageCustomer   = "customer"
	StageInbound    = "inbound"
	StageDashboards = "dashboards"
)

// PipelineStage is one CDK stage of the pipeline: what one wave deploys for
// one customer, or a shared stage of a cell's region.
type PipelineStage struct {
	// Name is the stage's construct ID, which prefixes its actions' names:
	// the customer's name, or Inbound-<region> / Dashboards-<region>
	// (Inbound-<cell>-<region> with cells). Customer names are lowercase,
	// so they never clash with a shared stage's.
	Name     string
	Kind     string
	Customer *Customer // for StageCustomer
	Cell     string    // "" in a fleet without cells
	Region   string
	Stacks   []string // the stack names it deploys
}

// PipelineWave is one CodePipeline stage: stages deployed side by side.
type PipelineWave struct {
	Name   string // the CodePipeline stage name: Canary, <region> or <cell>-<region>, -part<n> when split
	Canary bool
	// Pre are the steps before the wave's deploys: the tests before the
	// first canary wave, the manual approval before the first other wave.
	Pre    []string
	Stages []PipelineStage
}

// Steps that run before a wave.
const (
	PreTest     = "Test"
	PreApproval = "Approve"
)

// PipelinePlan is the whole rollout.
type PipelinePlan struct {
	// FixedStages are the CodePipeline stages before the waves: Source,
	// Build (synth) and UpdatePipeline (self-mutation).
	FixedStages int
	Waves       []PipelineWave
}

// pipelineFixedActions are the source, synth and self-mutation actions.
const pipelineFixedActions = 3

// Stacks is the number of stacks the wave deploys.
func (w PipelineWave) Stacks() int {
	n := 0
	for _, s := range w.Stages {
		n += len(s.Stacks)
	}
	return n
}

// Actions is the number of CodePipeline actions of the wave: per stack a
// change set is created then executed (one deploy action without change
// sets), and one action per step before it.
func (w PipelineWave) Actions(changeSets bool) int {
	per := 1
	if changeSets {
		per = 2
	}
	return w.Stacks()*per + len(w.Pre)
}

// StackCount is the number of stacks the pipeline deploys.
func (p PipelinePlan) StackCount() int {
	n := 0
	for _, w := range p.Waves {
		n += w.Stacks()
	}
	return n
}

// Actions is the number of CodePipeline actions of the pipeline.
func (p PipelinePlan) Actions(changeSets bool) int {
	n := pipelineFixedActions
	for _, w := range p.Waves {
		n += w.Actions(changeSets)
	}
	return n
}

// PipelinePlan lays the fleet out in waves; f must be valid, with a
// pipeline section.
func (f *Fleet) PipelinePlan() PipelinePlan {
	p := f.Vendor.Pipeline
	limit := *p.MaxParallel
	placed := map[string]bool{}
	// stagesOf lists what deploying c needs that no earlier wave holds:
	// its cell's region's shared stages, then its own.
	stagesOf := func(c *Customer) []PipelineStage {
		var out []PipelineStage
		cell := pipelineCell(f.Vendor, c)
		for _, s := range f.sharedStages(cell, c) {
			if !placed[s.Name] {
				placed[s.Name] = true
				out = append(out, s)
			}
		}
		if stacks := customerStacks(c); len(stacks) > 0 {
			out = append(out, PipelineStage{Name: c.Name, Kind: StageCustomer, Customer: c, Cell: cell, Region: c.Region, Stacks: stacks})
		}
		return out
	}
	var plan PipelinePlan
	plan.FixedStages = 3
	// waves chunks a group's stages into waves of at most limit stages.
	waves := func(name string, canary bool, stages []PipelineStage) []PipelineWave {
		var out []PipelineWave
		for chunk := range slices.Chunk(stages, limit) {
			out = append(out, PipelineWave{Name: name, Canary: canary, Stages: chunk})
		}
		if len(out) > 1 {
			for i := range out {
				out[i].Name = fmt.Sprintf("%s-part%d", name, i+1)
			}
		}
		return out
	}

	var canary []PipelineStage
	for _, c := range f.Customers {
		if slices.Contains(p.Canaries, c.Name) {
			canary = append(canary, stagesOf(c)...)
		}
	}
	plan.Waves = waves("Canary", true, canary)
	for _, g := range f.pipelineGroups() {
		var stages []PipelineStage
		for _, c := range g.customers {
			if !slices.Contains(p.Canaries, c.Name) {
				stages = append(stages, stagesOf(c)...)
			}
		}
		plan.Waves = append(plan.Waves, waves(g.name, false, stages)...)
	}
	if len(plan.Waves) > 0 {
		plan.Waves[0].Pre = append(plan.Waves[0].Pre, PreTest)
	}
	for i := range plan.Waves {
		if !plan.Waves[i].Canary {
			plan.Waves[i].Pre = append(plan.Waves[i].Pre, PreApproval)
			break
		}
	}
	return plan
}

// customerStacks are the names of the stacks the vendor deploys for c.
func customerStacks(c *Customer) []string {
	var out []string
	if c.PrivateLink != nil {
		out = append(out, c.Name+"-PrivateLink")
	}
	if c.Vpn != nil {
		out = append(out, c.Name+"-Vpn")
	}
	return out
}

// sharedStages are the shared stages of c's cell and region that c needs.
func (f *Fleet) sharedStages(cell string, c *Customer) []PipelineStage {
	suffix := c.Region
	if cell != "" {
		suffix = cell + "-" + c.Region
	}
	var out []PipelineStage
	if c.InboundPrivateLink != nil {
		out = append(out, PipelineStage{Name: "Inbound-" + suffix, Kind: StageInbound, Cell: cell, Region: c.Region,
			Stacks: []string{"Vendor-Inbound-" + c.Region}})
	}
	if HasDashboardRow(c) {
		var names []string
		for _, s := range f.CellOf(c).DashboardStacks(c.Region) {
			names = append(names, s.Name)
		}
		out = append(out, PipelineStage{Name: "Dashboards-" + suffix, Kind: StageDashboards, Cell: cell, Region: c.Region, Stacks: names})
	}
	return out
}

type pipelineGroup struct {
	name      string
	customers []*Customer
}

// pipelineGroups are the fleet's customers by cell and region: cells in
// vendor.yaml's order, and within a cell its regions in the order it lists
// them. One cell's account is done before the next is touched.
func (f *Fleet) pipelineGroups() []pipelineGroup {
	var out []pipelineGroup
	for _, cell := range f.Cells() {
		for _, region := range cell.Vendor.Regions {
			g := pipelineGroup{name: region}
			if cell.Vendor.CellName != "" {
				g.name = cell.Vendor.CellName + "-" + region
			}
			for _, c := range cell.Customers {
				if c.Region == region {
					g.customers = append(g.customers, c)
				}
			}
			if len(g.customers) > 0 {
				out = append(out, g)
			}
		}
	}
	return out
}

// pipelineCell is the cell c deploys to, "" in a fleet without cells.
func pipelineCell(v *Vendor, c *Customer) string { return v.ForCustomer(c).CellName }
