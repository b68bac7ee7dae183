"""The cells story: a fleet split across vendor accounts (examples/cells), deployed the way
README "Account cells" says, and checked per cell against its YAML.

 1. The main account bootstraps its own regions (the main account is a cell's too, here).
    Each other cell's account is first bootstrapped plainly, with its own credentials,
    as one would before reading the README: a deploy of its stacks with the main
    account's credentials must stop with AWS's AccessDenied on the cell's deploy role
    (the emulator checks the bootstrap roles' trust, moto_strict.py) and create nothing.
 2. The cell's account is bootstrapped again as the README says (--trust <main>
    --cloudformation-execution-policies AdministratorAccess, the cell's credentials).
    Each cell's platform NLB is created in its own account and region.
 3. `cdk deploy --all` of the assembly with the main account's credentials only.
 4. Checks, expected values from the YAML: every stack of a cell with the vendor stack
    checks of the one-account fleet, in the cell's view (its account, principal, alarm
    topics, platform NLBs, customers); each customer's stacks in its cell's account and
    region and nowhere else; each cell's Vendor-Inbound-<region> (the same stack name)
    on its own NLB, allowing its own inbound customers; each customer's alarms to its
    cell's topic; `status -cell <cell> -json` with the cell's credentials lists its
    customers, and `status` without -cell exits 2; the handed-over templates
    allow-list the customer's cell's principal and connect to its cell's service.
"""

import json
import subprocess

import yaml

from fleet import INBOUND_PREFIX, Fleet, inbound, inbound_customers, producer_services, stack_outputs
from harness import CDK, CDK_FLAGS, REPO, Background, Failure, cdk, paginate, report_skips, run, say
from inbound import platform_fleet
from vendor_stacks import bootstrap, check_vendor_stacks, create_psk_secrets

CELLS_FLEET = REPO / "examples" / "cells"


def cells_story(ck, em, aws, workdir, env):
    say(f"cells: the fleet of {CELLS_FLEET.relative_to(REPO)}, one account per cell, deployed from the main account")
    em.reset()
    aws.forget()
    source = Fleet(CELLS_FLEET)
    main = source.account
    if len({v.account for v in source.cells()}) < 2:
        raise Failure(f"{CELLS_FLEET}: the cells story needs cells in at least two accounts")
    # Each cell's platform NLB in its own account; the copy of the fleet names them.
    fleet_dir = platform_fleet(aws, CELLS_FLEET, workdir, "cells-fleet")
    fleet = Fleet(fleet_dir)
    views = fleet.cells()
    others = [v for v in views if v.account != main]
    assembly = workdir / "cdk.out.cells"
    main_env = dict(aws.env(main, sorted(fleet.vendor["regions"])[0]), PRIVATECONNECT_CONFIG=str(fleet_dir))
    binary = app_binary(workdir, env)  # the app `go run .` runs, built once (day two's, when it ran)
    # The app's runs need no emulator: they run while the accounts bootstrap.
    synth = Background([CDK, "synth", "-q", "--app", binary, "-c", f"config={fleet_dir}", "--output", assembly, *CDK_FLAGS],
                       env=main_env, what="cdk synth (cells)", log=workdir / "cdk-cells.log", timeout=420)
    handoff = Background([binary, "handoff", "-config", fleet_dir, "-out", workdir / "handoff-cells"], env=env,
                         what="handoff -config <copy> (cells)", log=workdir / "handoff-cells.log", timeout=420)
    try:
        for v in views:  # the main account needs no --trust: its own credentials deploy
            if v.account == main:
                bootstrap(ck, aws, main, v.vendor["regions"], workdir)
        for v in others:
            bootstrap(ck, aws, v.account, v.vendor["regions"], workdir)  # without --trust: not enough
        psks = {}
        for v in views:
            psks.update(create_psk_secrets(aws, v, v.customers))
        synth.wait()
        caller = aws.client("sts", main, "us-east-1").get_caller_identity()["Arn"]
        for v in others:
            untrusted_deploy(ck, aws, v, assembly, main_env, caller, workdir)
            bootstrap(ck, aws, v.account, v.vendor["regions"], workdir, trust=main)  # README "Account cells"
        cdk(["deploy", "--app", str(assembly), "--all", "--require-approval", "never", "--concurrency", "4"], main_env,
            "cdk deploy --all (every cell, the main account's credentials)", workdir / "cdk-cells.log")
        report_skips(ck, em.skipped(), "cells cdk deploy --all", ours=True)
        for v in views:
            check_vendor_stacks(ck, aws, v, assembly, psks)
        check_placement(ck, aws, fleet, views)
        check_alarm_topics(ck, aws, views)
        check_status(ck, aws, binary, fleet_dir, views, workdir)
        handoff.wait()
        check_handoff(ck, workdir / "handoff-cells", views)
    finally:
        synth.stop()
        handoff.stop()


