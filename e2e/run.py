#!/usr/bin/env python3
"""`make e2e`: deploy privateconnect into an AWS emulator and check what it built.

Snapshot tests prove the templates did not change; this proves they deploy and
build what the fleet's YAML asks for. In order, every wait bounded:

 1. synth guard: `make synth` in a scratch view of the repo (symlinks, its own
    cdk.out): a valid fleet replaces cdk.out, a broken one leaves it as it was.
 2. `go run . handoff` writes every customer's template into a temp dir.
 3. moto_server starts through e2e/moto_launcher.py on 127.0.0.1, free port;
    it is stopped by its PID at the end whatever happens.
 4. fleet: `cdk bootstrap` and `cdk deploy --all` of every vendor stack with
    the pinned CDK CLI, in the vendor account; every handed-over template
    deployed in its customer's account and region with the `aws cloudformation
    deploy` command of its README, after creating the VPC, subnets, instances
    and databases it needs. Then checks through the EC2, ELBv2, Route 53,
    Lambda, CloudWatch, Logs and SSM APIs, with expected values read from the
    fleet's YAML, not from the templates. A service with a resourceConfigurationArn
    is made pending in the fleet's copy (that configuration exists only in the
    customer's real account, so AWS and the emulator refuse its endpoint); its
    customer's template in mode resourceGateway is deployed and checked (gateway,
    its security group, configurations, RAM shares inviting the vendor's account).
    Inbound PrivateLink: the vendor platform's existing NLB (vendor.yaml
    inboundPrivateLink.regions.<r>.nlbArn) is created in the emulator first and
    the fleet deployed from a copy naming the ARN moto gave; then each
    Vendor-Inbound-<region>'s ServiceName goes into that copy as serviceName,
    `go run . handoff` writes the inbound customers' folders again, and each
    deploys <customer>-Inbound.yaml with INBOUND.md's command; the endpoint,
    its security group and private zones are checked against the YAML.
    Day two: `privateconnect status -json` must list the fleet as the APIs
    report it; `accept` accepts an inbound customer's request and leaves a
    stranger's; after a connection is rejected and an alarm set to ALARM on
    purpose, status exits 1 and names both.
 5. story (after a reset): a customer deploys its template and sends back the
    ServiceName outputs; the vendor deploys that customer's stacks with them;
    each endpoint must point at its service; the registrar's inline code (read
    from the template) runs against the emulator with a stubbed DNS resolver
    and must register the database's addresses.
 6. gateway (after a reset): a customer in producer mode resourceGateway deploys
    its template with PRODUCER.md's command and sends back the ARNs its "Send"
    section prints; the vendor's stacks, deployed with the services pending, are
    updated with them: refused (InvalidParameter, "... is not shared with account
    ...") and rolled back while the RAM invitation waits; a stranger deploys the
    same template, sharing with the vendor too; `privateconnect accept -yes`
    accepts the customer's invitations and refuses the stranger's; the deploy then
    creates endpoints of type Resource to the shared configurations, named by a
    CNAME to each association's DNS name; the customer sees them, `status -json`
    reports them available; the customer removes its stack as its README says.
 7. failover (after a reset): a customer whose service finds an Aurora cluster
    deploys its template with that service following the writer; the writer
    fails over (FailoverDBCluster) and the deployed registrar, run with the
    RDS failover event, must take the old writer out of the target group and
    put the new one in, in that one run.
 8. migration (after a reset): a customer deploys its template with the first
    release's load balancers (loadBalancerSecurityGroup: false) and the vendor
    connects; the update of one service to a load balancer with a security group
    must fail while connected (ExistingVpcEndpointConnections) and roll back;
    then the documented migration: the vendor makes the service pending, the
    customer updates, the vendor connects again, the customer accepts.
 9. publish (after a reset): `go run . publish` uploads every customer's templates to
    the vendor's buckets (vendor.yaml publish.buckets) in the emulator's S3; each
    README.md's launch link must open the console's quick-create page with the stack
    name and the known parameter values, its templateURL must read the object under a
    content-addressed key, byte for byte; publishing again uploads nothing; a customer
    creates a stack from one link's templateURL and parameters.
10. cells (after a reset): the fleet of examples/cells, one vendor account per cell
    (cells.py). The main account bootstraps; a cell account bootstrapped without
    --trust refuses the main account's deploy (AccessDenied on its deploy role: the
    emulator checks the trust of the CDK bootstrap roles); bootstrapped as README
    "Account cells" says (--trust <main>), `cdk deploy --all` with the main account's
    credentials puts each customer's stacks in its cell's account only, each cell's
    Vendor-Inbound-<region> on its own platform NLB, alarms to the cell's topic;
    `status -cell` per cell; the handoff allow-lists each customer's cell.
11. prints every resource type moto still skipped, the failed checks and timings.

Usage: python3 e2e/run.py [--config DIR] [--keep] [--only SCENARIO ...]     exit 0 only if all passed
Needs: Python 3.11+ with boto3, moto[server] 5.2, PyYAML and the AWS CLI; Go;
the pinned CDK CLI (`make deps`). Sends traffic to 127.0.0.1/localhost only.
"""
import argparse
import importlib.util
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

