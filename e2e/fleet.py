"""The fleet's YAML as the checks read it, and what the stacks derive from it (IDs, subnet slots, inbound defaults)."""

import copy
import ipaddress
import re
from pathlib import Path

import yaml

from harness import paginate


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

    @property
    def cell(self):
        """The cell's name in a view of cells(); None for a whole fleet."""
        return self.vendor.get("cell")

    def cells(self):
        """One view per cell of vendor.yaml, in its order (config.Vendor.ForCustomer): the vendor
        as the cell sees it (account, principal, regions, alarm topics, platform load balancers)
        and the cell's customers. A fleet without cells is its own one view."""
        if not self.vendor.get("cells"):
            return [self]
        views = []
        for i, cell in enumerate(self.vendor["cells"]):
            view = copy.copy(self)
            v = {k: val for k, val in self.vendor.items() if k != "cells"}
            v.update(cell=cell["name"], cellPath=f"cells[{i}].inboundPrivateLink", account=str(cell["account"]),
                     principalArn=cell["principalArn"], regions=cell["regions"],
                     alarmTopicArns=cell.get("alarmTopicArns") or {}, vpcCidrPools=cell.get("vpcCidrPools") or v.get("vpcCidrPools"))
            if v.get("inboundPrivateLink") is not None:
                v["inboundPrivateLink"] = dict(v["inboundPrivateLink"], regions=cell.get("inboundPrivateLink") or {})
            view.vendor = v
            view.customers = {n: c for n, c in self.customers.items() if c.get("cell") == cell["name"]}
            views.append(view)
        return views

    def retention(self):
        return self.vendor.get("logRetentionDays", 365)


def edit_services(fleet_dir, name, edit):
    """Applies edit to each service of customer name's file in a copy of the fleet, and writes it back."""
    path = Path(fleet_dir) / "customers" / f"{name}.yaml"
    doc = yaml.safe_load(path.read_text())
    for s in doc["privateLink"]["services"]:
        edit(s)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def output_id(label):
    """The stacks' OutputID: my-db -> MyDb."""
    return "".join(p[:1].upper() + p[1:] for p in label.split("-") if p)


# Where an NLB or a resource gateway may send: the ranges AWS accepts IP targets in (RFC 1918, RFC 6598).
TARGET_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")


def ready(s):
    """config.Service.Pending's opposite: a service name or a resource configuration ARN to connect to."""
    return bool(s.get("serviceName") or s.get("resourceConfigurationArn"))


def producer_services(c):
    return [s for s in (c.get("privateLink") or {}).get("services", []) if s.get("producer")]


def producer_region(c):
    return producer_services(c)[0].get("serviceRegion") or c["region"]


def target_group_settings(producer):
    """A producer's target group settings: the YAML's, else the defaults by target kind
    (README: rds follows a failing-over database, ip and instance keep AWS's)."""
    given, rds = producer.get("targetGroup") or {}, producer["target"] == "rds"
    interval = given.get("healthCheckIntervalSeconds", 10 if rds else 30)
    return {"HealthCheckIntervalSeconds": interval,
            "HealthCheckTimeoutSeconds": given.get("healthCheckTimeoutSeconds", max(2, min(10, interval // 2))),
            "HealthyThresholdCount": given.get("healthyThresholdCount", 2 if rds else 5),
            "UnhealthyThresholdCount": given.get("unhealthyThresholdCount", 2),
            "deregistration_delay.timeout_seconds": str(given.get("deregistrationDelaySeconds", 30 if rds else 300)),
            "deregistration_delay.connection_termination.enabled": str(given.get("connectionTermination", rds)).lower()}


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


INBOUND_PREFIX = "Vendor-Inbound-"  # stacks.InboundServiceStackName
NLB_ARN_RE = re.compile(r"^arn:aws:elasticloadbalancing:([a-z0-9-]+):([0-9]{12}):loadbalancer/net/([A-Za-z0-9-]{1,32})/[0-9a-f]{16}$")


def vpn_remote_networks(c):
    """What the connectors reach over the tunnels: vpn.remoteNetworks, never all of networks (which may hold
    a VPC of the customer's reached over PrivateLink)."""
    return list(c["vpn"]["remoteNetworks"])


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
