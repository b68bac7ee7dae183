# privateconnect: run `make` for the list of targets.
#
# Every target reads the fleet from config/ unless PRIVATECONNECT_CONFIG=DIR
# names another directory (in the environment or on the make command line).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PRIVATECONNECT_CONFIG ?= config
export CDK_DISABLE_CLI_TELEMETRY := true

# The tools every target runs, first on PATH once make deps has put them
# there: Node.js 22 where the machine's node is older than the jsii runtime
# supports (.tools/node), and the pinned Python tools where the machine's
# Python lacks them (.tools/venv). Tests and e2e find them the same way.
export PATH := $(CURDIR)/.tools/node/node_modules/.bin:$(CURDIR)/.tools/venv/bin:$(PATH)

CDK := .tools/node_modules/.bin/cdk
CDK_FLAGS := --no-notices --no-version-reporting

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

.PHONY: deps
deps: $(CDK) .tools/python.ok ## Install Go modules, the pinned CDK CLI, and Node.js 22 and the Python tools where the machine lacks them
	@.tools/node-deps.sh
	@go mod download

# The CLI lives under .tools/ so that `go test ./...` never walks its node_modules.
$(CDK): .tools/package.json .tools/package-lock.json
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error
	@touch $@

# The machine's Python, or .tools/venv, with .tools/requirements.txt.
.tools/python.ok: .tools/requirements.txt .tools/pycheck.py .tools/python-deps.sh
	@.tools/python-deps.sh

.PHONY: synth
synth: deps ## Synthesize every stack of the fleet into cdk.out (CUSTOMER=name for one customer, CELL=name for one cell; PIPELINE=true for the pipeline's layout)
	@rm -rf cdk.out.next
	@# Synthesize aside and swap in only on success: a broken fleet leaves the
	@# previous cdk.out as it was. The CLI's lines about that scratch directory
	@# ("Successfully synthesized to", "Supply a stack id") are dropped; they go
	@# to stdout in CI mode, to stderr otherwise.
	@$(CDK) synth $(CDK_FLAGS) --quiet --output cdk.out.next $(if $(CUSTOMER),-c customer=$(CUSTOMER)) $(if $(CELL),-c cell=$(CELL)) $(if $(PIPELINE),-c pipeline=$(PIPELINE)) 2>&1 | \
	  sed -e '/Successfully synthesized to /d' -e '/Supply a stack id /d' >&2 || { rm -rf cdk.out.next; exit 1; }
	@rm -rf cdk.out && mv cdk.out.next cdk.out
	@# The pipeline's stages are nested assemblies (cdk.out/assembly-<stage>/).
	@echo "synthesized $$(find cdk.out -name '*.template.json' | wc -l) stacks into cdk.out"

.PHONY: validate
validate: ## Check the fleet configuration and print every problem
	@go run . validate

.PHONY: quotas
quotas: ## The quota plan: what the fleet needs of each AWS quota per account, region and AZ, and what to request (LIVE=1 compares with Service Quotas; JSON=1; exit 1 when something must be raised)
	@go run . quotas $(if $(LIVE),-live) $(if $(JSON),-json)

.PHONY: test
test: deps ## Run every test (with cdk-nag, cfn-lint, cfn-guard and the registrar's and the probe's Python tests)
	go test ./...

# FuzzFleet synthesizes, and each of its workers runs a CDK (Node) runtime of
# its own: one worker suits a small machine (FUZZWORKERS=4 on a larger one).
FUZZTIME ?= 5m
FUZZWORKERS ?= 1
.PHONY: fuzz
fuzz: deps ## Fuzz the config loader and the whole pipeline (FUZZTIME=5m per target, CI: 30s); failures land in <package>/testdata/fuzz
	go test ./config -run '^$$' -fuzz '^FuzzLoadCustomer$$' -fuzztime $(FUZZTIME) -timeout 0
	go test ./config -run '^$$' -fuzz '^FuzzLoadVendor$$' -fuzztime $(FUZZTIME) -timeout 0
	go test ./internal/fleetfuzz -run '^$$' -fuzz '^FuzzFleet$$' -fuzztime $(FUZZTIME) -parallel $(FUZZWORKERS) -timeout 0

SIZES ?= 1,10,100,500
RUNS ?= 3
.PHONY: bench
bench: deps ## Measure synth time and memory for fleets of SIZES customers (medians of RUNS; writes bench/results.json)
	go run ./bench -sizes $(SIZES) -runs $(RUNS)

STATUS_SIZES ?= 100
STATUS_RUNS ?= 5
.PHONY: bench-status
bench-status: deps ## Time privateconnect status against the emulator for the example fleet and for STATUS_SIZES customers (medians of STATUS_RUNS; writes bench/status.json)
	go run ./bench -status $(PRIVATECONNECT_CONFIG) -sizes $(STATUS_SIZES) -runs $(STATUS_RUNS) -out bench/status.json

.PHONY: failover
failover: deps ## Simulate RDS and Aurora failovers through the registrar as the template ships it (a model; writes bench/failover.json)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  go run . handoff -config bench/failover/fleet -out "$$tmp" >/dev/null && \
	  python3 bench/failover/simulate.py --template "$$tmp/failover/failover-Producer.yaml" --out bench/failover.json

