"""Where AWS refuses what moto accepts: the launcher makes the emulator refuse it too.

Test infrastructure for `make e2e` (moto_launcher.py installs it); never shipped.
Each refusal answers with AWS's error code and text, so a template or a guide
that would fail on AWS fails here, and e2e proves we never send the request.

  PrivateLink connections (moto creates every endpoint `available` and has no
  connection API):
    An interface endpoint to an endpoint service of the emulator (any account)
    starts `pendingAcceptance` when the service requires acceptance, else
    `available`. DescribeVpcEndpointConnections, AcceptVpcEndpointConnections and
    RejectVpcEndpointConnections work for the service's owner.
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
  CloudFormation (moto turns a failed resource into an API error, and updates a
  resource only if the template or a parameter it names directly changed):
    - a resource that fails makes the stack fail as AWS's does: ExecuteChangeSet
      succeeds, the stack ends in ROLLBACK_COMPLETE (create; what was created is
      deleted) or UPDATE_ROLLBACK_COMPLETE (update; template and parameters as
      before), DeleteStack leaves it in DELETE_FAILED; the resource's event
      carries AWS's error text, as describe-stack-events shows it.
    - a changed parameter updates every resource that uses it through a
      condition (Fn::If), not only those that Ref it.
    - AWS::EC2::VPCEndpoint is updated in place (PrivateDnsEnabled), as the
      resource schema allows; moto has no update for it.
    - an update runs in AWS's order: what is new is created and what changed
      updated, and only once all of that succeeded are the resources the
      template no longer has deleted (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS);
      moto deletes them first. A resource whose create-only property changed
      (CREATE_ONLY below, from the resource schemas) is replaced: a new one is
      created, the old one deleted at cleanup; moto updates it in place. An
      update that fails deletes what it created before rolling back.
      https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
Written against moto 5.2.1 internals.
"""
import re

from moto.cloudformation import parsing
from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Event
from moto.cloudformation.parsing import ResourceMap
from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCBackend, VPCEndPoint
from moto.ec2.responses import EC2Response
from moto.ec2.responses.vpc_service_configuration import VPCEndpointServiceConfiguration

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
    """(service id, endpoint) of the caller's services, from the request's filters."""
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


# --- CloudFormation stack failures ------------------------------------------------------

def resource_failed(stack, err, status):
    """The failing resource's event, as describe-stack-events shows it."""
    logical_id, resource_type = getattr(err, "logical_id", stack.name), getattr(err, "resource_type", "AWS::CloudFormation::Stack")
    reason = str(err) or type(err).__name__
    if getattr(err, "refused", False):
        reason = f"{err.message} (Service: Ec2, Status Code: 400, Error Code: {err.code})"
    stack.events.append(Event(stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
                              physical_resource_id="", resource_type=resource_type, resource_status=status,
                              resource_status_reason=reason, resource_properties=None))
    return reason


