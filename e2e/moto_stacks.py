"""CloudFormation stacks as AWS runs them, where moto runs them otherwise.

Test infrastructure for `make e2e` (moto_launcher.py installs it); never shipped.
A stack that would fail, roll back or replace a resource on AWS does so here,
so that e2e sees what a customer would.

  Stacks (moto turns a failed resource into an API error, and updates a
  resource only if the template or a parameter it names directly changed):
    - a resource that fails makes the stack fail as AWS's does: ExecuteChangeSet
      succeeds, the stack ends in ROLLBACK_COMPLETE (create; what was created is
      deleted) or UPDATE_ROLLBACK_COMPLETE (update; template and parameters as
      before), DeleteStack leaves it in DELETE_FAILED; the resource's event
      carries AWS's error text, as describe-stack-events shows it.
    - a changed parameter updates every resource that uses it through a
      condition (Fn::If), not only those that Ref it.
    - an update runs in AWS's order: what is new is created and what changed
      updated, and only once all of that succeeded are the resources the
      template no longer has deleted (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS);
      moto deletes them first. A resource whose create-only property changed
      (CREATE_ONLY below, from the resource schemas) is replaced: a new one is
      created, the old one deleted at cleanup; moto updates it in place. An
      update that fails deletes what it created before rolling back.
      https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
  CloudFormation API:
    UpdateTerminationProtection (not implemented; `cdk deploy` calls it for
        our stacks and retries for a minute)
    ExecuteChangeSet (a stack made from a change set, as `cdk deploy` and
        `aws cloudformation deploy` make them, has no outputs)
    CreateChangeSet with UsePreviousValue for a parameter of type
        AWS::SSM::Parameter::Value<...> (`cdk deploy` sends BootstrapVersion so):
        the SSM parameter's name is kept and resolved again, as in AWS; moto
        passes the value it resolved before, looks it up as a name and fails
    DescribeChangeSet of a change set that does not exist: ChangeSetNotFound,
        as AWS answers (moto: "Stack with id ... does not exist"); `cdk deploy`
        of an existing stack deletes its previous change set and waits for that
    Describe-, Delete- and ExecuteChangeSet by name: a change set's name
        belongs to its stack, as in AWS; moto takes the first change set of
        that name in any stack, so that `cdk deploy` of two stacks (each with
        its `cdk-deploy-change-set`) waited forever for one to be gone;
        DeleteChangeSet of a name the stack has none of succeeds, deleting
        nothing, as `cdk bootstrap` of a bootstrapped account expects
Written against moto 5.2.1 internals.
"""
from moto.cloudformation import parsing
from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Event
from moto.cloudformation.parsing import ResourceMap
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult, EmptyResult


# --- CloudFormation stack failures ------------------------------------------------------

def resource_failed(stack, err, status):
    """The failing resource's event, as describe-stack-events shows it."""
    logical_id, resource_type = getattr(err, "logical_id", stack.name), getattr(err, "resource_type", "AWS::CloudFormation::Stack")
    reason = str(err) or type(err).__name__
    if getattr(err, "refused", False):
        reason = (f"{err.message} (Service: {getattr(err, 'service', 'Ec2')}, Status Code: {getattr(err, 'status', 400)}, "
                  f"Error Code: {getattr(err, 'error_code', None) or err.code})")
    if hasattr(err, "cfn_reason"):  # a property outside the resource schema (moto_lattice)
        reason = err.cfn_reason(logical_id)
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
    "AWS::EC2::VPCEndpoint": ("ServiceName", "VpcEndpointType", "VpcId", "ResourceConfigurationArn", "ServiceNetworkArn"),
    "AWS::VpcLattice::ResourceGateway": ("VpcIdentifier", "SubnetIds", "IpAddressType", "Name", "ResourceConfigDnsResolution"),
    "AWS::VpcLattice::ResourceConfiguration": ("ResourceGatewayId", "ResourceConfigurationType", "ProtocolType",
                                               "ResourceConfigurationAuthType", "CustomDomainName", "GroupDomain"),
}


