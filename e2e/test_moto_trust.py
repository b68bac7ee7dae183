"""The emulator refuses sts:AssumeRole of a CDK bootstrap role from an account its trust
policy does not name, as AWS does (moto_strict.py), and a bootstrap update with --trust
changes that (the role's trust policy is updated, and DeleteChangeSet of a change set the
stack never had succeeds, as `cdk bootstrap` of a bootstrapped account expects).

Runs the launcher on 127.0.0.1 (test_moto_strict.Emulator); `make e2e` runs it first.
"""
import unittest

from botocore.exceptions import ClientError

from test_moto_strict import Emulator

MAIN, CELL, STRANGER = "111122223333", "222233334444", "999988887777"
DEPLOY_ROLE = f"arn:aws:iam::{CELL}:role/cdk-hnb659fds-deploy-role-{CELL}-us-east-1"


def bootstrap_like_template():
    """The deploy role as the CDK's bootstrap template writes its trust policy: the
    account itself, and TrustedAccounts when given (Fn::If, AWS::NoValue), both with
    the Null condition on sts:ExternalId."""
    no_external_id = {"Null": {"sts:ExternalId": "true"}}
    return {
        "Parameters": {"TrustedAccounts": {"Type": "CommaDelimitedList", "Default": ""}},
        "Conditions": {"HasTrustedAccounts": {"Fn::Not": [{"Fn::Equals": ["", {"Fn::Join": ["", {"Ref": "TrustedAccounts"}]}]}]}},
        "Resources": {"DeploymentActionRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": f"cdk-hnb659fds-deploy-role-{CELL}-us-east-1",
            "AssumeRolePolicyDocument": {"Statement": [
                {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": {"Ref": "AWS::AccountId"}},
                 "Condition": no_external_id},
                {"Fn::If": ["HasTrustedAccounts",
                            {"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"AWS": {"Ref": "TrustedAccounts"}},
                             "Condition": no_external_id},
                            {"Ref": "AWS::NoValue"}]}]}}}},
    }


class TrustedBootstrapRoles(Emulator):
    def assume(self, account, role_arn, **kwargs):
        return self.client("sts", account).assume_role(RoleArn=role_arn, RoleSessionName="cdk", **kwargs)

    def refused(self, account, role_arn, **kwargs):
        caller = self.client("sts", account).get_caller_identity()["Arn"]
        with self.assertRaises(ClientError) as err:
            self.assume(account, role_arn, **kwargs)
        self.assertEqual(err.exception.response["Error"]["Code"], "AccessDenied")
        self.assertEqual(err.exception.response["Error"]["Message"],
                         f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}")

    def test_trust_follows_the_bootstrap(self):
        # Before any bootstrap the role does not exist: AWS answers AccessDenied all the same.
        self.refused(MAIN, DEPLOY_ROLE)

        stack = self.deploy(CELL, "CDKToolkit", bootstrap_like_template(), {"TrustedAccounts": ""})
        self.assertEqual(stack["StackStatus"], "CREATE_COMPLETE")
        self.refused(MAIN, DEPLOY_ROLE)  # bootstrapped without --trust
        got = self.assume(CELL, DEPLOY_ROLE)["AssumedRoleUser"]["Arn"]  # the account's own principals
        self.assertTrue(got.startswith(f"arn:aws:sts::{CELL}:assumed-role/"), got)

        # `cdk bootstrap --trust 111122223333` removes a change set it never made first.
        cfn = self.client("cloudformation", CELL)
        cfn.delete_change_set(StackName="CDKToolkit", ChangeSetName="cdk-bootstrap-change-set-never-made")
        stack = self.deploy(CELL, "CDKToolkit", bootstrap_like_template(), {"TrustedAccounts": MAIN})
        self.assertEqual(stack["StackStatus"], "UPDATE_COMPLETE")
        creds = self.assume(MAIN, DEPLOY_ROLE)["Credentials"]
        self.assertTrue(creds["AccessKeyId"])
        self.refused(STRANGER, DEPLOY_ROLE)  # trusted is the one account named
        self.refused(MAIN, DEPLOY_ROLE, ExternalId="e2e-external")  # the Null condition on sts:ExternalId
        with self.assertRaises(ClientError) as err:  # a change set that does not exist is still not found
            cfn.describe_change_set(StackName="CDKToolkit", ChangeSetName="cdk-bootstrap-change-set-never-made")
        self.assertEqual(err.exception.response["Error"]["Code"], "ChangeSetNotFound")

    def test_only_bootstrap_roles(self):
        # The harness (and test_moto_strict) take credentials of any account through any other role.
        got = self.assume(MAIN, f"arn:aws:iam::{STRANGER}:role/privateconnect-e2e")["AssumedRoleUser"]["Arn"]
        self.assertTrue(got.startswith(f"arn:aws:sts::{STRANGER}:assumed-role/privateconnect-e2e/"), got)


if __name__ == "__main__":
    unittest.main()
