"""The emulator's PrivateLink for VPC resources (moto_lattice.py, moto_ram.py): a customer's
resource gateway, resource configuration and RAM share deployed with CloudFormation, the
vendor's invitation and its endpoint of type Resource, and every refusal with AWS's code.

Runs the launcher on 127.0.0.1 (test_moto_strict.Emulator); `make e2e` runs it first.
"""
import re
import unittest

from botocore.exceptions import ClientError

from test_moto_strict import REGION, Emulator

CUSTOMER, VENDOR, STRANGER = "246813579135", "111122223333", "999988887777"
GATEWAY_ARN = re.compile(rf"^arn:aws:vpc-lattice:{REGION}:{CUSTOMER}:resourcegateway/rgw-[0-9a-f]{{17}}$")
CONFIG_ARN = re.compile(rf"^arn:aws:vpc-lattice:{REGION}:{CUSTOMER}:resourceconfiguration/(rcfg-[0-9a-f]{{17}})$")
SHARE_ARN = re.compile(rf"^arn:aws:ram:{REGION}:{CUSTOMER}:resource-share/[0-9a-f-]{{36}}$")
NOT_SHARED = "does not exist or is not shared with account"


def customer_template(vpc, subnets, group, principals, prefix="wayne"):
    """What the handed-over template builds: a gateway, configurations of type ARN (instance,
    cluster) and SINGLE (a domain name), one share to the vendor."""
    def config(name, kind, definition, **extra):
        return {"Type": "AWS::VpcLattice::ResourceConfiguration", "Properties": dict({
            "Name": name, "ResourceConfigurationType": kind, "ResourceGatewayId": {"Ref": "Gateway"},
            "ResourceConfigurationDefinition": definition}, **extra)}
    return {
        "Resources": {
            "Gateway": {"Type": "AWS::VpcLattice::ResourceGateway", "Properties": {
                "Name": "wayne-ledger", "VpcIdentifier": vpc, "SubnetIds": subnets, "SecurityGroupIds": [group],
                "IpAddressType": "IPV4", "Tags": [{"Key": "privateconnect:customer", "Value": "wayne"}]}},
            "Ledger": config(f"{prefix}-ledger", "ARN", {"ArnResource": f"arn:aws:rds:{REGION}:{CUSTOMER}:cluster:ledger"}),
            "Orders": config(f"{prefix}-orders", "ARN", {"ArnResource": f"arn:aws:rds:{REGION}:{CUSTOMER}:db:orders"}),
            "Billing": config(f"{prefix}-billing", "SINGLE", {"DnsResource": {"DomainName": "billing.abc.us-east-1.rds.amazonaws.com",
                                                                    "IpAddressType": "IPV4"}},
                              PortRanges=["3306"], ProtocolType="TCP"),
            "Share": {"Type": "AWS::RAM::ResourceShare", "Properties": {
                "Name": "wayne-privateconnect", "AllowExternalPrincipals": True, "Principals": principals,
                "ResourceArns": [{"Ref": "Ledger"}, {"Ref": "Orders"}, {"Fn::GetAtt": ["Billing", "Arn"]}]}},
        },
        "Outputs": {
            "GatewayRef": {"Value": {"Ref": "Gateway"}}, "GatewayId": {"Value": {"Fn::GetAtt": ["Gateway", "Id"]}},
            "GatewayArn": {"Value": {"Fn::GetAtt": ["Gateway", "Arn"]}},
            "LedgerArn": {"Value": {"Ref": "Ledger"}}, "LedgerId": {"Value": {"Fn::GetAtt": ["Ledger", "Id"]}},
            "BillingArn": {"Value": {"Ref": "Billing"}}, "OrdersArn": {"Value": {"Ref": "Orders"}},
            "ShareArn": {"Value": {"Ref": "Share"}}, "ShareOwner": {"Value": {"Fn::GetAtt": ["Share", "OwningAccountId"]}},
        },
    }


def endpoint_template(vpc, subnet, config_arn, **extra):
    return {"Resources": {"Endpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": dict({
        "VpcEndpointType": "Resource", "VpcId": vpc, "SubnetIds": [subnet], "ResourceConfigurationArn": config_arn}, **extra)}},
        "Outputs": {"EndpointId": {"Value": {"Ref": "Endpoint"}}}}


