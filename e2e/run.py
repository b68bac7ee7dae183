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
    fleet's YAML, not from the templates.
    Inbound PrivateLink: the vendor platform's existing NLB (vendor.yaml
    inboundPrivateLink.regions.<r>.nlbArn) is created in the emulator first and
    the fleet deployed from a copy naming the ARN moto gave; then each
    Vendor-Inbound-<region>'s ServiceName goes into that copy as serviceName,
    `go run . handoff` writes the inbound customers' folders again, and each
    deploys <customer>-Inbound.yaml with INBOUND.md's command; the endpoint,
    its security group and private zones are checked against the YAML.
 5. story (after a reset): a customer deploys its template and sends back the
    ServiceName outputs; the vendor deploys that customer's stacks with them;
    each endpoint must point at its service; the registrar's inline code (read
    from the template) runs against the emulator with a stubbed DNS resolver
    and must register the database's addresses.
 6. prints every resource type moto still skipped, the failed checks and timings.

Usage: python3 e2e/run.py [--config DIR] [--keep]     exit 0 only if all passed
Needs: Python 3.11+ with boto3, moto[server] 5.2, PyYAML and the AWS CLI; Go;
the pinned CDK CLI (`make deps`). Sends traffic to 127.0.0.1/localhost only.
"""
import argparse
import collections
import contextlib
import hashlib
import importlib.util
import ipaddress
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

try:
    import boto3
    import yaml
except ImportError as err:  # pragma: no cover
    sys.exit(f"e2e: {err}: pip install boto3 'moto[server]' pyyaml awscli")

REPO = Path(__file__).resolve().parent.parent
LAUNCHER = REPO / "e2e" / "moto_launcher.py"
CDK = REPO / ".tools" / "node_modules" / ".bin" / "cdk"
CDK_FLAGS = ["--no-notices", "--no-version-reporting"]
TEMPLATE_BODY_LIMIT = 51200  # bytes CloudFormation takes inline (--template-file without --s3-bucket)
RUN_LIMIT = 15 * 60  # seconds for the whole run; each step has its own, smaller limit
PSK = "E2eTunnelKey{}x"  # pre-shared keys the harness stores in Secrets Manager
# What moto's CloudFormation logs when it leaves something out and carries on.
SKIP_RE = re.compile(r"No Moto CloudFormation support for (\S+)")
GETATT_RE = re.compile(r'"Fn::GetAtt" : \[ "([^"]+)" , "([^"]+)" \]')

T0 = time.monotonic()


class Failure(Exception):
    """A step could not run at all; the run stops and reports it."""


class Interrupted(BaseException):
    pass


def remaining(limit):
    left = RUN_LIMIT - (time.monotonic() - T0)
    if left <= 0:
        raise Failure(f"the run exceeded its {RUN_LIMIT}s limit")
    return min(limit, left)


def say(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


# --- checks -------------------------------------------------------------------

class Checks:
    """Every comparison goes through here: failures are collected, not fatal."""

    def __init__(self):
        self.passed, self.failed, self.notes = 0, [], []
        self.skipped = collections.Counter()  # resource types of ours moto did not create
        self.scope = ""

    @contextlib.contextmanager
    def section(self, scope):
        before, self.scope = (self.passed, len(self.failed)), scope
        try:
            yield
        except Failure:
            raise
        except Exception as err:  # an API answer not shaped as expected is a failed check
            self.fail("checks stopped", f"{type(err).__name__}: {err}")
        say(f"  {scope}: {self.passed - before[0]} checks passed, {len(self.failed) - before[1]} failed")
        self.scope = ""

    def fail(self, what, detail):
        self.failed.append(f"{self.scope}: {what}: {detail}")
        print(f"    FAIL {what}: {detail}", flush=True)

    def eq(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.fail(what, f"got {got!r}, want {want!r}")
        return got == want

    def true(self, what, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.fail(what, detail or "not true")
        return bool(cond)

    def note(self, msg):
        self.notes.append(msg)
        print(f"    NOTE {msg}", flush=True)


# --- processes ----------------------------------------------------------------

def run(cmd, *, env, what, log, timeout, cwd=REPO, ok=(0,)):
    """Run cmd to completion (output in log); its exit code, or Failure with the output's tail."""
    start = time.monotonic()
    with open(log, "ab") as out:
        out.write(f"$ {shlex.join(str(c) for c in cmd)}\n".encode())
        out.flush()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        rc = proc.wait(timeout=remaining(timeout))
    except subprocess.TimeoutExpired:
        stop_child(proc)
        raise Failure(f"{what} did not finish within {timeout}s; output in {log}:\n{tail(log)}")
    except BaseException:  # interrupted: stop what we started before going
        stop_child(proc)
        raise
    if rc not in ok:
        raise Failure(f"{what} failed (exit {rc}); output in {log}:\n{tail(log)}")
    say(f"  {what}: {time.monotonic() - start:.1f}s")
    return rc


def stop_child(proc):
    """Stop a child we started, and the processes it started (its process group)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)
            return


def tail(path, lines=40):
    with contextlib.suppress(OSError):
        text = Path(path).read_text(errors="replace").splitlines()
        return "\n".join("    " + line for line in text[-lines:])
    return ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """moto_server with our CloudFormation handlers, as a child process."""

    def __init__(self, workdir):
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"  # not 127.0.0.1: see the README of issue 7
        self.log = workdir / "moto.log"
        self.proc = None
        self.offset = 0
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy

    def start(self, timeout=60):
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, str(LAUNCHER), str(self.port)], cwd=REPO,
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        say(f"moto_server starting on 127.0.0.1:{self.port} (pid {self.proc.pid}, log {self.log})")
        deadline = time.monotonic() + remaining(timeout)
        while True:
            if self.proc.poll() is not None:
                raise Failure(f"the moto launcher exited with {self.proc.returncode}:\n{tail(self.log)}")
            try:
                self.configure()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise Failure(f"moto_server did not answer within {timeout}s:\n{tail(self.log)}")
                time.sleep(0.2)

    def api(self, path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/moto-api/{path}", method="POST",
                                     data=json.dumps(body or {}).encode(), headers={"Content-Type": "application/json"})
        with self.opener.open(req, timeout=30) as resp:
            return resp.read()

    def configure(self):
        # Lambda functions are created without Docker (which does not run here).
        self.api("config", {"lambda": {"use_docker": False}})

    def reset(self):
        # cdk destroy / delete-stack fail in moto (DependencyViolation): reset instead.
        self.api("reset")
        self.configure()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            say(f"stopping moto_server (pid {self.proc.pid})")
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def skipped(self):
        """What moto's CloudFormation left out since the last call: resource types
        it did not create, attributes it could not resolve (and left empty)."""
        text = self.log.read_text(errors="replace")
        new, self.offset = text[self.offset:], len(text)
        return collections.Counter([f"{t} (not created)" for t in SKIP_RE.findall(new)] +
                                   [f"Fn::GetAtt {r}.{a} (left empty)" for r, a in GETATT_RE.findall(new)])


# --- AWS access -----------------------------------------------------------------

class Aws:
    """boto3 clients and CLI environments per (account, region), all on the emulator.

    moto serves many accounts: credentials from sts:AssumeRole on a role ARN of
    an account are that account's (the role need not exist)."""

    def __init__(self, emulator, base_env):
        self.em, self.base_env, self.creds = emulator, base_env, {}

    def forget(self):
        self.creds.clear()  # a reset forgets the assumed roles

    def credentials(self, account):
        if account not in self.creds:
            sts = boto3.client("sts", endpoint_url=self.em.url, region_name="us-east-1",
                               aws_access_key_id="testing", aws_secret_access_key="testing")
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/privateconnect-e2e",
                                RoleSessionName="e2e")["Credentials"]
            self.creds[account] = c
            got = self.client("sts", account, "us-east-1").get_caller_identity()["Account"]
            if got != account:
                raise Failure(f"the emulator maps the credentials of {account} to {got}")
        return self.creds[account]

    def client(self, service, account, region):
        c = self.credentials(account)
        return boto3.client(service, endpoint_url=self.em.url, region_name=region,
                            aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                            aws_session_token=c["SessionToken"])

    def env(self, account, region):
        c = self.credentials(account)
        return dict(self.base_env, AWS_ENDPOINT_URL=self.em.url, AWS_REGION=region, AWS_DEFAULT_REGION=region,
                    AWS_ACCESS_KEY_ID=c["AccessKeyId"], AWS_SECRET_ACCESS_KEY=c["SecretAccessKey"],
                    AWS_SESSION_TOKEN=c["SessionToken"])


def base_environment(workdir):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "CDK_")) and k not in ("PRIVATECONNECT_CONFIG",)}
    aws_config = workdir / "aws-config"
    aws_config.write_text("[default]\ns3 =\n    addressing_style = path\n")
    no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY"), "localhost,127.0.0.1"]))
    env.update({
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "AWS_EC2_METADATA_DISABLED": "true",  # nothing may reach the instance metadata service
        "AWS_CONFIG_FILE": str(aws_config),
        "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "no-credentials"),
        "NO_PROXY": no_proxy, "no_proxy": no_proxy,
        "NODE_NO_WARNINGS": "1",
    })
    return env


def paginate(client, op, key, **kwargs):
    return [x for page in client.get_paginator(op).paginate(**kwargs) for x in page[key]]


