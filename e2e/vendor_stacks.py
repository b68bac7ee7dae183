"""Vendor stacks: bootstrap, pre-shared key secrets, and the checks of every <customer>-PrivateLink and -Vpn stack."""

import collections
import ipaddress
import json
from pathlib import Path

from fleet import INBOUND_PREFIX, egress, inbound_customers, inbound_regions, ingress, slots, ssm_parameters, stack_outputs, vpn_remote_networks
from fleet import ready as is_ready
from harness import cdk, paginate, report_skips
from inbound import check_inbound_service
from probe import DASHBOARD_PREFIX, check_dashboards, check_probe, probe_targets


PSK = "E2eTunnelKey{}x"  # pre-shared keys the harness stores in Secrets Manager


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
    # Ready: a service name (interface endpoint) or a resource configuration ARN (endpoint of type Resource).
    ready = [s for s in pl["services"] if is_ready(s)]
    want = {"vpc-id", "subnet-ids", "connector-security-group-id", "flow-log-group"}
    for s in ready:
        want |= {f"services/{s['name']}/{p}" for p in ("endpoint-id", "endpoint-dns-name", "dns-name", "ports")}
        if s.get("resourceConfigurationArn"):
            want.add(f"services/{s['name']}/resource-configuration-arn")
    if probe_targets(c, "PrivateLink"):
        want.add("probe-log-group")
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
    # A deleted endpoint (a service made pending) stays listed a while, as in AWS.
    endpoints = {e["VpcEndpointId"]: e for e in ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"] if e["State"] != "deleted"}
    ck.eq("endpoints: one per service with a serviceName or resourceConfigurationArn", len(endpoints), len(ready))
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
        resource = s.get("resourceConfigurationArn")
        if resource:
            ck.eq(f"{sname}: endpoint of type Resource to the configuration",
                  (ep["VpcEndpointType"], ep.get("ResourceConfigurationArn"), ep.get("ServiceName")), ("Resource", resource, None))
            ck.eq(f"{sname}: SSM resource-configuration-arn", val.get(f"services/{sname}/resource-configuration-arn"), resource)
        else:
            ck.eq(f"{sname}: endpoint service name", ep["ServiceName"], s["serviceName"])
            ck.eq(f"{sname}: endpoint type", ep["VpcEndpointType"], "Interface")
            ck.eq(f"{sname}: endpoint service region", ep.get("ServiceRegion"), s.get("serviceRegion") or region)
            ck.eq(f"{sname}: private DNS off", ep.get("PrivateDnsEnabled"), False)
        ck.eq(f"{sname}: endpoint subnets", sorted(ep["SubnetIds"]), sorted(subnet_ids))
        groups = [g["GroupId"] for g in ep["Groups"]]
        ck.eq(f"{sname}: one security group on the endpoint", len(groups), 1)
        sg = ec2.describe_security_groups(GroupIds=groups[:1])["SecurityGroups"][0]
        ck.eq(f"{sname}: endpoint ingress = connectors on the ports",
              ingress(sg), {("tcp", p, p, connectors) for p in ports})
        ck.true(f"{sname}: endpoint opens no egress", all(r[3] == "255.255.255.255/32" for r in egress(sg)), egress(sg))
        want_egress |= {("tcp", p, p, groups[0]) for p in ports}
        if resource:  # no DnsEntries: its name is its association's (DescribeVpcEndpointAssociations)
            assocs = ec2.describe_vpc_endpoint_associations(VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpointAssociations"]
            ck.eq(f"{sname}: one association, with the shared configuration", [a["AssociatedResourceArn"] for a in assocs], [resource])
            dns = (assocs[0].get("DnsEntry") or {}).get("DnsName") if assocs else None
        else:
            dns = ep["DnsEntries"][0]["DnsName"]
        ck.eq(f"{sname}: SSM endpoint-dns-name", val.get(f"services/{sname}/endpoint-dns-name"), dns)
        friendly = f"{sname}.{name}.{fleet.vendor['internalDomain']}"
        ck.eq(f"{sname}: SSM dns-name", val.get(f"services/{sname}/dns-name"), friendly)
        ck.eq(f"{sname}: SSM ports", val.get(f"services/{sname}/ports"), ",".join(str(p) for p in ports))
        if resource:  # a CNAME to the association's name, which the stack's custom resource read
            rec = records.get((friendly + ".", "CNAME"))
            if ck.true(f"{sname}: CNAME record {friendly}", rec, sorted(records)):
                ck.eq(f"{sname}: record names the association's DNS name",
                      [r["Value"].rstrip(".") for r in rec.get("ResourceRecords", [])], [dns])
            continue
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
    check_probe(ck, aws, fleet, c, "PrivateLink", subnet_ids, connectors, val.get("probe-log-group"))
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
    want = {"vpc-id", "subnet-ids", "connector-security-group-id", "remote-networks", "vpn-connection-id", "vpn-gateway-id",
            "customer-gateway-id", "flow-log-group", "tunnel-log-group"} | ({"nat-public-ips"} if nat_mode != "none" else set())
    if probe_targets(c, "Vpn"):
        want.add("probe-log-group")
    ck.eq(f"SSM parameters under {prefix}", sorted(val), sorted(want))
    remote = vpn_remote_networks(c)
    ck.eq("SSM remote-networks = vpn.remoteNetworks", val.get("remote-networks", "").split(","), remote)
    ck.eq("output RemoteNetworks", out.get("RemoteNetworks", "").split(","), remote)
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
    ck.eq("static routes = vpn.remoteNetworks (none with BGP)", sorted(r["DestinationCidrBlock"] for r in conn.get("Routes", [])),
          sorted(remote) if static else [])
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
    ck.eq("connectors egress = the remote networks on the ports, nothing else", egress(sg),
          {("tcp", int(p), int(p), cidr) for cidr in remote for p in vpn["ports"]})
    ck.eq("connectors ingress", ingress(sg), set())
    alarms = [a for a in cw.describe_alarms()["MetricAlarms"]
              if {"Name": "VpnId", "Value": conn["VpnConnectionId"]} in a.get("Dimensions", [])]
    # Two that notify, and the dashboard's, named before deploy, that does not.
    ck.eq("tunnel state alarms", sorted((a["Namespace"], a["MetricName"]) for a in alarms), [("AWS/VPN", "TunnelState")] * 3)
    topic = (fleet.vendor.get("alarmTopicArns") or {}).get(region)
    shown = f"{name}-vpn-tunnel-state"
    ck.true(f"the dashboard's alarm {shown}", any(a["AlarmName"] == shown for a in alarms), [a["AlarmName"] for a in alarms])
    for a in alarms:
        ck.eq(f"alarm {a['AlarmName']} actions", a.get("AlarmActions"), [] if a["AlarmName"] == shown else ([topic] if topic else []))
    check_probe(ck, aws, fleet, c, "Vpn", subnet_ids, val["connector-security-group-id"], val.get("probe-log-group"))


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


def bootstrap(ck, aws, account, regions, workdir, trust=None):
    """`cdk bootstrap` of the account's regions with its own credentials; with trust, as
    README "Account cells" bootstraps a cell account for the main account. Run outside the
    app's directory: there the CLI would synthesize the app first, for nothing."""
    env = aws.env(account, sorted(regions)[0])
    extra = ["--trust", trust, "--cloudformation-execution-policies", "arn:aws:iam::aws:policy/AdministratorAccess"] if trust else []
    cdk(["bootstrap"] + [f"aws://{account}/{r}" for r in sorted(regions)] + extra, env,
        f"cdk bootstrap {account} {', '.join(sorted(regions))}" + (f" --trust {trust}" if trust else ""),
        workdir / "cdk.log", timeout=300, cwd=workdir)
    report_skips(ck, aws.em.skipped(), "cdk bootstrap", ours=False)


def deployed_stacks(assembly, fleet=None):
    """(stack name, account, region) of each stack of the assembly; given a cell's view
    of the fleet, only the cell's: its customers' stacks and its shared stacks (whose
    construct IDs end in -<cell>, their stack names being the same in every cell)."""
    manifest = json.loads((Path(assembly) / "manifest.json").read_text())
    cell = fleet.cell if fleet else None
    out = []
    for artifact_id, a in manifest["artifacts"].items():
        if a.get("type") == "aws:cloudformation:stack":
            _, _, env = a["environment"].partition("aws://")
            account, region = env.split("/")
            name = a["properties"].get("stackName") or a.get("displayName") or artifact_id
            shared = name.startswith((INBOUND_PREFIX, DASHBOARD_PREFIX))
            if cell and not (artifact_id.endswith(f"-{cell}") if shared else name.rpartition("-")[0] in fleet.customers):
                continue
            out.append((name, account, region))
    return out


def check_vendor_stacks(ck, aws, fleet, assembly, psks, only=None, complete="CREATE_COMPLETE"):
    """Every stack of the assembly against the fleet; complete: the status each must have
    (UPDATE_COMPLETE after a second deploy). Each customer's endpoints by service."""
    endpoints = {}
    deployed = deployed_stacks(assembly, fleet)
    label = f"{fleet.cell}: " if fleet.cell else ""  # the shared stacks' names are the same in every cell
    with ck.section(f"{label}inbound stacks"):
        served = [r for r in inbound_regions(fleet)
                  if not only or any(c["name"] in only for c in inbound_customers(fleet, r))]
        ck.eq(f"one {INBOUND_PREFIX}<region> per region with inbound customers",
              sorted(s for s, _, _ in deployed if s.startswith(INBOUND_PREFIX)), [INBOUND_PREFIX + r for r in served])
    deployed_customers = {s.rpartition("-")[0] for s, _, _ in deployed}
    for stack, account, region in deployed:
        if stack.startswith(DASHBOARD_PREFIX):
            with ck.section(label + stack):
                status = aws.client("cloudformation", account, region).describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
                ck.eq("stack status", status, complete)
                check_dashboards(ck, aws, fleet, stack, region, deployed_customers)
            continue
        if stack.startswith(INBOUND_PREFIX):
            with ck.section(label + stack):
                ck.eq("vendor account", account, fleet.account)
                status = aws.client("cloudformation", account, region).describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
                ck.eq("stack status", status, complete)
                ck.eq("region = the one in its name", region, stack[len(INBOUND_PREFIX):])
                check_inbound_service(ck, aws, fleet, region)
            continue
        name, _, mode = stack.rpartition("-")
        if only and name not in only:
            continue
        with ck.section(label + stack):
            ck.eq("vendor account", account, fleet.account)
            status = aws.client("cloudformation", account, region).describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
            ck.eq("stack status", status, complete)
            c = fleet.customers.get(name)
            ck.eq("region = the customer's", region, c and c["region"])
            if mode == "PrivateLink":
                endpoints[name] = check_privatelink(ck, aws, fleet, c)
            elif mode == "Vpn":
                check_vpn(ck, aws, fleet, c, psks)
            else:
                ck.note(f"no e2e checks for {stack} yet: deployed, but only its stack status was checked")
    return endpoints
