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
    Manager like CloudFormation's dynamic references; both tunnels UP in its
    VgwTelemetry, see moto_vpn.py), AWS::EC2::VPNConnectionRoute,
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

  PrivateLink for VPC resources (moto_lattice.py, moto_ram.py): AWS::VpcLattice::ResourceGateway,
    AWS::VpcLattice::ResourceConfiguration, AWS::RAM::ResourceShare (with invitations to
    other accounts) and AWS::EC2::VPCEndpoint of type Resource, with the APIs that read them.

  Custom resources of a Lambda function with inline Python code (moto_custom.py): the code runs,
    in a child process against the emulator, and answers as CloudFormation expects.

The handlers register through moto_handlers.py (which also patches moto's own
models); the VPN types' handlers are in moto_vpn.py. moto_quotas.py serves the
Service Quotas that privateconnect quotas -live reads (moto knows vpc's only).

Where AWS refuses what moto accepts (PrivateLink connection states, private DNS
before acceptance, deleting a service or changing its load balancers while
endpoints are connected, AssumeRole of a CDK bootstrap role from an account it
does not trust), moto_strict.py makes the emulator refuse it too, with
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
import sys

import moto_custom as custom
import moto_lattice as lattice
import moto_quotas as quotas
import moto_resource_endpoint as resource_endpoint
import moto_stacks as stacks
import moto_strict as strict
from moto_handlers import HANDLERS, add_tags, after_create, handles, tags, true, with_getatt
from moto_vpn import fix_vpn_gateway

import moto
from moto.awslambda import models as lambda_models
from moto.awslambda_simple.models import lambda_simple_backends
from moto.cloudformation import parsing
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.models import default_user_config
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_ip_addresses import ElasticAddress
from moto.ec2.models.security_groups import SecurityGroup
from moto.ec2.models.vpcs import VPC, VPCEndPoint
from moto.ec2.models.vpn_gateway import VpnGateway
from moto.elbv2.models import ELBv2Backend, FakeListener, FakeLoadBalancer, FakeTargetGroup, elbv2_backends
from moto.route53.models import FakeZone, route53_backends
from moto.sns.models import sns_backends
from moto.ssm.models import Parameter as SsmParameter, ssm_backends

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
    quotas.install()
    lattice.install()
    resource_endpoint.install()
    custom.install()
    moto_map = parsing.get_model_map
    parsing.get_model_map = functools.lru_cache(lambda: {**moto_map(), **HANDLERS})


def main(argv):
    if len(argv) != 1 or not argv[0].isdigit():
        sys.exit("usage: moto_launcher.py PORT")
    if not moto.__version__.startswith("5.2."):
        print(f"moto_launcher: written against moto 5.2, this is {moto.__version__}", flush=True)
    custom.PORT = int(argv[0])
    install()
    print(f"moto_launcher: {len(HANDLERS)} CloudFormation handlers added: {', '.join(sorted(HANDLERS))}", flush=True)
    from moto import server
    server.main(["--host", "127.0.0.1", "--port", argv[0]])


if __name__ == "__main__":
    main(sys.argv[1:])
