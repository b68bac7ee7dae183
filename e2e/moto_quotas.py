"""Service Quotas in the emulator, as privateconnect quotas -live reads it.

moto 5.2 answers GetServiceQuota for the vpc service only (ec2's Elastic IPs
and VPN quotas, Route 53, IAM, Lambda... raise NoSuchResourceException) and
has no GetAWSDefaultServiceQuota. Here both answer for the quotas of
config/quotas.go, with AWS's defaults and names, in the shape AWS returns
(ServiceCode, ServiceName, QuotaArn, QuotaCode, QuotaName, Value, Unit,
Adjustable, GlobalQuota). As in AWS, a global quota (Route 53, IAM) is served
in us-east-1 only, and an unknown code is NoSuchResourceException. No increase
is ever applied: the applied value is the default, as in a fresh account.
"""
import json

from moto.servicequotas.exceptions import NoSuchResource
from moto.servicequotas.models import ServiceQuotasBackend
from moto.servicequotas.resources.default_quotas.vpc import VPC_DEFAULT_QUOTAS
from moto.servicequotas.responses import ServiceQuotasResponse

SERVICE_NAMES = {
    "ec2": "Amazon Elastic Compute Cloud (Amazon EC2)",
    "route53": "Amazon Route 53 (Route 53)",
    "cloudformation": "AWS CloudFormation",
    "lambda": "AWS Lambda",
    "events": "Amazon EventBridge (CloudWatch Events)",
    "logs": "Amazon CloudWatch Logs",
    "iam": "AWS Identity and Access Management (IAM)",
    "vpc": "Amazon Virtual Private Cloud (Amazon VPC)",
}

# (service, code, name, default, global): the quotas privateconnect plans
# that moto does not know (its vpc list has the others).
QUOTAS = [
    ("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5, False),
    ("ec2", "L-7029FAB6", "Virtual private gateways per region", 5, False),
    ("ec2", "L-4FB7FF5D", "Customer gateways per region", 50, False),
    ("ec2", "L-3E6EC3A3", "VPN connections per region", 50, False),
    ("ec2", "L-B91E5754", "VPN connections per VGW", 10, False),
    ("route53", "L-4EA4796A", "Hosted zones", 500, True),
    ("cloudformation", "L-0485CB21", "Stack count", 2000, False),
    ("lambda", "L-B99A9384", "Concurrent executions", 1000, False),
    ("events", "L-244521F2", "Number of rules", 300, False),
    ("logs", "L-C7B9AAAB", "Log groups", 1000000, False),
    ("iam", "L-FE177D64", "Roles per account", 1000, True),
    ("vpc", "L-CA6CC422", "Resource VPC endpoints per VPC", 200, False),
]


def find(service_code, quota_code, region, account):
    for q in VPC_DEFAULT_QUOTAS:
        if service_code == "vpc" and q["QuotaCode"] == quota_code:
            return dict(q, QuotaArn=f"arn:aws:servicequotas:{region}:{account}:vpc/{quota_code}")
    for service, code, name, value, is_global in QUOTAS:
        if (service, code) != (service_code, quota_code) or (is_global and region != "us-east-1"):
            continue
        return {
            "ServiceCode": service, "ServiceName": SERVICE_NAMES[service],
            "QuotaArn": f"arn:aws:servicequotas:{region}:{account}:{service}/{code}",
            "QuotaCode": code, "QuotaName": name, "Value": float(value), "Unit": "None",
            "Adjustable": True, "GlobalQuota": is_global,
        }
    raise NoSuchResource()


def get_service_quota(self, service_code, quota_code):
    return find(service_code, quota_code, self.region_name, self.account_id)


def get_aws_default_service_quota(self):
    params = json.loads(self.body)
    quota = find(str(params.get("ServiceCode")), str(params.get("QuotaCode")), self.region, self.current_account)
    return json.dumps({"Quota": quota})


def install():
    ServiceQuotasBackend.get_service_quota = get_service_quota
    ServiceQuotasResponse.get_aws_default_service_quota = get_aws_default_service_quota
