"""Tests for registrar.py against in-process moto (no network is used).

Run: cd /work/main && python3 -m unittest discover -s constructs/producer/registrar -p 'test_*.py' -v
"""
import contextlib
import io
import json
import logging
import os
import socket
import time
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
                   ["Subnet"]["SubnetId"] for i, az in ((1, "a"), (2, "b"))]
        self.elbv2 = Spy(boto3.client("elbv2"))
        self.rds = Spy(boto3.client("rds"))
        self.ssm = Spy(boto3.client("ssm"))
        nlb = self.elbv2.create_load_balancer(Name="nlb", Subnets=subnets, Type="network",
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
        self.resolver = FakeResolver()
        self.env = {
            "TARGET_GROUPS": json.dumps([{"arn": arn, "port": port} for port, arn in self.groups.items()]),
            "TARGET_KIND": "hostname", "TARGET": HOST, "STATE_PARAMETER": STATE,
            "DEREGISTER_AFTER_MISSES": "3", "SERVICE": "db",
        }
        for spy in (self.elbv2, self.rds, self.ssm):
            spy.calls.clear()

    # --- helpers -------------------------------------------------------------

    def run_registrar(self, **env):
        config = registrar.Config.from_env({**self.env, **env})
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            summary = registrar.run(config, self.elbv2, self.rds, self.ssm, self.resolver, self.sleeps.append)
        self.stdout = out.getvalue()
        return summary

    def targets(self, port):
        health = self.elbv2._client.describe_target_health(TargetGroupArn=self.groups[port])
        return {(d["Target"]["Id"], d["Target"]["Port"]) for d in health["TargetHealthDescriptions"]}

    def register(self, port, ip, target_port):
        self.elbv2._client.register_targets(TargetGroupArn=self.groups[port],
                                            Targets=[{"Id": ip, "Port": target_port}])

    def state(self):
        return json.loads(self.ssm._client.get_parameter(Name=STATE)["Parameter"]["Value"])

    def set_state(self, value):
        self.ssm._client.put_parameter(Name=STATE, Value=json.dumps(value), Type="String", Overwrite=True)

    def metrics(self):
        lines = [json.loads(line) for line in self.stdout.splitlines() if line.strip()]
        return [line for line in lines if "_aws" in line]

    def create_cluster(self, writer, readers):
        self.rds._client.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql",
                                           MasterUsername="admin", MasterUserPassword="password123")
        for i, identifier in enumerate([writer] + readers):
            self.add_instance(identifier, f"10.0.1.{10 + i}", cluster="aurora")

    def add_instance(self, identifier, ip, cluster=None):
        """Create a DB instance and make the fake resolver answer its endpoint with ip."""
        if cluster:
            self.rds._client.create_db_instance(DBInstanceIdentifier=identifier, DBInstanceClass="db.r6g.large",
                                                Engine="aurora-postgresql", DBClusterIdentifier=cluster)
        else:
            self.rds._client.create_db_instance(DBInstanceIdentifier=identifier, DBInstanceClass="db.t3.micro",
                                                Engine="postgres", MasterUsername="admin",
                                                MasterUserPassword="password123", AllocatedStorage=20)
        # moto returns "<id>.aaaaaaaaaa.<region>.rds.amazonaws.com"; read it rather than assume it.
        instance = self.rds._client.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        self.resolver.answers[instance["Endpoint"]["Address"]] = [ip]

    # --- hostname targets ----------------------------------------------------

    def test_new_ip_registered_in_every_group_on_its_port(self):
        self.resolver.answers[HOST] = ["10.0.1.10", "10.0.2.10", "10.0.1.10"]
        summary = self.run_registrar()
        for port in self.groups:
            self.assertEqual(self.targets(port), {("10.0.1.10", port), ("10.0.2.10", port)})
        self.assertEqual(summary, {"desired": ["10.0.1.10", "10.0.2.10"],
                                   "registered": ["10.0.1.10", "10.0.2.10"], "deregistered": []})
        # A second run is a no-op.
        self.elbv2.calls.clear()
        self.assertEqual(self.run_registrar()["registered"], [])
        self.assertEqual(self.elbv2.called("register_targets"), [])

    def test_stale_ip_kept_for_n_minus_1_runs_then_deregistered_with_its_port(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        # The stale IP sits in both groups, in the first on a port that is not the group's port.
        self.register(5432, "10.0.1.99", 7000)
        self.register(6432, "10.0.1.99", 6432)
        for run in (1, 2):
            summary = self.run_registrar()
            self.assertEqual(summary["deregistered"], [])
            self.assertIn(("10.0.1.99", 7000), self.targets(5432))
            self.assertIn(("10.0.1.99", 6432), self.targets(6432))
            # One miss per run even though the IP is missing from two groups.
            self.assertEqual(self.state(), {"10.0.1.99": run})
        self.assertEqual(self.elbv2.called("deregister_targets"), [])

        summary = self.run_registrar()
        self.assertEqual(summary["deregistered"], ["10.0.1.99"])
        self.assertEqual(self.targets(5432), {("10.0.1.10", 5432)})
        self.assertEqual(self.targets(6432), {("10.0.1.10", 6432)})
        self.assertEqual(self.state(), {})
        # moto ignores the port on DeregisterTargets (real ELBv2 silently does nothing on a
        # wrong port), so check the exact request as well as the resulting targets.
        calls = {c["TargetGroupArn"]: c["Targets"] for c in self.elbv2.called("deregister_targets")}
        self.assertEqual(calls, {self.groups[5432]: [{"Id": "10.0.1.99", "Port": 7000}],
                                 self.groups[6432]: [{"Id": "10.0.1.99", "Port": 6432}]})

    def test_deregister_after_one_miss(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.register(5432, "10.0.1.99", 5432)
        self.assertEqual(self.run_registrar(DEREGISTER_AFTER_MISSES="1")["deregistered"], ["10.0.1.99"])
        self.assertEqual(self.targets(5432), {("10.0.1.10", 5432)})

    def test_ip_coming_back_resets_its_count(self):
        self.resolver.answers[HOST] = ["10.0.1.10", "10.0.1.11"]
        self.run_registrar()
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.run_registrar()
        self.run_registrar()
        self.assertEqual(self.state(), {"10.0.1.11": 2})
        self.resolver.answers[HOST] = ["10.0.1.10", "10.0.1.11"]
        self.run_registrar()
        self.assertEqual(self.state(), {})
        # Missing again: counting starts over, so it is not removed on this run.
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.assertEqual(self.run_registrar()["deregistered"], [])
        self.assertEqual(self.state(), {"10.0.1.11": 1})
        self.assertIn(("10.0.1.11", 5432), self.targets(5432))

    def test_desired_ip_on_wrong_port_is_moved_to_group_port(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.register(5432, "10.0.1.10", 7000)
        summary = self.run_registrar()
        self.assertEqual(self.targets(5432), {("10.0.1.10", 5432)})
        self.assertEqual(summary["deregistered"], ["10.0.1.10"])
        self.assertEqual(self.elbv2.called("deregister_targets"),
                         [{"TargetGroupArn": self.groups[5432], "Targets": [{"Id": "10.0.1.10", "Port": 7000}]}])

    def test_dns_failure_changes_nothing_and_raises(self):
        self.register(5432, "10.0.1.99", 5432)
        self.set_state({"10.0.1.99": 2})  # one more miss would deregister it
        self.ssm.calls.clear()
        with self.assertRaises(socket.gaierror), self.assertLogs("registrar", "ERROR"):
            self.run_registrar()  # HOST is unknown to the fake resolver
        self.assertEqual(self.targets(5432), {("10.0.1.99", 5432)})
        self.assertEqual(self.targets(6432), set())
        self.assertEqual(self.state(), {"10.0.1.99": 2})
        self.assertEqual([op for op, _ in self.elbv2.calls + self.ssm.calls], [])

    def test_rds_api_error_changes_nothing_and_raises(self):
        self.register(5432, "10.0.1.99", 5432)
        self.set_state({"10.0.1.99": 2})
        with self.assertRaises(ClientError) as caught:
            self.run_registrar(TARGET_KIND="dbInstance", TARGET="does-not-exist")
        self.assertEqual(caught.exception.response["Error"]["Code"], "DBInstanceNotFound")
        self.assertEqual(self.targets(5432), {("10.0.1.99", 5432)})
        self.assertEqual(self.state(), {"10.0.1.99": 2})

    def test_empty_answer_changes_nothing_and_does_not_raise(self):
        self.register(5432, "10.0.1.98", 5432)
        self.register(5432, "10.0.1.99", 5432)
        self.register(6432, "10.0.1.99", 6432)
        self.set_state({"10.0.1.99": 2})
        self.ssm.calls.clear()
        self.resolver.answers[HOST] = []
        with self.assertLogs("registrar", "WARNING"):
            summary = self.run_registrar(DEREGISTER_AFTER_MISSES="1")
        self.assertEqual(summary, {"desired": [], "registered": [], "deregistered": []})
        self.assertEqual(self.targets(5432), {("10.0.1.98", 5432), ("10.0.1.99", 5432)})
        self.assertEqual(self.targets(6432), {("10.0.1.99", 6432)})
        self.assertEqual(self.state(), {"10.0.1.99": 2})
        self.assertEqual(self.ssm.called("put_parameter"), [])
        self.assertEqual(self.elbv2.called("register_targets") + self.elbv2.called("deregister_targets"), [])
        # The metric is still emitted: the emptiest group (6432) holds one IP.
        self.assertEqual([m["RegisteredTargets"] for m in self.metrics()], [1])

    # --- throttling ------------------------------------------------------------

    def test_throttling_is_retried(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.elbv2.fail["describe_target_health"] = ("Throttling", 1)
        self.ssm.fail["get_parameter"] = ("ThrottlingException", 2)
        self.run_registrar()
        self.assertEqual(self.targets(5432), {("10.0.1.10", 5432)})
        self.assertEqual(self.sleeps, [0.5, 0.5, 1.0])

    def test_throttling_gives_up_after_max_attempts(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.elbv2.fail["register_targets"] = ("RequestLimitExceeded", 100)
        with self.assertRaises(ClientError) as caught:
            self.run_registrar()
        self.assertEqual(caught.exception.response["Error"]["Code"], "RequestLimitExceeded")
        self.assertEqual(len(self.elbv2.called("register_targets")), registrar.MAX_ATTEMPTS)
        self.assertEqual(self.sleeps, [0.5, 1.0, 2.0, 4.0])
        self.assertEqual(self.targets(5432), set())

    def test_other_errors_are_not_retried(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.elbv2.fail["register_targets"] = ("AccessDenied", 1)
        with self.assertRaises(ClientError):
            self.run_registrar()
        self.assertEqual(len(self.elbv2.called("register_targets")), 1)
        self.assertEqual(self.sleeps, [])

    # --- RDS targets ------------------------------------------------------------

    def test_db_instance_endpoint_is_resolved(self):
        self.add_instance("solo", "10.0.2.20")
        summary = self.run_registrar(TARGET_KIND="dbInstance", TARGET="solo")
        self.assertEqual(summary["desired"], ["10.0.2.20"])
        self.assertEqual(self.targets(6432), {("10.0.2.20", 6432)})

    def test_cluster_reader_membership_is_followed(self):
        self.create_cluster("writer-1", ["reader-1"])  # writer 10.0.1.10, reader-1 10.0.1.11
        env = {"TARGET_KIND": "dbCluster", "TARGET": "aurora", "ROLE": "reader", "DEREGISTER_AFTER_MISSES": "1"}
        self.assertEqual(self.run_registrar(**env)["desired"], ["10.0.1.11"])
        self.assertEqual(self.targets(5432), {("10.0.1.11", 5432)})

        self.add_instance("reader-2", "10.0.1.12", cluster="aurora")
        self.assertEqual(self.run_registrar(**env)["registered"], ["10.0.1.12"])
        self.assertEqual(self.targets(5432), {("10.0.1.11", 5432), ("10.0.1.12", 5432)})

        self.rds._client.delete_db_instance(DBInstanceIdentifier="reader-1", SkipFinalSnapshot=True)
        self.assertEqual(self.run_registrar(**env)["deregistered"], ["10.0.1.11"])
        self.assertEqual(self.targets(5432), {("10.0.1.12", 5432)})
        self.assertEqual(self.targets(6432), {("10.0.1.12", 6432)})

        # A reader that is not "available" is not a target. (moto lets an Aurora member be
        # stopped, which real RDS does not; it is only a convenient way to change the status.)
        self.add_instance("reader-3", "10.0.1.13", cluster="aurora")
        self.rds._client.stop_db_instance(DBInstanceIdentifier="reader-3")
        self.assertEqual(self.run_registrar(**env)["desired"], ["10.0.1.12"])

    def test_cluster_without_available_readers_changes_nothing(self):
        self.create_cluster("writer-1", [])
        self.register(5432, "10.0.1.99", 5432)
        summary = self.run_registrar(TARGET_KIND="dbCluster", TARGET="aurora", ROLE="reader",
                                     DEREGISTER_AFTER_MISSES="1")
        self.assertEqual(summary["desired"], [])
        self.assertEqual(self.targets(5432), {("10.0.1.99", 5432)})

    def test_cluster_writer_role_registers_only_the_writer(self):
        self.create_cluster("writer-1", ["reader-1", "reader-2"])
        env = {"TARGET_KIND": "dbCluster", "TARGET": "aurora", "DEREGISTER_AFTER_MISSES": "1"}  # ROLE defaults to writer
        self.assertEqual(self.run_registrar(**env)["desired"], ["10.0.1.10"])
        for port in self.groups:
            self.assertEqual(self.targets(port), {("10.0.1.10", port)})

        # After a failover the new writer replaces the old one.
        self.rds._client.failover_db_cluster(DBClusterIdentifier="aurora", TargetDBInstanceIdentifier="reader-2")
        summary = self.run_registrar(**env)
        self.assertEqual((summary["registered"], summary["deregistered"]), (["10.0.1.12"], ["10.0.1.10"]))
        self.assertEqual(self.targets(5432), {("10.0.1.12", 5432)})

    # --- metric and state ----------------------------------------------------------

    def test_emf_line_is_valid(self):
        self.resolver.answers[HOST] = ["10.0.1.10", "10.0.1.11"]
        before = int(time.time() * 1000)
        self.run_registrar(METRIC_NAMESPACE="Test/Namespace", SERVICE="orders-db")
        (metric,) = self.metrics()
        self.assertEqual(metric["_aws"]["CloudWatchMetrics"], [{
            "Namespace": "Test/Namespace", "Dimensions": [["Service"]],
            "Metrics": [{"Name": "RegisteredTargets", "Unit": "Count"}]}])
        self.assertEqual(metric["Service"], "orders-db")
        self.assertEqual(metric["RegisteredTargets"], 2)
        self.assertTrue(before <= metric["_aws"]["Timestamp"] <= int(time.time() * 1000))

    def test_default_metric_namespace(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.run_registrar()
        (metric,) = self.metrics()
        self.assertEqual(metric["_aws"]["CloudWatchMetrics"][0]["Namespace"], "PrivateConnect/Registrar")
        self.assertEqual(metric["RegisteredTargets"], 1)

    def test_state_written_only_when_changed(self):
        self.resolver.answers[HOST] = ["10.0.1.10", "10.0.1.11"]
        self.run_registrar()  # registers both, state stays {}
        self.assertEqual(self.ssm.called("put_parameter"), [])

        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.run_registrar()  # 10.0.1.11 misses once
        self.assertEqual(len(self.ssm.called("put_parameter")), 1)
        self.assertEqual(self.state(), {"10.0.1.11": 1})

        self.resolver.answers[HOST] = ["10.0.1.10", "10.0.1.11"]
        self.run_registrar()  # back: count reset
        self.assertEqual(len(self.ssm.called("put_parameter")), 2)
        self.assertEqual(self.state(), {})

        self.run_registrar()  # nothing changed
        self.assertEqual(len(self.ssm.called("put_parameter")), 2)

    def test_invalid_state_is_treated_as_empty(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.register(5432, "10.0.1.99", 5432)
        for bad in ("not json", "", "[]", '{"10.0.1.99": "2"}', '{"10.0.1.99": -1}'):
            with self.subTest(state=bad):
                self.ssm._client.put_parameter(Name=STATE, Value=bad or " ", Type="String", Overwrite=True)
                with self.assertLogs("registrar", "WARNING") as logs:
                    self.run_registrar()
                self.assertTrue(any("does not hold a JSON object" in line for line in logs.output))
                self.assertEqual(self.state(), {"10.0.1.99": 1})

    def test_draining_targets_are_not_counted_as_registered(self):
        # moto never reports "draining", so mark targets draining in describe_target_health's answer.
        real = self.elbv2._client.describe_target_health

        def with_draining(**kwargs):
            answer = real(**kwargs)
            for description in answer["TargetHealthDescriptions"]:
                if description["Target"]["Id"] in ("10.0.1.10", "10.0.1.99"):
                    description["TargetHealth"] = {"State": "draining"}
            return answer

        self.elbv2._client.describe_target_health = with_draining
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.register(5432, "10.0.1.10", 5432)  # desired but draining: registered again
        self.register(5432, "10.0.1.99", 5432)  # stale and already draining: left alone
        summary = self.run_registrar(DEREGISTER_AFTER_MISSES="1")
        self.assertEqual(summary["registered"], ["10.0.1.10"])
        self.assertEqual(summary["deregistered"], [])
        self.assertIn({"TargetGroupArn": self.groups[5432], "Targets": [{"Id": "10.0.1.10", "Port": 5432}]},
                      self.elbv2.called("register_targets"))
        self.assertEqual(self.elbv2.called("deregister_targets"), [])
        self.assertEqual(self.state(), {})

    def test_handler_wires_environment_and_clients(self):
        # The instance does not exist, so the run stops at RDS before any DNS lookup is made.
        self.addCleanup(registrar._clients.clear)
        with mock.patch.dict(os.environ, {**self.env, "TARGET_KIND": "dbInstance", "TARGET": "missing"}):
            with self.assertRaises(ClientError) as caught:
                registrar.handler({"source": "aws.rds"}, None)
        self.assertEqual(caught.exception.response["Error"]["Code"], "DBInstanceNotFound")
        self.assertEqual(set(registrar._clients), {"elbv2", "rds", "ssm"})


class ConfigTest(unittest.TestCase):
    ENV = {"TARGET_GROUPS": '[{"arn": "arn:tg", "port": 5432}]', "TARGET_KIND": "dbCluster",
           "TARGET": "aurora", "STATE_PARAMETER": "/p", "SERVICE": "db"}

    def test_defaults(self):
        config = registrar.Config.from_env(self.ENV)
        self.assertEqual(config.target_groups, (registrar.TargetGroup("arn:tg", 5432),))
        self.assertEqual((config.role, config.deregister_after_misses, config.metric_namespace),
                         ("writer", 3, "PrivateConnect/Registrar"))

    def test_invalid_values_are_rejected(self):
        for override in ({"TARGET_KIND": "cname"}, {"ROLE": "primary"}, {"DEREGISTER_AFTER_MISSES": "0"},
                         {"TARGET_GROUPS": "[]"}, {"TARGET_GROUPS": '[{"arn": "a", "port": 0}]'}, {"TARGET": ""}):
            with self.subTest(override=override), self.assertRaises(ValueError):
                registrar.Config.from_env({**self.ENV, **override})

    def test_resolver_rejects_non_ipv4_answers(self):
        with self.assertRaises(ValueError):
            registrar._resolve(lambda host: ["10.0.0.1", "::1"], "h")


if __name__ == "__main__":
    unittest.main()
