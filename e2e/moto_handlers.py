"""How moto_launcher adds a CloudFormation handler to moto, and patches moto's own models."""

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends


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