# --- the fleet's YAML -------------------------------------------------------------

class Fleet:
    def __init__(self, directory):
        self.dir = Path(directory)
        self.vendor = yaml.safe_load((self.dir / "vendor.yaml").read_text())
        self.customers = {}
        for f in sorted((self.dir / "customers").glob("*.yaml")):
            c = yaml.safe_load(f.read_text())
            self.customers[c["name"]] = c

    @property
    def account(self):
        return str(self.vendor["account"])

    def retention(self):
        return self.vendor.get("logRetentionDays", 365)


def output_id(label):
    """The stacks' OutputID: my-db -> MyDb."""
    return "".join(p[:1].upper() + p[1:] for p in label.split("-") if p)


def producer_services(c):
    return [s for s in (c.get("privateLink") or {}).get("services", []) if s.get("producer")]


def producer_region(c):
    return producer_services(c)[0].get("serviceRegion") or c["region"]


def slots(vpc_cidr):
    """The vendor VPC's subnet slots (internal/cidr.Subnets): 4 for /26 or larger, 2 for /27, 1 for /28."""
    net = ipaddress.ip_network(vpc_cidr)
    n = 4 if net.prefixlen <= 26 else 2 if net.prefixlen == 27 else 1
    return list(net.subnets(prefixlen_diff=n.bit_length() - 1))


def ssm_parameters(ssm, path):
    return {p["Name"][len(path):]: p for p in paginate(ssm, "get_parameters_by_path", "Parameters",
                                                        Path=path, Recursive=True)}


def stack_outputs(cfn, name):
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return stack, {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def egress(group):
    return rules(group["IpPermissionsEgress"])


def ingress(group):
    return rules(group["IpPermissions"])


def rules(permissions):
    """Security group rules as (protocol, from, to, peer) tuples."""
    out = set()
    for p in permissions:
        peers = [r["CidrIp"] for r in p.get("IpRanges", [])] + [g["GroupId"] for g in p.get("UserIdGroupPairs", [])]
        for peer in peers:
            out.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), peer))
    return out


def check_vpc(ck, ec2, vpc_id, cidr, azs, subnet_ids, name):
    """The dedicated VPC: its block, DNS, subnets in their slots and AZ IDs, in order."""
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    ck.eq("VPC CIDR", vpc["CidrBlock"], cidr)
    for attr in ("enableDnsSupport", "enableDnsHostnames"):
        got = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attr)
        ck.eq(f"VPC {attr}", got[attr[0].upper() + attr[1:]]["Value"], True)
    tags = {t["Key"]: t["Value"] for t in vpc.get("Tags", [])}
    ck.eq("VPC tag privateconnect:customer", tags.get("privateconnect:customer"), name)
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]}
    ck.eq("subnet count", len(subnet_ids), len(azs))
    for i, (sid, az) in enumerate(zip(subnet_ids, azs)):
        s = subnets[sid]
        ck.eq(f"subnet {i} VPC", s["VpcId"], vpc_id)
        ck.eq(f"subnet {i} AZ ID", s["AvailabilityZoneId"], az)
        ck.eq(f"subnet {i} CIDR", s["CidrBlock"], str(slots(cidr)[i]))
        ck.eq(f"subnet {i} MapPublicIpOnLaunch", s["MapPublicIpOnLaunch"], False)
    return vpc


def check_flow_log(ck, ec2, logs, vpc_id, group_name, retention):
    flows = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    ck.eq("one flow log on the VPC", len(flows), 1)
    if flows:
        ck.eq("flow log traffic", flows[0]["TrafficType"], "ALL")
        ck.eq("flow log destination", flows[0].get("LogDestinationType"), "cloud-watch-logs")
        ck.eq("flow log group", flows[0].get("LogGroupName"), group_name)
    groups = [g for g in logs.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"] if g["logGroupName"] == group_name]
    ck.true("flow log group exists", groups, group_name)
    if groups:
        ck.eq("flow log retention", groups[0].get("retentionInDays"), retention)


# --- vendor stacks ----------------------------------------------------------------

def check_privatelink(ck, aws, fleet, c):
    """<customer>-PrivateLink against customers/<name>.yaml and vendor.yaml."""
    acct, region, name = fleet.account, c["region"], c["name"]
    pl = c["privateLink"]
    ec2, ssm = aws.client("ec2", acct, region), aws.client("ssm", acct, region)
    r53, logs = aws.client("route53", acct, region), aws.client("logs", acct, region)
    stack, out = stack_outputs(aws.client("cloudformation", acct, region), f"{name}-PrivateLink")
    ck.eq("termination protection", stack.get("EnableTerminationProtection"), True)
    prefix = f"/privateconnect/{name}/privatelink/"
    params = ssm_parameters(ssm, prefix)
    ready = [s for s in pl["services"] if s.get("serviceName")]
    want = {"vpc-id", "subnet-ids", "connector-security-group-id", "flow-log-group"}
    for s in ready:
        want |= {f"services/{s['name']}/{p}" for p in ("endpoint-id", "endpoint-dns-name", "dns-name", "ports")}
    ck.eq(f"SSM parameters under {prefix}", sorted(params), sorted(want))
    val = {k: p["Value"] for k, p in params.items()}
    for key, output in (("vpc-id", "VpcId"), ("subnet-ids", "SubnetIds"),
                        ("connector-security-group-id", "ConnectorSecurityGroupId"), ("flow-log-group", "FlowLogGroup")):
        ck.eq(f"output {output} = SSM {key}", out.get(output), val.get(key))
    ck.eq("SSM subnet-ids type", params.get("subnet-ids", {}).get("Type"), "StringList")
    vpc_id, subnet_ids = val["vpc-id"], val["subnet-ids"].split(",")
    check_vpc(ck, ec2, vpc_id, pl["vpcCidr"], pl["availabilityZones"], subnet_ids, name)
    in_vpc = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    ck.eq("no other subnets in the VPC", sorted(x["SubnetId"] for x in in_vpc), sorted(subnet_ids))
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    ck.eq("no internet gateway", igws, [])
    for sid in subnet_ids:
        tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [sid]}])["RouteTables"]
        ck.eq(f"{sid} has its own route table", len(tables), 1)
        for t in tables:
            ck.eq(f"{sid} routes: local only", [r.get("GatewayId") for r in t["Routes"]], ["local"])
    check_flow_log(ck, ec2, logs, vpc_id, val["flow-log-group"], fleet.retention())

    connectors = val["connector-security-group-id"]
    endpoints = {e["VpcEndpointId"]: e for e in ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]}
    ck.eq("endpoints: one per service with a serviceName", len(endpoints), len(ready))
    zone_name = f"{name}.{fleet.vendor['internalDomain']}."
    zones = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"].rstrip(".") + "." == zone_name]
    ck.eq(f"one hosted zone {zone_name}", len(zones), 1)
    records = {}
    if zones:
        zone = r53.get_hosted_zone(Id=zones[0]["Id"])
        ck.eq("zone is private", zone["HostedZone"]["Config"]["PrivateZone"], True)
        ck.eq("zone VPCs", [(v["VPCId"], v["VPCRegion"]) for v in zone.get("VPCs", [])], [(vpc_id, region)])
        records = {(r["Name"].rstrip(".") + ".", r["Type"]): r for r in paginate(r53, "list_resource_record_sets", "ResourceRecordSets",
                                                                  HostedZoneId=zones[0]["Id"])}
    want_egress = set()
    for s in ready:
        sname, ports = s["name"], [int(p) for p in s["ports"]]
        ep = endpoints.get(val.get(f"services/{sname}/endpoint-id"))
        if not ck.true(f"{sname}: endpoint of SSM services/{sname}/endpoint-id exists", ep):
            continue
        ck.eq(f"{sname}: endpoint service name", ep["ServiceName"], s["serviceName"])
        ck.eq(f"{sname}: endpoint type", ep["VpcEndpointType"], "Interface")
        ck.eq(f"{sname}: endpoint service region", ep.get("ServiceRegion"), s.get("serviceRegion") or region)
        ck.eq(f"{sname}: endpoint subnets", sorted(ep["SubnetIds"]), sorted(subnet_ids))
        ck.eq(f"{sname}: private DNS off", ep.get("PrivateDnsEnabled"), False)
        groups = [g["GroupId"] for g in ep["Groups"]]
        ck.eq(f"{sname}: one security group on the endpoint", len(groups), 1)
        sg = ec2.describe_security_groups(GroupIds=groups[:1])["SecurityGroups"][0]
        ck.eq(f"{sname}: endpoint ingress = connectors on the ports",
              ingress(sg), {("tcp", p, p, connectors) for p in ports})
        ck.true(f"{sname}: endpoint opens no egress", all(r[3] == "255.255.255.255/32" for r in egress(sg)), egress(sg))
        want_egress |= {("tcp", p, p, groups[0]) for p in ports}
        dns = ep["DnsEntries"][0]["DnsName"]
        ck.eq(f"{sname}: SSM endpoint-dns-name", val.get(f"services/{sname}/endpoint-dns-name"), dns)
        friendly = f"{sname}.{name}.{fleet.vendor['internalDomain']}"
        ck.eq(f"{sname}: SSM dns-name", val.get(f"services/{sname}/dns-name"), friendly)
        ck.eq(f"{sname}: SSM ports", val.get(f"services/{sname}/ports"), ",".join(str(p) for p in ports))
        rec = records.get((friendly + ".", "A"))
        if ck.true(f"{sname}: A record {friendly}", rec, sorted(records)):
            ck.eq(f"{sname}: record aliases the endpoint", rec.get("AliasTarget", {}).get("DNSName", "").rstrip("."), dns)
    sg = ec2.describe_security_groups(GroupIds=[connectors])["SecurityGroups"][0]
    ck.eq("connectors group VPC", sg["VpcId"], vpc_id)
    if want_egress:
        ck.eq("connectors egress = each endpoint on its ports, nothing else", egress(sg), want_egress)
    else:
        ck.true("connectors egress opens nothing", all(r[3] == "255.255.255.255/32" for r in egress(sg)), egress(sg))
    ck.eq("connectors ingress", ingress(sg), set())
    return {s["name"]: endpoints.get(val.get(f"services/{s['name']}/endpoint-id")) for s in ready}