def create_only(rmap, resource_json):
    """The resolved create-only properties of a resource, with rmap's current state, or
    None if they cannot be resolved."""
    props = resource_json.get("Properties") or {}
    try:
        return {p: parsing.clean_json(props[p], rmap) for p in CREATE_ONLY.get(resource_json.get("Type"), ()) if p in props}
    except Exception:
        return None


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
        after = create_only(self, self._resource_json_map[name])
        if before[name] is not None and after is not None and before[name] != after:
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


# --- CloudFormation API ------------------------------------------------------------------

def update_termination_protection(self):
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection", False)
    return ActionResult({"StackId": stack.stack_id})


def ssm_previous_values(create_change_set):
    def create(self, stack_name, change_set_name, template, parameters, description, change_set_type, *args, **kwargs):
        stack = next((s for s in self.stacks.values() if s.name == stack_name), None) if change_set_type == "UPDATE" else None
        if stack is not None:
            slots = stack.resource_map._template.get("Parameters") or {}
            for key, value in list(parameters.items()):
                slot = slots.get(key) or {}
                if slot.get("Type", "").startswith("AWS::SSM::Parameter::Value") and value == stack.stack_parameters.get(key):
                    parameters[key] = stack.resource_map.input_parameters.get(key) or slot.get("Default")
        return create_change_set(self, stack_name, change_set_name, template, parameters, description, change_set_type,
                                 *args, **kwargs)
    return create


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFoundException"  # the shape; on the wire ChangeSetNotFound, HTTP 404


# moto serializes an error through the service named in its class's module.
ChangeSetNotFound.__module__ = CloudFormationError.__module__


def change_set_not_found(describe_change_set):
    def describe(self, change_set_name):
        try:
            return describe_change_set(self, change_set_name)
        except ValidationError:
            raise ChangeSetNotFound(f"ChangeSet [{change_set_name}] does not exist")
    return describe


def stack_scoped(handler):
    """Resolves the request's ChangeSetName, when it is a name, within its StackName:
    the ID of that stack's change set of that name, or ChangeSetNotFound."""
    def scoped(self):
        name, stack = self._get_param("ChangeSetName"), self._get_param("StackName")
        backend = self.cloudformation_backend
        if stack and name not in backend.change_sets:
            found = [cs_id for cs_id, cs in backend.change_sets.items()
                     if cs.change_set_name == name and stack in (cs.stack_name, cs.stack_id)]
            if not found and handler.__name__ == "delete_change_set":
                # AWS deletes nothing and succeeds: `cdk bootstrap` of an
                # existing stack "removes" a change set name it never made.
                return EmptyResult()
            if not found:
                raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")
            get_param = self._get_param
            self._get_param = lambda key, *a, **kw: found[-1] if key == "ChangeSetName" else get_param(key, *a, **kw)
        return handler(self)
    return scoped


def with_outputs(execute_change_set):
    """moto keeps the outputs of the empty template a change set's new stack
    starts with: rebuild them from the template the change set applied (unless
    it failed and rolled back: see with_failures)."""
    def execute(self, change_set_name, stack_name=None):
        if execute_change_set(self, change_set_name, stack_name):
            return
        change_set = self.change_sets.get(change_set_name) or next(
            c for c in self.change_sets.values() if c.change_set_name == change_set_name)
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.output_map = stack._create_output_map()
    return execute


def install():
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
    CloudFormationResponse.update_termination_protection = update_termination_protection
    CloudFormationBackend.describe_change_set = change_set_not_found(CloudFormationBackend.describe_change_set)
    for action in ("describe_change_set", "delete_change_set", "execute_change_set"):
        setattr(CloudFormationResponse, action, stack_scoped(getattr(CloudFormationResponse, action)))
    CloudFormationBackend.create_change_set = ssm_previous_values(CloudFormationBackend.create_change_set)
    CloudFormationBackend.execute_change_set = with_outputs(with_failures(CloudFormationBackend.execute_change_set))
