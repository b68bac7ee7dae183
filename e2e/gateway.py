"""Producer mode resourceGateway (PrivateLink for VPC resources): the customer's resource
gateway, resource configurations and AWS RAM shares, and the vendor's endpoints of type Resource.

In the fleet scenario the resource configurations a fleet names do not exist in the emulator
(they are ARNs of the customer's real account), so an endpoint to one is refused, as AWS would:
the copy of the fleet makes such a service pending (pend_shared_services). The gateway scenario
(gateway_story, e2e/run.py) goes the whole way: template, ARNs sent back, refusal before the
invitation is accepted, `accept`, deploy, checks from both sides, status.
"""

import json
import subprocess

import yaml

from fleet import egress, ingress, output_id, producer_services
from harness import say

RESOURCE_GATEWAY = "resourceGateway"  # config.ModeResourceGateway
# Where the gateway may send (the template's egress): the private ranges, as the NLB's group.
TARGET_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")


def via_gateway(s):
    """config.Service.ViaResourceGateway: a service shared through a resource configuration."""
    return bool(s.get("resourceConfigurationArn")) or (s.get("producer") or {}).get("mode") == RESOURCE_GATEWAY


def gateway_services(c):
    """The services of c's handed-over template that mode resourceGateway shares."""
    return [s for s in producer_services(c) if s["producer"].get("mode") == RESOURCE_GATEWAY]


def nlb_services(c):
    return [s for s in producer_services(c) if s["producer"].get("mode", "nlb") != RESOURCE_GATEWAY]


def vendor_account(fleet, c):
    """The vendor account that connects c (config.Vendor.ForCustomer): its cell's, else the vendor's."""
    for view in fleet.cells():
        if c["name"] in view.customers:
            return str(view.vendor["account"])
    return str(fleet.account)