def check_vpn(ck, aws, fleet, c, psks):
    """<customer>-Vpn against the vpn section of customers/<name>.yaml."""
    acct, region, name, vpn = fleet.account, c["region"], c["name"], c["vpn"]
    ec2, ssm = aws.client("ec2", acct, region), aws.client("ssm", acct, region)
    logs, cw = aws.client("logs", acct, region), aws.client("cloudwatch", acct, region)
    stack, out = stack_outputs(aws.client("cloudformation", acct, region), f"{name}-Vpn")
    ck.eq("termination protection", stack.get("EnableTerminationProtection"), True)
    nat_mode = vpn.get("natGateways", "single")
    prefix = f"/privateconnect/{name}/vpn/"
    val = {k: p["Value"] for k, p in ssm_parameters(ssm, prefix).items()}
    want = {"vpc-id", "subnet-ids", "connector-security-group-id", "vpn-connection-id", "vpn-gateway-id",
            "customer-gateway-id", "flow-log-group", "tunnel-log-group"} | ({"nat-public-ips"} if nat_mode != "none" else set())
    ck.eq(f"SSM parameters under {prefix}", sorted(val), sorted(want))
    vpc_id, subnet_ids = val["vpc-id"], val["subnet-ids"].split(",")
    azs = vpn["availabilityZones"]
    check_vpc(ck, ec2, vpc_id, vpn["vpcCidr"], azs, subnet_ids, name)
    check_flow_log(ck, ec2, logs, vpc_id, val["flow-log-group"], fleet.retention())

    vgw = ec2.describe_vpn_gateways(VpnGatewayIds=[val["vpn-gateway-id"]])["VpnGateways"][0]
    ck.eq("VGW type", vgw["Type"], "ipsec.1")
    ck.eq("VGW Amazon-side ASN", int(vgw.get("AmazonSideAsn", 0)), int(vpn.get("amazonSideAsn", 64512)))
    ck.eq("VGW attached to the VPC", [(a["VpcId"], a["State"]) for a in vgw.get("VpcAttachments", [])], [(vpc_id, "attached")])
    cgw = ec2.describe_customer_gateways(CustomerGatewayIds=[val["customer-gateway-id"]])["CustomerGateways"][0]
    ck.eq("CGW address", cgw["IpAddress"], vpn["customerGateway"]["ipAddress"])
    want_asn = vpn["customerGateway"].get("bgpAsn", 65000 if vpn["routing"] == "static" else None)
    ck.eq("CGW ASN", int(cgw.get("BgpAsnExtended") or cgw["BgpAsn"]), want_asn)
    ck.eq("CGW type", cgw["Type"], "ipsec.1")
    conn = ec2.describe_vpn_connections(VpnConnectionIds=[val["vpn-connection-id"]])["VpnConnections"][0]
    ck.eq("connection gateways", (conn["CustomerGatewayId"], conn.get("VpnGatewayId")), (cgw["CustomerGatewayId"], vgw["VpnGatewayId"]))
    ck.eq("connection type", conn["Type"], "ipsec.1")
    static = vpn["routing"] == "static"
    ck.eq("static routing only", conn.get("Options", {}).get("StaticRoutesOnly"), static)
    ck.eq("static routes", sorted(r["DestinationCidrBlock"] for r in conn.get("Routes", [])),
          sorted(vpn.get("staticRoutes", [])) if static else [])
    tunnels = conn.get("Options", {}).get("TunnelOptions", [])
    ck.eq("two tunnels", len(tunnels), 2)
    tunnel_logs = val["tunnel-log-group"]
    for i, (got, conf) in enumerate(zip(tunnels, (vpn.get("tunnels") or []) + [{}, {}])):
        t = f"tunnel {i + 1}"
        if conf.get("insideCidr"):
            ck.eq(f"{t} inside CIDR", got.get("TunnelInsideCidr"), conf["insideCidr"])
        if conf.get("preSharedKeySecret"):
            ck.eq(f"{t} pre-shared key from its secret", got.get("PreSharedKey"), psks.get((name, i)))
        ck.eq(f"{t} IKE versions", sorted(v["Value"] for v in got.get("IkeVersions", [])),
              sorted(conf.get("ikeVersions", ["ikev2"])))
        for key, api in (("phase1DhGroupNumbers", "Phase1DHGroupNumbers"), ("phase2DhGroupNumbers", "Phase2DHGroupNumbers"),
                         ("phase1EncryptionAlgorithms", "Phase1EncryptionAlgorithms"),
                         ("phase2EncryptionAlgorithms", "Phase2EncryptionAlgorithms"),
                         ("phase1IntegrityAlgorithms", "Phase1IntegrityAlgorithms"),
                         ("phase2IntegrityAlgorithms", "Phase2IntegrityAlgorithms")):
            if key in conf:
                ck.eq(f"{t} {key}", sorted(v["Value"] for v in got.get(api, [])), sorted(conf[key]))
        cwl = got.get("LogOptions", {}).get("CloudWatchLogOptions", {})
        ck.eq(f"{t} logs on", cwl.get("LogEnabled"), True)
        ck.true(f"{t} logs to the tunnel log group", f":log-group:{tunnel_logs}" in str(cwl.get("LogGroupArn")), cwl)
        ck.eq(f"{t} BGP logs", bool(cwl.get("BgpLogEnabled")), not static)
    groups = [g for g in logs.describe_log_groups(logGroupNamePrefix=tunnel_logs)["logGroups"] if g["logGroupName"] == tunnel_logs]
    if ck.true("tunnel log group exists", groups):
        ck.eq("tunnel log retention", groups[0].get("retentionInDays"),
              (vpn.get("tunnelLogs") or {}).get("retentionDays", fleet.retention()))

    nats = [n for n in ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
            if n["State"] != "deleted"]
    ck.eq(f"NAT gateways ({nat_mode})", len(nats), {"none": 0, "single": 1, "perAz": len(azs)}[nat_mode])
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    ck.eq("internet gateway", len(igws), 0 if nat_mode == "none" else 1)
    if nat_mode != "none":
        ips = sorted(a["PublicIp"] for n in nats for a in n["NatGatewayAddresses"])
        ck.eq("SSM nat-public-ips", sorted(val.get("nat-public-ips", "").split(",")), ips)
        quarter = slots(vpn["vpcCidr"])[-1]
        for n in nats:
            sub = ec2.describe_subnets(SubnetIds=[n["SubnetId"]])["Subnets"][0]
            ck.true(f"NAT {n['NatGatewayId']} in a public subnet of the last slot",
                    ipaddress.ip_network(sub["CidrBlock"]).subnet_of(quarter), sub["CidrBlock"])
    nat_by_az = {ec2.describe_subnets(SubnetIds=[n["SubnetId"]])["Subnets"][0]["AvailabilityZoneId"]: n["NatGatewayId"] for n in nats}
    for i, sid in enumerate(subnet_ids):
        tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [sid]}])["RouteTables"]
        if not ck.eq(f"subnet {i} has its own route table", len(tables), 1):
            continue
        table = tables[0]
        ck.eq(f"subnet {i} propagates the VGW's routes",
              [p["GatewayId"] for p in table.get("PropagatingVgws", [])], [vgw["VpnGatewayId"]])
        default = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        if nat_mode == "none":
            ck.eq(f"subnet {i} has no default route", default, [])
        else:
            want_nat = nat_by_az.get(azs[i]) if nat_mode == "perAz" else (nats[0]["NatGatewayId"] if nats else None)
            ck.eq(f"subnet {i} default route via its NAT", [r.get("NatGatewayId") for r in default], [want_nat])

    sg = ec2.describe_security_groups(GroupIds=[val["connector-security-group-id"]])["SecurityGroups"][0]
    cidrs = vpn.get("staticRoutes") if static else c.get("networks", [])
    ck.eq("connectors egress = customer subnets on the ports, nothing else", egress(sg),
          {("tcp", int(p), int(p), cidr) for cidr in cidrs for p in vpn["ports"]})
    ck.eq("connectors ingress", ingress(sg), set())
    alarms = [a for a in cw.describe_alarms()["MetricAlarms"]
              if {"Name": "VpnId", "Value": conn["VpnConnectionId"]} in a.get("Dimensions", [])]
    ck.eq("tunnel state alarms", sorted((a["Namespace"], a["MetricName"]) for a in alarms), [("AWS/VPN", "TunnelState")] * 2)
    topic = (fleet.vendor.get("alarmTopicArns") or {}).get(region)
    for a in alarms:
        ck.eq(f"alarm {a['AlarmName']} actions", a.get("AlarmActions"), [topic] if topic else [])


