"""The emulator refuses what AWS refuses, with AWS's error text (moto_strict.py), and
runs a stack update as CloudFormation does (moto_stacks.py).

Runs the launcher on 127.0.0.1 and drives it with boto3, as the e2e does:
CloudFormation through change sets (what `aws cloudformation deploy` and
`cdk deploy` send), EC2 through its API. `make e2e` runs it first:
python3 -m unittest discover -s e2e -p 'test_*.py'
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

LAUNCHER = Path(__file__).resolve().parent / "moto_launcher.py"
PROVIDER, CONSUMER, REGION = "444455556666", "111122223333", "us-east-1"
PRIVATE_DNS_TEXT = "Private DNS can only be enabled after the endpoint connection is accepted by the owner of "
IN_USE_TEXT = "Service has existing active VPC Endpoint connections!"
LB_IN_USE_TEXT = ("You cannot delete a VPC endpoint service configuration or change the load balancers "
                  "for the endpoint service if there are endpoints attached to the service.")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator(unittest.TestCase):
    """The launcher on a free port for the test class, and clients per account."""

    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.url = f"http://localhost:{cls.port}"
        cls.log = tempfile.NamedTemporaryFile(prefix="moto-strict-", suffix=".log", delete=False)
        cls.proc = subprocess.Popen([sys.executable, str(LAUNCHER), str(cls.port)], stdout=cls.log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(urllib.request.Request(f"http://127.0.0.1:{cls.port}/moto-api/config", method="POST",
                                                   data=b'{"lambda": {"use_docker": false}}'), timeout=5)
                break
            except OSError:
                if cls.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the moto launcher did not start")
                time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.log.close()
        os.unlink(cls.log.name)

    def run(self, result=None):
        """On a failure, the emulator's log says why (it is removed afterwards)."""
        result = super().run(result)
        if result and (result.failures or result.errors):
            print(f"\n--- emulator log:\n{Path(self.log.name).read_text(errors='replace')[-4000:]}", file=sys.stderr)
        return result

    def client(self, service, account):
        sts = boto3.client("sts", endpoint_url=self.url, region_name=REGION,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/test", RoleSessionName="strict-test")["Credentials"]
        return boto3.client(service, endpoint_url=self.url, region_name=REGION, aws_access_key_id=c["AccessKeyId"],
                            aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])

    def vpc(self, account, block):
        ec2 = self.client("ec2", account)
        vpc = ec2.create_vpc(CidrBlock=block)["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=block.replace("/16", "/24"), AvailabilityZoneId="use1-az1")["Subnet"]["SubnetId"]
        return vpc, subnet

    def service(self, acceptance=True):
        """An endpoint service of the provider account, on a new NLB; (id, name)."""
        _, subnet = self.vpc(PROVIDER, "10.1.0.0/16")
        lb = self.client("elbv2", PROVIDER).create_load_balancer(
            Name=f"nlb{time.monotonic_ns() % 100000}", Type="network", Scheme="internal", Subnets=[subnet])["LoadBalancers"][0]
        svc = self.client("ec2", PROVIDER).create_vpc_endpoint_service_configuration(
            NetworkLoadBalancerArns=[lb["LoadBalancerArn"]], AcceptanceRequired=acceptance)["ServiceConfiguration"]
        return svc["ServiceId"], svc["ServiceName"]

    def deploy(self, account, stack, template, params):
        """As `aws cloudformation deploy` does: a change set, executed; the stack's status."""
        cfn = self.client("cloudformation", account)
        exists = any(s["StackName"] == stack and s["StackStatus"] != "REVIEW_IN_PROGRESS"
                     for s in cfn.describe_stacks()["Stacks"])
        name = f"cs{time.monotonic_ns()}"
        cfn.create_change_set(StackName=stack, ChangeSetName=name, TemplateBody=json.dumps(template),
                              ChangeSetType="UPDATE" if exists else "CREATE",
                              Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()])
        cfn.execute_change_set(StackName=stack, ChangeSetName=name)
        return cfn.describe_stacks(StackName=stack)["Stacks"][0]

    def reasons(self, account, stack):
        events = self.client("cloudformation", account).describe_stack_events(StackName=stack)["StackEvents"]
        return " | ".join(e.get("ResourceStatusReason") or "" for e in events)

    def endpoint_template(self, service_name, vpc, subnet):
        return {
            "Parameters": {"EnablePrivateDns": {"Type": "String", "Default": "false", "AllowedValues": ["false", "true"]}},
            "Conditions": {"PrivateDns": {"Fn::Equals": [{"Ref": "EnablePrivateDns"}, "true"]}},
            "Resources": {"Endpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "VpcId": vpc, "ServiceName": service_name, "VpcEndpointType": "Interface", "SubnetIds": [subnet],
                "PrivateDnsEnabled": {"Fn::If": ["PrivateDns", True, False]}}}},
            "Outputs": {"EndpointId": {"Value": {"Ref": "Endpoint"}}},
        }