def naming_failures(method, logical_id_of=lambda args: args[0], type_of=None):
    """Tag an exception from a resource with its logical ID and type, for its event."""
    def wrapped(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except Exception as err:
            if not hasattr(err, "logical_id"):
                err.logical_id = logical_id_of(args)
                err.resource_type = type_of(args) if type_of else ""
            raise
    return wrapped


def rolling_back(apply):
    """A change set whose resource fails: the stack rolls back, ExecuteChangeSet succeeds."""
    def execute(self):
        stack = self.stack
        rmap = stack.resource_map
        before = (rmap._template, rmap.input_parameters, dict(rmap._resource_json_map), dict(rmap._parsed_resources),
                  stack.template, stack.parameters)
        try:
            apply(self)
            self.failed = None
        except Exception as err:
            create = self.change_set_type == "CREATE"
            reason = resource_failed(stack, err, "CREATE_FAILED" if create else "UPDATE_FAILED")
            if create:
                try:
                    rmap.delete()  # what was created goes, as in a rollback
                except Exception:
                    pass
            else:
                undo_update(rmap)
                rmap._template, rmap.input_parameters, rmap._resource_json_map, rmap._parsed_resources = (
                    before[0], before[1], before[2], before[3])
                rmap.load_parameters()
                rmap.load_conditions()
            self.failed = ("ROLLBACK_COMPLETE" if create else "UPDATE_ROLLBACK_COMPLETE", reason, before[4], before[5])
    return execute


def with_failures(execute_change_set):
    def execute(self, change_set_name, stack_name=None):
        execute_change_set(self, change_set_name, stack_name)
        change_set = self.change_sets.get(change_set_name) or next(
            c for c in self.change_sets.values() if c.change_set_name == change_set_name)
        failed = getattr(change_set, "failed", None)
        if failed:
            status, reason, template, parameters = failed
            stack = change_set.stack
            if status == "UPDATE_ROLLBACK_COMPLETE":
                stack.template, stack.parameters = template, parameters
                stack._parse_template()
            stack.status = status
            stack._add_stack_event(status, resource_status_reason=f"The following resource(s) failed: {reason}")
        return failed
    return execute


def delete_stack(original):
    """A resource that cannot be deleted leaves the stack in DELETE_FAILED, as in AWS;
    what could be deleted is gone, and deleting again retries the rest."""
    def delete(self, name_or_stack_id):
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None)
        if stack is None:
            return original(self, name_or_stack_id)
        try:
            stack.resource_map.delete()
        except Exception as err:
            reason = resource_failed(stack, err, "DELETE_FAILED")
            stack.status = "DELETE_FAILED"
            stack._add_stack_event("DELETE_FAILED", resource_status_reason=f"The following resource(s) failed to delete: {reason}")
            return None
        return original(self, stack.stack_id)
    return delete


# Create-only properties of the types whose replacement matters here: a change replaces the
# resource (the createOnlyProperties of their resource schemas).
CREATE_ONLY = {
    "AWS::ElasticLoadBalancingV2::Listener": ("LoadBalancerArn",),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("Name", "Type", "Scheme"),
    "AWS::ElasticLoadBalancingV2::TargetGroup": ("Name", "Port", "Protocol", "ProtocolVersion", "TargetType", "VpcId", "IpAddressType"),
    "AWS::EC2::SecurityGroup": ("GroupDescription", "GroupName", "VpcId"),
    "AWS::EC2::VPCEndpoint": ("ServiceName", "VpcEndpointType", "VpcId"),
}


def create_only(rmap, resource_json):
    """The resolved create-only properties of a resource, with rmap's current state."""
    props = resource_json.get("Properties") or {}
    return {p: parsing.clean_json(props[p], rmap) for p in CREATE_ONLY.get(resource_json.get("Type"), ()) if p in props}


def resolved(rmap, resource_json):
    """A resource's properties as rmap resolves them now, or None if they cannot be."""
    try:
        return parsing.clean_json(resource_json.get("Properties") or {}, rmap)
    except Exception:
        return None


def retrying(names, action):
    """moto's way with dependencies it does not order: retry what failed, a few rounds."""
    pending, last = list(names), None
    for _ in range(parsing.MAX_UPDATE_ATTEMPTS):
        for name in list(pending):
            try:
                action(name)
                pending.remove(name)
            except Exception as err:
                last = err
        if not pending:
            return
    raise last


