"""AWS RAM in the emulator as a resource configuration's owner shares it and another account
accepts it (moto_lattice installs it). moto 5.2.1 has no invitations, no CloudFormation
support for AWS::RAM::ResourceShare, refuses resource configurations as unshareable and
answers GetResourceShares OTHER-ACCOUNTS with NotImplementedError.

Test infrastructure for `make e2e`; never shipped.

  AWS::RAM::ResourceShare   Ref = the share's ARN (arn:aws:ram:<region>:<account>:
      resource-share/<uuid>), GetAtt Arn, OwningAccountId, Status, FeatureSet, CreationTime,
      LastUpdatedTime; Principals and ResourceArns (vpc-lattice resource configurations too)
      change in place; deleting it leaves it DELETED, as GetResourceShares then reports it.
  Invitations (https://docs.aws.amazon.com/ram/latest/userguide/working-with-shared-invitations.html):
      a share naming an account ID outside the owner's organization (or inside it while sharing
      with the organization is not enabled) invites it: a PENDING invitation in that account and
      region (GetResourceShareInvitations, AcceptResourceShareInvitation,
      RejectResourceShareInvitation, ListPendingInvitationResources), the principal's
      association ASSOCIATING until it is accepted (ASSOCIATED) or rejected (DISASSOCIATED).
      An account of the owner's organization, with sharing enabled
      (EnableSharingWithAwsOrganization by its management account), is associated at once,
      with no invitation, as AWS does
      (https://docs.aws.amazon.com/ram/latest/userguide/getting-started-sharing.html); so is
      the owner's own account (the emulator's choice: its endpoint needs no share at all).
  GetResourceShares resourceOwner OTHER-ACCOUNTS: the shares whose invitation the caller
      accepted; SELF as moto, with resourceShareArns and resourceShareStatus filters.
  GetResourceShareAssociations: the principals' states above (moto: always ASSOCIATED),
      external true for an account outside the owner's organization.
  Refused as AWS refuses it, with the error descriptions of the RAM API reference
  (https://docs.aws.amazon.com/ram/latest/APIReference/API_AcceptResourceShareInvitation.html):
      accepting or rejecting an invitation that is not the caller's or does not exist
      (ResourceShareInvitationArnNotFoundException), one already accepted
      (ResourceShareInvitationAlreadyAcceptedException) or rejected
      (ResourceShareInvitationAlreadyRejectedException); sharing a resource that does not exist
      (UnknownResourceException,
      https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html).
  The VPC endpoint of type Resource (refuse_resource_endpoint) is refused, with EC2's
  InvalidParameter, when its resource configuration is neither the endpoint's account's own nor
  shared with it and accepted: "After you accept the invitation, the resources included in the
  resource share are available" (API_AcceptResourceShareInvitation.html above; resource endpoints:
  https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-resources.html). AWS
  documents no error for an endpoint before that, so the text is the emulator's and the code the
  closest documented one (InvalidParameter,
  https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). A policy on a
  resource endpoint is refused the same way: "Endpoint policies are supported only for gateway
  and interface endpoints" (AWS::EC2::VPCEndpoint PolicyDocument,
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcendpoint.html).
Written against moto 5.2.1 internals.
"""
import json
import re

from moto_handlers import handles
from moto.core.exceptions import JsonRESTError
from moto.core.utils import unix_time, utcnow
from moto.ec2.exceptions import EC2ClientError
from moto.moto_api._internal import mock_random as random
from moto.organizations.models import organizations_backends
from moto.ram import urls as ram_urls
from moto.ram.exceptions import UnknownResourceException
from moto.ram.models import ResourceAccessManagerBackend, ResourceShare, ram_backends
from moto.ram.responses import ResourceAccessManagerResponse

ACCOUNT_RE = re.compile(r"^(\d{12})$|^arn:aws[a-z-]*:iam::(\d{12}):root$")
POLICY_TEXT = "Endpoint policies are supported only for gateway and interface endpoints."
find_configuration = None  # moto_lattice.configuration_by_arn, set by install()


def refused(code, message):
    """An EC2 error as AWS words it (moto_strict's form)."""
    err = EC2ClientError(code, message)
    err.refused = True
    return err


class RamError(JsonRESTError):
    def __init__(self, code, message):
        super().__init__(code, message)
        self.code = 400
        self.refused, self.service, self.status, self.error_code = True, "Ram", 400, code


