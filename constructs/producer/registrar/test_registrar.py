"""Tests for registrar.py against in-process moto (no network is used).

Run: python3 -m unittest discover -s constructs/producer/registrar -p 'test_*.py' -v
(test_rds.py holds the RDS roles, failover events, address and AZ checks.)
"""
import json
import os
import socket
import time
import unittest
from unittest import mock

from botocore.exceptions import ClientError

import registrar
from harness import HOST, STATE, RegistrarTestCase


class RegistrarTest(RegistrarTestCase):
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
        # Only the target groups were read; nothing was written anywhere.
        self.assertEqual({op for op, _ in self.elbv2.calls + self.ssm.calls}, {"describe_target_health"})

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

    # --- metric and state ----------------------------------------------------------

    def test_emf_line_is_valid(self):
        self.resolver.answers[HOST] = ["10.0.1.10", "10.0.1.11"]
        before = int(time.time() * 1000)
        self.run_registrar(METRIC_NAMESPACE="Test/Namespace", SERVICE="orders-db")
        (metric,) = self.metrics()
        self.assertEqual(metric["_aws"]["CloudWatchMetrics"], [{
            "Namespace": "Test/Namespace", "Dimensions": [["Service"]],
            "Metrics": [{"Name": "RegisteredTargets", "Unit": "Count"}, {"Name": "UnusedTargets", "Unit": "Count"}]}])
        self.assertEqual(metric["Service"], "orders-db")
        self.assertEqual((metric["RegisteredTargets"], metric["UnusedTargets"]), (2, 0))
        self.assertTrue(before <= metric["_aws"]["Timestamp"] <= int(time.time() * 1000))

    def test_default_metric_namespace(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.run_registrar()
        (metric,) = self.metrics()
        self.assertEqual(metric["_aws"]["CloudWatchMetrics"][0]["Namespace"], "PrivateConnect/Registrar")
        self.assertEqual(metric["RegisteredTargets"], 1)

    def test_state_written_only_when_changed(self):
        self.resolver.answers[HOST] = ["10.0.1.10", "10.0.1.11"]
        self.run_registrar()  # registers both, state stays empty
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
        for bad in ("not json", "", "[]", '{"10.0.1.99": "2"}', '{"10.0.1.99": -1}', '{"misses": {"10.0.1.99": "1"}}',
                    '{"misses": {}, "owners": {"10.0.1.99": 7}}', '{"misses": {}, "other": {}}'):
            with self.subTest(state=bad):
                self.ssm._client.put_parameter(Name=STATE, Value=bad or " ", Type="String", Overwrite=True)
                with self.assertLogs("registrar", "WARNING") as logs:
                    self.run_registrar()
                self.assertTrue(any("does not hold" in line for line in logs.output))
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
        self.assertEqual(set(registrar._clients), {"ec2", "elbv2", "rds", "ssm"})


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
