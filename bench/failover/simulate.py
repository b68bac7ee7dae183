"""Failover simulator (make failover): the registrar as the template ships it, against moto,
through scripted failovers, with a model of how the Network Load Balancer routes.

    python3 bench/failover/simulate.py --template dist/failover/failover-Producer.yaml [--out bench/failover.json]

It is a model, not a measurement: see README.md for what it assumes and cannot show.
"""
import argparse
import contextlib
import importlib.util
import io
import json
import logging
import math
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

import boto3
import yaml
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import Clock, Dns, LambdaTimeout, Nlb, Proxy, Run  # noqa: E402
from scenarios import (CLUSTER, MEMBERS, NEW_READER, NLB_ZONES, REGION, ZONE_SUBNETS,  # noqa: E402
                       scenarios)

# The NLB's registration latency (until health checks start) and deregistration latency
# (until a deregistered target stops getting new connections), low and high end; sources
# in README.md.
LATENCIES = [{"registration": 70, "deregistration": 0}, {"registration": 300, "deregistration": 300}]
EVENT_DELAY = 5  # seconds from an RDS event to the function's invocation
START_SECONDS = 1  # an invocation's start and API round trips before it acts
DNS_TTL = 5
HORIZON = 900
WARM_UP = -30  # the registrar has registered the database before the change
PHASES = (0, 10, 20, 30, 40, 50)  # where the schedule's minute falls relative to t=0
ACCOUNT_ENV = {"AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_SESSION_TOKEN": "testing"}


# --- the template -------------------------------------------------------------------------

