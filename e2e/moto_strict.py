"""Where AWS refuses what moto accepts: the launcher makes the emulator refuse it too.

Test infrastructure for `make e2e` (moto_launcher.py installs it); never shipped.
Each refusal answers with AWS's error code and text, so a template or a guide
that would fail on AWS fails here, and e2e proves we never send the request.

  PrivateLink connections (moto creates every endpoint `available` and has no
  connection API):
    An interface endpoint to an endpoint service of the emulator (any account)
    starts `pendingAcceptance` when the service requires acceptance, else
    `available`. DescribeVpcEndpointConnections (filters service-id,
    vpc-endpoint-id, vpc-endpoint-owner, vpc-endpoint-state),
    AcceptVpcEndpointConnections and RejectVpcEndpointConnections work for the
    service's owner; anyone else gets InvalidVpcEndpointServiceId.NotFound, and
    an endpoint not in a state to accept (or reject) is an Unsuccessful item.
    Refused as AWS refuses it:
      - PrivateDnsEnabled=true on an endpoint whose connection waits for
        acceptance (CreateVpcEndpoint, ModifyVpcEndpoint, and CloudFormation
        creating or updating an AWS::EC2::VPCEndpoint): InvalidParameter,
        "Private DNS can only be enabled after the endpoint connection is
        accepted by the owner of <service name>".
      - deleting an endpoint service with a pendingAcceptance or available
        connection (DeleteVpcEndpointServiceConfigurations, and CloudFormation
        deleting an AWS::EC2::VPCEndpointService): ExistingVpcEndpointConnections,
        "Service has existing active VPC Endpoint connections!"
        https://docs.aws.amazon.com/vpc/latest/privatelink/delete-endpoint-service.html
      - taking a load balancer from an endpoint service with a pendingAcceptance
        or available connection (ModifyVpcEndpointServiceConfiguration with
        RemoveNetworkLoadBalancerArns or RemoveGatewayLoadBalancerArns, and
        CloudFormation updating NetworkLoadBalancerArns of an
        AWS::EC2::VPCEndpointService): ExistingVpcEndpointConnections, "You
        cannot delete a VPC endpoint service configuration or change the load
        balancers for the endpoint service if there are endpoints attached to
        the service."
        https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#associate-load-balancer
        https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
    AWS::EC2::VPCEndpoint is updated in place (PrivateDnsEnabled), as the
    resource schema allows; moto has no update for it.

  Cross-account roles of the CDK bootstrap (moto lets anyone assume any role,
  even one that does not exist):
    - sts:AssumeRole of a bootstrap role (cdk-<qualifier>-<kind>-role-<account>-
      <region>) from another account is refused unless the role exists and its
      trust policy lets the caller's account (or the caller) assume it: what
      `cdk bootstrap --trust <account>` writes into it. AccessDenied, "User:
      <caller ARN> is not authorized to perform: sts:AssumeRole on resource:
      <role ARN>", the same whether the role is missing or does not trust the
      caller. Only these roles: the harness still assumes roles of any account
      for its own credentials, and an account's own principals are not checked.
      https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
      https://repost.aws/knowledge-center/iam-assume-role-error
      https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html#bootstrapping-howto-trust
    AWS::IAM::Role is updated with its trust policy (AssumeRolePolicyDocument),
    as `cdk bootstrap --trust` updates the bootstrap stack; moto keeps the old one.
How a stack fails, rolls back and updates is moto_stacks.py's.
Written against moto 5.2.1 internals.
"""
import json
import re

from moto.core.exceptions import AccessDeniedError
from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCBackend, VPCEndPoint
from moto.ec2.responses import EC2Response
from moto.ec2.responses.vpc_service_configuration import VPCEndpointServiceConfiguration
from moto.iam.models import Role, iam_backends
from moto.sts.responses import TokenResponse

# The states in which a connection keeps its endpoint service from being deleted.
BLOCKING = ("pendingAcceptance", "available")
SERVICE_NAME_RE = re.compile(r"^com\.amazonaws\.vpce\.([a-z0-9-]+)\.(vpce-svc-[0-9a-f]+)$")


