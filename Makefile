# privateconnect: run `make` for the list of targets.
#
# Every target reads the fleet from config/ unless PRIVATECONNECT_CONFIG=DIR
# names another directory (in the environment or on the make command line).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PRIVATECONNECT_CONFIG ?= config
# jsii prints a banner on every run under Node 20 (end of life) and under
# Node releases newer than it knows; both run this app. Use Node 22 or later.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export CDK_DISABLE_CLI_TELEMETRY := true

CDK := .tools/node_modules/.bin/cdk
CDK_FLAGS := --no-notices --no-version-reporting

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

.PHONY: deps
deps: $(CDK) ## Install Go modules and the pinned CDK CLI (.tools/package-lock.json)
	go mod download

# The CLI lives under .tools/ so that `go test ./...` never walks its node_modules.
$(CDK): .tools/package.json .tools/package-lock.json
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: synth
synth: deps ## Synthesize every stack of the fleet into cdk.out (CUSTOMER=name for one customer)
	@rm -rf cdk.out.next
	@# Synthesize aside and swap in only on success: a broken fleet leaves the previous cdk.out as it was.
	$(CDK) synth $(CDK_FLAGS) --quiet --output cdk.out.next $(if $(CUSTOMER),-c customer=$(CUSTOMER)) || { rm -rf cdk.out.next; exit 1; }
	@rm -rf cdk.out && mv cdk.out.next cdk.out
	@echo "synthesized $$(ls cdk.out/*.template.json | wc -l) stacks into cdk.out"

.PHONY: validate
validate: ## Check the fleet configuration and print every problem
	go run . validate

.PHONY: test
test: deps ## Run every test (with cdk-nag, cfn-lint, cfn-guard and the registrar's Python tests)
	go test ./...

# FuzzFleet synthesizes, and each of its workers runs a CDK (Node) runtime of
# its own: one worker suits a small machine (FUZZWORKERS=4 on a larger one).
FUZZTIME ?= 5m
FUZZWORKERS ?= 1
.PHONY: fuzz
fuzz: ## Fuzz the config loader and the whole pipeline (FUZZTIME=5m per target, CI: 30s); failures land in <package>/testdata/fuzz
	go test ./config -run '^$$' -fuzz '^FuzzLoadCustomer$$' -fuzztime $(FUZZTIME) -timeout 0
	go test ./config -run '^$$' -fuzz '^FuzzLoadVendor$$' -fuzztime $(FUZZTIME) -timeout 0
	go test ./internal/fleetfuzz -run '^$$' -fuzz '^FuzzFleet$$' -fuzztime $(FUZZTIME) -parallel $(FUZZWORKERS) -timeout 0

SIZES ?= 1,10,100,500
RUNS ?= 3
.PHONY: bench
bench: ## Measure synth time and memory for fleets of SIZES customers (medians of RUNS; writes bench/results.json)
	go run ./bench -sizes $(SIZES) -runs $(RUNS)

.PHONY: failover
failover: deps ## Simulate RDS and Aurora failovers through the registrar as the template ships it (a model; writes bench/failover.json)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  go run . handoff -config bench/failover/fleet -out "$$tmp" >/dev/null && \
	  python3 bench/failover/simulate.py --template "$$tmp/failover/failover-Producer.yaml" --out bench/failover.json

.PHONY: update-golden
update-golden: ## Rewrite stacks/testdata/*.golden and config/schema/*.json; review the diff
	go test ./stacks -run TestGolden -update
	go test ./config -run TestSchemasUpToDate -update

.PHONY: lint
lint: ## gofmt and go vet
	@# Skip dot directories: .tools/ holds the CLI's templates, which are not Go.
	@out=$$(find . -path './.*' -prune -o -name '*.go' -print | xargs gofmt -l); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

.PHONY: diff
diff: deps require-customer ## Show what deploying CUSTOMER=name would change
	$(CDK) diff $(CDK_FLAGS) -c customer=$(CUSTOMER) --all

.PHONY: deploy
deploy: deps require-customer ## Deploy the stacks of CUSTOMER=name (only that customer's stacks are built)
	$(CDK) deploy $(CDK_FLAGS) -c customer=$(CUSTOMER) --all

.PHONY: new-customer
new-customer: ## Start customers/NAME.yaml with the next free VPC CIDR (NAME=acme [REGION=eu-west-1])
	@[ -n "$(NAME)" ] || { echo "usage: make new-customer NAME=acme [REGION=eu-west-1] [ACCOUNT=...] [AZS=use1-az1,use1-az2] [SERVICE_NAME=...] [PORTS=5432] [TARGET=rds|ip|instance]"; exit 2; }
	go run . new-customer -name '$(NAME)' -region '$(REGION)' -account '$(ACCOUNT)' -azs '$(AZS)' -service-name '$(SERVICE_NAME)' -ports '$(PORTS)' -target '$(TARGET)'

# The commit the bundles' footers name (dirty: the tree has changes).
COMMIT = $(shell git describe --always --dirty --abbrev=12 2>/dev/null)

.PHONY: handoff
handoff: ## Write dist/<customer>/: the templates the customer deploys, their guides and README.md, the index (CUSTOMER=name, default all)
	go run -ldflags '-X main.commit=$(COMMIT)' . handoff -out dist $(if $(CUSTOMER),-customer '$(CUSTOMER)')

.PHONY: publish
publish: ## Upload CUSTOMER's templates to vendor.yaml's publish.buckets and write launch links into dist/<customer>/README.md (EXPIRES=168h)
	go run -ldflags '-X main.commit=$(COMMIT)' . publish -out dist $(if $(CUSTOMER),-customer '$(CUSTOMER)') $(if $(EXPIRES),-expires '$(EXPIRES)')

.PHONY: diagram
diagram: ## Write dist/<customer>-diagram.md: the customer's connections as a Mermaid diagram (CUSTOMER=name, default all)
	go run . diagram -out dist $(if $(CUSTOMER),-customer '$(CUSTOMER)')

.PHONY: cost
cost: ## Monthly list-price cost per customer and stack, with the per-GB rates (CUSTOMER=name to narrow)
	@go run . cost $(if $(CUSTOMER),-customer '$(CUSTOMER)')

.PHONY: schema
schema: ## Regenerate config/schema/*.json from the Go types
	go run . schema

.PHONY: e2e
e2e: deps ## Deploy the fleet to an AWS emulator (moto on 127.0.0.1) and check what it built (e2e/README.md)
	@# First: the emulator refuses what AWS refuses (e2e/moto_strict.py).
	python3 -m unittest discover -s e2e -p 'test_*.py'
	python3 e2e/run.py

.PHONY: ci
ci: lint test ## What CI runs (.ci/run): lint, test, 30 s per fuzz target, synth, e2e
	$(MAKE) fuzz FUZZTIME=30s
	$(MAKE) synth
	$(MAKE) e2e

.PHONY: clean
clean: ## Remove cdk.out and dist
	rm -rf cdk.out cdk.out.next dist

.PHONY: require-customer
require-customer:
	@[ -n "$(CUSTOMER)" ] || { echo "set CUSTOMER=<name>, e.g. make deploy CUSTOMER=acme"; exit 2; }