NOT_FOUND = "The operation failed because the specified Amazon Resource Name (ARN) for an invitation was not found."
ACCEPTED = "The operation failed because the specified invitation was already accepted."
REJECTED = "The operation failed because the specified invitation was already rejected."


# --- Shares, principals and invitations -------------------------------------------------------

def share_state(share):
    """principal -> {"status", "external", "invitation"}, kept on moto's ResourceShare."""
    if not hasattr(share, "principal_states"):
        share.principal_states = {}
    return share.principal_states


def organization_of(account):
    """(management account's organizations backend, member IDs) of account's organization, or None."""
    backend = organizations_backends[account]["aws"]
    if not backend.org and account in organizations_backends.master_accounts:
        master, partition = organizations_backends.master_accounts[account]
        backend = organizations_backends[master][partition]
    if not backend.org:
        return None
    return backend, {a.id for a in backend.accounts}


def invitations(account, region):
    backend = ram_backends[account][region]
    if not hasattr(backend, "invitations"):
        backend.invitations = []
    return backend.invitations


def add_principal(share, principal):
    m = ACCOUNT_RE.match(principal)
    account = m and (m[1] or m[2])
    org = organization_of(share.owning_account_id)
    in_org = bool(org and account in org[1])
    if not account or account == share.owning_account_id or (in_org and getattr(org[0], "ram_sharing", False)):
        # An organization, OU or role principal, the owner, or a member with sharing enabled: no invitation.
        external = bool(account) and account != share.owning_account_id and not in_org
        share_state(share)[principal] = {"status": "ASSOCIATED", "external": external}
        return
    invitation = {
        "resourceShareInvitationArn": f"arn:aws:ram:{share.region}:{share.owning_account_id}:resource-share-invitation/{random.uuid4()}",
        "resourceShareName": share.name, "resourceShareArn": share.arn, "senderAccountId": share.owning_account_id,
        "receiverAccountId": account, "invitationTimestamp": unix_time(utcnow()), "status": "PENDING",
    }
    invitations(account, share.region).append(invitation)
    share_state(share)[principal] = {"status": "ASSOCIATING", "external": not in_org, "invitation": invitation}


def check_resources(share_owner, region, arns):
    for arn in arns:
        config = find_configuration(arn) if ":vpc-lattice:" in arn else True
        if config is None or (config is not True and f":{share_owner}:" not in arn):
            raise UnknownResourceException(f"The operation failed because a specified resource couldn't be found: {arn}")


def create_share(backend, name, principals, resource_arns, allow_external):
    check_resources(backend.account_id, backend.region_name, resource_arns)
    share = ResourceShare(backend.account_id, backend.region_name, name=name, allowExternalPrincipals=allow_external)
    share.add_principals(principals)
    share.add_resources(resource_arns)
    for principal in principals:
        add_principal(share, principal)
    backend.resource_shares.append(share)
    return share


def create_resource_share(create):
    """The API: the same invitations as CloudFormation's."""
    def wrapped(self, **kwargs):
        share = create_share(self, kwargs["name"], kwargs.get("principals", []), kwargs.get("resourceArns", []),
                             kwargs.get("allowExternalPrincipals", True))
        out = share.describe()
        out.pop("featureSet")
        return {"resourceShare": out}
    return wrapped


def attributes(share):
    return {"Arn": share.arn, "OwningAccountId": share.owning_account_id, "Status": share.status,
            "FeatureSet": share.feature_set, "CreationTime": share.creation_time.isoformat(),
            "LastUpdatedTime": share.last_updated_time.isoformat()}


def find_share(account, region, arn):
    share = next((s for s in ram_backends[account][region].resource_shares if s.arn == arn), None)
    if share is None:
        raise UnknownResourceException(f"ResourceShare {arn} could not be found.")
    return share


def delete_share(arn, ec2):
    share = find_share(ec2.account_id, ec2.region_name, arn)
    share.delete()
    for state in share_state(share).values():
        state["status"] = "DISASSOCIATED"


def update_share(resource, props, ec2, account, region):
    """Name, AllowExternalPrincipals, Principals and ResourceArns change in place."""
    share = find_share(account, region, resource.physical_resource_id)
    new_resources = props.get("ResourceArns") or []
    check_resources(account, region, new_resources)
    share.update(str(props.get("AllowExternalPrincipals", True)).lower() == "true", props["Name"])
    share.resource_arns = list(new_resources)
    new = props.get("Principals") or []
    for gone in [p for p in share.principals if p not in new]:
        share.principals.remove(gone)
        share_state(share).pop(gone, None)
    added = [p for p in new if p not in share.principals]
    share.add_principals(added)
    for principal in added:
        add_principal(share, principal)
    return share.arn, attributes(share)