# --- inbound PrivateLink: the vendor side -----------------------------------------

INBOUND_PREFIX = "Vendor-Inbound-"  # stacks.InboundServiceStackName
NLB_ARN_RE = re.compile(r"^arn:aws:elasticloadbalancing:([a-z0-9-]+):([0-9]{12}):loadbalancer/net/([A-Za-z0-9-]{1,32})/[0-9a-f]{16}$")


def inbound(c):
    """The customer's inboundPrivateLink section, or None."""
    return c.get("inboundPrivateLink") if isinstance(c.get("inboundPrivateLink"), dict) else None


def inbound_platform(fleet):
    return fleet.vendor.get("inboundPrivateLink") or {}


def inbound_customers(fleet, region):
    """The fleet's inbound customers served in region (the service's region: the customer's `region`)."""
    return [c for c in fleet.customers.values() if inbound(c) is not None and c["region"] == region]


def inbound_regions(fleet):
    return sorted({c["region"] for c in fleet.customers.values() if inbound(c) is not None})


def inbound_accounts(c):
    return [str(a) for a in inbound(c).get("accounts") or [c["account"]]]


def inbound_vpc_region(c):
    return inbound(c).get("region") or c["region"]


def inbound_client_cidrs(c):
    cidrs = inbound(c).get("clientCidrs")
    return list(cidrs if cidrs is not None else c.get("networks") or [])


def inbound_hostnames(fleet, c):
    hosts = inbound(c).get("hostnames")
    return list(hosts if hosts is not None else inbound_platform(fleet).get("hostnames") or [])


def inbound_ports(c):
    return [int(p) for p in inbound(c).get("ports") or [443]]


def inbound_zones(fleet, c):
    """Vendor domain -> the customer's hostnames in it, in the vendor's order (stacks.InboundZones)."""
    zones = {}
    for d in inbound_platform(fleet).get("domains") or []:
        hosts = [h for h in inbound_hostnames(fleet, c) if h == d or h.endswith("." + d)]
        if hosts:
            zones[d] = hosts
    return zones


def create_platform_nlbs(aws, fleet):
    """The vendor platform's existing Network Load Balancer, one per region with an
    nlbArn in vendor.yaml: a VPC, a subnet in each of the region's AZ IDs, an
    internal NLB named as in the ARN, a TCP listener per platform port. moto picks
    the ARN; returns {the ARN in vendor.yaml: the one moto gave}."""
    out = {}
    platform = inbound_platform(fleet)
    for region, conf in sorted((platform.get("regions") or {}).items()):
        arn = (conf or {}).get("nlbArn")
        if not arn:
            continue
        m = NLB_ARN_RE.match(arn)
        if not m:
            raise Failure(f"vendor.yaml inboundPrivateLink.regions.{region}.nlbArn is not an NLB ARN: {arn}")
        account = fleet.account
        ec2, elbv2 = aws.client("ec2", account, region), aws.client("elbv2", account, region)
        block = ipaddress.ip_network("10.250.0.0/16")
        vpc = ec2.create_vpc(CidrBlock=str(block))["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=str(net), AvailabilityZoneId=az)["Subnet"]["SubnetId"]
                   for az, net in zip(conf.get("availabilityZones") or [], block.subnets(new_prefix=24))]
        lb = elbv2.create_load_balancer(Name=m[3], Type="network", Scheme="internal", Subnets=subnets,
                                        Tags=[{"Key": "Name", "Value": "the platform (created by the e2e harness)"}])["LoadBalancers"][0]
        for port in platform.get("ports") or [443]:
            tg = elbv2.create_target_group(Name=f"{m[3]}-{port}", Protocol="TCP", Port=int(port), VpcId=vpc,
                                           TargetType="ip")["TargetGroups"][0]
            elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="TCP", Port=int(port),
                                  DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
        if not NLB_ARN_RE.match(lb["LoadBalancerArn"]) or lb["Type"] != "network":
            raise Failure(f"the emulator made {lb['Type']} load balancer {lb['LoadBalancerArn']}, not a network one with a net/ ARN")
        say(f"  the platform's NLB in {region}: {lb['LoadBalancerArn']} (vendor.yaml has {arn})")
        out[arn] = lb["LoadBalancerArn"]
    return out


def platform_fleet(aws, fleet_dir, workdir, label):
    """A copy of the fleet whose vendor.yaml names the platform NLBs created in the
    emulator (moto cannot take a chosen ARN); its directory."""
    arns = create_platform_nlbs(aws, Fleet(fleet_dir))
    copy = workdir / label
    shutil.copytree(fleet_dir, copy)
    path = copy / "vendor.yaml"
    text = path.read_text()
    for old, new in arns.items():
        if text.count(old) != 1:
            raise Failure(f"{path}: nlbArn {old} appears {text.count(old)} times, not once")
        text = text.replace(old, new)
    path.write_text(text)
    return copy


def check_inbound_service(ck, aws, fleet, region):
    """Vendor-Inbound-<region> against vendor.yaml's inboundPrivateLink and every inbound
    customer of the region; the service's description (an EC2 API answer)."""
    acct = fleet.account
    platform = inbound_platform(fleet)
    conf = (platform.get("regions") or {}).get(region) or {}
    customers = inbound_customers(fleet, region)
    ec2, ssm = aws.client("ec2", acct, region), aws.client("ssm", acct, region)
    stack, out = stack_outputs(aws.client("cloudformation", acct, region), INBOUND_PREFIX + region)
    ck.eq("termination protection", stack.get("EnableTerminationProtection"), True)
    want_principals = sorted({f"arn:aws:iam::{a}:root" for c in customers for a in inbound_accounts(c)})
    want_regions = sorted({inbound_vpc_region(c) for c in customers if inbound_vpc_region(c) != region})
    prefix = "/privateconnect/inbound/"
    params = ssm_parameters(ssm, prefix)
    want = {"service-id", "service-name", "availability-zone-ids", "allowed-principals"} | (
        {"private-dns-name"} if conf.get("privateDnsName") else set())
    ck.eq(f"SSM parameters under {prefix}", sorted(params), sorted(want))
    val = {k: p["Value"] for k, p in params.items()}
    outputs = {"service-id": "ServiceId", "service-name": "ServiceName", "availability-zone-ids": "AvailabilityZoneIds",
               "allowed-principals": "AllowedPrincipals", "private-dns-name": "PrivateDnsName"}
    for key in sorted(want):
        ck.eq(f"output {outputs[key]} = SSM {key}", out.get(outputs[key]), val.get(key))
    for key in ("availability-zone-ids", "allowed-principals"):
        ck.eq(f"SSM {key} type", params.get(key, {}).get("Type"), "StringList")
    ck.eq("output PrivateDnsName", out.get("PrivateDnsName"), conf.get("privateDnsName"))
    ck.eq("AvailabilityZoneIds = vendor.yaml's", val.get("availability-zone-ids", "").split(","), conf.get("availabilityZones"))
    ck.eq("AllowedPrincipals = the region's inbound customers' accounts", sorted(val.get("allowed-principals", "").split(",")),
          want_principals)
    ck.eq("Customers output = the region's inbound customers", sorted(out.get("Customers", "").split(",")),
          sorted(c["name"] for c in customers))
    svc_id = out.get("ServiceId")
    configs = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[svc_id])["ServiceConfigurations"]
    if not ck.eq("one endpoint service", len(configs), 1):
        return None
    svc = configs[0]
    ck.eq("ServiceName output = the service's", out.get("ServiceName"), svc["ServiceName"])
    ck.eq("service name form", svc["ServiceName"], f"com.amazonaws.vpce.{region}.{svc_id}")
    ck.eq("service type", [t["ServiceType"] for t in svc.get("ServiceType", [])], ["Interface"])
    ck.eq("on the platform's NLB (vendor.yaml nlbArn), nothing else",
          (svc.get("NetworkLoadBalancerArns"), svc.get("GatewayLoadBalancerArns") or []), ([conf.get("nlbArn")], []))
    ck.eq("acceptance required", svc["AcceptanceRequired"], True)
    allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=svc_id)["AllowedPrincipals"]
    ck.eq("allowed principals = arn:aws:iam::<account>:root of each inbound customer account, exactly",
          sorted(x["Principal"] for x in allowed), want_principals)
    ck.eq("supported regions (cross-region customers' VPC regions)",
          sorted(r["Region"] for r in svc.get("SupportedRegions", [])), want_regions)
    ck.eq("private DNS name", svc.get("PrivateDnsName"), conf.get("privateDnsName"))
    tags = {t["Key"]: t["Value"] for t in svc.get("Tags", [])}
    ck.eq("tag privateconnect:mode", tags.get("privateconnect:mode"), "inbound")
    for k, v in (fleet.vendor.get("tags") or {}).items():
        ck.eq(f"vendor tag {k}", tags.get(k), str(v))
    return svc