def services(template):
    """Per service name: the registrar's code and environment, its target group's settings,
    its schedule and the RDS events it is invoked on, all as the template declares them."""
    res = template["Resources"]
    out = {}
    for fid, fn in res.items():
        if fn["Type"] != "AWS::Lambda::Function":
            continue
        p = fn["Properties"]
        env = p["Environment"]["Variables"]
        (tg_id,) = refs(env["TARGET_GROUPS"])
        tg = res[tg_id]["Properties"]
        attrs = {a["Key"]: a["Value"] for a in tg.get("TargetGroupAttributes", [])}
        rules = [r["Properties"] for r in res.values() if r["Type"] == "AWS::Events::Rule"
                 and r["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [fid, "Arn"]}]
        (rate,) = [r["ScheduleExpression"] for r in rules if "ScheduleExpression" in r]
        (pattern,) = [r["EventPattern"] for r in rules if "EventPattern" in r]
        count, unit = re.fullmatch(r"rate\((\d+) (minutes?)\)", rate).groups()
        out[env["SERVICE"].removeprefix("privateconnect-")] = {
            "code": p["Code"]["ZipFile"], "env": env, "timeout": p["Timeout"],
            "schedule": int(count) * 60,
            "categories": set(pattern["detail"]["EventCategories"]), "detail_types": set(pattern["detail-type"]),
            "target_group": {
                # AWS's defaults where the template leaves a setting out.
                "interval": tg.get("HealthCheckIntervalSeconds", 30), "healthy": tg.get("HealthyThresholdCount", 5),
                "unhealthy": tg.get("UnhealthyThresholdCount", 2),
                "delay": int(attrs.get("deregistration_delay.timeout_seconds", 300)),
                "termination": attrs.get("deregistration_delay.connection_termination.enabled", "false") == "true"},
        }
    return out


def refs(value):
    """The logical IDs a template value refers to with Ref."""
    if isinstance(value, dict):
        return [value["Ref"]] if "Ref" in value else [r for v in value.values() for r in refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in refs(v)]
    return []


def load_registrar(code, workdir):
    path = Path(workdir) / "index.py"  # the name Lambda gives inline code
    path.write_text(code)
    spec = importlib.util.spec_from_file_location("registrar_as_shipped", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def environment(env, values):
    """The function's environment with the template's references filled in."""
    def value(v):
        if isinstance(v, str):
            return v
        if "Ref" in v:
            return values[v["Ref"]]
        if "Fn::Join" in v:
            sep, parts = v["Fn::Join"]
            return sep.join(value(x) for x in parts)
        raise ValueError(f"cannot resolve {v}")
    return {k: value(v) for k, v in env.items()}


# --- one simulation ---------------------------------------------------------------------------

class Simulation:
    """One scenario at one schedule phase: the registrar's runs and the registrations they made."""

    def __init__(self, script, service, registrar, phase):
        self.script, self.service, self.registrar, self.phase = script, service, registrar, phase
        self.clock = Clock(WARM_UP)
        self.dns = Dns(self.clock, DNS_TTL)
        for name, answers in script.dns.items():
            self.dns.names[name] = answers
        self.nlb = Nlb(service["target_group"], script.zones, set(NLB_ZONES), script.accepts)
        self.changes = sorted(script.changes, key=lambda c: c[0])
        self.warming_up, self.throttles, self.runs, self.log = False, 0, [], []

    def advance(self):
        while self.changes and self.changes[0][0] <= self.clock.now:
            _t, change = self.changes.pop(0)
            change(self.rds_client)

    def throttled(self, client, t):
        return any(start <= t < stop and name == client for start, stop, name in self.script.throttles)

    def build(self):
        """The customer's VPC, the template's load balancer and target group, the database."""
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = {z: ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=z)["Subnet"]["SubnetId"]
                   for z, cidr in ZONE_SUBNETS.items()}
        for ip, zone in sorted(self.script.zones.items()):  # the database's network interfaces
            ec2.create_network_interface(SubnetId=subnets[zone], PrivateIpAddress=ip, Description="RDSNetworkInterface")
        elbv2 = boto3.client("elbv2", region_name=REGION)
        nlb = elbv2.create_load_balancer(Name="nlb", Subnets=[subnets[z] for z in NLB_ZONES], Type="network",
                                         Scheme="internal")["LoadBalancers"][0]["LoadBalancerArn"]
        tg = elbv2.create_target_group(Name="tg-5432", Protocol="TCP", Port=5432, VpcId=vpc,
                                       TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
        elbv2.create_listener(LoadBalancerArn=nlb, Protocol="TCP", Port=5432,
                              DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
        ssm = boto3.client("ssm", region_name=REGION)
        ssm.put_parameter(Name="/registrar/state", Value="{}", Type="String")
        rds = boto3.client("rds", region_name=REGION)
        if self.script.cluster:
            rds.create_db_cluster(DBClusterIdentifier=CLUSTER, Engine="aurora-postgresql", MasterUsername="admin",
                                  MasterUserPassword="password123")
            members = [(m, z) for m, (_ip, z) in MEMBERS.items()]
            if self.script.extra_reader:
                members.append((NEW_READER[0], NEW_READER[2]))
            for identifier, zone in members:  # orders-1, the first, is the writer
                rds.create_db_instance(DBInstanceIdentifier=identifier, DBInstanceClass="db.r6g.large",
                                       Engine="aurora-postgresql", DBClusterIdentifier=CLUSTER, AvailabilityZone=zone)
        self.rds_client = rds
        values = {}
        for name, v in self.service["env"].items():
            if isinstance(v, dict) and "Ref" in v:
                values[v["Ref"]] = {"TARGET": self.script.target, "STATE_PARAMETER": "/registrar/state"}.get(name)
        (tg_ref,) = refs(self.service["env"]["TARGET_GROUPS"])
        values[tg_ref] = tg
        self.config = self.registrar.Config.from_env(environment(self.service["env"], values))
        self.clients = {n: Proxy(n, c, self) for n, c in (("ec2", ec2), ("elbv2", elbv2), ("rds", rds), ("ssm", ssm))}

    def invoke(self, trigger, event):
        run = Run(self.clock.now, trigger)
        self.clock.now += START_SECONDS
        self.clock.deadline = run.started + self.service["timeout"]
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                run.summary = self.registrar.run(
                    self.config, self.clients["elbv2"], self.clients["rds"], self.clients["ssm"],
                    resolve=self.dns.resolve, sleep=self.clock.sleep, event=event, ec2=self.clients["ec2"])
        except LambdaTimeout as err:
            run.error = f"timeout: {err}"
        except Exception as err:  # a failed run is a Lambda error; the function changes nothing more
            run.error = f"{type(err).__name__}: {err}"
        self.clock.deadline = math.inf
        metrics = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith('{"_aws"')]
        run.unused_targets = max((m["UnusedTargets"] for m in metrics), default=0)
        run.ended = self.clock.now
        self.runs.append(run)

    def run(self):
        self.build()
        self.warming_up = True
        self.invoke("warm-up", None)
        self.warming_up = False
        period = self.service["schedule"]
        first = self.phase - period * math.floor((self.phase - self.clock.now) / period)
        arrivals = [(t, "schedule", None) for t in range(int(first), HORIZON, period)]
        arrivals += [(t + EVENT_DELAY, e["detail"]["EventID"], e) for t, e in self.script.events
                     if set(e["detail"]["EventCategories"]) & self.service["categories"]
                     and e["detail-type"] in self.service["detail_types"]]
        # One run at a time (reserved concurrency 1): an invocation waits for the one before.
        for t, trigger, event in sorted(arrivals, key=lambda a: (a[0], a[1])):
            self.clock.now = max(self.clock.now, t)
            if self.clock.now >= HORIZON:
                break
            self.advance()
            self.invoke(trigger, event)
        return self


# --- figures --------------------------------------------------------------------------------

def figures(sim, latency):
    """Seconds from t=0 to HORIZON, per second."""
    script, nlb = sim.script, sim.nlb
    routable = nlb.routing(HORIZON, latency["registration"], latency["deregistration"])
    correct, wrong, none, wrong_registered = [], 0, 0, 0
    for t in range(HORIZON):
        routes, right = routable(t), script.right(t)
        correct.append(routes == right)
        wrong += any(ip not in right and script.accepts(ip, t) for ip in routes)
        none += not routes
        registered = {r.ip for r in nlb.registrations if r.registered <= t < r.deregistered}
        wrong_registered += any(ip not in right and script.accepts(ip, t) for ip in registered)
    correct_after = None  # never, within the horizon
    if correct[-1]:
        correct_after = HORIZON
        while correct_after > 0 and correct[correct_after - 1]:
            correct_after -= 1
    return {"correctAfterSeconds": correct_after, "wrongTargetSeconds": wrong,
            "noHealthyTargetSeconds": none, "wrongRegisteredSeconds": wrong_registered}


def median(values):
    if any(v is None for v in values):
        return None
    m = statistics.median(values)
    return int(m) if m == int(m) else round(m, 1)


def simulate(template, names=None, phases=PHASES):
    """Every scenario (or those named) at every phase; medians per latency assumption."""
    svc = services(template)
    quiet = logging.getLogger("registrar")  # its log is the scenario's, not the console's
    quiet.propagate = False
    quiet.addHandler(logging.NullHandler())
    results = []
    with tempfile.TemporaryDirectory() as work, _moto_env():
        registrar = load_registrar(next(iter(svc.values()))["code"], work)
        assert all(s["code"] == svc[next(iter(svc))]["code"] for s in svc.values()), "one registrar code"
        for script in scenarios():
            if names and script.name not in names:
                continue
            service = svc[script.service]
            sims = []
            for phase in phases:
                with mock_aws():
                    sims.append(Simulation(script, service, registrar, phase).run())
            for latency in LATENCIES:
                per_phase = [figures(s, latency) for s in sims]
                entry = {"name": script.name, "registrationLatencySeconds": latency["registration"],
                         "deregistrationLatencySeconds": latency["deregistration"]}
                for key in per_phase[0]:
                    entry[key] = median([f[key] for f in per_phase])
                entry["failedRuns"] = median([sum(bool(r.error) for r in s.runs) for s in sims])
                entry["unusedTargetsReportedAfterSeconds"] = median(
                    [next((r.ended for r in s.runs if r.unused_targets and r.started >= 0), None) for s in sims])
                results.append({"script": script, "service": service, "entry": entry, "sims": sims})
    return results


@contextlib.contextmanager
def _moto_env():
    saved = {k: os.environ.get(k) for k in list(ACCOUNT_ENV) + ["AWS_PROFILE"]}
    os.environ.update(ACCOUNT_ENV)
    os.environ.pop("AWS_PROFILE", None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --- targets ------------------------------------------------------------------------------------

def checks(results):
    """The issue's targets: (what, holds, detail)."""
    out = []
    by = {(r["entry"]["name"], r["entry"]["registrationLatencySeconds"]): r for r in results}
    for latency in LATENCIES:
        reg = latency["registration"]
        aurora = by.get(("aurora-writer-failover", reg))
        if aurora:
            e, tg = aurora["entry"], aurora["service"]["target_group"]
            window = tg["healthy"] * tg["interval"]
            out.append((f"Aurora writer failover, latency {reg}/{latency['deregistration']} s: the old writer is "
                        "deregistered in the event run (wrongRegisteredSeconds 0)",
                        e["wrongRegisteredSeconds"] == 0, f"{e['wrongRegisteredSeconds']} s"))
            out.append((f"Aurora writer failover, latency {reg}/{latency['deregistration']} s: wrongTargetSeconds 0",
                        e["wrongTargetSeconds"] == 0,
                        f"{e['wrongTargetSeconds']} s" + ("" if e["wrongTargetSeconds"] == 0 else
                                                          f" (the NLB's {latency['deregistration']} s deregistration latency)")))
            out.append((f"Aurora writer failover, latency {reg} s: noHealthyTargetSeconds <= registration latency "
                        f"+ one health-check window ({reg} + {window})",
                        e["noHealthyTargetSeconds"] <= reg + window, f"{e['noHealthyTargetSeconds']} s"))
        lost = by.get(("multi-az-instance-failover-events-lost", reg))
        if lost:
            e, s, tg = lost["entry"], lost["script"], lost["service"]["target_group"]
            bound = s.visible + DNS_TTL + lost["service"]["schedule"] + START_SECONDS + reg + tg["healthy"] * tg["interval"]
            out.append((f"Multi-AZ failover, events lost, latency {reg} s: correct within one schedule interval + "
                        f"registration latency + one health-check window of the DNS change (<= {bound} s)",
                        e["correctAfterSeconds"] is not None and e["correctAfterSeconds"] <= bound,
                        f"{e['correctAfterSeconds']} s"))
    return out


def table(results):
    head = ("scenario", "latency reg/dereg", "correct after", "wrong target", "no healthy target",
            "wrong registered", "notes")
    rows = [head]
    for r in results:
        e = r["entry"]
        notes = []
        if e["failedRuns"]:
            notes.append(f"{e['failedRuns']} failed run(s)")
        if e["unusedTargetsReportedAfterSeconds"] is not None:
            notes.append(f"UnusedTargets reported at {e['unusedTargetsReportedAfterSeconds']} s")
        rows.append((e["name"], f"{e['registrationLatencySeconds']}/{e['deregistrationLatencySeconds']} s",
                     "never" if e["correctAfterSeconds"] is None else f"{e['correctAfterSeconds']} s",
                     f"{e['wrongTargetSeconds']} s", f"{e['noHealthyTargetSeconds']} s",
                     f"{e['wrongRegisteredSeconds']} s", "; ".join(notes)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i in (0, len(head) - 1) else c.rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in rows]
    return "\n".join(lines[:1] + ["-" * len(lines[0])] + lines[1:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--template", required=True, help="the handed-over producer template (YAML or JSON)")
    ap.add_argument("--out", help="write the figures here as JSON")
    ap.add_argument("--scenario", action="append", help="run only this scenario (repeatable)")
    args = ap.parse_args()
    template = yaml.safe_load(Path(args.template).read_text())
    results = simulate(template, args.scenario)
    print("A MODEL, NOT A MEASUREMENT: the registrar's code as the template ships it runs against moto "
          "with a scripted clock, DNS and RDS; the load balancer is a model (bench/failover/README.md).")
    print(f"Medians over {len(PHASES)} start times across the schedule minute, seconds from the start of the change "
          f"to {HORIZON} s. Latency: the NLB's registration / deregistration latency, low and high end.\n")
    print(table(results))
    print()
    failed = 0
    for what, holds, detail in checks(results):
        print(f"{'holds' if holds else 'DOES NOT HOLD'}: {what}: {detail}")
        failed += not holds
    if args.out:
        doc = {"model": "A model, not a measurement: see bench/failover/README.md for its assumptions and limits.",
               "assumptions": {"latencies": LATENCIES, "eventDelaySeconds": EVENT_DELAY,
                               "invocationStartSeconds": START_SECONDS, "dnsTtlSeconds": DNS_TTL,
                               "horizonSeconds": HORIZON, "schedulePhasesSeconds": list(PHASES)},
               "scenarios": [r["entry"] for r in results]}
        Path(args.out).write_text(json.dumps(doc, indent=2) + "\n")
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