def aws_update_order(self, template, parameters=None):
    """ResourceMap.update as CloudFormation runs it (see the module docstring)."""
    diff = self.build_resource_diff(template, parameters)
    old_json = dict(self._resource_json_map)
    before = {name: create_only(self, old_json[name]) for name in diff["Modify"]}
    was = {name: resolved(self, old_json[name]) for name in diff["Modify"]}
    self._template = template
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    self._resource_json_map = template["Resources"]
    self.created_in_update = []  # (logical id, resource, json): what a rollback deletes

    def add(name):
        if name not in self._parsed_resources:
            resource = self[name]
            self.created_in_update.append((name, resource, self._resource_json_map[name]))
    retrying(diff["Add"], add)
    replaced = []
    modify = []
    for name in diff["Modify"]:
        now = resolved(self, self._resource_json_map[name])
        if now is not None and now == was[name] and old_json[name].get("Type") == self._resource_json_map[name].get("Type"):
            continue  # moto's diff names it (a parameter it mentions was given again), but nothing changes
        if before[name] != create_only(self, self._resource_json_map[name]):
            replaced.append((name, self._parsed_resources.pop(name), old_json[name]))
        else:
            modify.append(name)
    retrying([name for name, _, _ in replaced], add)

    def update(name):
        resource_json = self._resource_json_map[name]
        cls = parsing.resource_class_from_type(resource_json["Type"])
        if cls is not None and hasattr(cls.update_from_cloudformation_json, "__isabstractmethod__"):
            # moto would keep None for it: a resource lost while the stack says UPDATE_COMPLETE.
            raise NotImplementedError(f"the emulator cannot update {resource_json['Type']} in place ({name}): add an update to moto_launcher.py")
        self._parsed_resources[name] = parsing.parse_and_update_resource(
            name, resource_json, self, account_id=self._account_id, region_name=self._region_name)
    retrying(modify, update)
    # Cleanup: what the template no longer has, and what was replaced.
    gone = {name: (self._parsed_resources.pop(name, None), old_json[name]) for name in diff["Remove"]}
    gone.update({f"{name} (replaced)": (old, js) for name, old, js in replaced})
    retrying([n for n, (r, _) in gone.items() if r is not None], lambda n: self._delete_resource(*gone[n]))


def undo_update(rmap):
    """A failed update deletes what it created, newest first, as a rollback does."""
    created = list(reversed(getattr(rmap, "created_in_update", [])))
    try:
        retrying([i for i in range(len(created))], lambda i: rmap._delete_resource(created[i][1], created[i][2]))
    except Exception:
        pass  # left in the emulator; the stack no longer names it


def conditional_updates(build_resource_diff):
    """Also modify the resources that use a changed parameter through a condition."""
    def diff(self, other_template, parameters=None):
        out = build_resource_diff(self, other_template, parameters)
        if not parameters:
            return out
        changed = {p for p in parameters if self.input_parameters.get(p) != parameters[p]}
        conditions = other_template.get("Conditions") or {}
        affected, grew = set(), True
        while grew:
            grew = False
            for name, expr in conditions.items():
                if name not in affected and (mentions(expr, "Ref", changed) or mentions(expr, "Condition", affected)):
                    affected.add(name)
                    grew = True
        old = self._resource_json_map
        for name, resource in other_template["Resources"].items():
            if name in old and name not in out["Modify"] and old[name] == resource and uses_condition(resource, affected):
                out["Modify"].append(name)
        return out
    return diff


def mentions(value, key, names):
    if isinstance(value, dict):
        return any((k == key and v in names) or mentions(v, key, names) for k, v in value.items())
    if isinstance(value, list):
        return any(mentions(v, key, names) for v in value)
    return False


def uses_condition(value, conditions):
    if isinstance(value, dict):
        if isinstance(value.get("Condition"), str) and value["Condition"] in conditions:
            return True
        branch = value.get("Fn::If")
        if isinstance(branch, list) and branch and isinstance(branch[0], str) and branch[0] in conditions:
            return True
        return any(uses_condition(v, conditions) for v in value.values())
    if isinstance(value, list):
        return any(uses_condition(v, conditions) for v in value)
    return False


def install():
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
    ResourceMap.__getitem__ = naming_failures(
        ResourceMap.__getitem__, lambda a: a[1], lambda a: (a[0]._resource_json_map.get(a[1]) or {}).get("Type", ""))
    parsing.parse_and_update_resource = naming_failures(
        parsing.parse_and_update_resource, lambda a: a[0], lambda a: a[1].get("Type", ""))
    ResourceMap._delete_resource = naming_failures(
        ResourceMap._delete_resource, lambda a: getattr(a[1], "logical_resource_id", ""), lambda a: a[2].get("Type", ""))
    ResourceMap.build_resource_diff = conditional_updates(ResourceMap.build_resource_diff)
    ResourceMap.update = aws_update_order
    ChangeSet.apply = rolling_back(ChangeSet.apply)
    CloudFormationBackend.delete_stack = delete_stack(CloudFormationBackend.delete_stack)