# A custom resource's function as the vendor's stack has one: it reads the endpoint's association
# and answers its DNS name (FAIL in the properties makes it answer FAILED instead).
LOOKUP = """
import json, urllib.request
import boto3

def handler(event, context):
    props = event["ResourceProperties"]
    status, data, reason = "SUCCESS", {}, "found"
    if event["RequestType"] != "Delete":
        if props.get("Fail"):
            status, reason = "FAILED", props["Fail"]
        else:
            found = boto3.client("ec2").describe_vpc_endpoint_associations(VpcEndpointIds=[props["VpcEndpointId"]])
            data = {"DnsName": found["VpcEndpointAssociations"][0]["DnsEntry"]["DnsName"]}
    body = json.dumps({"Status": status, "Reason": reason, "PhysicalResourceId": data.get("DnsName", "none"),
                       "StackId": event["StackId"], "RequestId": event["RequestId"],
                       "LogicalResourceId": event["LogicalResourceId"], "Data": data}).encode()
    urllib.request.urlopen(urllib.request.Request(event["ResponseURL"], data=body, method="PUT"))
"""


def vendor_template(vpc, subnet, config_arn, zone_name, fail=None):
    """The endpoint, a custom resource reading its DNS name, a CNAME to it in a private zone."""
    template = endpoint_template(vpc, subnet, config_arn)
    lookup = {"ServiceToken": {"Fn::GetAtt": ["Lookup", "Arn"]}, "VpcEndpointId": {"Ref": "Endpoint"}}
    if fail:
        lookup["Fail"] = fail
    template["Resources"].update({
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
        "Lookup": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "Timeout": 60,
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": LOOKUP}}},
        "DnsName": {"Type": "Custom::ResourceEndpointDnsName", "Properties": lookup},
        "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {
            "Name": zone_name, "VPCs": [{"VPCId": vpc, "VPCRegion": REGION}]}},
        "Record": {"Type": "AWS::Route53::RecordSet", "Properties": {
            "HostedZoneId": {"Ref": "Zone"}, "Name": f"ledger.{zone_name}.", "Type": "CNAME", "TTL": "60",
            "ResourceRecords": [{"Fn::GetAtt": ["DnsName", "DnsName"]}]}},
    })
    template["Outputs"]["DnsName"] = {"Value": {"Fn::GetAtt": ["DnsName", "DnsName"]}}
    template["Outputs"]["Zone"] = {"Value": {"Ref": "Zone"}}
    return template