@handles("AWS::RAM::ResourceShare", delete=delete_share, update=update_share)
def resource_share(props, ec2, account, region, name):
    share = create_share(ram_backends[account][region], props["Name"], props.get("Principals") or [],
                         props.get("ResourceArns") or [], str(props.get("AllowExternalPrincipals", True)).lower() == "true")
    return share.arn, attributes(share)


def shared_with(share, account):
    """Whether account may use what share holds: an accepted (or direct) association."""
    if share.status != "ACTIVE":
        return False
    for principal, state in share_state(share).items():
        m = ACCOUNT_RE.match(principal)
        if state["status"] == "ASSOCIATED" and m and account in (m[1], m[2]):
            return True
        org = organization_of(share.owning_account_id)
        if state["status"] == "ASSOCIATED" and not m and org and org[0].org and principal == org[0].org.arn and account in org[1]:
            return True
    return False


def usable(account, region, config_arn, config):
    """Whether account may use the resource configuration config_arn names: its own, or shared and accepted."""
    owner = config_arn.split(":")[4] if config_arn.count(":") >= 5 else ""
    return config is not None and (owner == account or any(
        config_arn in s.resource_arns and shared_with(s, account) for s in ram_backends[owner][region].resource_shares))


def refuse_resource_endpoint(account, region, config_arn, policy, config):
    """CreateVpcEndpoint of type Resource (module docstring)."""
    if policy:
        raise refused("InvalidParameter", POLICY_TEXT)
    if not config_arn:
        raise refused("MissingParameter", "The request must contain the parameter ResourceConfigurationArn")
    if not usable(account, region, config_arn, config):
        raise refused("InvalidParameter", f"The resource configuration {config_arn} does not exist or is not shared with "
                                          f"account {account}: accept its resource share invitation first")


# --- The RAM API ------------------------------------------------------------------------

def my_invitation(self, arn):
    found = next((i for i in invitations(self.current_account, self.region) if i["resourceShareInvitationArn"] == arn), None)
    if found is None:
        raise RamError("ResourceShareInvitationArnNotFoundException", NOT_FOUND)
    return found


def decide(new_status):
    def handler(self):
        invitation = my_invitation(self, self._get_param("resourceShareInvitationArn"))
        if invitation["status"] == "ACCEPTED":
            raise RamError("ResourceShareInvitationAlreadyAcceptedException", ACCEPTED)
        if invitation["status"] == "REJECTED":
            raise RamError("ResourceShareInvitationAlreadyRejectedException", REJECTED)
        invitation["status"] = new_status
        share = find_share(invitation["senderAccountId"], self.region, invitation["resourceShareArn"])
        for state in share_state(share).values():
            if state.get("invitation") is invitation:
                state["status"] = "ASSOCIATED" if new_status == "ACCEPTED" else "DISASSOCIATED"
        return json.dumps({"resourceShareInvitation": invitation})
    return handler


def get_resource_share_invitations(self):
    arns, shares = self._get_param("resourceShareInvitationArns") or [], self._get_param("resourceShareArns") or []
    found = [my_invitation(self, arn) for arn in arns]  # raises for an ARN not the caller's
    items = [i for i in (found or invitations(self.current_account, self.region)) if not shares or i["resourceShareArn"] in shares]
    return json.dumps({"resourceShareInvitations": items})


def resource_items(share):
    return [{"arn": arn, "type": resource_type(arn), "resourceShareArn": share.arn, "status": "AVAILABLE",
             "creationTime": unix_time(share.creation_time), "lastUpdatedTime": unix_time(share.last_updated_time),
             "resourceRegionScope": "REGIONAL"} for arn in share.resource_arns]


def resource_type(arn):
    """RAM's type names (ListResourceTypes): vpc-lattice:ResourceConfiguration for ours."""
    service, rest = arn.split(":")[2], arn.split(":", 5)[5]
    kind = re.split(r"[/:]", rest, 1)[0]
    return {"resourceconfiguration": "vpc-lattice:ResourceConfiguration",
            "servicenetwork": "vpc-lattice:ServiceNetwork"}.get(kind, f"{service}:{kind}")


