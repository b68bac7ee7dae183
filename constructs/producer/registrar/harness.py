"""Shared fixtures of the registrar's tests: moto in process, a spy on each client, a fake resolver."""
import contextlib
import io
import json
import logging
import os
import socket
import unittest
from unittest import mock

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws

import registrar

# Keep expected warnings off the console; assertLogs still sees them.
logging.getLogger("registrar").addHandler(logging.NullHandler())

HOST = "db.example.internal"
STATE = "/test/registrar/state"


class Spy:
    """Wraps a boto3 client: records every call and can make chosen operations fail.

    fail[operation] = (error code, how many times) raises ClientError that many times first.
    """

    def __init__(self, client):
        self._client = client
        self.calls = []
        self.fail = {}

    def __getattr__(self, name):
        real = getattr(self._client, name)

        def wrapper(**kwargs):
            self.calls.append((name, kwargs))
            code, times = self.fail.get(name, (None, 0))
            if times > 0:
                self.fail[name] = (code, times - 1)
                raise ClientError({"Error": {"Code": code, "Message": "injected"}}, name)
            return real(**kwargs)

        wrapper.__name__ = name
        return wrapper

    def called(self, name):
        return [kwargs for op, kwargs in self.calls if op == name]


class FakeResolver:
    """hostname -> list of IPs; unknown hostnames raise socket.gaierror like getaddrinfo."""

    def __init__(self, answers=None):
        self.answers = dict(answers or {})

    def __call__(self, hostname):
        if hostname not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.answers[hostname])


class RegistrarTestCase(unittest.TestCase):
    def setUp(self):
        env = mock.patch.dict(os.environ, {
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"})
        env.start()
        self.addCleanup(env.stop)
        os.environ.pop("AWS_PROFILE", None)
        aws = mock_aws()
        aws.start()
        self.addCleanup(aws.stop)

        ec2 = boto3.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{az}")
                   ["Subnet"]["SubnetId"] for i, az in ((1, "a"), (2, "b"), (3, "c"))]
        self.subnets = dict(zip("abc", subnets))
        self.ec2 = Spy(ec2)
        self.elbv2 = Spy(boto3.client("elbv2"))
        self.rds = Spy(boto3.client("rds"))
        self.ssm = Spy(boto3.client("ssm"))
        # The load balancer has no subnet in us-east-1c.
        nlb = self.elbv2.create_load_balancer(Name="nlb", Subnets=subnets[:2], Type="network",
                                              Scheme="internal")["LoadBalancers"][0]["LoadBalancerArn"]
        # Two listener ports, one IP target group each.
        self.groups = {}
        for port in (5432, 6432):
            arn = self.elbv2.create_target_group(Name=f"tg-{port}", Protocol="TCP", Port=port, VpcId=vpc,
                                                 TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
            self.elbv2.create_listener(LoadBalancerArn=nlb, Protocol="TCP", Port=port,
                                       DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}])
            self.groups[port] = arn
        self.ssm.put_parameter(Name=STATE, Value="{}", Type="String")
        self.sleeps = []
        self.on_sleep = None
        self.resolver = FakeResolver()
        self.env = {
            "TARGET_GROUPS": json.dumps([{"arn": arn, "port": port} for port, arn in self.groups.items()]),
            "TARGET_KIND": "hostname", "TARGET": HOST, "STATE_PARAMETER": STATE,
            "DEREGISTER_AFTER_MISSES": "3", "SERVICE": "db",
        }
        for spy in (self.ec2, self.elbv2, self.rds, self.ssm):
            spy.calls.clear()

    # --- helpers -------------------------------------------------------------

    def run_registrar(self, event=None, **env):
        config = registrar.Config.from_env({**self.env, **env})
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            summary = registrar.run(config, self.elbv2, self.rds, self.ssm, self.resolver, self.sleep,
                                    event=event, ec2=self.ec2)
        self.stdout = out.getvalue()
        return summary

    def sleep(self, seconds):
        """The registrar's sleep: recorded, and whatever self.on_sleep does happens meanwhile."""
        self.sleeps.append(seconds)
        if self.on_sleep:
            self.on_sleep(len(self.sleeps))

    def targets(self, port):
        health = self.elbv2._client.describe_target_health(TargetGroupArn=self.groups[port])
        return {(d["Target"]["Id"], d["Target"]["Port"]) for d in health["TargetHealthDescriptions"]}

    def register(self, port, ip, target_port):
        self.elbv2._client.register_targets(TargetGroupArn=self.groups[port],
                                            Targets=[{"Id": ip, "Port": target_port}])

    def raw_state(self):
        return json.loads(self.ssm._client.get_parameter(Name=STATE)["Parameter"]["Value"])

    def state(self):
        """The miss counts."""
        return self.raw_state().get("misses", {})

    def owners(self):
        return self.raw_state().get("owners", {})

    def set_state(self, misses, owners=None):
        value = {"misses": misses, "owners": owners or {}}
        self.ssm._client.put_parameter(Name=STATE, Value=json.dumps(value), Type="String", Overwrite=True)

    def metrics(self):
        lines = [json.loads(line) for line in self.stdout.splitlines() if line.strip()]
        return [line for line in lines if "_aws" in line]

    def create_cluster(self, writer, readers):
        self.rds._client.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql",
                                           MasterUsername="admin", MasterUserPassword="password123")
        for i, identifier in enumerate([writer] + readers):
            self.add_instance(identifier, f"10.0.1.{10 + i}", cluster="aurora")

    def add_instance(self, identifier, ip, cluster=None, zone="us-east-1a"):
        """Create a DB instance and make the fake resolver answer its endpoint with ip."""
        if cluster:
            self.rds._client.create_db_instance(DBInstanceIdentifier=identifier, DBInstanceClass="db.r6g.large",
                                                Engine="aurora-postgresql", DBClusterIdentifier=cluster,
                                                AvailabilityZone=zone)
        else:
            self.rds._client.create_db_instance(DBInstanceIdentifier=identifier, DBInstanceClass="db.t3.micro",
                                                Engine="postgres", MasterUsername="admin", AvailabilityZone=zone,
                                                MasterUserPassword="password123", AllocatedStorage=20)
        self.resolver.answers[self.endpoint(identifier)] = [ip]

    def endpoint(self, identifier):
        # moto returns "<id>.aaaaaaaaaa.<region>.rds.amazonaws.com"; read it rather than assume it.
        instance = self.rds._client.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        return instance["Endpoint"]["Address"]

    def mark_unused(self, *ips):
        """Make describe_target_health report ips unused because their AZ is not enabled (moto never does)."""
        real = self.elbv2._client.describe_target_health

        def with_unused(**kwargs):
            answer = real(**kwargs)
            for description in answer["TargetHealthDescriptions"]:
                if description["Target"]["Id"] in ips:
                    description["TargetHealth"] = {"State": "unused", "Reason": "Target.NotInUse"}
            return answer

        self.elbv2._client.describe_target_health = with_unused
