"""The VPC endpoint of type Resource in the emulator (moto_launcher installs it; moto_lattice.py
has the resource configurations it connects to, moto_ram.py the shares that let it).

Test infrastructure for `make e2e`; never shipped.

  CreateVpcEndpoint with VpcEndpointType Resource and ResourceConfigurationArn, through the API
  and CloudFormation (AWS::EC2::VPCEndpoint): an endpoint of type Resource, available, with the
  configuration's ARN, its subnets and security groups (the VPC's default group when none), no
  ServiceName, no policy, no DnsEntries and no network interfaces, as AWS's own example shows
  (https://docs.aws.amazon.com/cli/latest/reference/ec2/create-vpc-endpoint.html, "To create a
  resource endpoint"; Terraform's users found its DnsEntries empty too and read the name from
  the endpoint's associations: https://github.com/hashicorp/terraform-provider-aws/issues/41859).
  GetAtt DnsEntries is empty: a template that Fn::Selects a DNS name from
  it fails here, as on AWS. Refused (moto_ram.refuse_resource_endpoint): a configuration not
  shared with the endpoint's account and accepted, an endpoint policy; subnets of another VPC;
  subnets in no Availability Zone (by AZ ID) of the resource gateway's (refuse_no_common_zone).
  DescribeVpcEndpointAssociations (filters vpc-endpoint-id, association-id,
  associated-resource-id, associated-resource-accessibility): one association per resource
  endpoint, Accessible, Id vpce-rsc-asc-<17>, DnsEntry
  <endpoint id>.<rcfg id>.4232ccc.vpc-lattice-rsc.<region>.on.aws with a hosted zone per region
  (the form of the CLI's example,
  https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-vpc-endpoint-associations.html),
  PrivateDnsEntry (the configuration's custom domain name) when private DNS is on.
  vpc-lattice ListResourceEndpointAssociations for the configuration's owner: rea-<17>, the
  endpoint and its account; GetResourceConfiguration by ARN for an account it is shared with
  (accepted); for any other account ResourceNotFoundException.
  A deleted endpoint (DeleteVpcEndpoints, a stack deleted or rolled back) is `deleted` and has
  no association.
Written against moto 5.2.1 internals.
"""
import json

import moto_ram as ram
from moto_handlers import tags
from moto_lattice import (CONFIG_ARN_RE, JSON, configuration_by_arn, find_configuration, find_gateway, hex17, identifier,
                          not_found, now, public)
from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCEndPoint
from moto.ec2.responses import EC2Response
from moto.vpclattice.responses import VPCLatticeResponse

def list_resource_endpoint_associations(self):
    identifier = self._get_param("resourceConfigurationIdentifier")
    config = find_configuration(self.current_account, self.region, identifier)
    items = [{"id": ep.resource_association["rea"], "resourceConfigurationId": config["id"],
              "arn": f"arn:aws:vpc-lattice:{self.region}:{self.current_account}:resourceendpointassociation/{ep.resource_association['rea']}",
              "resourceConfigurationArn": config["arn"], "resourceConfigurationName": config["name"],
              "vpcEndpointId": ep.id, "vpcEndpointOwner": ep.owner_id, "createdAt": ep.resource_association["createdAt"]}
             for ep in resource_endpoints() if ep.resource_configuration_arn == config["arn"]]
    return 200, JSON, json.dumps({"items": items})


def resource_endpoints():
    for account in list(ec2_backends.keys()):
        for region in list(ec2_backends[account].keys()):
            for ep in list(ec2_backends[account][region].vpc_end_points.values()):
                if getattr(ep, "resource_configuration_arn", None) and ep.state != "deleted":
                    yield ep


def create_resource_endpoint(ec2, vpc_id, config_arn, subnet_ids, security_group_ids, policy, private_dns, tag_map):
    """CreateVpcEndpoint of type Resource, through the API or CloudFormation."""
    ram.refuse_resource_endpoint(ec2.account_id, ec2.region_name, config_arn, policy, configuration_by_arn(config_arn))
    vpc = ec2.get_vpc(vpc_id)
    for subnet_id in subnet_ids or []:
        if ec2.get_subnet(subnet_id).vpc_id != vpc.id:
            raise ram.refused("InvalidParameter", f"The subnet ID '{subnet_id}' does not belong to VPC {vpc.id}")
    refuse_no_common_zone(ec2, subnet_ids, configuration_by_arn(config_arn))
    groups = security_group_ids or [ec2.get_default_security_group(vpc.id).id]
    ep = ec2.create_vpc_endpoint(vpc_id=vpc_id, service_name=None, endpoint_type="Resource", policy_document=None,
                                 route_table_ids=[], subnet_ids=list(subnet_ids or []), security_group_ids=groups,
                                 tags=tag_map, private_dns_enabled=bool(private_dns))
    ep.policy_document = None  # none on a resource endpoint (the CLI example shows none)
    ep.dns_entries = []  # GetAtt DnsEntries is empty too
    ep.network_interface_ids = None
    ep.route_table_ids = []  # (DeleteVpcEndpoints walks them)
    ep.ip_address_type = "IPV4"
    ep.resource_configuration_arn = config_arn
    ep.resource_association = {"id": f"vpce-rsc-asc-{hex17()}", "rea": f"rea-{hex17()}", "createdAt": now()}
    return ep


