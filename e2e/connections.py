"""PrivateLink connections as the guides handle them: the provider accepts a request
after checking its owner; the customer removes a producer stack the way its README
says (reject the vendor's connections, then delete), which the emulator, like AWS,
requires."""

import os
import re
import shlex
import textwrap
from pathlib import Path

from harness import Failure, run, tail

# What AWS answers when an endpoint service with connections is deleted (moto_strict).
SERVICE_IN_USE = "Service has existing active VPC Endpoint connections!"


def section_commands(guide, heading):
    """The shell commands of the code blocks under a guide's heading, in order,
    each as one line (continuations joined)."""
    text = guide.read_text()
    start = text.find(f"\n## {heading}")
    if start < 0:
        raise Failure(f"{guide.name} has no section {heading!r}")
    end = text.find("\n## ", start + 1)
    body = text[start:end if end >= 0 else len(text)]
    commands = []
    for block in re.findall(r"```(?:sh|bash)\n(.*?)```", body, re.S):
        commands += [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]
    if not commands:
        raise Failure(f"{guide.name}: section {heading!r} has no command")
    return commands


def section_blocks(guide, heading):
    """The shell code blocks under a guide's heading, in order, unindented."""
    text = guide.read_text()
    start = text.find(f"\n## {heading}")
    if start < 0:
        raise Failure(f"{guide.name} has no section {heading!r}")
    end = text.find("\n## ", start + 1)
    return [textwrap.dedent(b) for b in re.findall(r"```(?:sh|bash)\n(.*?)```", text[start:end if end >= 0 else len(text)], re.S)]


def run_block(block, values, *, env, aws_cli, what, log, cwd, ok=(0,)):
    """Run a guide's shell block as a reader pastes it into bash, each VAR='' line it
    asks the reader to fill set from values (all must be known); what it printed."""
    def assign(m):
        if m[2] not in values:
            raise Failure(f"the e2e cannot fill {m[2]} of: {block}")
        return f"{m[1]}{m[2]}={shlex.quote(values[m[2]])}"
    filled = re.sub(r"(?m)^(\s*)([A-Z_0-9]+)=''", assign, block)
    if "<" in filled or ">" in filled:
        raise Failure(f"a guide's command has a <placeholder>, a redirection when pasted: {block}")
    path = Path(log).parent / "aws-shim"
    if Path(aws_cli[0]).name != "aws":  # the CLI as a module: give bash an `aws` command
        path.mkdir(exist_ok=True)
        (path / "aws").write_text("#!/bin/sh\nexec " + shlex.join(aws_cli) + ' "$@"\n')
        (path / "aws").chmod(0o755)
    else:
        path = Path(aws_cli[0]).parent
    env = dict(env, PATH=f"{path}{os.pathsep}{env.get('PATH', '')}")
    cmd = ["bash", "-euo", "pipefail", "-c", filled]
    start = Path(log).stat().st_size if Path(log).exists() else 0
    run(cmd, env=env, what=what, log=log, timeout=120, cwd=cwd, ok=ok)
    header = f"$ {shlex.join(cmd)}\n"
    return Path(log).read_text()[start + len(header):]


def fill(command, values):
    """A guide's command with its <placeholders> replaced; every one must be known."""
    for placeholder, value in values.items():
        command = command.replace(placeholder, value)
    if "<" in command:
        raise Failure(f"the e2e cannot fill a placeholder of: {command}")
    return shlex.split(command)


def accept(ck, aws, service_account, region, service_id, owner):
    """The provider's side of a connection: the request is pending, from the expected
    owner; accept it, as the guides say, and it is available."""
    ec2 = aws.client("ec2", service_account, region)
    conns = ec2.describe_vpc_endpoint_connections(
        Filters=[{"Name": "service-id", "Values": [service_id]}])["VpcEndpointConnections"]
    # An endpoint the owner deleted (before connecting again) stays listed a while, as in AWS.
    mine = [c for c in conns if c["VpcEndpointOwner"] == owner and c["VpcEndpointState"] != "deleted"]
    if not ck.eq(f"{service_id}: one connection request from {owner} waits for acceptance",
                 [c["VpcEndpointState"] for c in mine], ["pendingAcceptance"]):
        return None
    endpoint_id = mine[0]["VpcEndpointId"]
    out = ec2.accept_vpc_endpoint_connections(ServiceId=service_id, VpcEndpointIds=[endpoint_id])
    ck.eq(f"{service_id}: accepted", out["Unsuccessful"], [])
    return endpoint_id


