"""PrivateLink for VPC resources in the emulator: resource gateways and resource configurations
(moto_launcher installs it). moto 5.2.1 has neither; the VPC endpoint of type Resource is
moto_resource_endpoint.py's, the RAM share moto_ram.py's.

Test infrastructure for `make e2e`; never shipped. Shapes, IDs and ARNs as the VPC Lattice API
reference and the AWS CLI's examples give them:
https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_GetResourceGateway.html
https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_GetResourceConfiguration.html

  CloudFormation (Ref is the schemas' primary identifier, the ARN, as CDK 2.270 reads it):
    AWS::VpcLattice::ResourceGateway        Ref = ARN (arn:aws:vpc-lattice:<region>:<account>:
        resourcegateway/rgw-<17>), GetAtt Arn, Id; status ACTIVE; no SecurityGroupIds = the
        VPC's default group (the CLI's example); SecurityGroupIds and Tags change in place
    AWS::VpcLattice::ResourceConfiguration  Ref = ARN (...:resourceconfiguration/rcfg-<17>),
        GetAtt Arn, Id; status ACTIVE; types ARN and SINGLE (GROUP and CHILD are not modelled);
        PortRanges, the definition's DNS name or IP, Name and Tags change in place
    Deleting either removes it.
  APIs: vpc-lattice GetResourceGateway, ListResourceGateways, GetResourceConfiguration,
    ListResourceConfigurations (filter resourceGatewayIdentifier), by ID or ARN;
    ResourceNotFoundException (HTTP 404) for one that does not exist.
  Refused as AWS refuses it (moto accepts anything or has no API at all):
    - properties outside the resource schema (required keys, unknown keys, name pattern and
      length, enums such as ProtocolType TCP, the port range pattern): CloudFormation's
      "Properties validation failed for resource <id> with message: ..." (the schemas cfn-lint
      ships are AWS's published ones, which CloudFormation checks before any call).
    - a gateway's subnets or security groups outside its VPC ("The security groups must be in
      the same VPC", API_CreateResourceGateway.html), more than 5 security groups (ibid.).
    - a configuration whose gateway does not exist; of type ARN without an ArnResource, or
      naming an RDS instance or cluster of its account and region that does not exist
      (ResourceNotFoundException); of type SINGLE without a DNS or IP definition; a port outside
      1-65535; a name another configuration of the account has (ConflictException, "The name
      must be unique within the account"); types and fields in API_CreateResourceConfiguration.html.
      AWS documents no text for these: ValidationException or ResourceNotFoundException, the API's documented codes,
      with the emulator's words.
Written against moto 5.2.1 internals.
"""
import datetime
import json
import re
from urllib.parse import unquote

from moto_handlers import handles, tags
from moto.core.exceptions import JsonRESTError
from moto.moto_api._internal import mock_random as random
from moto.rds.models import rds_backends
from moto.vpclattice import urls as lattice_urls
from moto.vpclattice.models import vpclattice_backends
from moto.vpclattice.responses import VPCLatticeResponse

CONFIG_ARN_RE = re.compile(r"^arn:aws[a-z-]*:vpc-lattice:([a-z0-9-]+):(\d{12}):resourceconfiguration/(rcfg-[0-9a-z]{17})$")
RDS_ARN_RE = re.compile(r"^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):(db|cluster):(.+)$")


class LatticeError(JsonRESTError):
    """A VPC Lattice error as the API answers it; CloudFormation's event shows the same text."""

    def __init__(self, code, message, status=400):
        super().__init__(code, message)
        self.code = status
        self.refused, self.service, self.status, self.error_code = True, "VpcLattice", status, code


def not_found(kind, identifier):
    # ResourceNotFoundException, HTTP 404 (the API reference); AWS documents no text: the emulator's words.
    return LatticeError("ResourceNotFoundException", f"{kind} {identifier} not found", 404)


def invalid(message):
    return LatticeError("ValidationException", message)


class SchemaError(Exception):
    """A property outside the resource schema: CloudFormation refuses the resource before any call."""

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail

    def cfn_reason(self, logical_id):
        return f"Properties validation failed for resource {logical_id} with message:\n{self.detail}"


