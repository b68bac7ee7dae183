"""Producer mode resourceGateway (PrivateLink for VPC resources): the customer's resource
gateway, resource configurations and AWS RAM shares, and the vendor's endpoints of type Resource.

In the fleet scenario the resource configurations a fleet names do not exist in the emulator
(they are ARNs of the customer's real account), so an endpoint to one is refused, as AWS would:
the copy of the fleet makes such a service pending (pend_shared_services). The gateway scenario
(gateway_story.py) goes the whole way: template, ARNs sent back, refusal before the invitation
is accepted, `accept`, deploy, checks from both sides, status.
"""

import yaml

from fleet import TARGET_RANGES, egress, ingress, output_id, producer_services
from harness import say

RESOURCE_GATEWAY = "resourceGateway"  # config.ModeResourceGateway


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

