"""Custom resources whose Lambda function has inline Python code: the emulator runs the code
(moto_launcher installs it).

Test infrastructure for `make e2e`; never shipped. moto invokes a custom resource's function
in the background and, with Docker off, never runs it: the resource never completes, and
Fn::GetAtt of it answers None to whatever is created next (the vendor's resource endpoint
names its record in the private zone through one: Custom::ResourceEndpointDnsName).

Here CloudFormation's request (Create, Update with OldResourceProperties and
PhysicalResourceId, Delete), as AWS sends it
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html), goes
to the function's handler in a child Python process: the function's code (ZipFile), handler
and environment variables, credentials of the function's role (assumed in the emulator, so the
stack's account), AWS_ENDPOINT_URL the emulator, its Timeout. The request waits for the answer,
as CloudFormation does: the response the code PUTs to ResponseURL (a one-request server on
127.0.0.1) gives the resource its PhysicalResourceId and Data (Fn::GetAtt); FAILED, or no
response before the timeout, fails the resource with CloudFormation's text, "Received response
status [FAILED] from custom resource. Message returned: <Reason> (RequestId: <id>)"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
The code's output is printed to the emulator's log. Functions in other runtimes, or with code
from S3, keep moto's behaviour.
Written against moto 5.2.1 internals.
"""
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer

from moto.awslambda import models as lambda_models
from moto.cloudformation.custom_model import CustomModel
from moto.cloudformation.models import cloudformation_backends
from moto.moto_api._internal import mock_random as random

PORT = None  # the emulator's port, set by moto_launcher.main

# Runs in the child: credentials of the function's role, then the handler with a minimal context.
RUNNER = r"""
import importlib, json, os, sys
import boto3
role = os.environ.pop("E2E_ROLE_ARN")
creds = boto3.client("sts", aws_access_key_id="testing", aws_secret_access_key="testing").assume_role(
    RoleArn=role, RoleSessionName="custom-resource")["Credentials"]
os.environ.update(AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                  AWS_SESSION_TOKEN=creds["SessionToken"])
class Context:
    function_name, log_stream_name, aws_request_id = os.environ["AWS_LAMBDA_FUNCTION_NAME"], "e2e", "e2e"
    def get_remaining_time_in_millis(self):
        return 60000
sys.path.insert(0, sys.argv[1])
getattr(importlib.import_module(sys.argv[2]), sys.argv[3])(json.load(sys.stdin), Context())
"""


class CustomResourceFailed(Exception):
    pass


def inline_python(service_token, account, region):
    """The function behind service_token when the emulator can run it, else None."""
    try:
        fn = lambda_models.lambda_backends[account][region].get_function(service_token)
    except Exception:
        return None
    if not str(fn.run_time or "").startswith("python") or not fn.code_bytes or not zipfile.is_zipfile(io.BytesIO(fn.code_bytes)):
        return None
    return fn


def answer(fn, event, region):
    """Run fn's handler with event; the response it sent (a dict), or CustomResourceFailed."""
    got = []

    class Response(BaseHTTPRequestHandler):
        def do_PUT(self):
            got.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}"))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Response)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    event = dict(event, ResponseURL=f"http://127.0.0.1:{server.server_port}/response")
    module, function = fn.handler.rsplit(".", 1)
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "PYTHONPATH") if k in os.environ}
    env.update(fn.environment_vars or {})
    env.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{PORT}", AWS_REGION=region, AWS_DEFAULT_REGION=region,
               AWS_LAMBDA_FUNCTION_NAME=fn.function_name, E2E_ROLE_ARN=fn.role, NO_PROXY="127.0.0.1,localhost")
    try:
        with tempfile.TemporaryDirectory(prefix="e2e-lambda-") as code:
            zipfile.ZipFile(io.BytesIO(fn.code_bytes)).extractall(code)
            run = subprocess.run([sys.executable, "-c", RUNNER, code, module, function], input=json.dumps(event),
                                 env=env, capture_output=True, text=True, timeout=int(fn.timeout or 3) + 30)
        print(f"moto_custom: {fn.function_name} {event['RequestType']} {event['LogicalResourceId']}: exit {run.returncode}\n"
              f"{run.stdout}{run.stderr}", flush=True)
    except subprocess.TimeoutExpired:
        pass
    finally:
        server.shutdown()
        server.server_close()
    response = got[0] if got else {"Status": "FAILED", "Reason": "the function sent no response before its timeout"}
    if response.get("Status") != "SUCCESS":
        raise CustomResourceFailed(f"Received response status [FAILED] from custom resource. Message returned: "
                                   f"{response.get('Reason', '')} (RequestId: {event['RequestId']})")
    return response


def request(custom, request_type, props, old_props=None):
    event = {"RequestType": request_type, "ServiceToken": props["ServiceToken"], "StackId": custom.stack_id,
             "RequestId": str(random.uuid4()), "LogicalResourceId": custom.logical_id, "ResourceType": custom.resource_type,
             "ResourceProperties": props}
    if request_type != "Create":
        event["PhysicalResourceId"] = custom.resource_name
    if old_props is not None:
        event["OldResourceProperties"] = old_props
    response = answer(custom.function, event, custom.region_name)
    custom.resource_name = response.get("PhysicalResourceId") or custom.resource_name
    custom.set_data(response.get("Data") or {})
    custom.props = props


def create(original):
    def handler(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json["Properties"]
        fn = inline_python(props.get("ServiceToken"), account_id, region_name)
        if fn is None:
            return original.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        custom = CustomModel(region_name, str(random.uuid4()), kwargs["LogicalId"], resource_name)
        custom.function, custom.stack_id, custom.resource_type = fn, kwargs["StackId"], kwargs["ResourceType"]
        cloudformation_backends[account_id][region_name].get_stack(kwargs["StackId"]).add_custom_resource(custom)
        request(custom, "Create", props)
        return custom
    return classmethod(handler)


def update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    """Update in place with the new properties (a new PhysicalResourceId in the answer is CloudFormation's
    replacement; the emulator keeps the one resource)."""
    if not hasattr(original_resource, "function"):
        raise NotImplementedError("the emulator runs only custom resources of inline Python functions")
    request(original_resource, "Update", cloudformation_json["Properties"], original_resource.props)
    return original_resource


def delete(self, account_id, region_name):
    if hasattr(self, "function"):
        request(self, "Delete", self.props)


def install():
    CustomModel.create_from_cloudformation_json = create(CustomModel.create_from_cloudformation_json)
    CustomModel.update_from_cloudformation_json = classmethod(update)
    CustomModel.delete = delete
