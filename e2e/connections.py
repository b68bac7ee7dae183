"""PrivateLink connections as the guides handle them: the provider accepts a request
after checking its owner; the customer removes a producer stack the way its README
says (reject the vendor's connections, then delete), which the emulator, like AWS,
requires."""

import re
import shlex

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

    for sid in sorted(k for k in p.outputs if k.endswith("ServiceId")):
        values = {"<ServiceId output>": p.outputs[sid]}
        find, reject = commands[0], commands[1]
        if " describe-vpc-endpoint-connections " not in f" {find} " or " reject-vpc-endpoint-connections " not in f" {reject} ":
            raise Failure(f"{p.guide.name}: Removing it does not start with describe- and reject-vpc-endpoint-connections")
        before = log.stat().st_size if log.exists() else 0
        run(aws_cli + fill(find, values)[1:], env=env, what=f"describe-vpc-endpoint-connections ({sid})", log=log,
            timeout=60, cwd=p.bundle)
        ids = log.read_text()[before:].split("\n", 1)[1].split()
        if not ck.true(f"{sid}: connections to reject", ids, tail(log)):
            continue
        values["<vpce-... from above>"] = " ".join(ids)
        run(aws_cli + fill(reject, values)[1:], env=env, what=f"reject-vpc-endpoint-connections ({sid})", log=log,
            timeout=60, cwd=p.bundle)
    run(aws_cli + fill(delete[0], {})[1:], env=env, what=f"delete-stack {p.stack_name}", log=log, timeout=120, cwd=p.bundle)
    run(aws_cli + fill(wait[0], {})[1:], env=env, what="wait stack-delete-complete", log=log, timeout=120, cwd=p.bundle)
    ck.true("the stack is gone", not [s for s in cfn.describe_stacks()["Stacks"] if s["StackName"] == p.stack_name])
    ec2 = aws.client("ec2", p.account, p.region)
    left = [s["ServiceId"] for s in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]]
    ck.eq("no endpoint service left", left, [])
    for account, region, endpoint_id in vendor_endpoints:
        ck.eq(f"the vendor's endpoint {endpoint_id} sees the rejection", endpoint_state(aws, account, region, endpoint_id), "rejected")
