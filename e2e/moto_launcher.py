"""moto_server, plus the CloudFormation handlers privateconnect's templates need.

Test infrastructure for `make e2e` (e2e/run.py starts it); never shipped.

Why it exists: moto 5.2 implements only part of CloudFormation. For a resource
type it has no model for it logs "No Moto CloudFormation support for <type>",
creates nothing and still reports CREATE_COMPLETE; for some types it does model
it drops properties that matter here. A deploy would then "pass" with the
endpoint service, the VPN connection or the security group rules missing or
wrong. moto's EC2, ELBv2, CloudWatch and Route 53 *APIs* implement these
resources, so before the server starts this launcher registers CloudFormation
handlers that create them through moto's own backends; run.py then finds them
through the public APIs, exactly as it would in AWS.

  Types moto skips, created here:
    AWS::EC2::VPCEndpointService (with NetworkLoadBalancerArns, AcceptanceRequired,
    SupportedRegions, PrivateDnsName and Tags), AWS::EC2::VPCEndpointServicePermissions,
    AWS::EC2::CustomerGateway, AWS::EC2::VPNConnection (tunnel options as
    DescribeVpnConnections reports them; pre-shared keys read from Secrets
    Manager like CloudFormation's dynamic references), AWS::EC2::VPNConnectionRoute,
    AWS::EC2::VPNGatewayRoutePropagation, AWS::EC2::SecurityGroupEgress,
    AWS::CloudWatch::Alarm,
    AWS::EC2::VPCEndpointConnectionNotification (moto has no API for these: the
    handler only checks that its service and SNS topic exist, as AWS would).
  Types moto models with gaps that matter here, completed here:
    AWS::ElasticLoadBalancingV2::LoadBalancer  Type (moto: always "application"),
        LoadBalancerAttributes, Tags, LoadBalancerFullName, SecurityGroups (which
        must exist) and EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic
  ELBv2 API:
    CreateLoadBalancer  moto writes loadbalancer/app/ into every ARN: network
        and gateway load balancers get net/ and gwy/, as in AWS (through the
        API too: run.py creates the vendor platform's existing NLB with it, and
        vendor.yaml's inboundPrivateLink nlbArn must be a loadbalancer/net/ ARN)
    AWS::ElasticLoadBalancingV2::TargetGroup   Targets, TargetGroupAttributes,
        Tags, TargetGroupFullName
    AWS::EC2::VPC                              EnableDnsSupport/EnableDnsHostnames
    AWS::EC2::Subnet                           AvailabilityZoneId, MapPublicIpOnLaunch
    AWS::EC2::SubnetRouteTableAssociation      (moto files it where
        DescribeRouteTables never looks)
    AWS::EC2::SecurityGroup                    SecurityGroupEgress (moto ignores
        it: the group keeps its allow-all egress); an update changes rules and
        tags in place (moto deletes the group and makes another, with a new ID)
    AWS::EC2::VPCEndpoint                      ServiceRegion, Tags, DnsEntries
    AWS::EC2::VPNGateway                       Tags
    AWS::EC2::EIP                              PublicIp
    AWS::SSM::Parameter                        Tags (a map, not a list), no Name
    AWS::Route53::HostedZone                   VPCs (moto: always a public zone),
        HostedZoneConfig.Comment, HostedZoneTags, Id
    AWS::Lambda::*  with {"lambda": {"use_docker": false}} the Lambda API reads
        other backends than the ones CloudFormation writes to

Where AWS refuses what moto accepts (PrivateLink connection states, private DNS
before acceptance, deleting a service or changing its load balancers while
endpoints are connected), moto_strict.py makes the emulator refuse it too, with
AWS's error text; its docstring lists each. moto_stacks.py runs stacks as
CloudFormation does: failures and rollbacks, the order of an update, change sets.

Anything else moto skips it still logs, and run.py reports every such line, so
a skip is never mistaken for a pass. Handlers raise on a reference to something
that does not exist, as CloudFormation would. Updates in place: the handlers of
AWS::EC2::VPCEndpointService (NetworkLoadBalancerArns, AcceptanceRequired,
SupportedRegions, PrivateDnsName) and AWS::CloudWatch::Alarm; a handler type
without one fails the update (moto_stacks) rather than lose the resource, as
moto would. Deletion (a stack deleted the way a README says, a resource an
update removed or replaced): AWS::EC2::VPCEndpointService,
AWS::ElasticLoadBalancingV2::TargetGroup (refused while a listener uses it),
AWS::ElasticLoadBalancingV2::Listener, AWS::EC2::VPCEndpoint (its connection
turns deleted) and AWS::SSM::Parameter, besides what moto deletes itself;
otherwise the harness resets moto between scenarios. Written against moto
5.2.1 internals.

Usage: python3 e2e/moto_launcher.py PORT      (listens on 127.0.0.1 only)
"""
import functools
import json
import sys