def create_psk_secrets(aws, fleet, names):
    """As the vendor does before deploying: the tunnels' pre-shared keys in Secrets Manager."""
    psks = {}
    for name in names:
        c = fleet.customers[name]
        secrets = collections.defaultdict(dict)
        for i, t in enumerate((c.get("vpn") or {}).get("tunnels") or []):
            if t.get("preSharedKeySecret"):
                psks[(name, i)] = PSK.format(f"{name}{i + 1}")
                secrets[t["preSharedKeySecret"]][t.get("preSharedKeyJsonKey")] = psks[(name, i)]
        sm = aws.client("secretsmanager", fleet.account, c["region"]) if secrets else None
        for secret, keys in secrets.items():
            value = keys[None] if None in keys else json.dumps(keys)
            sm.create_secret(Name=secret, SecretString=value)
    return psks


# --- the customers' side ------------------------------------------------------------

class Producer:
    """One customer's deployed template and what the customer built for it."""

    def __init__(self, c, bundle):
        self.c, self.bundle = c, bundle
        self.account, self.region = str(c["account"]), producer_region(c)
        self.label = f"{c['name']}-Producer"
        self.guide = bundle / "README.md"  # whose `aws cloudformation deploy` command the customer runs
        self.template_file = bundle / f"{self.label}.yaml"
        self.template = yaml.safe_load(self.template_file.read_text())
        self.params, self.hosts, self.outputs = {}, {}, {}
        self.vpc_id, self.subnets, self.stack_name = None, [], None


def prepare_customer(aws, p, with_topics):
    """What the customer has before deploying: a VPC, subnets, instances, databases, topics."""
    c, ec2 = p.c, aws.client("ec2", p.account, p.region)
    block = ipaddress.ip_network((c.get("networks") or ["10.0.0.0/16"])[0])
    p.vpc_id = ec2.create_vpc(CidrBlock=str(block))["Vpc"]["VpcId"]
    if p.region == c["region"]:
        azs = c["privateLink"]["availabilityZones"]  # the AZ IDs the vendor's endpoints use
    else:
        azs = [z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    nets = list(block.subnets(new_prefix=max(block.prefixlen, 24)))
    for az, net in zip(azs, nets):
        p.subnets.append(ec2.create_subnet(VpcId=p.vpc_id, CidrBlock=str(net), AvailabilityZoneId=az)["Subnet"]["SubnetId"])
    p.params = {"VpcId": p.vpc_id, "SubnetIds": ",".join(p.subnets)}
    if with_topics:
        sns = aws.client("sns", p.account, p.region)
        p.params["AlarmTopicArn"] = sns.create_topic(Name="privateconnect-alarms")["TopicArn"]
        p.params["ConnectionTopicArn"] = sns.create_topic(Name="privateconnect-connections")["TopicArn"]
    rds = aws.client("rds", p.account, p.region)
    hosts = [str(h) for h in nets[0].hosts()]
    next_ip = iter(hosts[10:100])
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    for s in producer_services(c):
        sid, pr = output_id(s["name"]), s["producer"]
        n = pr.get("count", 1)
        if pr["target"] == "ip":
            for i in range(1, n + 1):
                p.params[f"{sid}TargetIp{i}"] = next(next_ip)
        elif pr["target"] == "instance":
            run = ec2.run_instances(ImageId=ami, MinCount=n, MaxCount=n, InstanceType="t3.micro", SubnetId=p.subnets[0])
            for i, inst in enumerate(run["Instances"], 1):
                p.params[f"{sid}TargetInstance{i}"] = inst["InstanceId"]
        else:
            by = (pr.get("rds") or {}).get("by", "hostname")
            ident = f"{c['name']}-{s['name']}"
            if by == "dbCluster":
                rds.create_db_cluster(DBClusterIdentifier=ident, Engine="aurora-postgresql", MasterUsername="admin1",
                                      MasterUserPassword="e2e-password-1")
                for i in range(3):  # the first is the writer
                    rds.create_db_instance(DBInstanceIdentifier=f"{ident}-{i}", DBClusterIdentifier=ident,
                                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
                p.params[f"{sid}DbClusterIdentifier"] = ident
            else:
                db = rds.create_db_instance(DBInstanceIdentifier=ident, Engine="postgres", DBInstanceClass="db.t3.micro",
                                            AllocatedStorage=20, MasterUsername="admin1", MasterUserPassword="e2e-password-1")
                if by == "dbInstance":
                    p.params[f"{sid}DbInstanceIdentifier"] = ident
                else:
                    p.params[f"{sid}TargetHostname"] = db["DBInstance"]["Endpoint"]["Address"]
    # The stub resolver's answers: every database's endpoint -> an address in the VPC.
    for i, db in enumerate(paginate(rds, "describe_db_instances", "DBInstances")):
        p.hosts[db["Endpoint"]["Address"]] = hosts[100 + i]


def readme_deploy_command(p):
    """The `aws cloudformation deploy` command of the customer's guide (README.md,
    INBOUND.md), placeholders filled in."""
    readme = p.guide.read_text()
    for block in re.findall(r"```(?:sh|bash)?\n(.*?)```", readme, re.S):
        if "aws cloudformation deploy" in block:
            argv = shlex.split(block.replace("\\\n", " "))
            break
    else:
        raise Failure(f"{p.guide} has no `aws cloudformation deploy` command")
    if argv[:3] != ["aws", "cloudformation", "deploy"]:
        raise Failure(f"{p.guide.name} deploy command does not start with aws cloudformation deploy: {argv[:3]}")
    asked = set()
    for i, arg in enumerate(argv):
        m = re.fullmatch(r"(\w+)=<.*>", arg)
        if m:
            if m[1] not in p.params:
                raise Failure(f"{p.guide.name} asks for parameter {m[1]}, which the e2e does not know how to fill")
            argv[i] = f"{m[1]}={p.params[m[1]]}"
            asked.add(m[1])
    optional = [f"{k}={v}" for k, v in p.params.items() if k not in asked]
    if optional:
        if "--parameter-overrides" not in argv:
            argv.append("--parameter-overrides")
        argv[argv.index("--parameter-overrides") + 1:argv.index("--parameter-overrides") + 1] = optional
    if "--s3-bucket" in argv and argv[argv.index("--s3-bucket") + 1].startswith("<"):
        argv[argv.index("--s3-bucket") + 1] = template_bucket(p)  # "<a bucket of yours>": the harness makes one
    p.stack_name = argv[argv.index("--stack-name") + 1]
    return argv


def template_bucket(p):
    return f"e2e-templates-{p.account}-{p.region}"


def create_bucket(aws, p):
    aws.client("s3", p.account, p.region).create_bucket(
        Bucket=template_bucket(p),
        **({} if p.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": p.region}}))


def deploy_producer(ck, aws, p, workdir, aws_cli, check_template=True):
    """Deploy as the customer would: the guide's command, in the customer's account and region."""
    argv = readme_deploy_command(p)
    env = aws.env(p.account, p.region)
    log = workdir / f"deploy-{p.label}.log"
    what = f"aws cloudformation deploy {p.template_file.name} ({p.account}/{p.region})"
    if check_template:
        with ck.section(f"{p.label} template"):
            ck.eq(f"the {p.guide.name} command deploys to the template's region",
                  argv[argv.index("--region") + 1] if "--region" in argv else None, p.region)
            ck.eq("template parameters = what the config implies",
                  sorted(k for k, v in p.template.get("Parameters", {}).items() if "Default" not in v),
                  sorted(k for k in p.params if k not in ("AlarmTopicArn", "ConnectionTopicArn")))
    if template_bucket(p) in argv:
        create_bucket(aws, p)
    start = log.stat().st_size if log.exists() else 0
    if run(aws_cli + argv[1:], env=env, what=what, log=log, timeout=180, cwd=p.bundle, ok=(0, 255)) == 0:
        return finish_deploy(aws, p)
    said = log.read_text(errors="replace")[start:]
    if "must be deployed via an S3 Bucket" not in said:
        raise Failure(f"{what} failed; output in {log}:\n{tail(log)}")
    if check_template:
        with ck.section(f"{p.label} template"):
            ck.fail(f"the {p.guide.name} deploy command works", f"{p.template_file.name} is {p.template_file.stat().st_size:,} bytes, "
                    f"over CloudFormation's {TEMPLATE_BODY_LIMIT:,}-byte inline limit; the CLI says: {said.strip().splitlines()[-1]}")
    # Carry on as the CLI asks, so that the rest still gets checked.
    create_bucket(aws, p)
    run(aws_cli + argv[1:] + ["--s3-bucket", template_bucket(p)], env=env, what=what + " --s3-bucket", log=log, timeout=180, cwd=p.bundle)
    return finish_deploy(aws, p)


def finish_deploy(aws, p):
    _, p.outputs = stack_outputs(aws.client("cloudformation", p.account, p.region), p.stack_name)


def check_producer(ck, aws, fleet, p):
    """The customer's stack: per service an internal NLB, listeners and target groups per
    port, the endpoint service only the vendor may use, alarms, and the registrar."""
    c, acct, region = p.c, p.account, p.region
    ec2, elbv2 = aws.client("ec2", acct, region), aws.client("elbv2", acct, region)
    cw, lam = aws.client("cloudwatch", acct, region), aws.client("lambda", acct, region)
    events = aws.client("events", acct, region)
    alarms = cw.describe_alarms()["MetricAlarms"]
    functions = paginate(lam, "list_functions", "Functions")
    topic = p.params.get("AlarmTopicArn")
    for s in producer_services(c):
        sid, pr, ports = output_id(s["name"]), s["producer"], [int(x) for x in s["ports"]]
        svc_id = p.outputs.get(f"{sid}ServiceId")
        configs = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[svc_id])["ServiceConfigurations"]
        if not ck.eq(f"{s['name']}: one endpoint service", len(configs), 1):
            continue
        svc = configs[0]
        ck.eq(f"{s['name']}: ServiceName output", p.outputs.get(f"{sid}ServiceName"), svc["ServiceName"])
        ck.eq(f"{s['name']}: service name form", svc["ServiceName"], f"com.amazonaws.vpce.{region}.{svc_id}")
        ck.eq(f"{s['name']}: acceptance required", svc["AcceptanceRequired"], not pr.get("insecureAutoAcceptConnections", False))
        principals = ec2.describe_vpc_endpoint_service_permissions(ServiceId=svc_id)["AllowedPrincipals"]
        ck.eq(f"{s['name']}: allowed principals", [x["Principal"] for x in principals], [fleet.vendor["principalArn"]])
        ck.eq(f"{s['name']}: supported regions", [r["Region"] for r in svc.get("SupportedRegions", [])],
              [c["region"]] if region != c["region"] else [])
        ck.eq(f"{s['name']}: one NLB", len(svc.get("NetworkLoadBalancerArns", [])), 1)
        lb = elbv2.describe_load_balancers(LoadBalancerArns=svc["NetworkLoadBalancerArns"][:1])["LoadBalancers"][0]
        ck.eq(f"{s['name']}: NLB type", lb["Type"], "network")
        ck.eq(f"{s['name']}: NLB scheme", lb["Scheme"], "internal")
        ck.eq(f"{s['name']}: NLB subnets", sorted(z["SubnetId"] for z in lb["AvailabilityZones"]), sorted(p.subnets))
        attrs = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]}
        ck.eq(f"{s['name']}: cross-zone load balancing", attrs.get("load_balancing.cross_zone.enabled"), "true")
        listeners = elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
        ck.eq(f"{s['name']}: listener ports", sorted(l["Port"] for l in listeners), sorted(ports))
        groups = {}
        for l in listeners:
            port = l["Port"]
            ck.eq(f"{s['name']}:{port} listener protocol", l["Protocol"], "TCP")
            actions = l["DefaultActions"]
            if not ck.eq(f"{s['name']}:{port} forwards to one target group", [a["Type"] for a in actions], ["forward"]):
                continue
            tg = elbv2.describe_target_groups(TargetGroupArns=[actions[0]["TargetGroupArn"]])["TargetGroups"][0]
            groups[port] = tg
            ck.eq(f"{s['name']}:{port} target group", (tg["Protocol"], tg["Port"], tg["VpcId"], tg["HealthCheckProtocol"]),
                  ("TCP", port, p.vpc_id, "TCP"))
            ck.eq(f"{s['name']}:{port} target type", tg["TargetType"], "instance" if pr["target"] == "instance" else "ip")
            tga = {a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(TargetGroupArn=tg["TargetGroupArn"])["Attributes"]}
            for key in ("proxy_protocol_v2.enabled", "preserve_client_ip.enabled", "stickiness.enabled"):
                ck.eq(f"{s['name']}:{port} {key}", tga.get(key), "false")
            targets = {(d["Target"]["Id"], d["Target"]["Port"]) for d in
                       elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]}
            given = [v for k, v in p.params.items() if k.startswith(f"{sid}Target") and k != f"{sid}TargetHostname"]
            ck.eq(f"{s['name']}:{port} targets", targets,
                  {(t, port) for t in given} if pr["target"] in ("ip", "instance") else set())
            full = tg["TargetGroupArn"].split(":", 5)[5]
            mine = [a for a in alarms if {"Name": "TargetGroup", "Value": full} in a.get("Dimensions", [])]
            if ck.eq(f"{s['name']}:{port} one no-healthy-target alarm", len(mine), 1):
                a = mine[0]
                ck.eq(f"{s['name']}:{port} alarm metric", (a["Namespace"], a["MetricName"], a["ComparisonOperator"], a["Threshold"]),
                      ("AWS/NetworkELB", "HealthyHostCount", "LessThanThreshold", 1.0))
                ck.true(f"{s['name']}:{port} alarm on the NLB",
                        {"Name": "LoadBalancer", "Value": lb["LoadBalancerArn"].split(":loadbalancer/", 1)[1]} in a["Dimensions"],
                        a["Dimensions"])
                ck.eq(f"{s['name']}:{port} alarm actions", a.get("AlarmActions"), [topic] if topic else [])
        if pr["target"] != "rds":
            continue
        arns = {tg["TargetGroupArn"]: port for port, tg in groups.items()}
        fns = [f for f in functions if {g["arn"] for g in json.loads(
            f.get("Environment", {}).get("Variables", {}).get("TARGET_GROUPS", "[]"))} == set(arns)]
        if not ck.eq(f"{s['name']}: one registrar for its target groups", len(fns), 1):
            continue
        fn = fns[0]
        env = fn["Environment"]["Variables"]
        rds = pr.get("rds") or {}
        by = rds.get("by", "hostname")
        ck.eq(f"{s['name']}: registrar runtime", (fn["Runtime"], fn["Handler"]), ("python3.14", "index.handler"))
        ck.eq(f"{s['name']}: registrar target groups and ports",
              sorted((g["arn"], int(g["port"])) for g in json.loads(env["TARGET_GROUPS"])), sorted(arns.items()))
        param = {"hostname": "TargetHostname", "dbInstance": "DbInstanceIdentifier", "dbCluster": "DbClusterIdentifier"}[by]
        ck.eq(f"{s['name']}: registrar target", (env.get("TARGET_KIND"), env.get("TARGET")), (by, p.params[f"{sid}{param}"]))
        ck.eq(f"{s['name']}: registrar role", env.get("ROLE"), rds.get("role", "writer"))
        registrar = pr.get("registrar") or {}
        ck.eq(f"{s['name']}: registrar misses", env.get("DEREGISTER_AFTER_MISSES"), str(registrar.get("deregisterAfterMisses", 3)))
        state = aws.client("ssm", acct, region).get_parameter(Name=env["STATE_PARAMETER"])["Parameter"]["Value"]
        ck.eq(f"{s['name']}: registrar state parameter", state, "{}")
        minutes = registrar.get("scheduleMinutes", 1)
        rules = [r for r in paginate(events, "list_rules", "Rules")
                 if any(t["Arn"] == fn["FunctionArn"] for t in events.list_targets_by_rule(Rule=r["Name"])["Targets"])]
        ck.eq(f"{s['name']}: registrar schedule", sorted(r.get("ScheduleExpression", "") for r in rules),
              sorted(["", f"rate({minutes} minute{'s' if minutes != 1 else ''})"]))
        pattern = [json.loads(r["EventPattern"]) for r in rules if r.get("EventPattern")]
        ck.true(f"{s['name']}: registrar runs on RDS events", pattern and pattern[0].get("source") == ["aws.rds"], pattern)
        policy = json.loads(lam.get_policy(FunctionName=fn["FunctionName"])["Policy"])
        ck.eq(f"{s['name']}: EventBridge may invoke the registrar",
              sorted(st["Principal"]["Service"] if isinstance(st["Principal"], dict) else st["Principal"] for st in policy["Statement"]),
              ["events.amazonaws.com"] * 2)
        errs = [a for a in alarms if {"Name": "FunctionName", "Value": fn["FunctionName"]} in a.get("Dimensions", [])]
        ck.eq(f"{s['name']}: registrar error alarm", [(a["Namespace"], a["MetricName"]) for a in errs], [("AWS/Lambda", "Errors")])