try:
    import yaml  # noqa: F401
    import boto3  # noqa: F401  (every module below needs it)
except ImportError as err:  # pragma: no cover
    sys.exit(f"e2e: {err}: run make e2e (make deps sets up .tools/requirements.txt), or python3 -m pip install -r .tools/requirements.txt")

from fleet import Fleet, edit_services, output_id, producer_region, producer_services
from gateway import nlb_services, pend_shared_services
from gateway_story import gateway_story
from harness import Aws, CDK, Checks, Emulator, Failure, Interrupted, REPO, T0, base_environment, cdk, report_skips, say, step
from connections import accept, endpoint_state, remove_producer
from day_two import day_two
from failover import failover_story
from inbound import add_private_dns_customer, inbound_story, platform_fleet
from migration import migration_story
from cells import cells_story
from offline import handoff, synth_guard
from producer import Producer, check_producer, deploy_producer, prepare_customer, run_registrars
from publish import publish_story
from vendor_stacks import bootstrap, check_vendor_stacks, create_psk_secrets


SCENARIOS = ("fleet", "story", "gateway", "failover", "migration", "publish", "cells")


def fleet_scenario(ck, em, aws, fleet, fleet_dir, bundles, workdir, aws_cli):
    say("fleet: every vendor stack, every handed-over template")
    em.reset()
    aws.forget()
    regions = {c["region"] for c in fleet.customers.values()}
    bootstrap(ck, aws, fleet.account, regions, workdir)
    # The platform's NLBs exist before the vendor stacks; the copy of the fleet names them.
    fleet_dir = platform_fleet(aws, fleet_dir, workdir, "fleet")
    add_private_dns_customer(fleet_dir)
    pend_shared_services(fleet_dir)  # the gateway scenario connects them, after the customer shares
    fleet = Fleet(fleet_dir)
    psks = create_psk_secrets(aws, fleet, fleet.customers)
    assembly = workdir / "cdk.out.fleet"
    env = dict(aws.env(fleet.account, sorted(regions)[0]), PRIVATECONNECT_CONFIG=str(fleet_dir))
    cdk(["deploy", "--all", "--require-approval", "never", "-c", f"config={fleet_dir}", "--output", str(assembly)], env,
        "cdk deploy --all (vendor stacks)", workdir / "cdk.log")
    report_skips(ck, em.skipped(), "cdk deploy --all", ours=True)
    check_vendor_stacks(ck, aws, fleet, assembly, psks)
    inbound_story(ck, em, aws, fleet_dir, workdir, aws_cli)
    for i, (name, bundle) in enumerate(sorted(bundles.items())):
        p = Producer(fleet.customers[name], bundle)
        topics = i % 2 == 1  # half of them with the optional SNS topics, half without
        prepare_customer(aws, p, topics)
        deploy_producer(ck, aws, p, workdir, aws_cli)
        report_skips(ck, em.skipped(), f"{name}-Producer", ours=True)
        with ck.section(f"{name}-Producer ({p.account}/{p.region}{', with topics' if topics else ''})"):
            check_producer(ck, aws, fleet, p)
        if any(s["producer"]["target"] == "rds" for s in nlb_services(p.c)):
            with ck.section(f"{name}-Producer registrar"):
                run_registrars(ck, aws, p, workdir)
    day_two(ck, aws, fleet, fleet_dir, workdir)