class ResourceGateways(Emulator):
    def customer(self, block, principals=(VENDOR,), stack="wayne-producer"):
        """The customer's database and network, then its template; (outputs, vpc, subnets, group)."""
        vpc, subnet = self.vpc(CUSTOMER, block)
        ec2 = self.client("ec2", CUSTOMER)
        second = ec2.create_subnet(VpcId=vpc, CidrBlock=block.replace(".0.0/16", ".1.0/24"),
                                   AvailabilityZoneId="use1-az2")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(VpcId=vpc, GroupName=f"rgw-{stack}", Description="resource gateway")["GroupId"]
        rds = self.client("rds", CUSTOMER)
        if not rds.describe_db_clusters()["DBClusters"]:
            rds.create_db_cluster(DBClusterIdentifier="ledger", Engine="aurora-postgresql", MasterUsername="u",
                                  MasterUserPassword="password1")
            rds.create_db_instance(DBInstanceIdentifier="orders", DBInstanceClass="db.t3.micro", Engine="postgres",
                                   MasterUsername="u", MasterUserPassword="password1")
        stack_out = self.deploy(CUSTOMER, stack, customer_template(vpc, [subnet, second], group, list(principals), stack), {})
        self.assertEqual(stack_out["StackStatus"], "CREATE_COMPLETE", self.reasons(CUSTOMER, stack))
        return {o["OutputKey"]: o["OutputValue"] for o in stack_out["Outputs"]}, vpc, [subnet, second], group

    def invitation(self, account, share_arn):
        found = self.client("ram", account).get_resource_share_invitations(resourceShareArns=[share_arn])["resourceShareInvitations"]
        self.assertEqual(len(found), 1, found)
        return found[0]

    def principal_status(self, share_arn):
        return {a["associatedEntity"]: (a["status"], a["external"]) for a in self.client("ram", CUSTOMER)
                .get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[share_arn])["resourceShareAssociations"]}

    def error(self, call, **kwargs):
        with self.assertRaises(ClientError) as err:
            call(**kwargs)
        return err.exception.response["Error"]["Code"], err.exception.response["Error"]["Message"]

    def test_customer_template_as_the_apis_report_it(self):
        out, vpc, subnets, group = self.customer("10.50.0.0/16")
        self.assertRegex(out["GatewayRef"], GATEWAY_ARN)  # Ref is the ARN (the schema's primary identifier)
        self.assertEqual(out["GatewayArn"], out["GatewayRef"])
        self.assertEqual(out["GatewayRef"].rsplit("/", 1)[1], out["GatewayId"])
        self.assertRegex(out["GatewayId"], r"^rgw-[0-9a-f]{17}$")
        for key in ("LedgerArn", "OrdersArn", "BillingArn"):
            self.assertRegex(out[key], CONFIG_ARN)
        self.assertEqual(CONFIG_ARN.match(out["LedgerArn"])[1], out["LedgerId"])
        self.assertRegex(out["ShareArn"], SHARE_ARN)
        self.assertEqual(out["ShareOwner"], CUSTOMER)

        lattice = self.client("vpc-lattice", CUSTOMER)
        gateway = lattice.get_resource_gateway(resourceGatewayIdentifier=out["GatewayId"])
        self.assertEqual((gateway["arn"], gateway["name"], gateway["status"], gateway["vpcId"], sorted(gateway["subnetIds"]),
                          gateway["securityGroupIds"], gateway["ipAddressType"]),
                         (out["GatewayRef"], "wayne-ledger", "ACTIVE", vpc, sorted(subnets), [group], "IPV4"))
        self.assertEqual(lattice.get_resource_gateway(resourceGatewayIdentifier=out["GatewayRef"])["id"], out["GatewayId"])
        ledger = lattice.get_resource_configuration(resourceConfigurationIdentifier=out["LedgerArn"])
        self.assertEqual((ledger["id"], ledger["type"], ledger["status"], ledger["resourceGatewayId"], ledger["resourceConfigurationDefinition"]),
                         (out["LedgerId"], "ARN", "ACTIVE", out["GatewayId"],
                          {"arnResource": {"arn": f"arn:aws:rds:{REGION}:{CUSTOMER}:cluster:ledger"}}))
        billing = lattice.get_resource_configuration(resourceConfigurationIdentifier=out["BillingArn"].rsplit("/", 1)[1])
        self.assertEqual((billing["type"], billing["portRanges"], billing["protocol"], billing["resourceConfigurationDefinition"]),
                         ("SINGLE", ["3306"], "TCP", {"dnsResource": {"domainName": "billing.abc.us-east-1.rds.amazonaws.com",
                                                                      "ipAddressType": "IPV4"}}))
        listed = lattice.list_resource_configurations(resourceGatewayIdentifier=out["GatewayId"])["items"]
        self.assertEqual(sorted(c["arn"] for c in listed), sorted([out["LedgerArn"], out["OrdersArn"], out["BillingArn"]]))
        self.assertEqual(self.error(lattice.get_resource_gateway, resourceGatewayIdentifier="rgw-0123456789abcdef0")[0],
                         "ResourceNotFoundException")
        shares = self.client("ram", CUSTOMER).get_resource_shares(resourceOwner="SELF", resourceShareArns=[out["ShareArn"]])
        self.assertEqual([(s["name"], s["allowExternalPrincipals"], s["status"]) for s in shares["resourceShares"]],
                         [("wayne-privateconnect", True, "ACTIVE")])

    def test_vendor_accepts_then_connects(self):
        out, *_ = self.customer("10.51.0.0/16", stack="accepting")
        vpc, subnet = self.vpc(VENDOR, "10.64.0.0/16")
        ram, ec2 = self.client("ram", VENDOR), self.client("ec2", VENDOR)
        invitation = self.invitation(VENDOR, out["ShareArn"])
        self.assertEqual((invitation["status"], invitation["senderAccountId"], invitation["receiverAccountId"],
                          invitation["resourceShareName"]), ("PENDING", CUSTOMER, VENDOR, "wayne-privateconnect"))
        self.assertEqual(self.principal_status(out["ShareArn"]), {VENDOR: ("ASSOCIATING", True)})
        pending = ram.list_pending_invitation_resources(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
        self.assertEqual(sorted((r["arn"], r["type"]) for r in pending["resources"]),
                         sorted((out[k], "vpc-lattice:ResourceConfiguration") for k in ("LedgerArn", "OrdersArn", "BillingArn")))
        self.assertEqual(ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS", resourceShareArns=[out["ShareArn"]])["resourceShares"], [])

        # Before acceptance the endpoint is refused: through the API and through CloudFormation.
        code, message = self.error(ec2.create_vpc_endpoint, VpcEndpointType="Resource", VpcId=vpc, SubnetIds=[subnet],
                                   ResourceConfigurationArn=out["LedgerArn"])
        self.assertEqual(code, "InvalidParameter")
        self.assertIn(NOT_SHARED, message)
        stack = self.deploy(VENDOR, "early", endpoint_template(vpc, subnet, out["LedgerArn"]), {})
        self.assertEqual(stack["StackStatus"], "ROLLBACK_COMPLETE")
        self.assertIn(f"{NOT_SHARED} {VENDOR}", self.reasons(VENDOR, "early"))
        self.assertIn("(Service: Ec2, Status Code: 400, Error Code: InvalidParameter)", self.reasons(VENDOR, "early"))

        vendor_lattice = self.client("vpc-lattice", VENDOR)
        self.assertEqual(self.error(vendor_lattice.get_resource_configuration, resourceConfigurationIdentifier=out["LedgerArn"])[0],
                         "ResourceNotFoundException")
        accepted = ram.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
        self.assertEqual(accepted["resourceShareInvitation"]["status"], "ACCEPTED")
        self.assertEqual(self.principal_status(out["ShareArn"]), {VENDOR: ("ASSOCIATED", True)})
        shared = vendor_lattice.get_resource_configuration(resourceConfigurationIdentifier=out["LedgerArn"])
        self.assertEqual((shared["arn"], shared["type"]), (out["LedgerArn"], "ARN"))
        self.assertEqual(self.error(self.client("vpc-lattice", STRANGER).get_resource_configuration,
                                    resourceConfigurationIdentifier=out["LedgerArn"])[0], "ResourceNotFoundException")
        theirs = ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]
        self.assertIn(out["ShareArn"], [s["resourceShareArn"] for s in theirs])
        self.assertEqual({s["owningAccountId"] for s in theirs}, {CUSTOMER})
        self.assertEqual(self.error(ram.accept_resource_share_invitation, resourceShareInvitationArn=invitation["resourceShareInvitationArn"]),
                         ("ResourceShareInvitationAlreadyAcceptedException",
                          "The operation failed because the specified invitation was already accepted."))
        stranger = self.client("ram", STRANGER)
        self.assertEqual(self.error(stranger.accept_resource_share_invitation, resourceShareInvitationArn=invitation["resourceShareInvitationArn"])[0],
                         "ResourceShareInvitationArnNotFoundException")

        stack = self.deploy(VENDOR, "wayne-privatelink", vendor_template(vpc, subnet, out["LedgerArn"], "wayne.internal.example"), {})
        self.assertEqual(stack["StackStatus"], "CREATE_COMPLETE", self.reasons(VENDOR, "wayne-privatelink"))
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        endpoint_id = outputs["EndpointId"]
        ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
        self.assertEqual([(e["VpcEndpointId"], e["VpcEndpointType"], e["State"], e["ResourceConfigurationArn"], e["SubnetIds"],
                           e.get("ServiceName"), e.get("DnsEntries") or [], e["OwnerId"]) for e in ep],
                         [(endpoint_id, "Resource", "available", out["LedgerArn"], [subnet], None, [], VENDOR)])
        (assoc,) = ec2.describe_vpc_endpoint_associations(VpcEndpointIds=[endpoint_id])["VpcEndpointAssociations"]
        config_id = out["LedgerArn"].rsplit("/", 1)[1]
        self.assertEqual((assoc["VpcEndpointId"], assoc["AssociatedResourceArn"], assoc["AssociatedResourceAccessibility"],
                          assoc["DnsEntry"]["DnsName"]),
                         (endpoint_id, out["LedgerArn"], "Accessible", f"{endpoint_id}.{config_id}.4232ccc.vpc-lattice-rsc.{REGION}.on.aws"))
        self.assertRegex(assoc["Id"], r"^vpce-rsc-asc-[0-9a-f]{17}$")
        # The custom resource's function ran against the emulator: the record names the association.
        self.assertEqual(outputs["DnsName"], assoc["DnsEntry"]["DnsName"])
        records = self.client("route53", VENDOR).list_resource_record_sets(HostedZoneId=outputs["Zone"])["ResourceRecordSets"]
        self.assertEqual([(r["Name"], r["ResourceRecords"]) for r in records if r["Type"] == "CNAME"],
                         [("ledger.wayne.internal.example.", [{"Value": assoc["DnsEntry"]["DnsName"]}])])
        failing = self.deploy(VENDOR, "failing", vendor_template(vpc, subnet, out["LedgerArn"], "failing.example", fail="no association"), {})
        self.assertEqual(failing["StackStatus"], "ROLLBACK_COMPLETE")
        self.assertIn("Received response status [FAILED] from custom resource. Message returned: no association (RequestId: ",
                      self.reasons(VENDOR, "failing"))
        owners = self.client("vpc-lattice", CUSTOMER).list_resource_endpoint_associations(resourceConfigurationIdentifier=config_id)["items"]
        self.assertEqual([(a["vpcEndpointId"], a["vpcEndpointOwner"], a["resourceConfigurationArn"]) for a in owners],
                         [(endpoint_id, VENDOR, out["LedgerArn"])])

    def test_reject_and_a_share_added_later(self):
        out, *_ = self.customer("10.52.0.0/16", principals=(), stack="later")
        self.assertEqual(self.client("ram", VENDOR).get_resource_share_invitations(resourceShareArns=[out["ShareArn"]])
                         ["resourceShareInvitations"], [])
        # The customer adds the vendor to its share: an update in place, the same share.
        vpc = self.client("vpc-lattice", CUSTOMER).get_resource_gateway(
            resourceGatewayIdentifier=out["GatewayId"])
        # In the same update the customer opens a second port and gives the gateway another group.
        group = self.client("ec2", CUSTOMER).create_security_group(VpcId=vpc["vpcId"], GroupName="rgw-later-2",
                                                                   Description="second")["GroupId"]
        template = customer_template(vpc["vpcId"], vpc["subnetIds"], group, [VENDOR], "later")
        template["Resources"]["Billing"]["Properties"]["PortRanges"] = ["3306", "33060"]
        stack = self.deploy(CUSTOMER, "later", template, {})
        self.assertEqual(stack["StackStatus"], "UPDATE_COMPLETE", self.reasons(CUSTOMER, "later"))
        self.assertEqual({o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]},
                         dict(out, ShareArn=out["ShareArn"]), "updated in place: the same ARNs and IDs")
        lattice = self.client("vpc-lattice", CUSTOMER)
        self.assertEqual(lattice.get_resource_configuration(resourceConfigurationIdentifier=out["BillingArn"])["portRanges"],
                         ["3306", "33060"])
        self.assertEqual([(g["id"], g["vpcIdentifier"], g["securityGroupIds"]) for g in lattice.list_resource_gateways()["items"]
                          if g["id"] == out["GatewayId"]], [(out["GatewayId"], vpc["vpcId"], [group])])
        invitation = self.invitation(VENDOR, out["ShareArn"])
        ram = self.client("ram", VENDOR)
        ram.reject_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
        self.assertEqual(self.invitation(VENDOR, out["ShareArn"])["status"], "REJECTED")
        self.assertEqual(self.principal_status(out["ShareArn"]), {VENDOR: ("DISASSOCIATED", True)})
        self.assertEqual(self.error(ram.accept_resource_share_invitation, resourceShareInvitationArn=invitation["resourceShareInvitationArn"]),
                         ("ResourceShareInvitationAlreadyRejectedException",
                          "The operation failed because the specified invitation was already rejected."))
        vvpc, vsubnet = self.vpc(VENDOR, "10.65.0.0/16")
        code, _ = self.error(self.client("ec2", VENDOR).create_vpc_endpoint, VpcEndpointType="Resource", VpcId=vvpc,
                             SubnetIds=[vsubnet], ResourceConfigurationArn=out["LedgerArn"])
        self.assertEqual(code, "InvalidParameter")

    def test_no_invitation_within_the_account_or_organization(self):
        out, vpc, subnets, _ = self.customer("10.53.0.0/16", principals=(), stack="own")
        own = self.client("ram", CUSTOMER).create_resource_share(name="own-share", principals=[CUSTOMER],
                                                                 resourceArns=[out["OrdersArn"]])["resourceShare"]
        self.assertEqual(self.principal_status(own["resourceShareArn"]), {CUSTOMER: ("ASSOCIATED", False)})
        ep = self.client("ec2", CUSTOMER).create_vpc_endpoint(VpcEndpointType="Resource", VpcId=vpc, SubnetIds=subnets[:1],
                                                              ResourceConfigurationArn=out["OrdersArn"])["VpcEndpoint"]
        self.assertEqual((ep["State"], ep["ResourceConfigurationArn"]), ("available", out["OrdersArn"]))

        # An organization whose management account is the customer's, with RAM sharing on.
        orgs = self.client("organizations", CUSTOMER)
        orgs.create_organization(FeatureSet="ALL")
        status = orgs.create_account(AccountName="member", Email="member@example.com")["CreateAccountStatus"]
        member = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
        self.client("ram", CUSTOMER).enable_sharing_with_aws_organization()
        share = self.client("ram", CUSTOMER).create_resource_share(name="org-share", principals=[member],
                                                                   resourceArns=[out["BillingArn"]])["resourceShare"]
        self.assertEqual(self.client("ram", member).get_resource_share_invitations()["resourceShareInvitations"], [])
        self.assertEqual(self.principal_status(share["resourceShareArn"]), {member: ("ASSOCIATED", False)})
        mvpc, msubnet = self.vpc(member, "10.66.0.0/16")
        ep = self.client("ec2", member).create_vpc_endpoint(VpcEndpointType="Resource", VpcId=mvpc, SubnetIds=[msubnet],
                                                            ResourceConfigurationArn=out["BillingArn"])["VpcEndpoint"]
        self.assertEqual(ep["State"], "available")

    def test_refusals(self):
        out, vpc, subnets, group = self.customer("10.54.0.0/16", stack="refusals")
        vvpc, vsubnet = self.vpc(VENDOR, "10.67.0.0/16")
        ram = self.client("ram", VENDOR)
        ram.accept_resource_share_invitation(resourceShareInvitationArn=self.invitation(VENDOR, out["ShareArn"])["resourceShareInvitationArn"])
        policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
        stack = self.deploy(VENDOR, "policy", endpoint_template(vvpc, vsubnet, out["LedgerArn"], PolicyDocument=policy), {})
        self.assertEqual(stack["StackStatus"], "ROLLBACK_COMPLETE")
        self.assertIn("Endpoint policies are supported only for gateway and interface endpoints.", self.reasons(VENDOR, "policy"))

        # No Availability Zone in common with the gateway's subnets (use1-az1, use1-az2).
        elsewhere = self.client("ec2", VENDOR).create_subnet(VpcId=vvpc, CidrBlock="10.67.9.0/24",
                                                             AvailabilityZoneId="use1-az4")["Subnet"]["SubnetId"]
        stack = self.deploy(VENDOR, "zones", {"Resources": {"Endpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
            "VpcEndpointType": "Resource", "VpcId": vvpc, "SubnetIds": [elsewhere], "ResourceConfigurationArn": out["LedgerArn"]}}}}, {})
        self.assertEqual(stack["StackStatus"], "ROLLBACK_COMPLETE")
        self.assertIn("at least one Availability Zone of the VPC endpoint and the resource gateway must overlap",
                      self.reasons(VENDOR, "zones"))

        # The DNS name is the association's: GetAtt DnsEntries is empty, as on AWS, so Fn::Select fails.
        selecting = endpoint_template(vvpc, vsubnet, out["LedgerArn"])
        selecting["Resources"]["Name"] = {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {
            "Fn::Select": [0, {"Fn::GetAtt": ["Endpoint", "DnsEntries"]}]}}}
        self.assertEqual(self.deploy(VENDOR, "selecting", selecting, {})["StackStatus"], "ROLLBACK_COMPLETE")
        self.assertIn("list index out of range", self.reasons(VENDOR, "selecting"))
        left = self.client("ec2", VENDOR).describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vvpc]}])["VpcEndpoints"]
        self.assertEqual([e["State"] for e in left], ["deleted"], "the rollback deleted the endpoint")
        self.assertEqual(self.client("ec2", VENDOR).describe_vpc_endpoint_associations(
            VpcEndpointIds=[left[0]["VpcEndpointId"]])["VpcEndpointAssociations"], [])

        cases = {
            "badname": ({"Name": "Wayne_Gateway", "VpcIdentifier": vpc, "SubnetIds": subnets},
                        "#/Name: failed validation constraint for keyword [pattern]"),
            "nosubnets": ({"Name": "wayne-two", "VpcIdentifier": vpc}, "#: required key [SubnetIds] not found"),
        }
        for stack_name, (props, text) in cases.items():
            with self.subTest(stack_name):
                template = {"Resources": {"Gateway": {"Type": "AWS::VpcLattice::ResourceGateway", "Properties": props}}}
                self.assertEqual(self.deploy(CUSTOMER, stack_name, template, {})["StackStatus"], "ROLLBACK_COMPLETE")
                self.assertIn(f"Properties validation failed for resource Gateway with message:\n{text}", self.reasons(CUSTOMER, stack_name))
        other_vpc, _ = self.vpc(CUSTOMER, "10.55.0.0/16")
        foreign = self.client("ec2", CUSTOMER).create_security_group(VpcId=other_vpc, GroupName="elsewhere", Description="x")["GroupId"]
        template = {"Resources": {"Gateway": {"Type": "AWS::VpcLattice::ResourceGateway", "Properties": {
            "Name": "wayne-three", "VpcIdentifier": vpc, "SubnetIds": subnets, "SecurityGroupIds": [foreign]}}}}
        self.assertEqual(self.deploy(CUSTOMER, "foreign", template, {})["StackStatus"], "ROLLBACK_COMPLETE")
        self.assertIn("the security groups must be in the same VPC (Service: VpcLattice, Status Code: 400, Error Code: ValidationException)",
                      self.reasons(CUSTOMER, "foreign"))

        def config(stack_name, props):
            template = {"Resources": {"Config": {"Type": "AWS::VpcLattice::ResourceConfiguration", "Properties": dict(
                {"Name": "extra", "ResourceGatewayId": out["GatewayId"]}, **props)}}}
            self.assertEqual(self.deploy(CUSTOMER, stack_name, template, {})["StackStatus"], "ROLLBACK_COMPLETE")
            return self.reasons(CUSTOMER, stack_name)
        self.assertIn("Error Code: ResourceNotFoundException", config("nodb", {
            "ResourceConfigurationType": "ARN", "ResourceConfigurationDefinition": {"ArnResource": f"arn:aws:rds:{REGION}:{CUSTOMER}:db:none"}}))
        self.assertIn("Error Code: ResourceNotFoundException", config("nogateway", {
            "ResourceConfigurationType": "SINGLE", "ResourceGatewayId": "rgw-0123456789abcdef0", "PortRanges": ["5432"],
            "ResourceConfigurationDefinition": {"DnsResource": {"DomainName": "db.example.com", "IpAddressType": "IPV4"}}}))
        self.assertIn("needs a DnsResource or an IpResource", config("nodefinition", {"ResourceConfigurationType": "SINGLE"}))
        self.assertIn("#/ProtocolType: failed validation constraint for keyword [enum]", config("udp", {
            "ResourceConfigurationType": "SINGLE", "ProtocolType": "UDP",
            "ResourceConfigurationDefinition": {"DnsResource": {"DomainName": "db.example.com", "IpAddressType": "IPV4"}}}))
        self.assertIn("Port range 70000 is not within 1-65535", config("port", {
            "ResourceConfigurationType": "SINGLE", "PortRanges": ["70000"],
            "ResourceConfigurationDefinition": {"DnsResource": {"DomainName": "db.example.com", "IpAddressType": "IPV4"}}}))

        self.assertIn("Error Code: ConflictException", config("samename", {
            "Name": "refusals-ledger", "ResourceConfigurationType": "SINGLE", "PortRanges": ["5432"],
            "ResourceConfigurationDefinition": {"DnsResource": {"DomainName": "db.example.com", "IpAddressType": "IPV4"}}}))

        # Sharing what the account does not own (or what does not exist).
        code, _ = self.error(self.client("ram", VENDOR).create_resource_share, name="theirs", resourceArns=[out["LedgerArn"]])
        self.assertEqual(code, "UnknownResourceException")


if __name__ == "__main__":
    unittest.main()
