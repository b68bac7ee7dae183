"""Inbound PrivateLink: the platform's stand-in NLBs, the vendor's shared service, and each customer's endpoint template."""

import ipaddress
import shutil
from pathlib import Path

import yaml

from fleet import Fleet, INBOUND_PREFIX, NLB_ARN_RE, egress, inbound, inbound_accounts, inbound_client_cidrs, inbound_customers, inbound_hostnames, inbound_platform, inbound_ports, inbound_regions, inbound_vpc_region, inbound_zones, ingress, ssm_parameters, stack_outputs
from connections import accept, endpoint_state, fill, section_commands
from harness import Failure, paginate, report_skips, run, say
from producer import deploy_producer


def create_platform_nlbs(aws, fleet):
    """The vendor platform's existing Network Load Balancer, one per region with an
    nlbArn in vendor.yaml (with cells: per cell and region, in the cell's account):
    a VPC, a subnet in each of the region's AZ IDs, an internal NLB named as in the
    ARN, a TCP listener per platform port. moto picks the ARN; returns {the ARN in
    vendor.yaml: the one moto gave}."""
    out = {}
    for view in fleet.cells():  # with cells, each in its cell's account
        out.update(create_cell_nlbs(aws, view))
    return out


def create_cell_nlbs(aws, fleet):
    out = {}
    platform = inbound_platform(fleet)
    for region, conf in sorted((platform.get("regions") or {}).items()):
        arn = (conf or {}).get("nlbArn")
        if not arn:
            continue
        m = NLB_ARN_RE.match(arn)
        where = fleet.vendor.get("cellPath") or "inboundPrivateLink.regions"
        if not m:
            raise Failure(f"vendor.yaml {where}.{region}.nlbArn is not an NLB ARN: {arn}")
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
        say(f"  the platform's NLB in {account}/{region}: {lb['LoadBalancerArn']} (vendor.yaml has {arn})")
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


E2E_DNS_CUSTOMER = "e2edns"


def add_private_dns_customer(fleet_dir):
    """When no inbound customer of the fleet uses dnsMode privateDnsName, the copy of
    the fleet gets one (in the first region whose service has a private DNS name), so
    that both phases of its deploy run: endpoint first, private DNS once accepted."""
    fleet = Fleet(fleet_dir)
    if any((inbound(c) or {}).get("dnsMode") == "privateDnsName" for c in fleet.customers.values()):
        return
    regions = [r for r, conf in sorted((inbound_platform(fleet).get("regions") or {}).items())
               if (conf or {}).get("privateDnsName")]
    if not regions:
        return
    conf = inbound_platform(fleet)["regions"][regions[0]]
    doc = {"apiVersion": "privateconnect/v1", "kind": "Customer", "name": E2E_DNS_CUSTOMER,
           "displayName": "E2E private DNS", "account": "975318642086", "region": regions[0],
           "networks": ["10.33.0.0/16"],
           "inboundPrivateLink": {"availabilityZones": conf["availabilityZones"][:2], "ports": inbound_platform(fleet).get("ports") or [443],
                                  "dnsMode": "privateDnsName"}}
    (Path(fleet_dir) / "customers" / f"{E2E_DNS_CUSTOMER}.yaml").write_text(
        "# Added by the e2e harness: a customer whose endpoint uses the service's private DNS name.\n"
        + yaml.safe_dump(doc, sort_keys=False))
    say(f"  added {E2E_DNS_CUSTOMER} (dnsMode privateDnsName, {regions[0]}) to the copy of the fleet")


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
    ck.true("PlatformNlbCheck output: how to verify the platform NLB's security groups",
            conf.get("nlbArn") in out.get("PlatformNlbCheck", "") and "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic" in out.get("PlatformNlbCheck", ""),
            out.get("PlatformNlbCheck"))
    tags = {t["Key"]: t["Value"] for t in svc.get("Tags", [])}
    ck.eq("tag privateconnect:mode", tags.get("privateconnect:mode"), "inbound")
    for k, v in (fleet.vendor.get("tags") or {}).items():
        ck.eq(f"vendor tag {k}", tags.get(k), str(v))
    return svc


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
        with ck.section(f"{p.label}: acceptance" + (" and private DNS" if private_dns(c) else "")):
            accept_and_enable_dns(ck, aws, fleet, p, services[c["region"]], workdir, aws_cli)