def story_scenario(ck, em, aws, fleet, fleet_dir, bundles, workdir, aws_cli):
    """The customer deploys, sends the ServiceNames; the vendor deploys with them."""
    candidates = [n for n in sorted(bundles) if producer_region(fleet.customers[n]) == fleet.customers[n]["region"]]
    name = (candidates or sorted(bundles))[0]
    say(f"story: {name} deploys its template, the vendor connects to what it sends back")
    em.reset()
    aws.forget()
    c = fleet.customers[name]
    p = Producer(c, bundles[name])
    prepare_customer(aws, p, with_topics=False)
    deploy_producer(ck, aws, p, workdir, aws_cli, check_template=False)
    report_skips(ck, em.skipped(), f"{name}-Producer", ours=True)
    names = {s["name"]: p.outputs[f"{output_id(s['name'])}ServiceName"] for s in producer_services(c)}
    say(f"  {name} sends back: {', '.join(f'{k}={v}' for k, v in names.items())}")
    # The vendor edits the customer's file: serviceName of every handed-over service.
    fleet2 = platform_fleet(aws, fleet_dir, workdir, "story-fleet")  # in case the customer has inbound too
    def named(s):
        if s["name"] in names:
            s["serviceName"] = names[s["name"]]
    edit_services(fleet2, name, named)
    story = Fleet(fleet2)
    bootstrap(ck, aws, story.account, {c["region"]}, workdir)
    psks = create_psk_secrets(aws, story, [name])
    assembly = workdir / "cdk.out.story"
    env = aws.env(story.account, c["region"])
    cdk(["deploy", "--all", "--require-approval", "never", "-c", f"config={fleet2}", "-c", f"customer={name}",
         "--output", str(assembly)], env, f"cdk deploy -c customer={name} (with the ServiceNames)", workdir / "cdk.log")
    report_skips(ck, em.skipped(), f"story cdk deploy {name}", ours=True)
    endpoints = check_vendor_stacks(ck, aws, story, assembly, psks, only={name})
    with ck.section(f"story {name}: endpoints -> the customer's services"):
        ec2c = aws.client("ec2", p.account, p.region)
        for sname, service_name in names.items():
            ep = (endpoints.get(name) or {}).get(sname)
            if not ck.true(f"{sname}: the vendor has an endpoint", ep):
                continue
            ck.eq(f"{sname}: endpoint points at the customer's service", ep["ServiceName"], service_name)
            svc_id = service_name.rsplit(".", 1)[1]
            allowed = [x["Principal"] for x in ec2c.describe_vpc_endpoint_service_permissions(ServiceId=svc_id)["AllowedPrincipals"]]
            owner = ep["OwnerId"]
            ck.eq(f"{sname}: the endpoint is the vendor's", owner, story.account)
            ck.true(f"{sname}: the service allows the endpoint's account",
                    any(a.split(":")[4] == owner for a in allowed), f"allowed {allowed}, endpoint owner {owner}")
    vendor_endpoints = []
    with ck.section(f"story {name}: the customer accepts the vendor's requests"):
        for sname, service_name in names.items():
            ep = (endpoints.get(name) or {}).get(sname)
            if ep and accept(ck, aws, p.account, p.region, service_name.rsplit(".", 1)[1], story.account) == ep["VpcEndpointId"]:
                ck.eq(f"{sname}: the vendor's endpoint is available", endpoint_state(aws, story.account, c["region"], ep["VpcEndpointId"]), "available")
                vendor_endpoints.append((story.account, c["region"], ep["VpcEndpointId"]))
    with ck.section(f"story {name}: registrar"):
        run_registrars(ck, aws, p, workdir)
    with ck.section(f"story {name}: the customer removes its stack as the README says"):
        remove_producer(ck, aws, p, workdir, aws_cli, vendor_endpoints)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=os.environ.get("PRIVATECONNECT_CONFIG") or "config",
                        help="fleet directory (default: $PRIVATECONNECT_CONFIG or config)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, templates, assemblies)")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, metavar="SCENARIO",
                        help=f"run only these scenarios ({', '.join(SCENARIOS)}); synth guard and handoff run with fleet or story")
    args = parser.parse_args()
    only = set(args.only or SCENARIOS)
    fleet_dir = str((REPO / args.config).resolve())
    aws_cli = [shutil.which("aws")] if shutil.which("aws") else [sys.executable, "-m", "awscli"]
    for missing, hint in ((not CDK.exists(), f"{CDK} is missing: run make deps"),
                          (not shutil.which("go"), "go is not on PATH"), (not shutil.which("make"), "make is not on PATH"),
                          (not shutil.which("aws") and not importlib.util.find_spec("awscli"), "the AWS CLI is missing: pip install awscli"),
                          (not importlib.util.find_spec("flask"), "moto_server needs its extras: pip install 'moto[server]'")):
        if missing:
            sys.exit(f"e2e: {hint}")

    def interrupted(signum, frame):
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # let the cleanup finish
        raise Interrupted(signal.Signals(signum).name)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, interrupted)

    workdir = Path(tempfile.mkdtemp(prefix="privateconnect-e2e-"))
    ck, em, timings = Checks(), None, []
    # This process's boto3 too: no proxy for the emulator, no profile, no instance metadata.
    os.environ.update({k: v for k, v in base_environment(workdir).items()
                       if k.startswith("AWS_") or k.lower() == "no_proxy"})
    for k in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(k, None)
    try:
        env = base_environment(workdir)
        fleet = Fleet(fleet_dir)
        say(f"e2e of the fleet in {fleet_dir}; work directory {workdir}")
        if only & {"fleet", "story"}:
            with step("synth guard", timings):
                synth_guard(ck, fleet_dir, workdir, env)
            with step("handoff", timings):
                bundles = handoff(fleet_dir, workdir / "handoff", env, workdir / "handoff.log")
        em = Emulator(workdir)
        aws = Aws(em, env)
        with step("emulator", timings):
            em.start()
        scenarios = {
            "fleet": lambda: fleet_scenario(ck, em, aws, fleet, fleet_dir, bundles, workdir, aws_cli),
            "story": lambda: story_scenario(ck, em, aws, fleet, fleet_dir, bundles, workdir, aws_cli),
            "gateway": lambda: gateway_story(ck, em, aws, fleet_dir, workdir, env, aws_cli),
            "failover": lambda: failover_story(ck, em, aws, fleet_dir, workdir, env, aws_cli),
            "migration": lambda: migration_story(ck, em, aws, fleet_dir, workdir, env, aws_cli),
            "publish": lambda: publish_story(ck, em, aws, fleet_dir, workdir, env),
            "cells": lambda: cells_story(ck, em, aws, workdir, env),
        }
        for name in SCENARIOS:
            if name in only:
                with step(name, timings):
                    scenarios[name]()
    except Failure as err:
        ck.failed.append(f"stopped: {err}")
        print(f"\nFAILED: {err}", flush=True)
    except Interrupted as sig:
        ck.failed.append(f"interrupted by {sig}")
        print(f"\ninterrupted by {sig}", flush=True)
    finally:
        if em:
            em.stop()
    print("\n== summary")
    for title, seconds in timings:
        print(f"  {title:<12} {seconds:6.1f}s")
    print(f"  {'total':<12} {time.monotonic() - T0:6.1f}s")
    if ck.skipped:
        print("  left out of our templates by moto's CloudFormation: NOT created, NOT checked by this run:")
        for what, n in sorted(ck.skipped.items()):
            print(f"    {what} x{n}")
    else:
        print("  moto's CloudFormation left out nothing of our templates (every resource type created, every Fn::GetAtt resolved)")
    for n in ck.notes:
        print(f"  note: {n}")
    print(f"  {ck.passed} checks passed, {len(ck.failed)} failed")
    for f in ck.failed:
        print(f"    FAILED {f}")
    if args.keep or ck.failed:
        print(f"  logs, templates and assemblies kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if ck.failed else 0)


if __name__ == "__main__":
    main()