def endpoint_state(aws, account, region, endpoint_id):
    return aws.client("ec2", account, region).describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]["State"]


def remove_producer(ck, aws, p, workdir, aws_cli, vendor_endpoints):
    """Delete the customer's stack as its README's "Removing it" says, after proving the
    shortcut fails: a plain delete-stack stops in DELETE_FAILED with AWS's reason while
    the vendor's connections are there. vendor_endpoints: (account, region, endpoint id)."""
    env = aws.env(p.account, p.region)
    cfn = aws.client("cloudformation", p.account, p.region)
    log = workdir / f"remove-{p.label}.log"
    commands = section_commands(p.guide, "Removing it")
    delete = [c for c in commands if " delete-stack " in f" {c} "]
    wait = [c for c in commands if " wait stack-delete-complete " in f" {c} "]
    if not (ck.eq("README: delete-stack and its wait come last", commands[-2:], delete + wait) and delete and wait):
        return
    run(aws_cli + fill(delete[0], {})[1:], env=env, what=f"delete-stack {p.stack_name} (connections still there)",
        log=log, timeout=120, cwd=p.bundle)
    run(aws_cli + fill(wait[0], {})[1:], env=env, what="wait stack-delete-complete (must fail)", log=log,
        timeout=120, cwd=p.bundle, ok=(255,))
    stack = cfn.describe_stacks(StackName=p.stack_name)["Stacks"][0]
    ck.eq("without rejecting first, the delete stops", stack["StackStatus"], "DELETE_FAILED")
    reasons = [e.get("ResourceStatusReason") or "" for e in cfn.describe_stack_events(StackName=p.stack_name)["StackEvents"]]
    ck.true("...with AWS's reason", any(SERVICE_IN_USE in r for r in reasons), reasons[:3])

    # The README rejects every connection of every service, reading the stack's outputs itself.
    rejects = [b for b in section_blocks(p.guide, "Removing it") if "reject-vpc-endpoint-connections" in b]
    if not ck.eq("README: one block rejects the connections", len(rejects), 1):
        return
    for sid in sorted(k for k in p.outputs if k.endswith("ServiceId")):
        ck.true(f"...of {sid}", f"OutputKey==`{sid}`" in rejects[0], rejects[0])
    run_block(rejects[0], {}, env=env, aws_cli=aws_cli, what="reject the connections (README)", log=log, cwd=p.bundle)
    ec2 = aws.client("ec2", p.account, p.region)
    for sid in sorted(k for k in p.outputs if k.endswith("ServiceId")):
        states = [c["VpcEndpointState"] for c in ec2.describe_vpc_endpoint_connections(
            Filters=[{"Name": "service-id", "Values": [p.outputs[sid]]}])["VpcEndpointConnections"]]
        ck.true(f"{sid}: every connection rejected", states and set(states) == {"rejected"}, states)
    run(aws_cli + fill(delete[0], {})[1:], env=env, what=f"delete-stack {p.stack_name}", log=log, timeout=120, cwd=p.bundle)
    run(aws_cli + fill(wait[0], {})[1:], env=env, what="wait stack-delete-complete", log=log, timeout=120, cwd=p.bundle)
    ck.true("the stack is gone", not [s for s in cfn.describe_stacks()["Stacks"] if s["StackName"] == p.stack_name])
    ec2 = aws.client("ec2", p.account, p.region)
    left = [s["ServiceId"] for s in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]]
    ck.eq("no endpoint service left", left, [])
    for account, region, endpoint_id in vendor_endpoints:
        ck.eq(f"the vendor's endpoint {endpoint_id} sees the rejection", endpoint_state(aws, account, region, endpoint_id), "rejected")
