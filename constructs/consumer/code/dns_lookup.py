"""DNS name of a VPC endpoint of type Resource, for a CloudFormation custom resource.

A resource endpoint's DNS names belong to its associations, one per shared resource (an RDS
cluster's resource configuration of type ARN has a child per cluster endpoint), and
CloudFormation returns none of them: GetAtt DnsEntries is documented for interface endpoints
only. This function reads them so that the stack can name the endpoint in its private zone.

1. Create or Update with VpcEndpointId: read the endpoint's associations
   (ec2:DescribeVpcEndpointAssociations) every 10 s until one has a DNS entry, for at most
   WAIT_SECONDS.
2. Pick one: the association whose private DNS name is an Aurora cluster's writer endpoint
   (<cluster>.cluster-<id>.<region>.rds.amazonaws.com), else the first by associated resource
   ARN (a SINGLE configuration or an RDS instance has one).
3. Answer DnsName (the association's DNS name, which resolves to the endpoint's addresses) and
   PrivateDnsName (the resource's own name that private DNS resolves in the VPC; "" if none).
4. Delete: nothing to undo. Any error fails the stack operation with the error's text.
Uses only what the Lambda Python runtime ships (boto3).
"""
import json
import os
import re
import time
import urllib.request

import boto3

WAIT_SECONDS = int(os.environ.get("WAIT_SECONDS", "240"))
WRITER = re.compile(r"^[^.]+\.cluster-(?!ro-|custom-)[^.]+\.")


def pick(associations):
    """The association to name (step 2), or None while none has a DNS entry."""
    named = sorted((a for a in associations if (a.get("DnsEntry") or {}).get("DnsName")),
                   key=lambda a: a.get("AssociatedResourceArn", ""))
    for a in named:
        if WRITER.match((a.get("PrivateDnsEntry") or {}).get("DnsName", "")):
            return a
    return named[0] if named else None


def lookup(ec2, endpoint_id, deadline):
    """Steps 1 and 2: the chosen association, waiting for one to have a DNS entry."""
    while True:
        found, token = [], None
        while True:
            kwargs = {"VpcEndpointIds": [endpoint_id]}
            if token:
                kwargs["NextToken"] = token
            page = ec2.describe_vpc_endpoint_associations(**kwargs)
            found += page.get("VpcEndpointAssociations", [])
            token = page.get("NextToken")
            if not token:
                break
        chosen = pick(found)
        if chosen:
            return chosen
        if time.time() > deadline:
            raise RuntimeError(f"{endpoint_id} has no association with a DNS entry after {WAIT_SECONDS} s "
                               f"(associations: {json.dumps(found, default=str)}); is the resource share accepted?")
        time.sleep(10)


def respond(event, status, data, reason, physical_id):
    body = json.dumps({
        "Status": status, "Reason": reason[:3000], "PhysicalResourceId": physical_id,
        "StackId": event["StackId"], "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"], "Data": data,
    }).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"Content-Type": "", "Content-Length": str(len(body))})
    with urllib.request.urlopen(request, timeout=30):
        pass


def handler(event, context):
    physical_id = event.get("PhysicalResourceId") or event["LogicalResourceId"]
    try:
        if event["RequestType"] == "Delete":
            respond(event, "SUCCESS", {}, "nothing to delete", physical_id)
            return
        endpoint_id = event["ResourceProperties"]["VpcEndpointId"]
        chosen = lookup(boto3.client("ec2"), endpoint_id, time.time() + WAIT_SECONDS)
        name = chosen["DnsEntry"]["DnsName"]
        private = (chosen.get("PrivateDnsEntry") or {}).get("DnsName", "")
        print(json.dumps({"endpoint": endpoint_id, "dnsName": name, "privateDnsName": private}))
        respond(event, "SUCCESS", {"DnsName": name, "PrivateDnsName": private}, "found", name)
    except Exception as e:  # every failure must reach CloudFormation, or it waits an hour
        print(f"failed: {e!r}")
        respond(event, "FAILED", {}, f"{type(e).__name__}: {e}", physical_id)