import moto_stacks as stacks
import moto_strict as strict

import moto
from moto.awslambda import models as lambda_models
from moto.awslambda_simple.models import lambda_simple_backends
from moto.cloudformation import parsing
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.core.models import default_user_config
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_ip_addresses import ElasticAddress
from moto.ec2.models.security_groups import SecurityGroup
from moto.ec2.models.vpcs import VPC, VPCEndPoint
from moto.ec2.models.vpn_gateway import VpnGateway
from moto.elbv2.models import ELBv2Backend, FakeListener, FakeLoadBalancer, FakeTargetGroup, elbv2_backends
from moto.route53.models import FakeZone, route53_backends
from moto.secretsmanager.models import secretsmanager_backends
from moto.sns.models import sns_backends
from moto.ssm.models import Parameter as SsmParameter, ssm_backends

HANDLERS = {}  # CloudFormation type -> handler class, on top of moto's own


def handles(cfn_type, delete=None, update=None):
    """Register fn as the CloudFormation handler of cfn_type.

    fn(props, ec2, account, region, name) creates the resource through moto's
    backends and returns (physical id, {attribute: value}), or a moto model
    object that answers Ref and Fn::GetAtt itself. delete(physical id, ec2),
    when given, deletes it (and may refuse, as AWS would); without it a
    deletion leaves the resource. update(resource, props, ec2, account,
    region), when given, changes it in place and returns what fn returns;
    without it an update in place fails the stack (moto_stacks).
    """
    def register(fn):
        def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            out = fn(cloudformation_json.get("Properties", {}), ec2_backends[account_id][region_name],
                     account_id, region_name, resource_name)
            return Resource(*out) if isinstance(out, tuple) else out

        HANDLERS[cfn_type] = type("Handler_" + cfn_type.replace("::", "_"), (CloudFormationModel,), {
            "__module__": "e2e.moto_launcher",  # moto's model metaclass files models by this
            "cloudformation_type": staticmethod(lambda: cfn_type),
            "cloudformation_name_type": staticmethod(lambda: ""),
            "has_cfn_attr": classmethod(lambda cls, attr: True),
            "create_from_cloudformation_json": classmethod(create),
            "delete_from_cloudformation_json": classmethod(
                lambda cls, physical_id, cloudformation_json, account_id, region_name, *args, **kwargs:
                delete and delete(physical_id, ec2_backends[account_id][region_name])),
        })
        if update:
            def update_in_place(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
                out = update(original_resource, cloudformation_json.get("Properties", {}),
                             ec2_backends[account_id][region_name], account_id, region_name)
                return Resource(*out) if isinstance(out, tuple) else out
            HANDLERS[cfn_type].update_from_cloudformation_json = classmethod(update_in_place)
        return fn
    return register


class Resource:
    """What a handler of a new type leaves in the stack: its Ref and GetAtt values."""

    def __init__(self, physical_id, attributes=None):
        self.physical_resource_id = physical_id
        self.attributes = attributes or {}

    def get_cfn_attribute(self, name):
        if name not in self.attributes:
            raise UnformattedGetAttTemplateException()  # fails the stack, as AWS would
        return self.attributes[name]

    def is_created(self):
        return True


def with_getatt(model, extra):
    """Answer the attributes in extra (name -> fn(obj)) before moto's get_cfn_attribute."""
    original, has = getattr(model, "get_cfn_attribute", None), model.has_cfn_attr

    def get_cfn_attribute(self, name):
        if name in extra:
            return extra[name](self)
        if original is None:
            raise UnformattedGetAttTemplateException()
        return original(self, name)

    model.get_cfn_attribute = get_cfn_attribute
    model.has_cfn_attr = classmethod(lambda cls, attr: attr in extra or has(attr))


def after_create(model, fix):
    """Run moto's create_from_cloudformation_json for model, then fix(obj, props, account, region)."""
    original = model.create_from_cloudformation_json.__func__

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        obj = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        fix(obj, cloudformation_json.get("Properties", {}), account_id, region_name)
        return obj

    model.create_from_cloudformation_json = classmethod(create)


def true(value):
    """CloudFormation booleans arrive as bool or as "true"/"false"."""
    return str(value).lower() == "true"


def tags(props, key="Tags"):
    return {t["Key"]: t["Value"] for t in props.get(key) or []}


def add_tags(obj, props):
    for k, v in tags(props).items():
        obj.add_tag(k, v)


# --- Network ---------------------------------------------------------------------

def fix_vpc(vpc, props, account, region):
    vpc.enable_dns_support = true(props.get("EnableDnsSupport", True))
    vpc.enable_dns_hostnames = true(props.get("EnableDnsHostnames", False))


@handles("AWS::EC2::Subnet")
def subnet(props, ec2, account, region, name):
    s = ec2.create_subnet(vpc_id=props["VpcId"], cidr_block=props["CidrBlock"],
                          availability_zone=props.get("AvailabilityZone"),
                          availability_zone_id=props.get("AvailabilityZoneId"))
    s.map_public_ip_on_launch = true(props.get("MapPublicIpOnLaunch", False))
    add_tags(s, props)
    return s


@handles("AWS::EC2::SubnetRouteTableAssociation")
def subnet_route_table_association(props, ec2, account, region, name):
    return ec2.associate_route_table(props["RouteTableId"], subnet_id=props["SubnetId"]), {}


def fix_security_group(group, props, account, region):
    if "SecurityGroupEgress" in props:
        group.egress_rules.clear()  # as in AWS: the listed rules replace the default allow-all
        for rule in props["SecurityGroupEgress"]:
            authorize_egress(ec2_backends[account][region], group.id, rule)


def update_security_group(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    """In place, keeping the group's ID, as CloudFormation updates rules and tags; moto
    deletes the group and creates another. (A create-only change replaces it: moto_stacks.)"""
    props = cloudformation_json.get("Properties", {})
    ec2 = ec2_backends[account_id][region_name]
    if "SecurityGroupIngress" in props:
        raise NotImplementedError("moto_launcher: inline SecurityGroupIngress is not updated in place")
    original_resource.egress_rules.clear()
    for rule in props.get("SecurityGroupEgress") or []:
        authorize_egress(ec2, original_resource.id, rule)
    if "SecurityGroupEgress" not in props:
        ec2.authorize_security_group_egress(original_resource.id, "-1", None, None, [{"CidrIp": "0.0.0.0/0"}])  # AWS's default
    for tag in props.get("Tags") or []:
        original_resource.add_tag(tag["Key"], tag["Value"])
    return original_resource


def authorize_egress(ec2, group_id, rule):
    ranges = [{"CidrIp": rule["CidrIp"], "Description": rule.get("Description")}] if rule.get("CidrIp") else []
    if rule.get("CidrIpv6"):
        ranges.append({"CidrIpv6": rule["CidrIpv6"], "Description": rule.get("Description")})
    dest = rule.get("DestinationSecurityGroupId")
    ec2.authorize_security_group_egress(
        group_id, str(rule["IpProtocol"]), rule.get("FromPort"), rule.get("ToPort"), ranges,
        source_groups=[{"GroupId": dest, "Description": rule.get("Description")}] if dest else [],
        prefix_list_ids=[{"PrefixListId": rule["DestinationPrefixListId"]}] if rule.get("DestinationPrefixListId") else [])


@handles("AWS::EC2::SecurityGroupEgress")
def security_group_egress(props, ec2, account, region, name):
    authorize_egress(ec2, props["GroupId"], props)
    return f"{props['GroupId']}-egress-{name}", {}


def fix_vpc_endpoint(endpoint, props, account, region):
    endpoint.service_region = props.get("ServiceRegion", region)  # cross-region PrivateLink
    add_tags(endpoint, props)


# --- PrivateLink provider side ----------------------------------------------------

@handles("AWS::ElasticLoadBalancingV2::LoadBalancer")
def load_balancer(props, ec2, account, region, name):
    elbv2 = elbv2_backends[account][region]
    lb_type = props.get("Type", "application")
    for group in props.get("SecurityGroups") or []:
        ec2.get_security_group_from_id(group) or ec2.describe_security_groups(group_ids=[group])  # raises if missing
    lb = elbv2.create_load_balancer(  # with the net/ or gwy/ ARN: see typed_arns
        name=props.get("Name") or name, security_groups=props.get("SecurityGroups") or [],
        subnet_ids=props.get("Subnets") or [], subnet_mappings=props.get("SubnetMappings"),
        scheme=props.get("Scheme", "internet-facing"), loadbalancer_type=lb_type,
        ip_address_type=props.get("IpAddressType", "ipv4"))
    if lb_type == "network" and props.get("SecurityGroups"):
        # Only an NLB with security groups has the setting; AWS's default is on.
        # A YAML 1.1 reader turns a plain off into false, which AWS refuses.
        enforce = str(props.get("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic", "on"))
        if enforce not in ("on", "off"):
            raise ValueError(f"1 validation error detected: Value '{enforce}' at 'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic' "
                             "failed to satisfy constraint: Member must satisfy enum value set: [on, off]")
        lb.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic = enforce
    attrs = {a["Key"]: a["Value"] for a in props.get("LoadBalancerAttributes") or []}
    if attrs:
        elbv2.modify_load_balancer_attributes(lb.arn, attrs)
    if props.get("Tags"):
        elbv2.add_tags([lb.arn], props["Tags"])
    return lb


def typed_arns(create_load_balancer):
    """moto writes /app/ into every load balancer's ARN; AWS writes net/ for a
    network and gwy/ for a gateway load balancer. Through the API as through
    CloudFormation (run.py creates the vendor platform's NLB with the API, and
    vendor.yaml's nlbArn must match loadbalancer/net/)."""
    def create(self, *args, tags=None, **kwargs):
        lb = create_load_balancer(self, *args, **kwargs)
        if lb.type in ("network", "gateway"):
            del self.load_balancers[lb.arn]
            lb.arn = lb.arn.replace("/app/", "/net/" if lb.type == "network" else "/gwy/", 1)
            self.load_balancers[lb.arn] = lb
        if tags:
            self.tagging_service.tag_resource(lb.arn, tags)
        return lb
    return create


def delete_target_group(arn, ec2):
    """Refused while a listener forwards to it (ResourceInUse), as in AWS."""
    if arn in elbv2_backends[ec2.account_id][ec2.region_name].target_groups:
        elbv2_backends[ec2.account_id][ec2.region_name].delete_target_group(arn)


def delete_listener(self, account_id, region_name):
    """Gone already when its load balancer was deleted first, which deletes its listeners."""
    elbv2 = elbv2_backends[account_id][region_name]
    if any(self.arn in lb.listeners for lb in elbv2.load_balancers.values()):
        elbv2.delete_listener(self.arn)


@handles("AWS::ElasticLoadBalancingV2::TargetGroup", delete=delete_target_group)
def target_group(props, ec2, account, region, name):
    tg = FakeTargetGroup.create_from_cloudformation_json(props.get("Name") or name, {"Properties": props}, account, region)
    elbv2 = elbv2_backends[account][region]
    attrs = {a["Key"]: a["Value"] for a in props.get("TargetGroupAttributes") or []}
    if attrs:
        elbv2.modify_target_group_attributes(tg.arn, attrs)
    if props.get("Targets"):
        elbv2.register_targets(tg.arn, [{"Id": t["Id"], "Port": int(t.get("Port") or tg.port)} for t in props["Targets"]])
    if props.get("Tags"):
        elbv2.add_tags([tg.arn], props["Tags"])
    return tg


def update_endpoint_service(resource, props, ec2, account, region):
    """In place, as the resource schema allows (no create-only property); taking a load
    balancer away is refused while endpoints are connected (moto_strict)."""
    config = ec2.configurations[resource.physical_resource_id]
    new = props.get("NetworkLoadBalancerArns") or []
    elbv2_backends[account][region].describe_load_balancers(arns=new, names=None)  # raises if one is missing
    old = list(config.network_load_balancer_arns)
    removed = [a for a in old if a not in new]
    strict.refuse_load_balancer_change(config, removed)
    regions = props.get("SupportedRegions") or []
    ec2.modify_vpc_endpoint_service_configuration(
        config.id, acceptance_required=str(true(props.get("AcceptanceRequired", True))),
        private_dns_name=props.get("PrivateDnsName"), add_network_lbs=[a for a in new if a not in old],
        remove_network_lbs=removed, add_gateway_lbs=[], remove_gateway_lbs=[],
        add_supported_regions=[r for r in regions if r not in config._supported_region_names],
        remove_supported_regions=[r for r in config._supported_region_names if r not in regions])
    return resource


@handles("AWS::EC2::VPCEndpointService", delete=strict.delete_endpoint_service, update=update_endpoint_service)
def endpoint_service(props, ec2, account, region, name):
    arns = props.get("NetworkLoadBalancerArns") or props.get("GatewayLoadBalancerArns") or []
    lbs = elbv2_backends[account][region].describe_load_balancers(arns=arns, names=None)  # raises if one is missing
    if props.get("NetworkLoadBalancerArns") and any(lb.type != "network" for lb in lbs):
        raise ValueError("NetworkLoadBalancerArns names a load balancer that is not a network load balancer")
    svc = ec2.create_vpc_endpoint_service_configuration(
        arns, true(props.get("AcceptanceRequired", True)), props.get("PrivateDnsName"), props.get("Tags") or [],
        props.get("SupportedRegions") or [])
    return svc.id, {"ServiceId": svc.id}


@handles("AWS::EC2::VPCEndpointServicePermissions")
def endpoint_service_permissions(props, ec2, account, region, name):
    ec2.modify_vpc_endpoint_service_permissions(props["ServiceId"], props.get("AllowedPrincipals") or [], [])
    return f"{props['ServiceId']}-permissions", {}


@handles("AWS::EC2::VPCEndpointConnectionNotification")
def connection_notification(props, ec2, account, region, name):
    if props.get("ServiceId"):
        ec2.describe_vpc_endpoint_service_configurations([props["ServiceId"]])  # raises if missing
    sns_backends[account][region].get_topic(props["ConnectionNotificationArn"])  # raises if missing
    return f"vpce-nfn-{name}", {}


# --- Site-to-site VPN ---------------------------------------------------------------

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
    return conn.id, {"VpnConnectionId": conn.id}


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


# --- DNS, alarms, parameters ----------------------------------------------------------

def fix_hosted_zone(zone, props, account, region):
    zone.comment = (props.get("HostedZoneConfig") or {}).get("Comment", zone.comment)
    if props.get("VPCs"):
        zone.private_zone = True  # a zone created with VPCs is private
        for vpc in props["VPCs"]:
            ec2_backends[account][vpc["VPCRegion"]].get_vpc(vpc["VPCId"])  # raises if missing
            zone.add_vpc(vpc["VPCId"], vpc["VPCRegion"])
    if props.get("HostedZoneTags"):
        route53_backends[account]["aws"].change_tags_for_resource("hostedzone", zone.resource_id, props["HostedZoneTags"], [])


def update_alarm(resource, props, ec2, account, region):
    """PutMetricAlarm on the same name replaces the alarm's settings, as an update does."""
    return alarm(dict(props, AlarmName=resource.physical_resource_id), ec2, account, region, resource.physical_resource_id)


@handles("AWS::CloudWatch::Alarm", update=update_alarm)
def alarm(props, ec2, account, region, name):
    alarm_name = props.get("AlarmName") or name
    a = cloudwatch_backends[account][region].put_metric_alarm(
        name=alarm_name, namespace=props.get("Namespace"), metric_name=props.get("MetricName"),
        comparison_operator=props["ComparisonOperator"], evaluation_periods=props["EvaluationPeriods"],
        period=props.get("Period"), threshold=props.get("Threshold"), statistic=props.get("Statistic"),
        description=props.get("AlarmDescription"), dimensions=props.get("Dimensions") or [],
        alarm_actions=props.get("AlarmActions") or [], ok_actions=props.get("OKActions") or [],
        insufficient_data_actions=props.get("InsufficientDataActions") or [],
        datapoints_to_alarm=props.get("DatapointsToAlarm"), unit=props.get("Unit"),
        actions_enabled=true(props.get("ActionsEnabled", True)), treat_missing_data=props.get("TreatMissingData"))
    return alarm_name, {"Arn": a.alarm_arn}


def delete_ssm_parameter(name, ec2):
    ssm_backends[ec2.account_id][ec2.region_name].delete_parameter(name)


@handles("AWS::SSM::Parameter", delete=delete_ssm_parameter)
def ssm_parameter(props, ec2, account, region, name):
    fixed = dict(props, Name=props.get("Name") or name,
                 Tags=[{"Key": k, "Value": v} for k, v in (props.get("Tags") or {}).items()])
    return SsmParameter.create_from_cloudformation_json(fixed["Name"], {"Properties": fixed}, account, region)


class LambdaBackendsOfTheApi:
    """Stands in for moto.awslambda.models.lambda_backends, which moto's
    CloudFormation writes to: with Docker off, the Lambda API reads
    lambda_simple_backends instead, and a stack's functions are invisible."""

    def __init__(self, docker_backends):
        self.docker_backends = docker_backends

    def __getitem__(self, account_id):
        if default_user_config.get("lambda", {}).get("use_docker", True) is False:
            return lambda_simple_backends[account_id]
        return self.docker_backends[account_id]

    def __getattr__(self, name):
        return getattr(self.docker_backends, name)


def install():
    """Put every handler and fix in place; before the server takes a request."""
    after_create(VPC, fix_vpc)
    after_create(SecurityGroup, fix_security_group)
    SecurityGroup.update_from_cloudformation_json = classmethod(update_security_group)
    # CloudFormation deletes a removed or replaced listener, and an endpoint the
    # template no longer has (its connection then ends: state deleted).
    FakeListener.delete = delete_listener
    VPCEndPoint.delete = lambda self, account_id, region_name: self.ec2_backend.delete_vpc_endpoints([self.id])
    after_create(VPCEndPoint, fix_vpc_endpoint)
    after_create(VpnGateway, fix_vpn_gateway)
    after_create(FakeZone, fix_hosted_zone)
    ELBv2Backend.create_load_balancer = typed_arns(ELBv2Backend.create_load_balancer)
    with_getatt(FakeLoadBalancer, {"LoadBalancerFullName": lambda lb: lb.arn.split(":loadbalancer/", 1)[1]})
    with_getatt(FakeTargetGroup, {"TargetGroupFullName": lambda tg: tg.arn.split(":", 5)[5],
                                  "TargetGroupName": lambda tg: tg.name,
                                  "LoadBalancerArns": lambda tg: list(tg.load_balancer_arns)})
    with_getatt(VPCEndPoint, {"Id": lambda ep: ep.id,
                              "DnsEntries": lambda ep: [f"{e['hosted_zone_id']}:{e['dns_name']}" for e in ep.dns_entries],
                              "NetworkInterfaceIds": lambda ep: list(ep.network_interface_ids or [])})
    with_getatt(ElasticAddress, {"PublicIp": lambda eip: eip.public_ip})
    with_getatt(FakeZone, {"Id": lambda z: z.resource_id})
    lambda_models.lambda_backends = LambdaBackendsOfTheApi(lambda_models.lambda_backends)
    stacks.install()
    strict.install()
    moto_map = parsing.get_model_map
    parsing.get_model_map = functools.lru_cache(lambda: {**moto_map(), **HANDLERS})


def main(argv):
    if len(argv) != 1 or not argv[0].isdigit():
        sys.exit("usage: moto_launcher.py PORT")
    if not moto.__version__.startswith("5.2."):
        print(f"moto_launcher: written against moto 5.2, this is {moto.__version__}", flush=True)
    install()
    print(f"moto_launcher: {len(HANDLERS)} CloudFormation handlers added: {', '.join(sorted(HANDLERS))}", flush=True)
    from moto import server
    server.main(["--host", "127.0.0.1", "--port", argv[0]])


if __name__ == "__main__":
    main(sys.argv[1:])