def refuse_no_common_zone(ec2, subnet_ids, config):
    """"At least one Availability Zone of the VPC endpoint and the resource gateway must overlap"
    (https://docs.aws.amazon.com/vpc-lattice/latest/ug/resource-gateway.html, Considerations). AWS
    documents no error text for it: InvalidParameter with the emulator's words. AZ IDs, which name
    the same zone in every account (the emulator maps them the same everywhere too)."""
    gateway_id = (config or {}).get("resourceGatewayId")
    if not gateway_id or not subnet_ids:
        return
    owner, region = config["arn"].split(":")[4], config["arn"].split(":")[3]
    gateway = find_gateway(owner, region, gateway_id)
    theirs = {ec2_backends[owner][region].get_subnet(s).availability_zone_id for s in gateway["subnetIds"]}
    ours = {ec2.get_subnet(s).availability_zone_id for s in subnet_ids}
    if not ours & theirs:
        raise ram.refused("InvalidParameter", f"The endpoint's subnets are in {', '.join(sorted(ours))} and the resource "
                                              f"gateway's in {', '.join(sorted(theirs))}: at least one Availability Zone "
                                              "of the VPC endpoint and the resource gateway must overlap")


def api_create_vpc_endpoint(create):
    def handler(self):
        if (self._get_param("VpcEndpointType") or "") != "Resource":
            return create(self)
        from moto.ec2.utils import add_tag_specification
        ep = create_resource_endpoint(
            self.ec2_backend, self._get_param("VpcId"), self._get_param("ResourceConfigurationArn"),
            self._get_param("SubnetIds", []), self._get_param("SecurityGroupIds", []), self._get_param("PolicyDocument"),
            self._get_bool_param("PrivateDnsEnabled", if_none=False),
            add_tag_specification(self._get_param("TagSpecifications", [])))
        return ActionResult({"VpcEndpoint": ep})
    return handler


def cfn_create_vpc_endpoint(create):
    def handler(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties", {})
        if props.get("VpcEndpointType") != "Resource":
            return create.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        return create_resource_endpoint(
            ec2_backends[account_id][region_name], props["VpcId"], props.get("ResourceConfigurationArn"),
            props.get("SubnetIds"), props.get("SecurityGroupIds"), props.get("PolicyDocument"),
            str(props.get("PrivateDnsEnabled", False)).lower() == "true", tags(props))
    return classmethod(handler)


def association(ep):
    config = configuration_by_arn(ep.resource_configuration_arn) or {}
    region = ep.ec2_backend.region_name
    out = {
        "Id": ep.resource_association["id"], "VpcEndpointId": ep.id, "AssociatedResourceAccessibility": "Accessible",
        "DnsEntry": {"DnsName": f"{ep.id}.{ep.resource_configuration_arn.rsplit('/', 1)[-1]}.4232ccc.vpc-lattice-rsc.{region}.on.aws",
                     "HostedZoneId": hosted_zone(region)},
        "AssociatedResourceArn": ep.resource_configuration_arn,
    }
    if ep.private_dns_enabled and config.get("customDomainName"):
        out["PrivateDnsEntry"] = {"DnsName": config["customDomainName"], "HostedZoneId": hosted_zone(region)}
    return out


def hosted_zone(region):
    """A stand-in for the region's hosted zone of vpc-lattice-rsc names (one per region)."""
    return "Z" + "".join(c for c in region.upper() if c.isalnum())[:8].ljust(8, "0") + "LATTICERSC"


def describe_vpc_endpoint_associations(self):
    filters = {f["Name"]: f.get("Value") or f.get("Values") or [] for f in self._get_param("Filters", [])}
    wanted = self._get_param("VpcEndpointIds", [])
    out = []
    for ep in self.ec2_backend.vpc_end_points.values():
        if not getattr(ep, "resource_configuration_arn", None) or ep.state == "deleted" or (wanted and ep.id not in wanted):
            continue
        a = association(ep)
        if any(key in filters and value not in filters[key] for key, value in (
                ("vpc-endpoint-id", ep.id), ("association-id", a["Id"]),
                ("associated-resource-id", ep.resource_configuration_arn.rsplit("/", 1)[-1]),
                ("associated-resource-accessibility", a["AssociatedResourceAccessibility"]))):
            continue
        out.append(a)
    return ActionResult({"VpcEndpointAssociations": out})


def shared_configuration(get):
    """GetResourceConfiguration by the ARN of a configuration shared with the caller (and accepted):
    a consumer reads what was shared with it (API_AcceptResourceShareInvitation.html: "the resources
    included in the resource share are available"). Another account's unshared one is not found."""
    def handler(self):
        arn = identifier(self, "resourceconfigurations")
        m = CONFIG_ARN_RE.match(arn)
        if not m or m[2] == self.current_account:
            return get(self)
        config = configuration_by_arn(arn)
        if not ram.usable(self.current_account, self.region, arn, config):
            raise not_found("Resource Configuration", arn)
        return 200, JSON, json.dumps(public(config))
    return handler


def install():
    VPCLatticeResponse.list_resource_endpoint_associations = list_resource_endpoint_associations
    VPCLatticeResponse.get_resource_configuration = shared_configuration(VPCLatticeResponse.get_resource_configuration)
    EC2Response.create_vpc_endpoint = api_create_vpc_endpoint(EC2Response.create_vpc_endpoint)
    EC2Response.describe_vpc_endpoint_associations = describe_vpc_endpoint_associations
    VPCEndPoint.create_from_cloudformation_json = cfn_create_vpc_endpoint(VPCEndPoint.create_from_cloudformation_json)
    ram.install(configuration_by_arn)