def check_schema(cfn_type, props, region):
    """Validate props against the resource type's published schema (cfn-lint ships AWS's),
    worded as CloudFormation words it. Imported late: cfn-lint takes seconds to load."""
    import jsonschema
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema = dict(PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, cfn_type).schema)
    for read_only in schema.get("readOnlyProperties") or []:
        schema["properties"] = {k: v for k, v in schema["properties"].items() if f"/properties/{k}" != read_only}
    messages = []
    for err in sorted(jsonschema.Draft7Validator(schema).iter_errors(props), key=lambda e: list(e.path)):
        where = "#" + "".join(f"/{p}" for p in err.path)
        if err.validator == "required":
            missing = [k for k in err.validator_value if k not in err.instance]
            messages += [f"{where}: required key [{k}] not found" for k in missing]
        elif err.validator == "additionalProperties":
            extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
            messages += [f"{where}: extraneous key [{k}] is not permitted" for k in extra]
        else:
            messages.append(f"{where}: failed validation constraint for keyword [{err.validator}]")
    if messages:
        raise SchemaError("\n".join(messages))


def store(account, region):
    backend = vpclattice_backends[account][region]
    if not hasattr(backend, "resource_gateways"):  # gone with the backend on /moto-api/reset
        backend.resource_gateways, backend.resource_configurations = {}, {}
    return backend


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def hex17():
    return "".join(random.choice("0123456789abcdef") for _ in range(17))


# --- Resource gateways ------------------------------------------------------------------

def create_gateway(ec2, account, region, props):
    vpc = ec2.get_vpc(props["VpcIdentifier"])  # raises if missing
    for subnet_id in props["SubnetIds"]:
        if ec2.get_subnet(subnet_id).vpc_id != vpc.id:
            raise invalid(f"Subnet {subnet_id} is not in VPC {vpc.id}")
    groups = props.get("SecurityGroupIds") or [ec2.get_default_security_group(vpc.id).id]
    if len(groups) > 5:  # securityGroupIds: max 5 (API_CreateResourceGateway.html)
        raise invalid("Member must have length less than or equal to 5")
    for group_id in groups:
        if ec2.get_security_group_from_id(group_id) is None or ec2.get_security_group_from_id(group_id).vpc_id != vpc.id:
            # "The security groups must be in the same VPC." (API_CreateResourceGateway.html)
            raise invalid(f"Security group {group_id} is not in VPC {vpc.id}: the security groups must be in the same VPC")
    gateway_id = f"rgw-{hex17()}"
    gateway = {
        "name": props["Name"], "id": gateway_id, "arn": f"arn:aws:vpc-lattice:{region}:{account}:resourcegateway/{gateway_id}",
        "status": "ACTIVE", "vpcId": vpc.id, "subnetIds": list(props["SubnetIds"]), "securityGroupIds": list(groups),
        "ipAddressType": props.get("IpAddressType", "IPV4"), "createdAt": now(), "lastUpdatedAt": now(),
        "tags": tags(props),
    }
    if props.get("Ipv4AddressesPerEni"):
        gateway["ipv4AddressesPerEni"] = int(props["Ipv4AddressesPerEni"])
    if props.get("ResourceConfigDnsResolution"):
        gateway["resourceConfigDnsResolution"] = props["ResourceConfigDnsResolution"]
    store(account, region).resource_gateways[gateway_id] = gateway
    return gateway


def find_gateway(account, region, identifier):
    gid = (identifier or "").rsplit("/", 1)[-1]
    gateway = store(account, region).resource_gateways.get(gid)
    if gateway is None or identifier not in (gateway["id"], gateway["arn"]):
        raise not_found("Resource Gateway", identifier)
    return gateway


def delete_gateway(arn, ec2):
    gateways = store(ec2.account_id, ec2.region_name).resource_gateways
    gateways.pop(arn.rsplit("/", 1)[-1], None)


def update_gateway(resource, props, ec2, account, region):
    """SecurityGroupIds and Tags change in place (the others are create-only: moto_stacks)."""
    gateway = find_gateway(account, region, resource.physical_resource_id)
    changed = dict(props, Name=gateway["name"], VpcIdentifier=gateway["vpcId"], SubnetIds=gateway["subnetIds"])
    check_schema("AWS::VpcLattice::ResourceGateway", props, region)
    fresh = create_gateway(ec2, account, region, changed)  # validates the groups
    del store(account, region).resource_gateways[fresh["id"]]
    gateway.update(securityGroupIds=fresh["securityGroupIds"], tags=fresh["tags"], lastUpdatedAt=now())
    return gateway["arn"], {"Arn": gateway["arn"], "Id": gateway["id"]}


