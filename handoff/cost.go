package handoff

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
)

//go:embed prices.json
var pricesJSON []byte

// Prices are list prices per region, from prices.json.
type Prices struct {
	Source        string                  `json:"source"`
	Date          string                  `json:"date"`
	HoursPerMonth float64                 `json:"hoursPerMonth"`
	Regions       map[string]RegionPrices `json:"regions"`
}

// RegionPrices are one region's list prices, in USD.
type RegionPrices struct {
	NlbHour                  float64 `json:"nlbHour"`
	NlcuHour                 float64 `json:"nlcuHour"`
	AlarmMonth               float64 `json:"alarmMonth"`
	LambdaRequestsPerMillion float64 `json:"lambdaRequestsPerMillion"`
	LambdaArmGbSecond        float64 `json:"lambdaArmGbSecond"`
	LogsIngestGb             float64 `json:"logsIngestGb"`
	LogsStoreGbMonth         float64 `json:"logsStoreGbMonth"`
}

// LoadPrices reads the embedded price table.
func LoadPrices() (Prices, error) {
	var p Prices
	if err := json.Unmarshal(pricesJSON, &p); err != nil {
		return p, fmt.Errorf("handoff/prices.json: %v", err)
	}
	return p, nil
}

// Assumptions behind the registrar's estimate, stated in the README.
const (
	registrarSecondsPerRun = 1.0
	registrarMemoryGb      = 0.125
	registrarLogKbPerRun   = 1.0
)

// Estimate is the monthly cost at rest of what a template creates.
type Estimate struct {
	Region   string
	Priced   bool // false when the region is not in the price table
	Lines    []CostLine
	Total    float64
	NlcuHour float64
	Prices   Prices
}

// CostLine is one item of an estimate.
type CostLine struct {
	What    string
	Monthly float64
}

var rateRe = regexp.MustCompile(`^rate\((\d+) minutes?\)$`)

// EstimateTemplate prices, at list price in region, the resources the
// template creates, counted from the template itself.
func EstimateTemplate(t Template, region string, prices Prices) Estimate {
	e := Estimate{Region: region, Prices: prices}
	rp, ok := prices.Regions[region]
	if !ok {
		return e
	}
	e.Priced, e.NlcuHour = true, rp.NlcuHour
	h := prices.HoursPerMonth
	var nlbs, alarms int
	var runs float64
	for _, r := range t.Resources {
		m, _ := r.(map[string]any)
		props, _ := m["Properties"].(map[string]any)
		switch m["Type"] {
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			nlbs++
		case "AWS::CloudWatch::Alarm":
			alarms++
		case "AWS::Events::Rule":
			expr, _ := props["ScheduleExpression"].(string)
			if mm := rateRe.FindStringSubmatch(expr); mm != nil {
				minutes, _ := strconv.Atoi(mm[1])
				runs += h * 60 / float64(minutes)
			}
		}
	}
	add := func(what string, monthly float64) {
		if monthly > 0 {
			e.Lines = append(e.Lines, CostLine{what, monthly})
			e.Total += monthly
		}
	}
	add(fmt.Sprintf("%d Network Load Balancer(s), %.0f hours at $%.4f", nlbs, h, rp.NlbHour), float64(nlbs)*h*rp.NlbHour)
	add(fmt.Sprintf("%d CloudWatch alarm(s) at $%.2f", alarms, rp.AlarmMonth), float64(alarms)*rp.AlarmMonth)
	if runs > 0 {
		add(fmt.Sprintf("registrar: %.0f Lambda runs (requests)", runs), runs/1e6*rp.LambdaRequestsPerMillion)
		add(fmt.Sprintf("registrar: compute, %.0f s at %.0f MB per run (Arm)", registrarSecondsPerRun, registrarMemoryGb*1024), runs*registrarSecondsPerRun*registrarMemoryGb*rp.LambdaArmGbSecond)
		gb := runs * registrarLogKbPerRun / 1024 / 1024
		add(fmt.Sprintf("registrar: %.2f GB of logs ingested (about %.0f KB per run)", gb, registrarLogKbPerRun), gb*rp.LogsIngestGb)
	}
	return e
}
