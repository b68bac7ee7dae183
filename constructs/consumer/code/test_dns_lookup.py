"""The DNS lookup against a fake EC2 client and a response URL served on 127.0.0.1:
the writer of an ARN cluster is chosen, a single configuration's one name, pages, the wait
for a DNS entry, its deadline, Delete, and every failure reported to CloudFormation."""
import http.server
import json
import threading
import unittest
from unittest import mock

import dns_lookup

CLUSTER = "wayne-ledger.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
READER = "wayne-ledger.cluster-ro-c9akciq32.us-east-1.rds.amazonaws.com"
INSTANCE = "wayne-ledger-1.c9akciq32.us-east-1.rds.amazonaws.com"


def association(child, private=None):
    a = {"VpcEndpointId": "vpce-0123456789abcdef0",
         "AssociatedResourceArn": f"arn:aws:vpc-lattice:us-east-1:246813579135:resourceconfiguration/{child}",
         "DnsEntry": {"DnsName": f"vpce-0123456789abcdef0.{child}.4232ccc.vpc-lattice-rsc.us-east-1.on.aws",
                      "HostedZoneId": "Z03265862FOUNWMZOKUF4"}}
    if private:
        a["PrivateDnsEntry"] = {"DnsName": private, "HostedZoneId": "Z0PRIVATE"}
    return a


class FakeEc2:
    """Answers describe_vpc_endpoint_associations from a list of pages per call."""

    def __init__(self, *calls):
        self.calls, self.requests = list(calls), []

    def describe_vpc_endpoint_associations(self, **kwargs):
        self.requests.append(kwargs)
        pages = self.calls[0] if len(self.calls) == 1 else self.calls.pop(0)
        return pages[kwargs.get("NextToken", 0) and int(kwargs["NextToken"])]


class Responses(http.server.BaseHTTPRequestHandler):
    received = []

    def do_PUT(self):
        Responses.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class Lookup(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.HTTPServer(("127.0.0.1", 0), Responses)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def setUp(self):
        Responses.received.clear()

    def event(self, kind="Create"):
        return {"RequestType": kind, "ResponseURL": f"http://127.0.0.1:{self.server.server_port}/r",
                "StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/wayne-PrivateLink/x",
                "RequestId": "r-1", "LogicalResourceId": "LedgerDnsName",
                "ResourceProperties": {"VpcEndpointId": "vpce-0123456789abcdef0"}}

    def run_with(self, ec2, kind="Create", wait=240):
        with mock.patch.object(dns_lookup.boto3, "client", return_value=ec2), \
                mock.patch.object(dns_lookup, "WAIT_SECONDS", wait), mock.patch.object(dns_lookup.time, "sleep"):
            dns_lookup.handler(self.event(kind), None)
        self.assertEqual(len(Responses.received), 1, "one response to CloudFormation")
        return Responses.received[0]

    def test_cluster_writer_is_chosen(self):
        ec2 = FakeEc2([{"VpcEndpointAssociations": [association("rcfg-0aaaaaaaaaaaaaaa1", READER),
                                                     association("rcfg-0aaaaaaaaaaaaaaa2", INSTANCE),
                                                     association("rcfg-0aaaaaaaaaaaaaaa3", CLUSTER)]}])
        r = self.run_with(ec2)
        self.assertEqual(r["Status"], "SUCCESS")
        self.assertIn("rcfg-0aaaaaaaaaaaaaaa3", r["Data"]["DnsName"])
        self.assertEqual(r["Data"]["PrivateDnsName"], CLUSTER)
        self.assertEqual(r["PhysicalResourceId"], r["Data"]["DnsName"])

    def test_single_configuration_without_private_name(self):
        r = self.run_with(FakeEc2([{"VpcEndpointAssociations": [association("rcfg-0bbbbbbbbbbbbbbbb")]}]))
        self.assertEqual(r["Status"], "SUCCESS")
        self.assertEqual(r["Data"]["DnsName"], "vpce-0123456789abcdef0.rcfg-0bbbbbbbbbbbbbbbb.4232ccc.vpc-lattice-rsc.us-east-1.on.aws")
        self.assertEqual(r["Data"]["PrivateDnsName"], "")

    def test_pages_are_all_read(self):
        ec2 = FakeEc2([{"VpcEndpointAssociations": [association("rcfg-0aaaaaaaaaaaaaaa1", READER)], "NextToken": "1"},
                       {"VpcEndpointAssociations": [association("rcfg-0aaaaaaaaaaaaaaa3", CLUSTER)]}])
        r = self.run_with(ec2)
        self.assertEqual(r["Data"]["PrivateDnsName"], CLUSTER)
        self.assertEqual([q.get("NextToken") for q in ec2.requests], [None, "1"])

    def test_waits_for_a_dns_entry(self):
        pending = dict(association("rcfg-0bbbbbbbbbbbbbbbb"), DnsEntry={})
        ec2 = FakeEc2([{"VpcEndpointAssociations": []}], [{"VpcEndpointAssociations": [pending]}],
                      [{"VpcEndpointAssociations": [association("rcfg-0bbbbbbbbbbbbbbbb")]}])
        r = self.run_with(ec2)
        self.assertEqual(r["Status"], "SUCCESS")
        self.assertEqual(len(ec2.requests), 3)

    def test_gives_up_at_the_deadline(self):
        r = self.run_with(FakeEc2([{"VpcEndpointAssociations": []}]), wait=-1)
        self.assertEqual(r["Status"], "FAILED")
        self.assertIn("no association with a DNS entry", r["Reason"])
        self.assertIn("resource share accepted", r["Reason"])

    def test_api_error_fails_the_stack_operation(self):
        ec2 = mock.Mock()
        ec2.describe_vpc_endpoint_associations.side_effect = RuntimeError("UnauthorizedOperation")
        r = self.run_with(ec2)
        self.assertEqual(r["Status"], "FAILED")
        self.assertIn("UnauthorizedOperation", r["Reason"])

    def test_delete_does_nothing(self):
        ec2 = mock.Mock()
        r = self.run_with(ec2, kind="Delete")
        self.assertEqual(r["Status"], "SUCCESS")
        ec2.describe_vpc_endpoint_associations.assert_not_called()


if __name__ == "__main__":
    unittest.main()