def private_dns(c):
    return (inbound(c).get("dnsMode") or "privateHostedZone") == "privateDnsName"


def accept_and_enable_dns(ck, aws, fleet, p, service_name, workdir, aws_cli):
    """The endpoint waits for the vendor; with dnsMode privateDnsName, INBOUND.md's
    second deploy turns private DNS on, which AWS (and the emulator) refuses before
    the vendor has accepted."""
    c, cfn = p.c, aws.client("cloudformation", p.account, p.region)
    endpoint_id = p.outputs.get("EndpointId")
    ck.eq("the endpoint waits for the vendor", endpoint_state(aws, p.account, p.region, endpoint_id), "pendingAcceptance")
    second = None
    if private_dns(c):
        second = fill(section_commands(p.guide, "Turn on private DNS")[0], {})
        ck.eq("INBOUND.md's second deploy turns private DNS on", second[-2:], ["--parameter-overrides", "EnablePrivateDns=true"])
        log = workdir / f"deploy-{p.label}.log"
        run(aws_cli + second[1:], env=aws.env(p.account, p.region), what="the second deploy before acceptance (must fail)",
            log=log, timeout=180, cwd=p.bundle, ok=(255,))
        stack = cfn.describe_stacks(StackName=p.stack_name)["Stacks"][0]
        ck.eq("...the update rolls back", stack["StackStatus"], "UPDATE_ROLLBACK_COMPLETE")
        reasons = [e.get("ResourceStatusReason") or "" for e in cfn.describe_stack_events(StackName=p.stack_name)["StackEvents"]]
        ck.true("...with AWS's reason", any("Private DNS can only be enabled after the endpoint connection is accepted" in r
                                             for r in reasons), reasons[:3])
    # The vendor checks the request comes from the customer's account, and accepts it.
    accepted = accept(ck, aws, fleet.account, c["region"], service_name.rsplit(".", 1)[1], p.account)
    ck.eq("the vendor accepted this endpoint", accepted, endpoint_id)
    ck.eq("the endpoint is available", endpoint_state(aws, p.account, p.region, endpoint_id), "available")
    if second is None:
        return
    run(aws_cli + second[1:], env=aws.env(p.account, p.region), what=f"{p.label}: the second deploy (EnablePrivateDns=true)",
        log=workdir / f"deploy-{p.label}.log", timeout=180, cwd=p.bundle)
    stack = cfn.describe_stacks(StackName=p.stack_name)["Stacks"][0]
    ck.eq("the second deploy updates the stack", stack["StackStatus"], "UPDATE_COMPLETE")
    ck.eq("EnablePrivateDns is true", {x["ParameterKey"]: x["ParameterValue"] for x in stack["Parameters"]}.get("EnablePrivateDns"), "true")
    ep = aws.client("ec2", p.account, p.region).describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
    ck.eq("the same endpoint, private DNS on, still available", (ep["VpcEndpointId"], ep["PrivateDnsEnabled"], ep["State"]),
          (endpoint_id, True, "available"))


def check_inbound(ck, aws, fleet, p, service_name):
    """The customer's stack against inboundPrivateLink of customers/<name>.yaml and vendor.yaml."""
    c, acct, region, inb = p.c, p.account, p.region, inbound(p.c)
    ec2, r53 = aws.client("ec2", acct, region), aws.client("route53", acct, region)
    stack, out = stack_outputs(aws.client("cloudformation", acct, region), p.stack_name)
    ck.eq("stack status", stack["StackStatus"], "CREATE_COMPLETE")
    ck.true("INBOUND.md names the vendor's service", service_name in p.guide.read_text(), p.guide)
    ports, cidrs, hosts = inbound_ports(c), inbound_client_cidrs(c), inbound_hostnames(fleet, c)
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
    ck.eq("private DNS off at first (it needs an accepted connection)", ep.get("PrivateDnsEnabled"), False)
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
    if private_dns(c):
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