.PHONY: update-golden
update-golden: deps ## Rewrite stacks/testdata/*.golden and config/schema/ (JSON Schemas, REFERENCE.md); review the diff
	go test ./stacks -run TestGolden -update
	go test ./config -run TestSchemasUpToDate -update

.PHONY: lint
lint: tidy-check ## gofmt, go vet and tidy-check
	@# Skip dot directories: .tools/ holds the CLI's templates, which are not Go.
	@out=$$(find . -path './.*' -prune -o -name '*.go' -print | xargs gofmt -l); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

.PHONY: tidy-check
tidy-check: ## Fail when go mod tidy would change go.mod or go.sum (prints the diff)
	@go mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy and commit the result"; exit 1; }

.PHONY: diff
diff: deps require-customer ## Show what deploying CUSTOMER=name would change
	@# cdk diff compares every stack the app builds: it has no --all.
	$(CDK) diff $(CDK_FLAGS) -c customer=$(CUSTOMER)

.PHONY: deploy
deploy: deps require-customer ## Deploy the stacks of CUSTOMER=name (only that customer's stacks are built)
	$(CDK) deploy $(CDK_FLAGS) -c customer=$(CUSTOMER) --all

.PHONY: new-customer
new-customer: ## Start customers/NAME.yaml: the sections MODES= names (privatelink, vpn, inbound), next free VPC blocks, TODOs for the rest
	@[ -n "$(NAME)" ] || { echo "usage: make new-customer NAME=acme [REGION=eu-west-1] [MODES=privatelink,vpn,inbound] [CELL=...] [ACCOUNT=...] [NETWORKS=10.0.0.0/16,...] [AZS=use1-az1,use1-az2]"; \
	  echo "  privatelink: [SERVICE_NAME=...] [PORTS=5432] [TARGET=rds|ip|instance] [PRODUCER_MODE=nlb|resourceGateway] [RDS_BY=hostname|dbInstance|dbCluster] [RDS_ROLE=writer|reader]"; \
	  echo "  vpn:         [GATEWAY_IP=...] [ROUTING=bgp|static] [ASN=65010] [REMOTE_NETWORKS=10.40.0.0/16,...] [VPN_PORTS=443,5432]"; exit 2; }
	@go run . new-customer -name '$(NAME)' -region '$(REGION)' -modes '$(MODES)' -cell '$(CELL)' -account '$(ACCOUNT)' -networks '$(NETWORKS)' -azs '$(AZS)' \
	  -service-name '$(SERVICE_NAME)' -ports '$(PORTS)' -target '$(TARGET)' -producer-mode '$(PRODUCER_MODE)' -rds-by '$(RDS_BY)' -rds-role '$(RDS_ROLE)' \
	  -gateway-ip '$(GATEWAY_IP)' -routing '$(ROUTING)' -asn '$(ASN)' -remote-networks '$(REMOTE_NETWORKS)' -vpn-ports '$(VPN_PORTS)'

# The commit the bundles' footers name (dirty: the tree has changes).
COMMIT = $(shell git describe --always --dirty --abbrev=12 2>/dev/null)

.PHONY: handoff
handoff: deps ## Write dist/<customer>/: the templates the customer deploys, their guides and README.md, the index (CUSTOMER=name, default all)
	@go run -ldflags '-X main.commit=$(COMMIT)' . handoff -out dist $(if $(CUSTOMER),-customer '$(CUSTOMER)')

.PHONY: publish
publish: deps ## Upload CUSTOMER's templates to vendor.yaml's publish.buckets and write launch links into dist/<customer>/README.md (EXPIRES=168h)
	@go run -ldflags '-X main.commit=$(COMMIT)' . publish -out dist $(if $(CUSTOMER),-customer '$(CUSTOMER)') $(if $(EXPIRES),-expires '$(EXPIRES)')

.PHONY: diagram
diagram: deps ## Write dist/<customer>-diagram.md: the customer's connections as a Mermaid diagram (CUSTOMER=name, default all)
	@go run . diagram -out dist $(if $(CUSTOMER),-customer '$(CUSTOMER)')

.PHONY: cost
cost: deps ## Monthly list-price cost per customer and stack, with the per-GB rates (CUSTOMER=name to narrow)
	@go run . cost $(if $(CUSTOMER),-customer '$(CUSTOMER)')

# Day two: they read (and accept writes) the vendor's AWS account with the
# standard credential chain (AWS_PROFILE, SSO, environment, instance role).
.PHONY: status
status: ## What each customer's connections look like in AWS now (CUSTOMER=name, CELL=name; exit 0 healthy, 1 unhealthy, 2 unread)
	@go run . status $(if $(CUSTOMER),-customer '$(CUSTOMER)') $(if $(CELL),-cell '$(CELL)')

.PHONY: accept
accept: ## Accept the inbound customers' connection requests and the resource-gateway customers' RAM share invitations, and only theirs (REGION=r, CELL=name; asks first)
	@go run . accept $(if $(REGION),-region '$(REGION)') $(if $(CELL),-cell '$(CELL)')

.PHONY: schema
schema: ## Regenerate config/schema/ (JSON Schemas and REFERENCE.md) from the Go types
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