@handles("AWS::VpcLattice::ResourceGateway", delete=delete_gateway, update=update_gateway)
def resource_gateway(props, ec2, account, region, name):
    check_schema("AWS::VpcLattice::ResourceGateway", props, region)
    gateway = create_gateway(ec2, account, region, props)
    return gateway["arn"], {"Arn": gateway["arn"], "Id": gateway["id"]}


# --- Resource configurations ----------------------------------------------------------------

def definition(props, account, region):
    """The API's resourceConfigurationDefinition from CloudFormation's, checked against the type."""
    kind, given = props["ResourceConfigurationType"], props.get("ResourceConfigurationDefinition") or {}
    if kind == "ARN":
        arn = given.get("ArnResource")
        m = RDS_ARN_RE.match(arn or "")
        if not arn:
            raise invalid("A resource configuration of type ARN needs an ArnResource")
        if m and (m[1], m[2]) == (region, account):
            rds = rds_backends[account][region]
            known = rds.databases if m[3] == "db" else rds.clusters
            if m[4] not in known:
                raise not_found("Resource", arn)
        return {"arnResource": {"arn": arn}}
    if kind == "SINGLE":
        if not given or "ArnResource" in given:
            raise invalid("A resource configuration of type SINGLE needs a DnsResource or an IpResource definition")
        if "DnsResource" in given:
            return {"dnsResource": {"domainName": given["DnsResource"]["DomainName"],
                                    "ipAddressType": given["DnsResource"]["IpAddressType"]}}
        return {"ipResource": {"ipAddress": given["IpResource"]}}
    return None  # GROUP and CHILD are not modelled here


def check_ports(port_ranges):
    for item in port_ranges:
        low, _, high = str(item).partition("-")
        if not (1 <= int(low) <= int(high or low) <= 65535):
            raise invalid(f"Port range {item} is not within 1-65535")


def create_configuration(account, region, props):
    kind = props["ResourceConfigurationType"]
    gateway = None
    if kind in ("SINGLE", "GROUP", "ARN"):  # (SINGLE, GROUP, ARN) resourceGatewayIdentifier
        if not props.get("ResourceGatewayId"):
            raise invalid(f"A resource configuration of type {kind} needs a resource gateway")
        gateway = find_gateway(account, region, props["ResourceGatewayId"])
    check_ports(props.get("PortRanges") or [])
    if any(c["name"] == props["Name"] for c in store(account, region).resource_configurations.values()):
        # "The name must be unique within the account." (API_CreateResourceConfiguration.html); ConflictException
        # is the API's documented code for it, the text the emulator's.
        raise LatticeError("ConflictException", f"A resource configuration named {props['Name']} already exists", 409)
    config_id = f"rcfg-{hex17()}"
    config = {
        "id": config_id, "name": props["Name"], "arn": f"arn:aws:vpc-lattice:{region}:{account}:resourceconfiguration/{config_id}",
        "type": kind, "status": "ACTIVE", "amazonManaged": False, "createdAt": now(), "lastUpdatedAt": now(),
        "allowAssociationToShareableServiceNetwork": str(props.get("AllowAssociationToSharableServiceNetwork", True)).lower() == "true",
        "portRanges": list(props.get("PortRanges") or (["1-65535"] if kind != "ARN" else [])),
        "tags": tags(props),
    }
    if gateway:
        config["resourceGatewayId"] = gateway["id"]
    if kind != "ARN":
        config["protocol"] = props.get("ProtocolType", "TCP")
    found = definition(props, account, region)
    if found:
        config["resourceConfigurationDefinition"] = found
    if props.get("CustomDomainName"):
        config["customDomainName"] = props["CustomDomainName"]
    store(account, region).resource_configurations[config_id] = config
    return config


def find_configuration(account, region, identifier):
    cid = (identifier or "").rsplit("/", 1)[-1]
    config = store(account, region).resource_configurations.get(cid)
    if config is None or identifier not in (config["id"], config["arn"]):
        raise not_found("Resource Configuration", identifier)
    return config