def list_pending_invitation_resources(self):
    invitation = my_invitation(self, self._get_param("resourceShareInvitationArn"))
    if invitation["status"] == "REJECTED":
        raise RamError("ResourceShareInvitationAlreadyRejectedException", REJECTED)
    share = find_share(invitation["senderAccountId"], self.region, invitation["resourceShareArn"])
    return json.dumps({"resources": resource_items(share)})


def others_shares(account, region):
    for owner in list(ram_backends.keys()):
        if region in ram_backends[owner] and owner != account:
            for share in ram_backends[owner][region].resource_shares:
                if shared_with(share, account):
                    yield share


def get_resource_shares(self):
    owner = self._get_param("resourceOwner")
    if owner not in ("SELF", "OTHER-ACCOUNTS"):
        return json.dumps(self.ram_backend.get_resource_shares(owner))  # moto's InvalidParameterException
    shares = (self.ram_backend.resource_shares if owner == "SELF" else list(others_shares(self.current_account, self.region)))
    arns, status = self._get_param("resourceShareArns") or [], self._get_param("resourceShareStatus")
    items = [s.describe() for s in shares if (not arns or s.arn in arns) and (not status or s.status == status)]
    return json.dumps({"resourceShares": items})


def list_resources(self):
    owner = self._get_param("resourceOwner")
    shares = (self.ram_backend.resource_shares if owner == "SELF" else list(others_shares(self.current_account, self.region)))
    wanted_type, arns = self._get_param("resourceType"), self._get_param("resourceArns") or []
    items = [r for s in shares if s.status == "ACTIVE" for r in resource_items(s)
             if (not wanted_type or r["type"].lower() == wanted_type.lower()) and (not arns or r["arn"] in arns)]
    return json.dumps({"resources": items})


def get_resource_share_associations(original):
    def wrapped(self, association_type, association_status, resource_share_arns, resource_arn, principal):
        out = original(self, association_type, None, resource_share_arns, resource_arn, principal)
        items = []
        for item in out["resourceShareAssociations"]:
            share = find_share(self.account_id, self.region_name, item["resourceShareArn"])
            if item["associationType"] == "PRINCIPAL":
                state = share_state(share).get(item["associatedEntity"], {})
                item.update(status=state.get("status", "ASSOCIATED"), external=state.get("external", False))
            elif share.status == "DELETED":
                item["status"] = "DISASSOCIATED"
            if not association_status or item["status"] == association_status:
                items.append(item)
        return {"resourceShareAssociations": items}
    return wrapped


def enable_sharing_with_aws_organization(original):
    def wrapped(self):
        out = original(self)
        self.organizations_backend.ram_sharing = True
        return out
    return wrapped


def install(configuration_by_arn):
    global find_configuration
    find_configuration = configuration_by_arn
    ResourceShare.SHAREABLE_RESOURCES = ResourceShare.SHAREABLE_RESOURCES + ["resourceconfiguration"]
    ram_urls.url_paths.update({
        "{0}/getresourceshareinvitations$": ResourceAccessManagerResponse.dispatch,
        "{0}/acceptresourceshareinvitation$": ResourceAccessManagerResponse.dispatch,
        "{0}/rejectresourceshareinvitation$": ResourceAccessManagerResponse.dispatch,
        "{0}/listpendinginvitationresources$": ResourceAccessManagerResponse.dispatch,
        "{0}/listresources$": ResourceAccessManagerResponse.dispatch,
    })
    ResourceAccessManagerBackend.create_resource_share = create_resource_share(ResourceAccessManagerBackend.create_resource_share)
    ResourceAccessManagerBackend.get_resource_share_associations = get_resource_share_associations(
        ResourceAccessManagerBackend.get_resource_share_associations)
    ResourceAccessManagerBackend.enable_sharing_with_aws_organization = enable_sharing_with_aws_organization(
        ResourceAccessManagerBackend.enable_sharing_with_aws_organization)
    ResourceAccessManagerResponse.get_resource_share_invitations = get_resource_share_invitations
    ResourceAccessManagerResponse.accept_resource_share_invitation = decide("ACCEPTED")
    ResourceAccessManagerResponse.reject_resource_share_invitation = decide("REJECTED")
    ResourceAccessManagerResponse.list_pending_invitation_resources = list_pending_invitation_resources
    ResourceAccessManagerResponse.get_resource_shares = get_resource_shares
    ResourceAccessManagerResponse.list_resources = list_resources