def refused(code, message):
    """An EC2 error as AWS words it (code and message); CloudFormation's event
    shows the same text. moto serializes only its own exception classes."""
    err = EC2ClientError(code, message)
    err.refused = True
    return err


def true(value):
    return str(value).lower() == "true"


# --- PrivateLink connections -----------------------------------------------------------

def find_service(service_name):
    """The endpoint service named service_name, in whichever account of the emulator owns it."""
    m = SERVICE_NAME_RE.match(service_name or "")
    if not m:
        return None
    region, service_id = m.groups()
    for account in list(ec2_backends.keys()):
        backend = ec2_backends[account].get(region) if region in ec2_backends[account] else None
        config = backend and backend.configurations.get(service_id)
        if config:
            return config
    return None


def connections(config):
    """The endpoints connected to a service (any state but those never connected)."""
    return getattr(config, "connections", [])


def refuse_private_dns(service_name):
    # https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html (private DNS
    # needs an accepted connection); AWS's words:
    raise refused("InvalidParameter",
                  f"Private DNS can only be enabled after the endpoint connection is accepted by the owner of {service_name}")


def with_connections(create_vpc_endpoint):
    """CreateVpcEndpoint (the API and CloudFormation): the connection starts
    pendingAcceptance when the service requires acceptance, and private DNS
    is refused until it is accepted."""
    def create(self, vpc_id, service_name, endpoint_type, *args, private_dns_enabled=None, **kwargs):
        config = find_service(service_name) if (endpoint_type or "").lower() == "interface" else None
        pending = bool(config and config.acceptance_required)
        if pending and true(private_dns_enabled):
            refuse_private_dns(service_name)
        endpoint = create_vpc_endpoint(self, vpc_id, service_name, endpoint_type, *args,
                                       private_dns_enabled=private_dns_enabled, **kwargs)
        if config:
            endpoint.state = "pendingAcceptance" if pending else "available"
            config.connections = connections(config) + [endpoint]
        return endpoint
    return create