def configuration_by_arn(arn):
    """The resource configuration an ARN names, in whichever account of the emulator owns it."""
    m = CONFIG_ARN_RE.match(arn or "")
    if not m or m[1] not in vpclattice_backends[m[2]]:
        return None
    return store(m[2], m[1]).resource_configurations.get(m[3])


def delete_configuration(arn, ec2):
    store(ec2.account_id, ec2.region_name).resource_configurations.pop(arn.rsplit("/", 1)[-1], None)


def update_configuration(resource, props, ec2, account, region):
    """PortRanges, the DNS or IP definition, name and tags change in place."""
    check_schema("AWS::VpcLattice::ResourceConfiguration", props, region)
    config = find_configuration(account, region, resource.physical_resource_id)
    taken = config["name"]
    config["name"] = None  # its own name is free for the check of the new properties
    try:
        fresh = create_configuration(account, region, dict(props, ResourceConfigurationType=config["type"]))
    finally:
        config["name"] = taken
    del store(account, region).resource_configurations[fresh["id"]]
    for key in ("name", "portRanges", "resourceConfigurationDefinition", "customDomainName", "tags"):
        if key in fresh:
            config[key] = fresh[key]
    config["lastUpdatedAt"] = now()
    return config["arn"], {"Arn": config["arn"], "Id": config["id"]}


@handles("AWS::VpcLattice::ResourceConfiguration", delete=delete_configuration, update=update_configuration)
def resource_configuration(props, ec2, account, region, name):
    check_schema("AWS::VpcLattice::ResourceConfiguration", props, region)
    config = create_configuration(account, region, props)
    return config["arn"], {"Arn": config["arn"], "Id": config["id"]}


# --- The VPC Lattice API --------------------------------------------------------------------

def public(item, drop=("tags",)):
    return {k: v for k, v in item.items() if k not in drop}


JSON = {"Content-Type": "application/json"}


def identifier(self, collection):
    """The ID or ARN after /<collection>/ in the request's path (an ARN's / arrives decoded)."""
    return unquote(self.path.split("?", 1)[0].split(f"/{collection}/", 1)[1])


def get_resource_gateway(self):
    return 200, JSON, json.dumps(public(find_gateway(self.current_account, self.region, identifier(self, "resourcegateways"))))


def list_resource_gateways(self):
    items = [dict(public(g, ("tags", "vpcId")), vpcIdentifier=g["vpcId"])
             for g in store(self.current_account, self.region).resource_gateways.values()]
    return 200, JSON, json.dumps({"items": items})


SUMMARY = ("id", "name", "arn", "resourceGatewayId", "type", "status", "amazonManaged", "createdAt", "lastUpdatedAt",
           "customDomainName")


def get_resource_configuration(self):
    config = find_configuration(self.current_account, self.region, identifier(self, "resourceconfigurations"))
    return 200, JSON, json.dumps(public(config))


def list_resource_configurations(self):
    gateway = self._get_param("resourceGatewayIdentifier")
    if gateway:
        gateway = find_gateway(self.current_account, self.region, gateway)["id"]
    items = [{k: c[k] for k in SUMMARY if k in c} for c in store(self.current_account, self.region).resource_configurations.values()
             if not gateway or c.get("resourceGatewayId") == gateway]
    return 200, JSON, json.dumps({"items": items})


def install():
    lattice_urls.url_paths.update({
        "{0}/resourcegateways$": VPCLatticeResponse.dispatch,
        "{0}/resourcegateways/(?P<resourceGatewayIdentifier>.+)$": VPCLatticeResponse.dispatch,
        "{0}/resourceconfigurations$": VPCLatticeResponse.dispatch,
        "{0}/resourceconfigurations/(?P<resourceConfigurationIdentifier>.+)$": VPCLatticeResponse.dispatch,
        "{0}/resourceendpointassociations$": VPCLatticeResponse.dispatch,
    })
    VPCLatticeResponse.get_resource_gateway = get_resource_gateway
    VPCLatticeResponse.list_resource_gateways = list_resource_gateways
    VPCLatticeResponse.get_resource_configuration = get_resource_configuration
    VPCLatticeResponse.list_resource_configurations = list_resource_configurations
