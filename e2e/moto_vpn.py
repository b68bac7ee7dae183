"""CloudFormation handlers of the site-to-site VPN types moto skips or models with gaps (moto_launcher installs them).

Tunnels: moto reports no VgwTelemetry. A connection made here reports both
tunnels UP, as if the customer's device had brought them up when the stack
was created: outside addresses from 203.0.113.0/24 (TEST-NET-3), status
message "", AcceptedRouteCount 0 (the emulator runs no BGP). The emulator
has no tunnel to go down; e2e breaks other things (an endpoint connection
rejected, an alarm set to ALARM) through the real APIs.
"""

import datetime
import itertools
import json

from moto_handlers import add_tags, handles, tags, true
from moto.secretsmanager.models import secretsmanager_backends


@handles("AWS::EC2::CustomerGateway")
def customer_gateway(props, ec2, account, region, name):
    asn = props.get("BgpAsn") or props.get("BgpAsnExtended") or 65000
    cgw = ec2.create_customer_gateway(props.get("Type", "ipsec.1"), props["IpAddress"], str(asn), tags(props))
    return cgw.id, {"CustomerGatewayId": cgw.id}


def fix_vpn_gateway(gateway, props, account, region):
    add_tags(gateway, props)


# CloudFormation's VpnTunnelOptionsSpecification keys that DescribeVpnConnections spells otherwise
API_NAMES = {"DPDTimeoutAction": "DpdTimeoutAction", "DPDTimeoutSeconds": "DpdTimeoutSeconds",
             "IKEVersions": "IkeVersions", "CloudwatchLogOptions": "CloudWatchLogOptions"}


def api_names(value):
    if isinstance(value, dict):
        return {API_NAMES.get(k, k): api_names(v) for k, v in value.items()}
    if isinstance(value, list):
        return [api_names(v) for v in value]
    return value


def resolve_secret(value, account, region):
    """A {{resolve:secretsmanager:id:SecretString:json-key:stage:version}} dynamic
    reference, resolved as CloudFormation does at deploy time (moto leaves the
    text as it is); a missing secret or key fails the resource, as in AWS."""
    prefix = "{{resolve:secretsmanager:"
    if not (isinstance(value, str) and value.startswith(prefix) and value.endswith("}}")):
        return value
    ref = value[len(prefix):-2]
    secret_id, json_key, stage, version = ref, "", "", ""
    if ":SecretString:" in ref:
        secret_id, _, json_key, stage, version = ref.rsplit(":", 4)
    text = secretsmanager_backends[account][region].get_secret_value(secret_id, version or None, stage or None)["SecretString"]
    return json.loads(text)[json_key] if json_key else text


@handles("AWS::EC2::VPNConnection")
def vpn_connection(props, ec2, account, region, name):
    if props.get("VpnGatewayId"):
        ec2.get_vpn_gateway(props["VpnGatewayId"])  # raises if missing
    conn = ec2.create_vpn_connection(props["Type"], props["CustomerGatewayId"], vpn_gateway_id=props.get("VpnGatewayId"),
                                     transit_gateway_id=props.get("TransitGatewayId"), tags=tags(props))
    tunnels = []
    for spec in props.get("VpnTunnelOptionsSpecifications") or []:
        spec = dict(spec)
        if "PreSharedKey" in spec:
            spec["PreSharedKey"] = resolve_secret(spec["PreSharedKey"], account, region)
        tunnels.append(api_names(spec))
    # Attributes the EC2 API's serializer picks up by their names.
    conn.options = {
        "StaticRoutesOnly": true(props.get("StaticRoutesOnly", False)),
        "LocalIpv4NetworkCidr": props.get("LocalIpv4NetworkCidr", "0.0.0.0/0"),
        "RemoteIpv4NetworkCidr": props.get("RemoteIpv4NetworkCidr", "0.0.0.0/0"),
        "TunnelInsideIpVersion": props.get("TunnelInsideIpVersion", "ipv4"),
        "TunnelOptions": tunnels,
    }
    conn.routes = []
    conn.vgw_telemetry = telemetry()
    return conn.id, {"VpnConnectionId": conn.id}


OUTSIDE_IPS = (f"203.0.113.{n}" for n in itertools.cycle(range(1, 255)))


def telemetry():
    """VgwTelemetry of a connection's two tunnels, both UP since now (module docstring)."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return [{"OutsideIpAddress": next(OUTSIDE_IPS), "Status": "UP", "LastStatusChange": now,
             "StatusMessage": "", "AcceptedRouteCount": 0} for _ in range(2)]


@handles("AWS::EC2::VPNConnectionRoute")
def vpn_connection_route(props, ec2, account, region, name):
    conn = ec2.describe_vpn_connections([props["VpnConnectionId"]])[0]  # raises if missing
    conn.routes = (getattr(conn, "routes", None) or []) + [
        {"DestinationCidrBlock": props["DestinationCidrBlock"], "Source": "Static", "State": "available"}]
    return f"{conn.id}-{props['DestinationCidrBlock']}", {}


@handles("AWS::EC2::VPNGatewayRoutePropagation")
def vpn_gateway_route_propagation(props, ec2, account, region, name):
    gateway = ec2.get_vpn_gateway(props["VpnGatewayId"])
    if not any(a.state == "attached" for a in gateway.attachments.values()):
        raise ValueError(f"VPN gateway {gateway.id} is not attached to a VPC")  # AWS refuses it too
    for table_id in props["RouteTableIds"]:
        table = ec2.get_route_table(table_id)  # raises if missing
        table.propagating_vgws = (getattr(table, "propagating_vgws", None) or []) + [{"GatewayId": gateway.id}]
    return f"{gateway.id}-propagation-{name}", {}
