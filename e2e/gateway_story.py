"""The gateway scenario (e2e/run.py): producer mode resourceGateway deployed on both sides.

The customer deploys its handed-over template and sends back the resource configuration ARNs
its PRODUCER.md prints; the vendor's update with them is refused while the RAM invitation waits;
`privateconnect accept -yes` accepts the customer's invitations and refuses a stranger's; the
vendor's deploy then creates endpoints of type Resource to the shared configurations, checked
from both accounts and through `status -json`; the customer removes its stack as its README says.
"""

import json
import subprocess

from connections import fill, run_block, section_blocks, section_commands
from day_two import by_name
from fleet import INBOUND_PREFIX, Fleet, edit_services, inbound_regions, output_id, producer_region, stack_outputs
from gateway import check_gateway_producer, gateway_services, pend_shared_services, vendor_account
from harness import REPO, Failure, cdk, report_skips, run, say
from inbound import platform_fleet
from offline import handoff
from producer import Producer, deploy_producer, prepare_customer
from vendor_stacks import bootstrap, check_vendor_stacks, create_psk_secrets


STRANGER = "987654321098"  # an account no customer of the fleet lists
NOT_SHARED = "does not exist or is not shared with account"  # the emulator's words (AWS documents none)


def gateway_story(ck, em, aws, fleet_dir, workdir, env, aws_cli):
    """The customer deploys its template in mode resourceGateway and sends back the resource
    configuration ARNs; the vendor's deploy is refused until the RAM invitation is accepted;
    `accept -yes` accepts the customer's invitation and refuses a stranger's; the deploy then
    creates endpoints of type Resource to the shared configurations; status reports them."""
    fleet = Fleet(fleet_dir)
    names = [n for n, c in sorted(fleet.customers.items())
             if gateway_services(c) and producer_region(c) == c["region"] and not c.get("cell")]
    if not names:
        ck.notes.append("gateway story not run: no customer of the fleet shares a service through a resource gateway")
        return
    name = names[0]
    say(f"gateway: {name} shares through a resource gateway; the vendor accepts and connects")
    em.reset()
    aws.forget()
    c = fleet.customers[name]
    region, vendor = c["region"], vendor_account(fleet, c)
    bundles = handoff(fleet_dir, workdir / "gateway-handoff", env, workdir / "handoff.log", customers=[name])
    p = Producer(c, bundles[name])
    prepare_customer(aws, p, with_topics=False)
    deploy_producer(ck, aws, p, workdir, aws_cli, check_template=False)
    report_skips(ck, em.skipped(), f"{name}-Producer", ours=True)
    with ck.section(f"gateway {name}: the customer's resource gateway, configurations and shares"):
        check_gateway_producer(ck, aws, fleet, p)

    # The customer sends the ARNs, read as PRODUCER.md's "Send ..." section says.
    blocks = [b for b in section_blocks(p.guide, f"Send {fleet.vendor['name']} the resource configuration ARN")
              if "describe-stacks" in b]
    if len(blocks) != 1:
        raise Failure(f"{p.guide.name}: no single describe-stacks block under 'Send ... the resource configuration ARN'")
    printed = run_block(blocks[0], {}, env=aws.env(p.account, p.region), aws_cli=aws_cli, what="the ARNs to send (PRODUCER.md)",
                        log=workdir / "gateway.log", cwd=p.bundle)
    sent = dict(line.split() for line in printed.splitlines() if line.strip())
    services = {s["name"]: output_id(s["name"]) for s in gateway_services(c)}
    with ck.section(f"gateway {name}: what the customer sends back"):
        ck.eq("PRODUCER.md's command prints every <Id>ResourceConfigurationArn output",
              sent, {f"{sid}ResourceConfigurationArn": p.outputs.get(f"{sid}ResourceConfigurationArn") for sid in services.values()})
    arns = {s: sent.get(f"{sid}ResourceConfigurationArn") for s, sid in services.items()}
    say(f"  {name} sends back: {', '.join(f'{k}={v}' for k, v in arns.items())}")

    # The vendor's account as the README's flow has it: the customer's stacks deployed at
    # handover, its services pending, and the region's inbound service (accept reads it).
    copy = platform_fleet(aws, fleet_dir, workdir, "gateway-fleet")
    pend_shared_services(copy)
    story = Fleet(copy)
    bootstrap(ck, aws, vendor, {region}, workdir)
    psks = create_psk_secrets(aws, story, [name])
    assembly = workdir / "cdk.out.gateway"
    venv = aws.env(vendor, region)
    deploy = ["deploy", "--all", "--require-approval", "never", "-c", f"config={copy}", "-c", f"customer={name}", "--output", str(assembly)]
    cdk(deploy, venv, f"cdk deploy -c customer={name} (services pending)", workdir / "cdk.log")
    if region in inbound_regions(story):
        cdk(["deploy", f"{INBOUND_PREFIX}{region}", "--exclusively", "--require-approval", "never", "-c", f"config={copy}",
             "--output", str(workdir / "cdk.out.gateway-inbound")], venv, f"cdk deploy {INBOUND_PREFIX}{region}", workdir / "cdk.log")
    # The vendor writes the ARNs into its copy of the fleet.
    def with_arn(s):
        if s["name"] in arns:
            s["resourceConfigurationArn"] = arns[s["name"]]
    edit_services(copy, name, with_arn)
    story = Fleet(copy)
    cfn, ec2, ram = (aws.client(x, vendor, region) for x in ("cloudformation", "ec2", "ram"))
    stack_name = f"{name}-PrivateLink"

    with ck.section(f"gateway {name}: before the invitation is accepted, the vendor's deploy is refused"):
        cdk(deploy, venv, f"cdk deploy -c customer={name} (invitation not accepted: must fail)", workdir / "cdk.log", ok=(1,))
        stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
        ck.eq("the update rolled back", stack["StackStatus"], "UPDATE_ROLLBACK_COMPLETE")
        reasons = [e.get("ResourceStatusReason") or "" for e in cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
                   if e["ResourceType"] == "AWS::EC2::VPCEndpoint" and e["ResourceStatus"].endswith("_FAILED")]
        ck.true("the endpoint refused with the emulator's text for AWS's InvalidParameter",
                any(f"The resource configuration {a} {NOT_SHARED} {vendor}: accept its resource share invitation first" in r
                    and "Error Code: InvalidParameter" in r for r in reasons for a in arns.values()), reasons)
        ck.eq("no endpoint of type Resource left", [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
                                                    if e["VpcEndpointType"] == "Resource" and e["State"] != "deleted"], [])

    # A stranger deploys the same template (the same share names) and shares with the vendor too.
    stranger = Producer(dict(c, account=STRANGER, networks=["10.77.0.0/16"]), bundles[name])
    prepare_customer(aws, stranger, with_topics=False)
    deploy_producer(ck, aws, stranger, workdir, aws_cli, check_template=False)
    invitations = {i["senderAccountId"]: i for i in ram.get_resource_share_invitations()["resourceShareInvitations"]}
    with ck.section(f"gateway {name}: accept takes {name}'s invitation, not a stranger's"):
        ck.eq("invitations from the customer and the stranger wait",
              sorted((a, i["status"]) for a, i in invitations.items()), sorted([(p.account, "PENDING"), (STRANGER, "PENDING")]))
        binary = workdir / "privateconnect"
        if not binary.exists():
            run(["go", "build", "-o", binary, "."], env=aws.base_env, what="go build", log=workdir / "gateway.log", timeout=300)
        penv = dict(venv, PRIVATECONNECT_CONFIG=str(copy))
        proc = subprocess.run([str(binary), "accept", "-region", region, "-yes"], env=penv, cwd=REPO, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300)
        with open(workdir / "gateway.log", "a") as log:
            log.write(f"$ privateconnect accept -region {region} -yes (exit {proc.returncode})\n{proc.stdout}{proc.stderr}\n")
        ck.eq("accept -yes: exit 0", proc.returncode, 0)
        cram = aws.client("ram", p.account, p.region)
        for s, sid in services.items():
            share = cram.get_resource_shares(resourceOwner="SELF", resourceShareArns=[p.outputs[f"{sid}ResourceShareArn"]]
                                             )["resourceShares"][0]["name"]
            ck.true(f"accept says it accepted {share} from {p.account}",
                    f"{region}: accepted share {share} from {p.account} ({name})" in proc.stdout, proc.stdout)
            ck.true(f"accept refuses the stranger's {share} (same name, not a customer's account)",
                    f"refuse  share {share} from {STRANGER}: no customer of the fleet in {region} has account {STRANGER}" in proc.stdout,
                    proc.stdout)
        states = {i["senderAccountId"]: i["status"] for i in ram.get_resource_share_invitations()["resourceShareInvitations"]}
        ck.eq("the customer's invitation accepted, the stranger's left waiting", states, {p.account: "ACCEPTED", STRANGER: "PENDING"})
        for s, sid in services.items():
            assoc = cram.get_resource_share_associations(associationType="PRINCIPAL",
                                                         resourceShareArns=[p.outputs[f"{sid}ResourceShareArn"]])["resourceShareAssociations"]
            ck.eq(f"{s}: the share's principal (the vendor's account) is ASSOCIATED",
                  [(a["associatedEntity"], a["status"]) for a in assoc], [(vendor, "ASSOCIATED")])

    cdk(deploy, venv, f"cdk deploy -c customer={name} (invitation accepted)", workdir / "cdk.log")
    report_skips(ck, em.skipped(), f"gateway cdk deploy {name}", ours=True)
    endpoints = check_vendor_stacks(ck, aws, story, assembly, psks, only={name}, complete="UPDATE_COMPLETE")
    _, out = stack_outputs(cfn, stack_name)
    zone = f"{name}.{fleet.vendor['internalDomain']}"
    with ck.section(f"gateway {name}: endpoints of type Resource -> the shared configurations"):
        r53 = aws.client("route53", vendor, region)
        zones = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"].rstrip(".") == zone and z["Config"]["PrivateZone"]]
        records = {r["Name"].rstrip(".") + ".": r for z in zones for r in r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]
                   if r["Type"] == "CNAME"}
        clattice = aws.client("vpc-lattice", p.account, p.region)
        for s, arn in arns.items():
            ep = (endpoints.get(name) or {}).get(s)
            if not ck.true(f"{s}: the vendor has an endpoint", ep):
                continue
            ck.eq(f"{s}: endpoint of type Resource to the shared configuration, the vendor's, available",
                  (ep["VpcEndpointType"], ep.get("ResourceConfigurationArn"), ep["OwnerId"], ep["State"]), ("Resource", arn, vendor, "available"))
            (assoc,) = ec2.describe_vpc_endpoint_associations(VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpointAssociations"] or [{}]
            dns = (assoc.get("DnsEntry") or {}).get("DnsName")
            ck.eq(f"{s}: CNAME {s}.{zone} = the association's DNS name",
                  [x["Value"] for x in (records.get(f"{s}.{zone}.") or {}).get("ResourceRecords", [])], [dns])
            ck.eq(f"{s}: output {services[s]}EndpointDnsName = the association's DNS name", out.get(f"{services[s]}EndpointDnsName"), dns)
            seen = clattice.list_resource_endpoint_associations(resourceConfigurationIdentifier=arn)["items"]
            ck.eq(f"{s}: the customer sees the vendor's endpoint on its configuration",
                  [(a["vpcEndpointId"], a["vpcEndpointOwner"]) for a in seen], [(ep["VpcEndpointId"], vendor)])

    with ck.section(f"gateway {name}: status"):
        proc = subprocess.run([str(binary), "status", "-json"], env=penv, cwd=REPO, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300)
        with open(workdir / "gateway.log", "a") as log:
            log.write(f"$ privateconnect status -json (exit {proc.returncode})\n{proc.stdout}{proc.stderr}\n")
        try:
            report = json.loads(proc.stdout)
        except ValueError:
            raise Failure(f"status -json printed no JSON (exit {proc.returncode}): {proc.stderr[-2000:]}")
        ck.eq("status: exit 0 (the fleet's other customers are not deployed here, which is no error)", proc.returncode, 0)
        mine = by_name(report, name)
        ck.eq(f"{name}: healthy", (mine.get("state"), mine.get("problems")), ("healthy", None))
        got = {e["service"]: e for e in mine.get("endpoints") or []}
        for s, arn in arns.items():
            ep = (endpoints.get(name) or {}).get(s) or {}
            e = got.get(s, {})
            ck.eq(f"{s}: status reports the endpoint of type Resource available, with its ARN",
                  (e.get("endpointId"), e.get("type"), e.get("state"), e.get("resourceConfigurationArn"), e.get("invitation")),
                  (ep.get("VpcEndpointId"), "Resource", "available", arn, None))

    with ck.section(f"gateway {name}: the customer removes its stack as the README says"):
        commands = section_commands(p.guide, "Removing it")
        delete = [x for x in commands if " delete-stack " in f" {x} "]
        wait = [x for x in commands if " wait stack-delete-complete " in f" {x} "]
        if ck.eq("README: delete-stack and its wait", commands[-2:], delete + wait) and delete and wait:
            cenv, log = aws.env(p.account, p.region), workdir / f"remove-{p.label}.log"
            run(aws_cli + fill(delete[0], {})[1:], env=cenv, what=f"delete-stack {p.stack_name}", log=log, timeout=120, cwd=p.bundle)
            run(aws_cli + fill(wait[0], {})[1:], env=cenv, what="wait stack-delete-complete", log=log, timeout=120, cwd=p.bundle)
            ccfn = aws.client("cloudformation", p.account, p.region)
            ck.true("the stack is gone", not [x for x in ccfn.describe_stacks()["Stacks"] if x["StackName"] == p.stack_name])
            ck.eq("no resource configuration left", [x["arn"] for x in clattice.list_resource_configurations()["items"]], [])
            ck.eq("no resource gateway left", [x["arn"] for x in clattice.list_resource_gateways()["items"]], [])
            left = cram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
            ck.eq("its shares deleted", sorted({x["status"] for x in left}), ["DELETED"] if left else [])