def update_vpc_endpoint(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    """CloudFormation updates PrivateDnsEnabled in place (not a create-only property of
    AWS::EC2::VPCEndpoint); AWS refuses turning it on before the connection is accepted."""
    props = cloudformation_json.get("Properties", {})
    enable = true(props.get("PrivateDnsEnabled", False))
    if enable and not original_resource.private_dns_enabled and original_resource.state == "pendingAcceptance":
        refuse_private_dns(original_resource.service_name)
    original_resource.private_dns_enabled = enable
    return original_resource


def modify_vpc_endpoint(modify):
    """ModifyVpcEndpoint with PrivateDnsEnabled, which moto ignores."""
    def handler(self):
        value = self._get_param("PrivateDnsEnabled")
        if value is not None:
            endpoint = self.ec2_backend.describe_vpc_endpoints(vpc_end_point_ids=[self._get_param("VpcEndpointId")])[0]
            if true(value) and endpoint.state == "pendingAcceptance":
                refuse_private_dns(endpoint.service_name)
            endpoint.private_dns_enabled = true(value)
        return modify(self)
    return handler


def owned_connections(response):
    """(service id, endpoint) of the caller's services, from the request's filters
    (service-id, vpc-endpoint-id, vpc-endpoint-owner, vpc-endpoint-state, as
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpointConnections.html
    lists them)."""
    filters = {f["Name"]: f.get("Value") or f.get("Values") or [] for f in response._get_param("Filters", [])}
    out = []
    for config in response.ec2_backend.configurations.values():
        if "service-id" in filters and config.id not in filters["service-id"]:
            continue
        for ep in connections(config):
            if "vpc-endpoint-state" in filters and ep.state not in filters["vpc-endpoint-state"]:
                continue
            if "vpc-endpoint-id" in filters and ep.id not in filters["vpc-endpoint-id"]:
                continue
            if "vpc-endpoint-owner" in filters and ep.owner_id not in filters["vpc-endpoint-owner"]:
                continue
            out.append((config, ep))
    return out


def describe_vpc_endpoint_connections(self):
    return ActionResult({"VpcEndpointConnections": [{
        "ServiceId": config.id, "VpcEndpointId": ep.id, "VpcEndpointOwner": ep.owner_id,
        "VpcEndpointState": ep.state, "CreationTimestamp": ep.creation_timestamp,
        "DnsEntries": [{"DnsName": e["dns_name"], "HostedZoneId": e["hosted_zone_id"]} for e in ep.dns_entries or []],
        "NetworkLoadBalancerArns": list(config.network_load_balancer_arns),
        "IpAddressType": "ipv4",
    } for config, ep in owned_connections(self)]})


def decide(new_state, allowed):
    """AcceptVpcEndpointConnections / RejectVpcEndpointConnections, by the service's owner."""
    def handler(self):
        service_id = self._get_param("ServiceId")
        config = self.ec2_backend.configurations.get(service_id)
        if config is None:
            raise refused("InvalidVpcEndpointServiceId.NotFound", f"The VpcEndpointService Id '{service_id}' does not exist")
        unsuccessful = []
        for endpoint_id in self._get_param("VpcEndpointIds", []):
            ep = next((e for e in connections(config) if e.id == endpoint_id), None)
            if ep is None or ep.state not in allowed:
                unsuccessful.append({"ResourceId": endpoint_id, "Error": {
                    "Code": "InvalidVpcEndpoint.NotFound" if ep is None else "InvalidState",
                    "Message": f"The Vpc Endpoint Id '{endpoint_id}' does not exist" if ep is None
                    else f"Endpoint {endpoint_id} is in state {ep.state}"}})
                continue
            ep.state = new_state
        return ActionResult({"Unsuccessful": unsuccessful})
    return handler


def blocking(config):
    return [ep for ep in connections(config) if ep.state in BLOCKING]


SERVICE_IN_USE = "Service has existing active VPC Endpoint connections!"
LOAD_BALANCERS_IN_USE = ("You cannot delete a VPC endpoint service configuration or change the load balancers "
                         "for the endpoint service if there are endpoints attached to the service.")


def refuse_load_balancer_change(config, removed):
    """Taking load balancers from a service with connections: "You can't disassociate a load
    balancer if there are endpoints connected to your endpoint service"
    (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#associate-load-balancer);
    the error as https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html words it."""
    if removed and blocking(config):
        raise refused("ExistingVpcEndpointConnections", LOAD_BALANCERS_IN_USE)


def modify_vpc_endpoint_service_configuration(modify):
    def handler(self):
        config = self.ec2_backend.configurations.get(self._get_param("ServiceId"))
        if config is not None:
            refuse_load_balancer_change(config, self._get_param("RemoveNetworkLoadBalancerArns", [])
                                        + self._get_param("RemoveGatewayLoadBalancerArns", []))
        return modify(self)
    return handler


def delete_vpc_endpoint_service_configurations(self):
    unsuccessful, deletable = [], []
    for service_id in self._get_param("ServiceIds", []):
        config = self.ec2_backend.configurations.get(service_id)
        if config is None:
            unsuccessful.append({"ResourceId": service_id, "Error": {
                "Code": "InvalidVpcEndpointService.NotFound", "Message": f"The VpcEndpointService Id '{service_id}' does not exist"}})
        elif blocking(config):
            unsuccessful.append({"ResourceId": service_id, "Error": {"Code": "ExistingVpcEndpointConnections", "Message": SERVICE_IN_USE}})
        else:
            deletable.append(service_id)
    self.ec2_backend.delete_vpc_endpoint_service_configurations(deletable)
    return ActionResult({"Unsuccessful": unsuccessful})


def delete_endpoint_service(physical_id, ec2):
    """CloudFormation deleting an AWS::EC2::VPCEndpointService."""
    config = ec2.configurations.get(physical_id)
    if config is None:
        return
    if blocking(config):
        raise refused("ExistingVpcEndpointConnections", SERVICE_IN_USE)
    ec2.delete_vpc_endpoint_service_configurations([physical_id])


# --- Cross-account roles of the CDK bootstrap ------------------------------------------

# cdk-<qualifier>-{deploy,file-publishing,image-publishing,lookup,cfn-exec}-role-<account>-<region>
CDK_ROLE_RE = re.compile(r"^arn:aws[a-z-]*:iam::([0-9]{12}):role/(cdk-[a-z0-9]+-[a-z-]+-role-[0-9]{12}-[a-z0-9-]+)$")


def listed(value):
    return value if isinstance(value, list) else [value]


def trusts(policy, caller_account, caller_arn, external_id):
    """Whether a trust policy lets the caller assume the role: an Allow statement for
    sts:AssumeRole naming the caller's account (its ID or :root ARN) or the caller
    itself, with no Deny that matches. Conditions: Null on sts:ExternalId (what the
    bootstrap template writes); a statement with any other condition never matches."""
    who = {caller_account, f"arn:aws:iam::{caller_account}:root", caller_arn}

    def matches(st):
        if not isinstance(st, dict) or not ({"sts:AssumeRole", "sts:*", "*"} & set(listed(st.get("Action") or []))):
            return False
        if not who & set(listed((st.get("Principal") or {}).get("AWS") or [])):
            return False
        for op, keys in (st.get("Condition") or {}).items():
            if op != "Null" or set(keys) != {"sts:ExternalId"}:
                return False
            if true(keys["sts:ExternalId"]) != (external_id is None):
                return False
        return True
    statements = listed(policy.get("Statement") or [])
    return (any(matches(st) and st.get("Effect") == "Allow" for st in statements)
            and not any(matches(st) and st.get("Effect") == "Deny" for st in statements))


def trusted_assume_role(assume_role):
    """sts:AssumeRole of a CDK bootstrap role from another account, refused unless the
    role's trust policy admits the caller."""
    def handler(self):
        role_arn = self._get_param("RoleArn") or ""
        m = CDK_ROLE_RE.match(role_arn)
        if m and m[1] != self.current_account:
            _, caller_arn, caller_account = self.backend.get_caller_identity(self.get_access_key(), self.region)
            role = next((r for r in iam_backends[m[1]]["aws"].roles.values() if r.name == m[2]), None)
            policy = json.loads(role.assume_role_policy_document) if role else {}
            if not trusts(policy, caller_account, caller_arn, self._get_param("ExternalId")):
                raise AccessDeniedError(caller_arn, f"sts:AssumeRole on resource: {role_arn}")
        return assume_role(self)
    return handler


def update_role(update):
    """CloudFormation updating an AWS::IAM::Role: its trust policy too (moto keeps the old one)."""
    def handler(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        doc = cloudformation_json.get("Properties", {}).get("AssumeRolePolicyDocument")
        role = update(original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        if doc is not None:
            role.assume_role_policy_document = doc if isinstance(doc, str) else json.dumps(doc)
        return role
    return classmethod(handler)


def install():
    TokenResponse.assume_role = trusted_assume_role(TokenResponse.assume_role)
    Role.update_from_cloudformation_json = update_role(Role.update_from_cloudformation_json)
    VPCBackend.create_vpc_endpoint = with_connections(VPCBackend.create_vpc_endpoint)
    VPCEndPoint.update_from_cloudformation_json = classmethod(update_vpc_endpoint)
    EC2Response.modify_vpc_endpoint = modify_vpc_endpoint(EC2Response.modify_vpc_endpoint)
    EC2Response.describe_vpc_endpoint_connections = describe_vpc_endpoint_connections
    EC2Response.accept_vpc_endpoint_connections = decide("available", ("pendingAcceptance",))
    EC2Response.reject_vpc_endpoint_connections = decide("rejected", ("pendingAcceptance", "available"))
    EC2Response.delete_vpc_endpoint_service_configurations = delete_vpc_endpoint_service_configurations
    EC2Response.modify_vpc_endpoint_service_configuration = modify_vpc_endpoint_service_configuration(
        EC2Response.modify_vpc_endpoint_service_configuration)
    VPCEndpointServiceConfiguration.modify_vpc_endpoint_service_configuration = EC2Response.modify_vpc_endpoint_service_configuration
    VPCEndpointServiceConfiguration.delete_vpc_endpoint_service_configurations = delete_vpc_endpoint_service_configurations