def untrusted_deploy(ck, aws, cell, assembly, main_env, caller, workdir):
    """A cell bootstrapped without --trust: the main account cannot use its deploy role."""
    ids = [a for a, (_, account, _) in artifacts(assembly).items() if account == cell.account]
    log = workdir / f"cells-untrusted-{cell.cell}.log"
    cdk(["deploy", "--app", str(assembly), *ids, "--require-approval", "never"], main_env,
        f"cdk deploy of {cell.cell}'s stacks before --trust (must fail)", log, ok=(1,))
    text = log.read_text(errors="replace")
    with ck.section(f"cells: {cell.cell} bootstrapped without --trust"):
        region = sorted({r for _, a, r in artifacts(assembly).values() if a == cell.account})[0]
        role = f"arn:aws:iam::{cell.account}:role/cdk-hnb659fds-deploy-role-{cell.account}-{region}"
        ck.true("cdk deploy stops with AWS's AccessDenied on the cell's deploy role",
                f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}" in text, text[-600:])
        for r in cell.vendor["regions"]:
            ck.eq(f"nothing deployed in {cell.account}/{r}", stack_names(aws, cell.account, r) - {"CDKToolkit"}, set())


def artifacts(assembly):
    """artifact ID -> (stack name, account, region) of the assembly's stacks."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    out = {}
    for artifact_id, a in manifest["artifacts"].items():
        if a.get("type") == "aws:cloudformation:stack":
            account, region = a["environment"].partition("aws://")[2].split("/")
            out[artifact_id] = (a["properties"].get("stackName") or artifact_id, account, region)
    return out


def stack_names(aws, account, region):
    cfn = aws.client("cloudformation", account, region)
    return {s["StackName"] for s in paginate(cfn, "list_stacks", "StackSummaries") if s["StackStatus"] != "DELETE_COMPLETE"}


def check_placement(ck, aws, fleet, views):
    """Each customer's stacks in its cell's account and region only; each cell its own shared stacks."""
    accounts = sorted({fleet.account} | {v.account for v in views})
    where = {}
    for account in accounts:
        for region in fleet.vendor["regions"]:
            for name in stack_names(aws, account, region):
                where.setdefault(name, set()).add((account, region))
    with ck.section("cells: each customer's stacks in its cell's account, nowhere else"):
        for v in views:
            for name, c in sorted(v.customers.items()):
                for mode in ("PrivateLink", "Vpn"):
                    if (mode == "PrivateLink" and "privateLink" in c) or (mode == "Vpn" and "vpn" in c):
                        ck.eq(f"{name}-{mode}: where", where.get(f"{name}-{mode}"), {(v.account, c["region"])})
    with ck.section(f"cells: a {INBOUND_PREFIX}<region> of the same name in each cell's account"):
        services = {}
        for v in views:
            for region in sorted({c["region"] for c in v.customers.values() if inbound(c) is not None}):
                stack = INBOUND_PREFIX + region
                ck.true(f"{v.cell}: {stack} in {v.account}", (v.account, region) in where.get(stack, set()), where.get(stack))
                cfn = aws.client("cloudformation", v.account, region)
                out = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])}
                services[(v.cell, region)] = out.get("ServiceId")
                nlb = v.vendor["inboundPrivateLink"]["regions"][region]["nlbArn"]
                ck.eq(f"{v.cell}: the platform NLB it fronts is in the cell's account", nlb.split(":")[4], v.account)
                ck.eq(f"{v.cell}: its customers are the cell's inbound customers", sorted(out.get("Customers", "").split(",")),
                      sorted(c["name"] for c in inbound_customers(v, region)))
        ck.eq("one endpoint service per cell and region, each its own", len(set(services.values())), len(services))


def check_alarm_topics(ck, aws, views):
    """Every alarm of a customer's stacks that notifies, notifies its cell's topic of the region."""
    for v in views:
        for name, c in sorted(v.customers.items()):
            if "privateLink" not in c and "vpn" not in c:
                continue
            with ck.section(f"cells: {name}'s alarms notify {v.cell}'s topic"):
                cw = aws.client("cloudwatch", v.account, c["region"])
                alarms = [a for a in paginate(cw, "describe_alarms", "MetricAlarms")
                          if a["AlarmName"].startswith(f"{name}-") and a.get("AlarmActions")]
                topic = v.vendor["alarmTopicArns"][c["region"]]
                ck.true("alarms that notify", alarms, f"none named {name}-* in {v.account}/{c['region']}")
                for a in alarms:
                    ck.eq(f"{a['AlarmName']}: actions", a["AlarmActions"], [topic])


def app_binary(workdir, env):
    binary = workdir / "privateconnect"
    if not binary.exists():
        run(["go", "build", "-o", binary, "."], env=env, what="go build", log=workdir / "cells.log", timeout=300)
    return binary


def check_status(ck, aws, binary, fleet_dir, views, workdir):
    region = sorted(views[0].vendor["regions"])[0]

    def status(account, *args):
        proc = subprocess.run([str(binary), "status", *args], cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=120, env=dict(aws.env(account, region), PRIVATECONNECT_CONFIG=str(fleet_dir)))
        with open(workdir / "cells.log", "a") as log:
            log.write(f"$ privateconnect status {' '.join(args)}  (exit {proc.returncode})\n{proc.stdout}{proc.stderr}\n")
        return proc
    with ck.section("cells: status per cell, with the cell's credentials"):
        for v in views:
            proc = status(v.account, "-cell", v.cell, "-json")
            ck.eq(f"status -cell {v.cell}: exit 0", proc.returncode, 0)
            report = json.loads(proc.stdout or "{}")
            ck.eq(f"status -cell {v.cell}: the cell's customers", [c["name"] for c in report.get("customers", [])], sorted(v.customers))
            ck.eq(f"status -cell {v.cell}: nothing unread", report.get("errors"), None)
            for c in report.get("customers", []):
                ck.eq(f"{c['name']}: healthy", (c["state"], c.get("problems")), ("healthy", None))
                ec2 = aws.client("ec2", v.account, c["region"])
                ids = [e["endpointId"] for e in c.get("endpoints") or [] if e.get("endpointId")]
                if ids:  # read from the cell's account: there they are
                    found = [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints(VpcEndpointIds=ids)["VpcEndpoints"]]
                    ck.eq(f"{c['name']}: its endpoints, in {v.account}", sorted(found), sorted(ids))
                if c.get("inbound"):
                    _, out = stack_outputs(aws.client("cloudformation", v.account, c["region"]), INBOUND_PREFIX + c["region"])
                    ck.eq(f"{c['name']}: the inbound service of {v.cell}", c["inbound"].get("serviceId"), out.get("ServiceId"))
        proc = status(views[-1].account, "-json")
        ck.eq("status without -cell: exit 2 (usage)", proc.returncode, 2)
        ck.true("...saying to give -cell", "give -cell NAME" in proc.stderr, proc.stderr)


def check_handoff(ck, out, views):
    for v in views:
        with ck.section(f"cells: {v.cell}'s customers' handoff"):
            for name, c in sorted(v.customers.items()):
                if producer_services(c):
                    template = yaml.safe_load((out / name / f"{name}-Producer.yaml").read_text())
                    principals = [r["Properties"]["AllowedPrincipals"] for r in template["Resources"].values()
                                  if r["Type"] == "AWS::EC2::VPCEndpointServicePermissions"]
                    ck.eq(f"{name}-Producer allow-lists {v.cell}'s principal, per service", principals,
                          [[v.vendor["principalArn"]]] * len(producer_services(c)))
                if inbound(c) is not None:
                    guide = (out / name / "INBOUND.md").read_text()
                    mine = v.vendor["inboundPrivateLink"]["regions"][c["region"]]["serviceName"]
                    others = [o.vendor["inboundPrivateLink"]["regions"].get(c["region"], {}).get("serviceName") for o in views if o is not v]
                    ck.true(f"{name}'s INBOUND.md connects to {v.cell}'s service", mine in guide, mine)
                    ck.true("...and to no other cell's", not any(s and s in guide for s in others), others)
