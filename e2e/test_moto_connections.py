"""The emulator's PrivateLink connection API (moto_strict.py) and VPN tunnel
telemetry (moto_vpn.py), as privateconnect status and accept call them:
DescribeVpcEndpointConnections with its filters, AcceptVpcEndpointConnections
and RejectVpcEndpointConnections by the service's owner, with AWS's error
codes, and DescribeVpnConnections' VgwTelemetry.

python3 -m unittest discover -s e2e -p 'test_*.py'
"""
import json
import unittest

from botocore.exceptions import ClientError

from test_moto_strict import CONSUMER, PROVIDER, Emulator

STRANGER = "999988887777"


class Connections(Emulator):
    def request(self, account, svc_name, block):
        vpc, subnet = self.vpc(account, block)
        return self.client("ec2", account).create_vpc_endpoint(
            VpcId=vpc, ServiceName=svc_name, VpcEndpointType="Interface", SubnetIds=[subnet],
            PrivateDnsEnabled=False)["VpcEndpoint"]["VpcEndpointId"]

    def connections(self, **filters):
        return self.client("ec2", PROVIDER).describe_vpc_endpoint_connections(
            Filters=[{"Name": k, "Values": v} for k, v in filters.items()])["VpcEndpointConnections"]

    def test_describe_accept_and_reject(self):
        svc_id, svc_name = self.service()
        mine = self.request(CONSUMER, svc_name, "10.12.0.0/16")
        other = self.request(STRANGER, svc_name, "10.13.0.0/16")

        conns = self.connections(**{"service-id": [svc_id]})
        self.assertEqual({(c["VpcEndpointId"], c["VpcEndpointOwner"], c["VpcEndpointState"]) for c in conns},
                         {(mine, CONSUMER, "pendingAcceptance"), (other, STRANGER, "pendingAcceptance")})
        for c in conns:
            self.assertEqual(c["ServiceId"], svc_id)
            self.assertIn("CreationTimestamp", c)
        self.assertEqual([c["VpcEndpointId"] for c in self.connections(**{"service-id": [svc_id], "vpc-endpoint-owner": [STRANGER]})], [other])
        self.assertEqual(self.connections(**{"service-id": [svc_id], "vpc-endpoint-state": ["available"]}), [])
        self.assertEqual(self.connections(**{"service-id": ["vpce-svc-00000000000000000"]}), [])
        # Only the service's owner sees its connections.
        self.assertEqual(self.client("ec2", CONSUMER).describe_vpc_endpoint_connections()["VpcEndpointConnections"], [])

        ec2 = self.client("ec2", PROVIDER)
        out = ec2.accept_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[mine])
        self.assertEqual(out["Unsuccessful"], [])
        states = {c["VpcEndpointId"]: c["VpcEndpointState"] for c in self.connections(**{"service-id": [svc_id]})}
        self.assertEqual(states, {mine: "available", other: "pendingAcceptance"}, "accepting one leaves the other waiting")
        self.assertEqual(self.client("ec2", CONSUMER).describe_vpc_endpoints(VpcEndpointIds=[mine])["VpcEndpoints"][0]["State"],
                         "available", "the consumer's endpoint follows")

        # Accepting again, or an endpoint that is not the service's: per item, not the call.
        out = ec2.accept_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[mine, "vpce-00000000000000000"])
        self.assertEqual([(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]],
                         [(mine, "InvalidState"), ("vpce-00000000000000000", "InvalidVpcEndpoint.NotFound")])

        out = ec2.reject_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[mine, other])
        self.assertEqual(out["Unsuccessful"], [])
        self.assertEqual({c["VpcEndpointState"] for c in self.connections(**{"service-id": [svc_id]})}, {"rejected"})
        out = ec2.accept_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[other])
        self.assertEqual([u["Error"]["Code"] for u in out["Unsuccessful"]], ["InvalidState"], "a rejected request stays rejected")

    def test_unknown_service_is_not_found(self):
        for call in ("accept_vpc_endpoint_connections", "reject_vpc_endpoint_connections"):
            with self.assertRaises(ClientError) as err:
                getattr(self.client("ec2", PROVIDER), call)(ServiceId="vpce-svc-00000000000000000", VpcEndpointIds=["vpce-0"])
            self.assertEqual(err.exception.response["Error"]["Code"], "InvalidVpcEndpointServiceId.NotFound")
        # Another account's service is not found either: only its owner decides.
        svc_id, _ = self.service()
        with self.assertRaises(ClientError) as err:
            self.client("ec2", CONSUMER).accept_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=["vpce-0"])
        self.assertEqual(err.exception.response["Error"]["Code"], "InvalidVpcEndpointServiceId.NotFound")


class Tunnels(Emulator):
    def test_a_vpn_connection_reports_both_tunnels_up(self):
        template = {"Resources": {
            "Cgw": {"Type": "AWS::EC2::CustomerGateway", "Properties": {"Type": "ipsec.1", "IpAddress": "198.51.100.7", "BgpAsn": 65001}},
            "Vgw": {"Type": "AWS::EC2::VPNGateway", "Properties": {"Type": "ipsec.1"}},
            "Conn": {"Type": "AWS::EC2::VPNConnection", "Properties": {
                "Type": "ipsec.1", "CustomerGatewayId": {"Ref": "Cgw"}, "VpnGatewayId": {"Ref": "Vgw"}}}},
            "Outputs": {"VpnConnectionId": {"Value": {"Ref": "Conn"}}}}
        self.client("cloudformation", PROVIDER).create_stack(StackName="tunnels", TemplateBody=json.dumps(template))
        conn = self.client("ec2", PROVIDER).describe_vpn_connections()["VpnConnections"][0]
        tunnels = conn["VgwTelemetry"]
        self.assertEqual([t["Status"] for t in tunnels], ["UP", "UP"])
        self.assertEqual(len({t["OutsideIpAddress"] for t in tunnels}), 2)
        for t in tunnels:
            self.assertTrue(t["OutsideIpAddress"].startswith("203.0.113."))
            self.assertIn("LastStatusChange", t)
            self.assertEqual(t["AcceptedRouteCount"], 0)


if __name__ == "__main__":
    unittest.main()