def run_registrars(ck, aws, p, workdir):
    """The registrar's inline code, as deployed, against the emulator's target groups."""
    code = {r["Properties"]["Code"]["ZipFile"] for r in p.template["Resources"].values()
            if r["Type"] == "AWS::Lambda::Function"}
    if not code:
        return
    ck.eq("one registrar code in the template", len(code), 1)
    path = workdir / f"registrar_{p.c['name']}" / "index.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(code.pop())
    spec = importlib.util.spec_from_file_location(f"registrar_{p.c['name']}", path)
    registrar = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(registrar)
    ck.eq("inline code = constructs/producer/registrar/registrar.py", path.read_text(),
          (REPO / "constructs/producer/registrar/registrar.py").read_text())
    lam = aws.client("lambda", p.account, p.region)
    elbv2, rds, ssm = (aws.client(s, p.account, p.region) for s in ("elbv2", "rds", "ssm"))
    calls = []

    def resolve(hostname):  # the stub: the emulator's database endpoints resolve into the customer's VPC
        calls.append(hostname)
        if hostname not in p.hosts:
            raise socket.gaierror(socket.EAI_NONAME, f"{hostname}: Name or service not known")
        return [p.hosts[hostname]]

    for fn in paginate(lam, "list_functions", "Functions"):
        env = fn.get("Environment", {}).get("Variables", {})
        if "TARGET_GROUPS" not in env:
            continue
        config = registrar.Config.from_env(env)
        want = expected_ips(rds, config, p.hosts)
        with open(workdir / "registrar.log", "a") as out, contextlib.redirect_stdout(out):  # its metric lines
            first = registrar.run(config, elbv2, rds, ssm, resolve=resolve, sleep=lambda s: None)
            ck.eq(f"{config.service}: first run registers the database's addresses", first["registered"], sorted(want))
            for g in config.target_groups:
                got = {(d["Target"]["Id"], d["Target"]["Port"]) for d in
                       elbv2.describe_target_health(TargetGroupArn=g.arn)["TargetHealthDescriptions"]}
                ck.eq(f"{config.service}: targets of port {g.port}", got, {(ip, g.port) for ip in want})
            second = registrar.run(config, elbv2, rds, ssm, resolve=resolve, sleep=lambda s: None)
        ck.eq(f"{config.service}: second run changes nothing", (second["registered"], second["deregistered"]), ([], []))
    ck.true("the stub resolver was used", calls)