def pend_shared_services(fleet_dir):
    """In a copy of the fleet: every service with a resourceConfigurationArn made pending (the
    ARN dropped), since no such configuration exists in the emulator; the (customer, service)
    pairs changed."""
    changed = []
    for path in sorted((fleet_dir / "customers").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        for s in (doc.get("privateLink") or {}).get("services") or []:
            if s.pop("resourceConfigurationArn", None):
                changed.append((doc["name"], s["name"]))
        if any(n == doc["name"] for n, _ in changed):
            path.write_text(yaml.safe_dump(doc, sort_keys=False))
    if changed:
        say(f"  made pending in the copy of the fleet (their resource configurations exist only in the customer's real "
            f"account): {', '.join(f'{c}/{s}' for c, s in changed)}")
    return changed


def check_gateway_producer(ck, aws, fleet, p):
    """The customer's stack in mode resourceGateway: one resource gateway in the customer's subnets
    with its own security group (no ingress, egress only to the services' ports), per service a
    resource configuration of the database and an AWS RAM share with the vendor's account only."""
    services = gateway_services(p.c)
    if not services:
        return
    lattice, ram = aws.client("vpc-lattice", p.account, p.region), aws.client("ram", p.account, p.region)
    ec2 = aws.client("ec2", p.account, p.region)
    vendor = vendor_account(fleet, p.c)
    gateways = set()
    for s in services:
        sid, name, ports = output_id(s["name"]), s["name"], [int(x) for x in s["ports"]]
        arn = p.outputs.get(f"{sid}ResourceConfigurationArn")
        if not ck.true(f"{name}: {sid}ResourceConfigurationArn output", arn, sorted(p.outputs)):
            continue
        conf = lattice.get_resource_configuration(resourceConfigurationIdentifier=arn)
        ck.eq(f"{name}: configuration ARN form", arn.rsplit("/", 1)[0],
              f"arn:aws:vpc-lattice:{p.region}:{p.account}:resourceconfiguration")
        ck.eq(f"{name}: configuration active, not for sharable service networks",
              (conf["status"], conf.get("allowAssociationToShareableServiceNetwork")), ("ACTIVE", False))
        gateways.add(conf.get("resourceGatewayId"))
        by = (s["producer"].get("rds") or {}).get("by", "hostname")
        if by == "hostname":
            ck.eq(f"{name}: SINGLE configuration of the database's DNS name on its ports",
                  (conf["type"], conf.get("resourceConfigurationDefinition"), sorted(conf.get("portRanges") or []), conf.get("protocol")),
                  ("SINGLE", {"dnsResource": {"domainName": p.params[f"{sid}TargetHostname"], "ipAddressType": "IPV4"}},
                   sorted(str(x) for x in ports), "TCP"))
        else:
            kind, param = ("cluster", "RdsClusterId") if by == "dbCluster" else ("db", "RdsInstanceId")
            ck.eq(f"{name}: ARN configuration of the RDS {kind}",
                  (conf["type"], conf.get("resourceConfigurationDefinition")),
                  ("ARN", {"arnResource": {"arn": f"arn:aws:rds:{p.region}:{p.account}:{kind}:{p.params[f'{sid}{param}']}"}}))
        share_arn = p.outputs.get(f"{sid}ResourceShareArn")
        shares = ram.get_resource_shares(resourceOwner="SELF", resourceShareArns=[share_arn])["resourceShares"] if share_arn else []
        if not ck.eq(f"{name}: one RAM share (ResourceShareArn output)", len(shares), 1):
            continue
        ck.eq(f"{name}: share active, external principals allowed", (shares[0]["status"], shares[0]["allowExternalPrincipals"]),
              ("ACTIVE", True))
        assoc = ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[share_arn])["resourceShareAssociations"]
        ck.eq(f"{name}: the share's only principal is the vendor's account {vendor}, invited",
              [(a["associatedEntity"], a["status"]) for a in assoc], [(vendor, "ASSOCIATING")])
        held = ram.get_resource_share_associations(associationType="RESOURCE", resourceShareArns=[share_arn])["resourceShareAssociations"]
        ck.eq(f"{name}: the share holds the configuration only", [a["associatedEntity"] for a in held], [arn])
    if not ck.eq("one resource gateway for the template's services", len(gateways), 1):
        return
    gw = lattice.get_resource_gateway(resourceGatewayIdentifier=gateways.pop())
    group = p.outputs.get(f"{output_id(services[0]['name'])}ResourceGatewaySecurityGroupId")
    ck.eq("resource gateway: active, IPv4, in the customer's VPC and subnets, its own security group",
          (gw["status"], gw["ipAddressType"], gw["vpcId"], sorted(gw["subnetIds"]), gw["securityGroupIds"]),
          ("ACTIVE", "IPV4", p.vpc_id, sorted(p.subnets), [group]))
    ck.eq("every ResourceGatewaySecurityGroupId output names that group",
          {p.outputs.get(f"{output_id(s['name'])}ResourceGatewaySecurityGroupId") for s in services}, {group})
    sg = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    ck.eq("the gateway's group admits nothing", ingress(sg), set())
    ports = sorted({int(x) for s in services for x in s["ports"]})
    ck.eq("the gateway's group sends the services' ports to private addresses only", egress(sg),
          {("tcp", port, port, block) for port in ports for block in TARGET_RANGES})
    ck.eq("no load balancer, no registrar for these services",
          sorted(k for k in p.outputs for s in services if k.startswith(output_id(s["name"])) and
                 any(w in k for w in ("ServiceName", "ServiceId", "TargetGroup", "Registrar", "Nlb"))), [])


STRANGER = "987654321098"  # an account no customer of the fleet lists
NOT_SHARED = "does not exist or is not shared with account"  # the emulator's words (AWS documents none)


def gateway_story(ck, em, aws, fleet_dir, workdir, env, aws_cli):
    """The customer deploys its template in mode resourceGateway and sends back the resource
    configuration ARNs; the vendor's deploy is refused until the RAM invitation is accepted;
    `accept -yes` accepts the customer's invitation and refuses a stranger's; the deploy then
    creates endpoints of type Resource to the shared configurations; status reports them."""
    # Imported here: producer.py imports this module for check_gateway_producer.
    from connections import run_block, section_blocks, section_commands, fill
    from day_two import by_name
    from fleet import INBOUND_PREFIX, Fleet, inbound_regions, producer_region, stack_outputs
    from harness import REPO, Failure, cdk, report_skips, run
    from inbound import platform_fleet
    from offline import handoff
    from producer import Producer, deploy_producer, prepare_customer
    from vendor_stacks import bootstrap, check_vendor_stacks, create_psk_secrets

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
    path = copy / "customers" / f"{name}.yaml"
    doc = yaml.safe_load(path.read_text())
    for s in doc["privateLink"]["services"]:
        if s["name"] in arns:
            s["resourceConfigurationArn"] = arns[s["name"]]
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
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