class StrictEmulator(Emulator):
    def test_private_dns_waits_for_acceptance(self):
        svc_id, svc_name = self.service()
        vpc, subnet = self.vpc(CONSUMER, "10.2.0.0/16")
        ec2 = self.client("ec2", CONSUMER)
        with self.assertRaises(ClientError) as err:
            ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=svc_name, VpcEndpointType="Interface", SubnetIds=[subnet],
                                    PrivateDnsEnabled=True)
        self.assertEqual(err.exception.response["Error"]["Code"], "InvalidParameter")
        self.assertEqual(err.exception.response["Error"]["Message"], PRIVATE_DNS_TEXT + svc_name)

        template = self.endpoint_template(svc_name, vpc, subnet)
        stack = self.deploy(CONSUMER, "early", template, {"EnablePrivateDns": "true"})
        self.assertEqual(stack["StackStatus"], "ROLLBACK_COMPLETE")
        self.assertIn(PRIVATE_DNS_TEXT + svc_name, self.reasons(CONSUMER, "early"))

        stack = self.deploy(CONSUMER, "twophase", template, {})
        self.assertEqual(stack["StackStatus"], "CREATE_COMPLETE")
        endpoint_id = stack["Outputs"][0]["OutputValue"]
        ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        self.assertEqual((ep["State"], ep["PrivateDnsEnabled"]), ("pendingAcceptance", False))

        stack = self.deploy(CONSUMER, "twophase", template, {"EnablePrivateDns": "true"})
        self.assertEqual(stack["StackStatus"], "UPDATE_ROLLBACK_COMPLETE")
        self.assertIn(PRIVATE_DNS_TEXT + svc_name, self.reasons(CONSUMER, "twophase"))
        self.assertEqual({p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}["EnablePrivateDns"], "false")

        provider = self.client("ec2", PROVIDER)
        conns = provider.describe_vpc_endpoint_connections(Filters=[{"Name": "service-id", "Values": [svc_id]}])["VpcEndpointConnections"]
        self.assertEqual([(c["VpcEndpointId"], c["VpcEndpointOwner"], c["VpcEndpointState"]) for c in conns],
                         [(endpoint_id, CONSUMER, "pendingAcceptance")])
        self.assertEqual(provider.accept_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[endpoint_id])["Unsuccessful"], [])

        stack = self.deploy(CONSUMER, "twophase", template, {"EnablePrivateDns": "true"})
        self.assertEqual(stack["StackStatus"], "UPDATE_COMPLETE")
        ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        self.assertEqual((ep["VpcEndpointId"], ep["State"], ep["PrivateDnsEnabled"]), (endpoint_id, "available", True))

    def test_no_acceptance_means_available(self):
        _, svc_name = self.service(acceptance=False)
        vpc, subnet = self.vpc(CONSUMER, "10.3.0.0/16")
        ep = self.client("ec2", CONSUMER).create_vpc_endpoint(VpcId=vpc, ServiceName=svc_name, VpcEndpointType="Interface",
                                                              SubnetIds=[subnet], PrivateDnsEnabled=True)["VpcEndpoint"]
        self.assertEqual(ep["State"], "available")

    def test_service_with_connections_is_not_deleted(self):
        _, subnet = self.vpc(PROVIDER, "10.4.0.0/16")
        elbv2 = self.client("elbv2", PROVIDER)
        lb = elbv2.create_load_balancer(Name="deleteme", Type="network", Scheme="internal", Subnets=[subnet])["LoadBalancers"][0]
        template = {"Resources": {"Service": {"Type": "AWS::EC2::VPCEndpointService", "Properties": {
            "NetworkLoadBalancerArns": [lb["LoadBalancerArn"]], "AcceptanceRequired": True}}},
            "Outputs": {"ServiceId": {"Value": {"Ref": "Service"}}}}
        stack = self.deploy(PROVIDER, "provider", template, {})
        svc_id = stack["Outputs"][0]["OutputValue"]
        svc_name = f"com.amazonaws.vpce.{REGION}.{svc_id}"
        vpc, csubnet = self.vpc(CONSUMER, "10.5.0.0/16")
        endpoint_id = self.client("ec2", CONSUMER).create_vpc_endpoint(
            VpcId=vpc, ServiceName=svc_name, VpcEndpointType="Interface", SubnetIds=[csubnet],
            PrivateDnsEnabled=False)["VpcEndpoint"]["VpcEndpointId"]

        provider = self.client("ec2", PROVIDER)
        unsuccessful = provider.delete_vpc_endpoint_service_configurations(ServiceIds=[svc_id])["Unsuccessful"]
        self.assertEqual([(u["ResourceId"], u["Error"]["Code"], u["Error"]["Message"]) for u in unsuccessful],
                         [(svc_id, "ExistingVpcEndpointConnections", IN_USE_TEXT)])

        cfn = self.client("cloudformation", PROVIDER)
        cfn.delete_stack(StackName="provider")
        self.assertEqual(cfn.describe_stacks(StackName="provider")["Stacks"][0]["StackStatus"], "DELETE_FAILED")
        self.assertIn(IN_USE_TEXT, self.reasons(PROVIDER, "provider"))
        self.assertEqual(len(provider.describe_vpc_endpoint_service_configurations(ServiceIds=[svc_id])["ServiceConfigurations"]), 1)

        # The documented way: reject, then delete.
        self.assertEqual(provider.reject_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[endpoint_id])["Unsuccessful"], [])
        ep = self.client("ec2", CONSUMER).describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        self.assertEqual(ep["State"], "rejected")
        cfn.delete_stack(StackName="provider")
        self.assertFalse([s for s in cfn.describe_stacks()["Stacks"] if s["StackName"] == "provider"])
        with self.assertRaises(ClientError):
            provider.describe_vpc_endpoint_service_configurations(ServiceIds=[svc_id])

    def load_balanced_service(self, lb, targets, vpc, subnet):
        """A template: an NLB (logical ID lb), a TCP listener forwarding to a target group
        (logical ID targets), an endpoint service on the NLB."""
        return {"Resources": {
            lb: {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
                "Type": "network", "Scheme": "internal", "Subnets": [subnet]}},
            targets: {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {
                "Protocol": "TCP", "Port": 5432, "VpcId": vpc, "TargetType": "ip"}},
            "Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
                "LoadBalancerArn": {"Ref": lb}, "Port": 5432, "Protocol": "TCP",
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": targets}}]}},
            "Service": {"Type": "AWS::EC2::VPCEndpointService", "Properties": {
                "NetworkLoadBalancerArns": [{"Ref": lb}], "AcceptanceRequired": True}}},
            "Outputs": {"ServiceId": {"Value": {"Ref": "Service"}}, "Nlb": {"Value": {"Ref": lb}}}}

    def test_load_balancers_stay_while_endpoints_are_attached(self):
        vpc, subnet = self.vpc(PROVIDER, "10.6.0.0/16")
        first = self.load_balanced_service("LoadBalancer", "TargetGroup", vpc, subnet)
        secured = self.load_balanced_service("NetworkLoadBalancer", "Targets", vpc, subnet)
        stack = self.deploy(PROVIDER, "lbmove", first, {})
        out = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        svc_id, old_lb = out["ServiceId"], out["Nlb"]
        provider, elbv2 = self.client("ec2", PROVIDER), self.client("elbv2", PROVIDER)

        def service():
            return provider.describe_vpc_endpoint_service_configurations(ServiceIds=[svc_id])["ServiceConfigurations"][0]

        def forwards(lb):
            return [(l["Port"], elbv2.describe_target_groups(TargetGroupArns=[l["DefaultActions"][0]["TargetGroupArn"]])["TargetGroups"][0]["TargetGroupArn"])
                    for l in elbv2.describe_listeners(LoadBalancerArn=lb)["Listeners"]]
        old_forwarding = forwards(old_lb)
        cvpc, csubnet = self.vpc(CONSUMER, "10.7.0.0/16")
        consumer = self.client("ec2", CONSUMER)
        endpoint_id = consumer.create_vpc_endpoint(VpcId=cvpc, ServiceName=service()["ServiceName"], VpcEndpointType="Interface",
                                                   SubnetIds=[csubnet], PrivateDnsEnabled=False)["VpcEndpoint"]["VpcEndpointId"]
        spare = elbv2.create_load_balancer(Name="spare", Type="network", Scheme="internal", Subnets=[subnet])["LoadBalancers"][0]["LoadBalancerArn"]

        for state in ("pendingAcceptance", "available"):
            with self.subTest(state=state):
                if state == "available":
                    self.assertEqual(provider.accept_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[endpoint_id])["Unsuccessful"], [])
                # The API: taking the load balancer away is refused.
                with self.assertRaises(ClientError) as err:
                    provider.modify_vpc_endpoint_service_configuration(
                        ServiceId=svc_id, AddNetworkLoadBalancerArns=[spare], RemoveNetworkLoadBalancerArns=[old_lb])
                self.assertEqual((err.exception.response["Error"]["Code"], err.exception.response["Error"]["Message"]),
                                 ("ExistingVpcEndpointConnections", LB_IN_USE_TEXT))
                # CloudFormation: the update to a new load balancer fails and rolls back.
                stack = self.deploy(PROVIDER, "lbmove", secured, {})
                self.assertEqual(stack["StackStatus"], "UPDATE_ROLLBACK_COMPLETE")
                self.assertIn(f"{LB_IN_USE_TEXT} (Service: Ec2, Status Code: 400, Error Code: ExistingVpcEndpointConnections)",
                              self.reasons(PROVIDER, "lbmove"))
                self.assertEqual(service()["NetworkLoadBalancerArns"], [old_lb])
                self.assertEqual(forwards(old_lb), old_forwarding, "the old listener forwards as before")
                lbs = {lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]}
                self.assertEqual(lbs, {old_lb, spare}, "the rollback deleted the load balancer the update created")
                ep = consumer.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
                self.assertEqual(ep["State"], state)

        # Once the consumer has deleted its endpoint, nothing is attached: the update goes through,
        # the service keeps its ID, and the old load balancer, listener and target group go.
        consumer.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
        conns = provider.describe_vpc_endpoint_connections(Filters=[{"Name": "service-id", "Values": [svc_id]}])["VpcEndpointConnections"]
        self.assertEqual([c["VpcEndpointState"] for c in conns], ["deleted"])
        stack = self.deploy(PROVIDER, "lbmove", secured, {})
        self.assertEqual(stack["StackStatus"], "UPDATE_COMPLETE", self.reasons(PROVIDER, "lbmove"))
        out = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        self.assertEqual(out["ServiceId"], svc_id)
        self.assertEqual(service()["NetworkLoadBalancerArns"], [out["Nlb"]])
        self.assertEqual({lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]}, {out["Nlb"], spare})
        (port, group), = forwards(out["Nlb"])
        self.assertNotEqual(group, old_forwarding[0][1])
        self.assertEqual([g["TargetGroupArn"] for g in elbv2.describe_target_groups()["TargetGroups"]], [group])

    def test_missing_change_set_is_not_found(self):
        """`cdk deploy` of an existing stack deletes its previous change set and waits
        until DescribeChangeSet answers ChangeSetNotFound, as AWS does."""
        with self.assertRaises(ClientError) as err:
            self.client("cloudformation", PROVIDER).describe_change_set(ChangeSetName="cdk-deploy-change-set", StackName="none")
        self.assertEqual((err.exception.response["Error"]["Code"], err.exception.response["ResponseMetadata"]["HTTPStatusCode"]),
                         ("ChangeSetNotFound", 404))

    def test_change_set_names_belong_to_their_stack(self):
        """Two stacks each with a change set named cdk-deploy-change-set, as `cdk deploy` of
        two stacks leaves them: deleting one stack's leaves the other's, and the deleted one
        is not found, as in AWS (moto matched the name in any stack)."""
        cfn = self.client("cloudformation", PROVIDER)
        template = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
        for stack in ("scoped-a", "scoped-b"):
            cfn.create_change_set(StackName=stack, ChangeSetName="cdk-deploy-change-set", TemplateBody=template, ChangeSetType="CREATE")
        cfn.delete_change_set(StackName="scoped-a", ChangeSetName="cdk-deploy-change-set")
        with self.assertRaises(ClientError) as err:
            cfn.describe_change_set(StackName="scoped-a", ChangeSetName="cdk-deploy-change-set")
        self.assertEqual(err.exception.response["Error"]["Code"], "ChangeSetNotFound")
        other = cfn.describe_change_set(StackName="scoped-b", ChangeSetName="cdk-deploy-change-set")
        self.assertEqual(other["StackName"], "scoped-b")
        cfn.execute_change_set(StackName="scoped-b", ChangeSetName="cdk-deploy-change-set")
        self.assertEqual(cfn.describe_stacks(StackName="scoped-b")["Stacks"][0]["StackStatus"], "CREATE_COMPLETE")


if __name__ == "__main__":
    unittest.main()