def expected_ips(rds, config, hosts):
    """What the registrar should find, worked out from the RDS API independently of its code."""
    if config.target_kind == "hostname":
        return {hosts[config.target]}
    if config.target_kind == "dbInstance":
        db = rds.describe_db_instances(DBInstanceIdentifier=config.target)["DBInstances"][0]
        return {hosts[db["Endpoint"]["Address"]]}
    members = rds.describe_db_clusters(DBClusterIdentifier=config.target)["DBClusters"][0]["DBClusterMembers"]
    chosen = [m["DBInstanceIdentifier"] for m in members if m["IsClusterWriter"] == (config.role == "writer")]
    return {hosts[rds.describe_db_instances(DBInstanceIdentifier=i)["DBInstances"][0]["Endpoint"]["Address"]] for i in chosen}


# --- inbound PrivateLink: the customer side ------------------------------------------

class Inbound:
    """One inbound customer's handed-over template (INBOUND.md's command) and its VPC."""

    def __init__(self, c, bundle):
        self.c, self.bundle = c, bundle
        self.account, self.region = inbound_accounts(c)[0], inbound_vpc_region(c)  # INBOUND.md: the first account
        self.label = f"{c['name']}-Inbound"
        self.guide = bundle / "INBOUND.md"
        self.template_file = bundle / f"{self.label}.yaml"
        self.template = yaml.safe_load(self.template_file.read_text())
        self.params, self.outputs = {}, {}
        self.vpc_id, self.subnets, self.stack_name = None, [], None


def prepare_inbound(aws, p):
    """What the customer has before deploying: a VPC with DNS on, a subnet in each configured AZ ID."""
    ec2 = aws.client("ec2", p.account, p.region)
    block = ipaddress.ip_network((p.c.get("networks") or ["10.0.0.0/16"])[0])
    p.vpc_id = ec2.create_vpc(CidrBlock=str(block))["Vpc"]["VpcId"]
    for attr in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=p.vpc_id, **{attr: {"Value": True}})
    for az, net in zip(inbound(p.c)["availabilityZones"], block.subnets(new_prefix=max(block.prefixlen, 24))):
        p.subnets.append(ec2.create_subnet(VpcId=p.vpc_id, CidrBlock=str(net), AvailabilityZoneId=az)["Subnet"]["SubnetId"])
    # The ClientCidr parameters keep their defaults: the template's must be the YAML's networks.
    p.params = {"VpcId": p.vpc_id, **{f"SubnetId{i}": s for i, s in enumerate(p.subnets, 1)}}


def inbound_story(ck, em, aws, fleet_dir, workdir, aws_cli):
    """The vendor writes each Vendor-Inbound-<region>'s ServiceName into (the copy of)
    vendor.yaml, regenerates the handoff; each inbound customer deploys its template
    with INBOUND.md's command; the endpoint must reach the vendor's service."""
    fleet = Fleet(fleet_dir)
    regions = inbound_regions(fleet)
    if not regions:
        ck.note("no customer has an inboundPrivateLink section: the inbound story did not run")
        return
    path = Path(fleet_dir) / "vendor.yaml"
    doc = yaml.safe_load(path.read_text())
    services = {}
    for region in regions:
        _, out = stack_outputs(aws.client("cloudformation", fleet.account, region), INBOUND_PREFIX + region)
        services[region] = out["ServiceName"]
        doc["inboundPrivateLink"]["regions"][region]["serviceName"] = out["ServiceName"]
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    say("inbound: the vendor writes back " + ", ".join(f"{r}.serviceName={n}" for r, n in services.items()))
    fleet = Fleet(fleet_dir)
    names = sorted(c["name"] for r in regions for c in inbound_customers(fleet, r))
    out_dir = workdir / "handoff-inbound"
    run(["go", "run", ".", "handoff", "-config", fleet_dir, "-out", out_dir, "-customer", ",".join(names)],
        env=aws.base_env, what=f"go run . handoff -customer {','.join(names)} (with the ServiceNames)",
        log=workdir / "handoff.log", timeout=300)
    for name in names:
        c = fleet.customers[name]
        p = Inbound(c, out_dir / name)
        prepare_inbound(aws, p)
        deploy_producer(ck, aws, p, workdir, aws_cli)
        report_skips(ck, em.skipped(), p.label, ours=True)
        with ck.section(f"{p.label} ({p.account}/{p.region})"):
            check_inbound(ck, aws, fleet, p, services[c["region"]])


def check_inbound(ck, aws, fleet, p, service_name):
    """The customer's stack against inboundPrivateLink of customers/<name>.yaml and vendor.yaml."""
    c, acct, region, inb = p.c, p.account, p.region, inbound(p.c)
    ec2, r53 = aws.client("ec2", acct, region), aws.client("route53", acct, region)
    stack, out = stack_outputs(aws.client("cloudformation", acct, region), p.stack_name)
    ck.eq("stack status", stack["StackStatus"], "CREATE_COMPLETE")
    ck.true("INBOUND.md names the vendor's service", service_name in p.guide.read_text(), p.guide)
    ports, cidrs, hosts = inbound_ports(c), inbound_client_cidrs(c), inbound_hostnames(fleet, c)
    private_dns = (inb.get("dnsMode") or "privateHostedZone") == "privateDnsName"
    eps = ec2.describe_vpc_endpoints(VpcEndpointIds=[out.get("EndpointId")])["VpcEndpoints"]
    if not ck.eq("the EndpointId output is an endpoint", len(eps), 1):
        return
    ep = eps[0]
    ck.eq("endpoint service name = the vendor's ServiceName", ep["ServiceName"], service_name)
    ck.eq("endpoint type", ep["VpcEndpointType"], "Interface")
    ck.eq("endpoint VPC", ep["VpcId"], p.vpc_id)
    ck.eq("endpoint in the customer's account", ep.get("OwnerId"), acct)
    ck.eq("endpoint subnets = the given ones", sorted(ep["SubnetIds"]), sorted(p.subnets))
    azs = [s["AvailabilityZoneId"] for s in ec2.describe_subnets(SubnetIds=ep["SubnetIds"])["Subnets"]]
    ck.eq("endpoint subnets' AZ IDs = the YAML's", sorted(azs), sorted(inb["availabilityZones"]))
    if region == c["region"]:
        offered = inbound_platform(fleet)["regions"][c["region"]].get("availabilityZones") or []
        ck.true("...each one the service is offered in", set(azs) <= set(offered), f"{azs} not all in {offered}")
    ck.eq("endpoint service region", ep.get("ServiceRegion"), c["region"])
    ck.eq("private DNS" + (" on (dnsMode privateDnsName)" if private_dns else " off"), ep.get("PrivateDnsEnabled"), private_dns)
    tags = {t["Key"]: t["Value"] for t in ep.get("Tags", [])}
    ck.eq("endpoint tag privateconnect:customer", tags.get("privateconnect:customer"), c["name"])
    groups = [g["GroupId"] for g in ep["Groups"]]
    ck.eq("one security group on the endpoint = SecurityGroupId output", groups, [out.get("SecurityGroupId")])
    sg = ec2.describe_security_groups(GroupIds=groups[:1])["SecurityGroups"][0]
    ck.eq("security group VPC", sg["VpcId"], p.vpc_id)
    ck.eq("endpoint ingress = the client CIDRs on the ports, nothing else", ingress(sg),
          {("tcp", port, port, cidr) for cidr in cidrs for port in ports})
    ck.true("endpoint opens no egress", all(r[3] == "255.255.255.255/32" for r in egress(sg)), egress(sg))
    dns = ep["DnsEntries"][0] if ep.get("DnsEntries") else {}
    ck.eq("EndpointDnsName output = the endpoint's regional DNS name", out.get("EndpointDnsName"), dns.get("DnsName"))
    ck.eq("Hostnames output", out.get("Hostnames"), ",".join(hosts))
    # The vendor's side of the same connection: the endpoint's account may request it.
    svc_id = service_name.rsplit(".", 1)[1]
    allowed = [x["Principal"] for x in aws.client("ec2", fleet.account, c["region"]).describe_vpc_endpoint_service_permissions(
        ServiceId=svc_id)["AllowedPrincipals"]]
    ck.true("the vendor's service allows the endpoint's account", f"arn:aws:iam::{ep.get('OwnerId')}:root" in allowed,
            f"allowed {allowed}, endpoint owner {ep.get('OwnerId')}")
    zones = [z for z in paginate(r53, "list_hosted_zones", "HostedZones")]
    if private_dns:
        ck.eq("no hosted zones (the service's private DNS name answers)", zones, [])
        ck.eq("no PrivateHostedZoneIds output", out.get("PrivateHostedZoneIds"), None)
        return
    want = inbound_zones(fleet, c)
    ck.eq("one hosted zone per vendor domain of the customer's hostnames",
          sorted(z["Name"].rstrip(".") for z in zones), sorted(want))
    ck.eq("PrivateHostedZoneIds output = the zones", sorted((out.get("PrivateHostedZoneIds") or "").split(",")),
          sorted(z["Id"].rsplit("/", 1)[-1] for z in zones))
    for z in zones:
        domain = z["Name"].rstrip(".")
        got = r53.get_hosted_zone(Id=z["Id"])
        ck.eq(f"{domain}: private", got["HostedZone"]["Config"]["PrivateZone"], True)
        ck.eq(f"{domain}: associated with the customer's VPC only", [(v["VPCId"], v["VPCRegion"]) for v in got.get("VPCs", [])],
              [(p.vpc_id, region)])
        records = paginate(r53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=z["Id"])
        a = {r["Name"].rstrip("."): r for r in records if r["Type"] == "A"}
        ck.eq(f"{domain}: A records = the customer's hostnames in it", sorted(a), sorted(want.get(domain, [])))
        ck.eq(f"{domain}: only SOA, NS and A records", sorted({r["Type"] for r in records} - {"A"}), ["NS", "SOA"])
        for host in want.get(domain, []):
            alias = (a.get(host) or {}).get("AliasTarget") or {}
            ck.eq(f"{host}: alias to the endpoint's DNS name", alias.get("DNSName", "").rstrip("."), dns.get("DnsName"))
            ck.eq(f"{host}: alias zone = the endpoint's", alias.get("HostedZoneId"), dns.get("HostedZoneId"))


