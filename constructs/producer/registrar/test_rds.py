"""Tests of the registrar's RDS side against in-process moto: roles, removals the RDS API
proves, failover events, private addresses only, and targets in an AZ the NLB lacks."""
import socket
import unittest

import registrar
from harness import HOST, RegistrarTestCase

WRITER = {"TARGET_KIND": "dbCluster", "TARGET": "aurora"}  # ROLE defaults to writer
READERS = {"TARGET_KIND": "dbCluster", "TARGET": "aurora", "ROLE": "reader"}


def rds_event(source, categories=("failover",), detail_type="RDS DB Cluster Event"):
    """An RDS event as EventBridge delivers it (only the fields the registrar reads matter)."""
    return {"source": "aws.rds", "detail-type": detail_type,
            "detail": {"SourceIdentifier": source, "EventCategories": list(categories),
                       "EventID": "RDS-EVENT-0073", "Message": "Started cross AZ failover"}}


class RdsTargetsTest(RegistrarTestCase):
    def test_db_instance_endpoint_is_resolved(self):
        self.add_instance("solo", "10.0.2.20")
        summary = self.run_registrar(TARGET_KIND="dbInstance", TARGET="solo")
        self.assertEqual(summary["desired"], ["10.0.2.20"])
        self.assertEqual(self.targets(6432), {("10.0.2.20", 6432)})

    def test_db_instance_endpoint_moving_is_counted_as_misses(self):
        # A Multi-AZ failover moves the endpoint to the standby's address; the RDS API
        # says nothing about the old one, so it goes only after DEREGISTER_AFTER_MISSES runs.
        self.add_instance("solo", "10.0.1.20")
        self.run_registrar(TARGET_KIND="dbInstance", TARGET="solo")
        self.resolver.answers[self.endpoint("solo")] = ["10.0.2.20"]
        summary = self.run_registrar(TARGET_KIND="dbInstance", TARGET="solo")
        self.assertEqual((summary["registered"], summary["deregistered"]), (["10.0.2.20"], []))
        self.assertEqual(self.state(), {"10.0.1.20": 1})
        self.run_registrar(TARGET_KIND="dbInstance", TARGET="solo")
        self.assertEqual(self.run_registrar(TARGET_KIND="dbInstance", TARGET="solo")["deregistered"], ["10.0.1.20"])

    def test_aurora_writer_failover_removes_the_old_writer_in_the_same_run(self):
        self.create_cluster("writer-1", ["reader-1", "reader-2"])  # 10.0.1.10, .11, .12
        self.assertEqual(self.run_registrar(**WRITER)["desired"], ["10.0.1.10"])
        for port in self.groups:
            self.assertEqual(self.targets(port), {("10.0.1.10", port)})
        self.assertEqual(self.owners(), {"10.0.1.10": "writer-1"})

        # The old writer restarts as a reader: it still resolves and would pass a TCP health
        # check, but the RDS API says it is no longer the writer, so it goes at once
        # although DEREGISTER_AFTER_MISSES is 3.
        self.rds._client.failover_db_cluster(DBClusterIdentifier="aurora", TargetDBInstanceIdentifier="reader-2")
        with self.assertLogs("registrar", "INFO") as logs:
            summary = self.run_registrar(**WRITER)
        self.assertEqual((summary["registered"], summary["deregistered"]), (["10.0.1.12"], ["10.0.1.10"]))
        for port in self.groups:
            self.assertEqual(self.targets(port), {("10.0.1.12", port)})
        self.assertTrue(any("writer-1 is no longer the writer" in line for line in logs.output), logs.output)
        self.assertEqual((self.state(), self.owners()), ({}, {"10.0.1.12": "reader-2"}))

    def test_readers_proven_wrong_are_removed_at_once(self):
        self.create_cluster("writer-1", ["reader-1", "reader-2", "reader-3"])  # .10 writer; readers .11-.13
        self.assertEqual(self.run_registrar(**READERS)["desired"], ["10.0.1.11", "10.0.1.12", "10.0.1.13"])

        # A reader that is not "available" goes at once. (moto lets an Aurora member be stopped,
        # which real RDS does not; it is only a convenient way to change the status.)
        self.rds._client.stop_db_instance(DBInstanceIdentifier="reader-3")
        summary = self.run_registrar(**READERS)
        self.assertEqual(summary["deregistered"], ["10.0.1.13"])

        # A reader deleted from the cluster goes at once, though its name no longer resolves.
        self.rds._client.delete_db_instance(DBInstanceIdentifier="reader-1", SkipFinalSnapshot=True)
        del self.resolver.answers[f"reader-1.aaaaaaaaaa.us-east-1.rds.amazonaws.com"]
        self.assertEqual(self.run_registrar(**READERS)["deregistered"], ["10.0.1.11"])

        # A reader promoted to writer goes at once; the demoted writer becomes a target.
        self.rds._client.failover_db_cluster(DBClusterIdentifier="aurora", TargetDBInstanceIdentifier="reader-2")
        summary = self.run_registrar(**READERS)
        self.assertEqual((summary["registered"], summary["deregistered"]), (["10.0.1.10"], ["10.0.1.12"]))
        for port in self.groups:
            self.assertEqual(self.targets(port), {("10.0.1.10", port)})
        self.assertEqual(self.state(), {})

        # A new reader is followed.
        self.add_instance("reader-4", "10.0.1.14", cluster="aurora")
        self.assertEqual(self.run_registrar(**READERS)["registered"], ["10.0.1.14"])

    def test_address_of_unknown_owner_is_counted_as_misses(self):
        # Registered before owners were recorded (or by hand): nothing proves it wrong.
        self.create_cluster("writer-1", [])
        self.register(5432, "10.0.1.99", 5432)
        summary = self.run_registrar(**WRITER)
        self.assertEqual(summary["deregistered"], [])
        self.assertEqual(self.state(), {"10.0.1.99": 1})

    def test_first_state_format_is_read(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.register(5432, "10.0.1.99", 5432)
        self.ssm._client.put_parameter(Name="/test/registrar/state", Value='{"10.0.1.99": 2}', Type="String",
                                       Overwrite=True)
        self.assertEqual(self.run_registrar()["deregistered"], ["10.0.1.99"])
        self.assertEqual(self.raw_state(), {"misses": {}, "owners": {}})

    def test_cluster_without_available_readers_changes_nothing(self):
        self.create_cluster("writer-1", ["reader-1"])
        self.run_registrar(**READERS)
        self.rds._client.stop_db_instance(DBInstanceIdentifier="reader-1")
        self.register(5432, "10.0.1.99", 5432)
        with self.assertLogs("registrar", "WARNING"):
            summary = self.run_registrar(**READERS, DEREGISTER_AFTER_MISSES="1")
        # Proven wrong, but removing it would empty the target group: an empty answer changes nothing.
        self.assertEqual(summary, {"desired": [], "registered": [], "deregistered": []})
        self.assertEqual(self.targets(5432), {("10.0.1.11", 5432), ("10.0.1.99", 5432)})


class FailoverEventTest(RegistrarTestCase):
    def overlay_cluster_status(self, status):
        """describe_db_clusters reports status until the registrar has slept twice (moto has no
        'failing-over'); at the second sleep the failover itself happens."""
        real = self.rds._client.describe_db_clusters

        def describe(**kwargs):
            answer = real(**kwargs)
            if len(self.sleeps) < 2:
                answer["DBClusters"][0]["Status"] = status
            return answer

        self.rds._client.describe_db_clusters = describe

        def failover(slept):
            if slept == 2:
                self.rds._client.failover_db_cluster(DBClusterIdentifier="aurora",
                                                     TargetDBInstanceIdentifier="reader-1")
        self.on_sleep = failover

    def test_event_run_waits_for_the_failover_and_registers_the_new_writer(self):
        self.create_cluster("writer-1", ["reader-1"])
        self.run_registrar(**WRITER)
        self.overlay_cluster_status("failing-over")
        with self.assertLogs("registrar", "INFO") as logs:
            summary = self.run_registrar(event=rds_event("aurora"), **WRITER)
        self.assertEqual(self.sleeps, [registrar.FAILOVER_RETRY_SECONDS] * 2)
        self.assertEqual((summary["registered"], summary["deregistered"]), (["10.0.1.11"], ["10.0.1.10"]))
        self.assertTrue(any("is failing over; looking again" in line for line in logs.output), logs.output)

    def test_event_about_a_member_instance_counts(self):
        self.create_cluster("writer-1", ["reader-1"])
        self.run_registrar(**WRITER)
        self.overlay_cluster_status("failing-over")
        summary = self.run_registrar(event=rds_event("writer-1", detail_type="RDS DB Instance Event"), **WRITER)
        self.assertEqual(summary["registered"], ["10.0.1.11"])

    def test_wait_is_bounded(self):
        self.create_cluster("writer-1", ["reader-1"])
        self.run_registrar(**WRITER)
        real = self.rds._client.describe_db_clusters

        def failing_over_for_ever(**kwargs):
            answer = real(**kwargs)
            answer["DBClusters"][0]["Status"] = "failing-over"
            return answer
        self.rds._client.describe_db_clusters = failing_over_for_ever
        summary = self.run_registrar(event=rds_event("aurora"), **WRITER)  # nothing ever moves
        self.assertEqual(sum(self.sleeps), registrar.FAILOVER_WAIT_SECONDS)
        self.assertEqual((summary["registered"], summary["deregistered"]), ([], []))

    def test_no_wait_once_the_cluster_has_settled(self):
        # A failover event that comes after a scheduled run already followed the failover.
        self.create_cluster("writer-1", ["reader-1"])
        self.rds._client.failover_db_cluster(DBClusterIdentifier="aurora", TargetDBInstanceIdentifier="reader-1")
        self.run_registrar(**WRITER)
        self.run_registrar(event=rds_event("aurora"), **WRITER)
        self.assertEqual(self.sleeps, [])

    def test_other_events_do_not_wait(self):
        self.create_cluster("writer-1", ["reader-1"])
        self.run_registrar(**WRITER)
        for event in (rds_event("another-cluster"), rds_event("aurora", categories=["maintenance"]),
                      {"source": "aws.events", "detail-type": "Scheduled Event"}, None, "not a dict"):
            with self.subTest(event=event):
                self.run_registrar(event=event, **WRITER)
                self.assertEqual(self.sleeps, [])

    def test_hostname_mode_waits_for_dns_to_flip(self):
        # A Multi-AZ DB instance failover: the endpoint moves to the standby some seconds
        # after the event. The event names the instance, the first label of its endpoint.
        host = "orders.abc123.us-east-1.rds.amazonaws.com"
        self.resolver.answers[host] = ["10.0.1.20"]
        self.run_registrar(TARGET=host)

        def flip(slept):
            if slept == 3:
                self.resolver.answers[host] = ["10.0.2.20"]
        self.on_sleep = flip
        summary = self.run_registrar(event=rds_event("orders", detail_type="RDS DB Instance Event"), TARGET=host)
        self.assertEqual(len(self.sleeps), 3)
        self.assertEqual(summary["registered"], ["10.0.2.20"])
        self.assertEqual(self.state(), {"10.0.1.20": 1})  # vanished from DNS only: counted

    def test_dns_failure_during_a_failover_is_retried_then_raised(self):
        host = "orders.abc123.us-east-1.rds.amazonaws.com"
        self.resolver.answers[host] = ["10.0.1.20"]
        self.run_registrar(TARGET=host)
        del self.resolver.answers[host]
        with self.assertRaises(socket.gaierror), self.assertLogs("registrar", "ERROR"):
            self.run_registrar(event=rds_event("orders"), TARGET=host)
        self.assertEqual(sum(self.sleeps), registrar.FAILOVER_WAIT_SECONDS)
        self.assertEqual(self.targets(5432), {("10.0.1.20", 5432)})

        # It answers again within the wait: the run goes on.
        self.sleeps.clear()
        self.on_sleep = lambda slept: self.resolver.answers.__setitem__(host, ["10.0.2.20"])
        self.assertEqual(self.run_registrar(event=rds_event("orders"), TARGET=host)["registered"], ["10.0.2.20"])
        self.assertEqual(len(self.sleeps), 1)


class AddressAndZoneTest(RegistrarTestCase):
    def test_public_address_is_an_error_that_changes_nothing(self):
        self.resolver.answers[HOST] = ["10.0.1.10"]
        self.run_registrar()
        self.resolver.answers[HOST] = ["54.12.34.56", "10.0.1.10"]
        with self.assertRaises(registrar.ResolutionError) as caught, self.assertLogs("registrar", "ERROR"):
            self.run_registrar(DEREGISTER_AFTER_MISSES="1")
        self.assertIn("54.12.34.56, not a private address", str(caught.exception))
        self.assertIn("publicly accessible", str(caught.exception))
        self.assertEqual(self.targets(5432), {("10.0.1.10", 5432)})

    def test_private_ranges_are_accepted(self):
        self.resolver.answers[HOST] = ["10.1.2.3", "172.31.0.4", "192.168.7.8", "100.64.0.9"]
        self.assertEqual(len(self.run_registrar()["registered"]), 4)
        for outside in ("172.32.0.1", "100.128.0.1", "169.254.0.1", "127.0.0.1"):
            with self.subTest(ip=outside), self.assertRaises(registrar.ResolutionError):
                registrar._resolve(lambda host, ip=outside: [ip], HOST)

    def test_unused_target_is_reported_with_its_zone(self):
        # Hostname mode: the zone comes from the address's network interface.
        self.ec2._client.create_network_interface(SubnetId=self.subnets["c"], PrivateIpAddress="10.0.3.15")
        self.resolver.answers[HOST] = ["10.0.1.10", "10.0.3.15"]
        self.run_registrar()
        self.mark_unused("10.0.3.15")
        with self.assertLogs("registrar", "ERROR") as logs:
            self.run_registrar()
        self.assertTrue(any("10.0.3.15 is registered but unused" in line and "us-east-1c" in line
                            for line in logs.output), logs.output)
        self.assertEqual([(m["RegisteredTargets"], m["UnusedTargets"]) for m in self.metrics()], [(2, 1)])
        self.assertEqual(len(self.ec2.called("describe_network_interfaces")), 1)

    def test_unused_target_zone_from_the_rds_api(self):
        self.add_instance("solo", "10.0.3.20", zone="us-east-1c")
        self.run_registrar(TARGET_KIND="dbInstance", TARGET="solo")
        self.mark_unused("10.0.3.20")
        with self.assertLogs("registrar", "ERROR") as logs:
            self.run_registrar(TARGET_KIND="dbInstance", TARGET="solo")
        self.assertTrue(any("us-east-1c" in line for line in logs.output), logs.output)
        self.assertEqual(self.ec2.called("describe_network_interfaces"), [])
        self.assertEqual(self.metrics()[0]["UnusedTargets"], 1)


if __name__ == "__main__":
    unittest.main()
