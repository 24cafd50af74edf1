# letsleep: every target installs what it needs, idempotently.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO        ?= go
BIN       := $(CURDIR)/bin/letsleep
LABBIN    := $(CURDIR)/bin/letsleep-lab
BUILD     := $(CURDIR)/build
TFRC      := $(BUILD)/terraformrc
FUZZTIME  ?= 5s

# Offline terraform: the provider comes from the local mirror; plans use fake
# keys and the stacks' var.offline skips every AWS API call.
export TF_CLI_CONFIG_FILE := $(TFRC)
export TF_IN_AUTOMATION := 1
OFFLINE_ENV := TF_VAR_offline=true AWS_ACCESS_KEY_ID=offline-fake AWS_SECRET_ACCESS_KEY=offline-fake AWS_REGION=eu-west-1

.PHONY: all deps build lab-build lab-artifacts cross check test test-nonroot lab lab-diff bench pgo fuzz probes plans community-plans functions clean

all: build

deps:
	@scripts/install-deps.sh
	@scripts/terraformrc.sh $(TFRC)

$(TFRC): scripts/terraformrc.sh
	@scripts/terraformrc.sh $(TFRC)

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/letsleep

## lab-build: the Linux-only lab binary (letsleep-lab up|down|status)
lab-build:
	$(GO) build -trimpath -o $(LABBIN) ./cmd/letsleep-lab

## check: run letsleep on the bundled reference stack (the main job)
check: $(TFRC) build
	$(OFFLINE_ENV) $(BIN) check terraform/stacks/reference

# Heavy test tiers (internal/testtier): terraform always, the lab when root.
# Under CI=true a terraform or lab test whose tier is off fails, so CI
# without root is red, not quietly green.
comma := ,
TIERS := terraform$(if $(filter 0,$(shell id -u)),$(comma)lab)
# The terraform tier's terratest calls are linked only with this build tag
# (internal/terratf): terratest's terraform package runs `terraform -version`
# when it loads, so plain `go test ./...` leaves it out.
TAGS := terraform

## cross: the checker builds on macOS and Windows too (the lab is letsleep-lab, Linux only)
# Without the profile (-pgo=off): these builds only prove it compiles, and a
# profile-guided build of every dependency costs about a minute more each.
cross:
	GOOS=darwin GOARCH=arm64 $(GO) build -pgo=off -o /dev/null ./cmd/letsleep
	GOOS=windows GOARCH=amd64 $(GO) build -pgo=off -o /dev/null ./cmd/letsleep

# The Lambda Runtime Interface Emulator the lab runs the deployed bootstraps
# under, pinned (the Go module proxy serves it at a pseudo-version).
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
RIE         := $(BUILD)/lab/aws-lambda-rie
RIE_ENV     := LETSLEEP_PROBE_BIN=$(BUILD)/lab/probe LETSLEEP_RIE_BIN=$(RIE) LETSLEEP_FUNCTIONS_DIR=$(BUILD)/lab/functions
LAB_ON      := $(findstring lab,$(TIERS))

## test: every test, offline; the terraform tier always, the lab tier when root
# With the lab tier, the runtime-emulator tests (TestLabUnderRuntimeEmulator*) run on their own with the
# deployed bootstraps; the rest of the suites keep the in-process handlers.
test: deps build cross $(if $(LAB_ON),$(RIE) lab-artifacts)
	$(GO) vet -tags $(TAGS) ./...
	$(GO) vet ./internal/terratf/
	LETSLEEP_TIERS=$(TIERS) $(GO) test -tags $(TAGS) -count=1 -timeout 40m $(if $(LAB_ON),-skip '^TestLabUnderRuntimeEmulator') ./...
	$(if $(LAB_ON),LETSLEEP_TIERS=$(TIERS) $(RIE_ENV) $(GO) test -tags $(TAGS) -count=1 -timeout 10m -run '^TestLabUnderRuntimeEmulator' ./internal/lab/)
	@scripts/fuzz.sh short $(FUZZTIME)

## test-nonroot: plain go test ./... as an unprivileged user, no tiers: passes and starts nothing (run as root)
test-nonroot:
	@scripts/test-nonroot.sh

## lab: the lab backend of the boundary and sleep suites (root)
$(RIE):
	GOBIN=$(BUILD)/lab $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

## lab-artifacts: the probe and handler bootstraps as make probes / make functions build them (host arch)
lab-artifacts:
	CGO_ENABLED=0 $(GO) build -trimpath -tags lambda.norpc -o $(BUILD)/lab/probe ./probes/probe
	@for dir in functions/*/; do name=$$(basename $$dir); \
	  CGO_ENABLED=0 $(GO) build -trimpath -tags lambda.norpc -o $(BUILD)/lab/functions/$$name/bootstrap ./functions/$$name; done

lab: deps lab-build $(RIE) lab-artifacts
	LETSLEEP_TIERS=lab,terraform LETSLEEP_LAB_BIN=$(LABBIN) $(GO) test -count=1 -timeout 5m -v -run 'TestLabUp' ./internal/labcli/
	LETSLEEP_TIERS=lab,terraform $(RIE_ENV) \
	  $(GO) test -p 1 -count=1 -timeout 30m -v ./suites/boundary/... ./suites/sleep/... ./suites/mutation/... -args -ginkgo.label-filter=lab -ginkgo.v

## lab-diff: N random stacks (default 200) judged by the model and by packets in the lab (root); SEED=S replays a run
N ?= 200
lab-diff: deps lab-build
	$(LABBIN) diff --n $(N) $(if $(SEED),--seed $(SEED)) --terraformrc $(TFRC)

## bench: performance figures and target verdicts in build/bench/results.md (about 25 min; docs/performance.md)
bench: deps build
	@scripts/bench.sh

## pgo: regenerate cmd/letsleep/default.pgo, the profile go build optimises the binary with
pgo:
	@scripts/pgo.sh

## fuzz: the long fuzz run
fuzz:
	@scripts/fuzz.sh long $${FUZZTIME:-2m}

## probes: the probe Lambda for arm64 and amd64
probes:
	@for arch in arm64 amd64; do \
	  mkdir -p $(BUILD)/probes/$$arch; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build -trimpath -tags lambda.norpc -o $(BUILD)/probes/$$arch/bootstrap ./probes/probe; \
	  echo "built $(BUILD)/probes/$$arch/bootstrap"; \
	done

## plans: plan the reference stack and every wrong wiring offline into build/plans/
plans: deps
	@scripts/plan-fixtures.sh

## community-plans: re-plan terraform/community/* (community-module stacks) into their committed plan.json
community-plans: deps
	@scripts/community-plans.sh

## functions: build and zip the reference stack's handlers into build/functions/
functions:
	@scripts/functions.sh $(BUILD)/functions

clean:
	rm -rf bin build