# --- steps -----------------------------------------------------------------------

def synth_guard(ck, fleet_dir, workdir, env):
    """A broken fleet given to `make synth` leaves an earlier cdk.out untouched.

    Runs in a scratch view of the repo (every top-level entry symlinked, but its
    own cdk.out), so the real ./cdk.out and other people's synths are never touched."""
    view = workdir / "repo-view"
    view.mkdir()
    for entry in REPO.iterdir():
        if entry.name not in (".git", "cdk.out", "cdk.out.next", "dist", "e2e") and not entry.name.startswith("cdk.out."):
            (view / entry.name).symlink_to(entry)
    broken = workdir / "broken-fleet"
    shutil.copytree(fleet_dir, broken)
    first = sorted((broken / "customers").glob("*.yaml"))[0]
    text = first.read_text()
    first.write_text(re.sub(r"(?m)^(\s*)vpcCidr: .*$", r"\1vpcCidr: 10.64.0.0/33", text, count=1))
    # -o: never reinstall the CLI from here (.tools is the real one, symlinked).
    make = ["make", "--no-print-directory", "-o", ".tools/node_modules/.bin/cdk", "synth"]
    log = workdir / "synth-guard.log"
    run(make + [f"PRIVATECONNECT_CONFIG={Path(fleet_dir).resolve()}"], env=env, what="make synth (valid fleet)",
        log=log, timeout=300, cwd=view)
    out = view / "cdk.out"
    with ck.section("make synth"):
        ck.true("a valid fleet writes cdk.out", list(out.glob("*.template.json")), f"no templates in {out}")
        before = snapshot(out)
        time.sleep(1.1)  # so that any rewrite would show in the mtimes
        rc = run(make + [f"PRIVATECONNECT_CONFIG={broken}"], env=env, what="make synth (broken fleet)", log=log,
                 timeout=300, cwd=view, ok=(0, 1, 2))
        ck.true("a broken fleet fails make synth", rc != 0, f"exit {rc}")
        ck.true("...and says which file is wrong", first.name in Path(log).read_text(), tail(log, 5))
        ck.eq("...and leaves cdk.out as it was (names, bytes, mtimes)", snapshot(out), before)
        ck.eq("...and leaves no cdk.out.next", (view / "cdk.out.next").exists(), False)


def snapshot(directory):
    return {str(f.relative_to(directory)): (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
            for f in sorted(Path(directory).rglob("*")) if f.is_file()}


def handoff(fleet_dir, out, env, log):
    run(["go", "run", ".", "handoff", "-config", fleet_dir, "-out", out], env=env, what="go run . handoff",
        log=log, timeout=600)
    # Customers with a producer section get <customer>/<customer>-Producer.yaml (and others may get other files).
    return {f.parent.name: f.parent for f in Path(out).glob("*/*-Producer.yaml")}


def cdk(args, env, what, log, timeout=420):
    run([CDK] + args + CDK_FLAGS, env=env, what=what, log=log, timeout=timeout)


def bootstrap(ck, aws, account, regions, workdir):
    env = aws.env(account, sorted(regions)[0])
    cdk(["bootstrap"] + [f"aws://{account}/{r}" for r in sorted(regions)], env, f"cdk bootstrap {', '.join(sorted(regions))}",
        workdir / "cdk.log", timeout=300)
    report_skips(ck, aws.em.skipped(), "cdk bootstrap", ours=False)


def deployed_stacks(assembly):
    manifest = json.loads((Path(assembly) / "manifest.json").read_text())
    out = []
    for a in manifest["artifacts"].values():
        if a.get("type") == "aws:cloudformation:stack":
            _, _, env = a["environment"].partition("aws://")
            account, region = env.split("/")
            out.append((a.get("displayName") or a["properties"].get("stackName"), account, region))
    return out


def check_vendor_stacks(ck, aws, fleet, assembly, psks, only=None):
    endpoints = {}
    deployed = deployed_stacks(assembly)
    with ck.section("inbound stacks"):
        served = [r for r in inbound_regions(fleet)
                  if not only or any(c["name"] in only for c in inbound_customers(fleet, r))]
        ck.eq(f"one {INBOUND_PREFIX}<region> per region with inbound customers",
              sorted(s for s, _, _ in deployed if s.startswith(INBOUND_PREFIX)), [INBOUND_PREFIX + r for r in served])
    for stack, account, region in deployed:
        if stack.startswith(INBOUND_PREFIX):
            with ck.section(stack):
                ck.eq("vendor account", account, fleet.account)
                status = aws.client("cloudformation", account, region).describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
                ck.eq("stack status", status, "CREATE_COMPLETE")
                ck.eq("region = the one in its name", region, stack[len(INBOUND_PREFIX):])
                check_inbound_service(ck, aws, fleet, region)
            continue
        name, _, mode = stack.rpartition("-")
        if only and name not in only:
            continue
        with ck.section(stack):
            ck.eq("vendor account", account, fleet.account)
            status = aws.client("cloudformation", account, region).describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
            ck.eq("stack status", status, "CREATE_COMPLETE")
            c = fleet.customers.get(name)
            ck.eq("region = the customer's", region, c and c["region"])
            if mode == "PrivateLink":
                endpoints[name] = check_privatelink(ck, aws, fleet, c)
            elif mode == "Vpn":
                check_vpn(ck, aws, fleet, c, psks)
            else:
                ck.note(f"no e2e checks for {stack} yet: deployed, but only its stack status was checked")
    return endpoints


def report_skips(ck, counts, phase, ours):
    if not counts:
        say(f"  {phase}: moto's CloudFormation left nothing out")
        return
    for what, n in sorted(counts.items()):
        print(f"    SKIPPED by moto in {phase}: {what} x{n}" + ("" if ours else " (CDK's bootstrap template, not ours)"), flush=True)
    if ours:
        ck.skipped.update({f"{what} [{phase}]": n for what, n in counts.items()})


def fleet_scenario(ck, em, aws, fleet, fleet_dir, bundles, workdir, aws_cli):
    say("fleet: every vendor stack, every handed-over template")
    em.reset()
    aws.forget()
    regions = {c["region"] for c in fleet.customers.values()}
    bootstrap(ck, aws, fleet.account, regions, workdir)
    # The platform's NLBs exist before the vendor stacks; the copy of the fleet names them.
    fleet_dir = platform_fleet(aws, fleet_dir, workdir, "fleet")
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
        if any(s["producer"]["target"] == "rds" for s in producer_services(p.c)):
            with ck.section(f"{name}-Producer registrar"):
                run_registrars(ck, aws, p, workdir)


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
    path = fleet2 / "customers" / f"{name}.yaml"
    doc = yaml.safe_load(path.read_text())
    for s in doc["privateLink"]["services"]:
        if s["name"] in names:
            s["serviceName"] = names[s["name"]]
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
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
    with ck.section(f"story {name}: registrar"):
        run_registrars(ck, aws, p, workdir)


@contextlib.contextmanager
def step(title, timings):
    start = time.monotonic()
    say(f"== {title}")
    yield
    timings.append((title, time.monotonic() - start))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=os.environ.get("PRIVATECONNECT_CONFIG") or "config",
                        help="fleet directory (default: $PRIVATECONNECT_CONFIG or config)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, templates, assemblies)")
    args = parser.parse_args()
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
        with step("synth guard", timings):
            synth_guard(ck, fleet_dir, workdir, env)
        with step("handoff", timings):
            bundles = handoff(fleet_dir, workdir / "handoff", env, workdir / "handoff.log")
        em = Emulator(workdir)
        aws = Aws(em, env)
        with step("emulator", timings):
            em.start()
        with step("fleet", timings):
            fleet_scenario(ck, em, aws, fleet, fleet_dir, bundles, workdir, aws_cli)
        with step("story", timings):
            story_scenario(ck, em, aws, fleet, fleet_dir, bundles, workdir, aws_cli)
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
