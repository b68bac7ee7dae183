"""The harness: the run's clock and limits, checks, child processes, the emulator and AWS clients per account."""

import collections
import contextlib
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3


REPO = Path(__file__).resolve().parent.parent
LAUNCHER = REPO / "e2e" / "moto_launcher.py"
CDK = REPO / ".tools" / "node_modules" / ".bin" / "cdk"
CDK_FLAGS = ["--no-notices", "--no-version-reporting"]
TEMPLATE_BODY_LIMIT = 51200  # bytes CloudFormation takes inline (--template-file without --s3-bucket)
RUN_LIMIT = 15 * 60  # seconds for the whole run; each step has its own, smaller limit


# What moto's CloudFormation logs when it leaves something out and carries on.
SKIP_RE = re.compile(r"No Moto CloudFormation support for (\S+)")


GETATT_RE = re.compile(r'"Fn::GetAtt" : \[ "([^"]+)" , "([^"]+)" \]')
T0 = time.monotonic()


class Failure(Exception):
    """A step could not run at all; the run stops and reports it."""


class Interrupted(BaseException):
    pass


def remaining(limit):
    left = RUN_LIMIT - (time.monotonic() - T0)
    if left <= 0:
        raise Failure(f"the run exceeded its {RUN_LIMIT}s limit")
    return min(limit, left)


def say(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


class Checks:
    """Every comparison goes through here: failures are collected, not fatal."""

    def __init__(self):
        self.passed, self.failed, self.notes = 0, [], []
        self.skipped = collections.Counter()  # resource types of ours moto did not create
        self.scope = ""

    @contextlib.contextmanager
    def section(self, scope):
        before, self.scope = (self.passed, len(self.failed)), scope
        try:
            yield
        except Failure:
            raise
        except Exception as err:  # an API answer not shaped as expected is a failed check
            self.fail("checks stopped", f"{type(err).__name__}: {err}")
        say(f"  {scope}: {self.passed - before[0]} checks passed, {len(self.failed) - before[1]} failed")
        self.scope = ""

    def fail(self, what, detail):
        self.failed.append(f"{self.scope}: {what}: {detail}")
        print(f"    FAIL {what}: {detail}", flush=True)

    def eq(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.fail(what, f"got {got!r}, want {want!r}")
        return got == want

    def true(self, what, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.fail(what, detail or "not true")
        return bool(cond)

    def note(self, msg):
        self.notes.append(msg)
        print(f"    NOTE {msg}", flush=True)


def run(cmd, *, env, what, log, timeout, cwd=REPO, ok=(0,)):
    """Run cmd to completion (output in log); its exit code, or Failure with the output's tail."""
    start = time.monotonic()
    with open(log, "ab") as out:
        out.write(f"$ {shlex.join(str(c) for c in cmd)}\n".encode())
        out.flush()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        rc = proc.wait(timeout=remaining(timeout))
    except subprocess.TimeoutExpired:
        stop_child(proc)
        raise Failure(f"{what} did not finish within {timeout}s; output in {log}:\n{tail(log)}")
    except BaseException:  # interrupted: stop what we started before going
        stop_child(proc)
        raise
    if rc not in ok:
        raise Failure(f"{what} failed (exit {rc}); output in {log}:\n{tail(log)}")
    say(f"  {what}: {time.monotonic() - start:.1f}s")
    return rc


class Background:
    """A command started now and waited for later (wait), as run() runs one; stop() ends it
    (and what it started) when the run stops before waiting."""

    def __init__(self, cmd, *, env, what, log, timeout, cwd=REPO):
        self.what, self.log, self.timeout, self.start = what, log, timeout, time.monotonic()
        with open(log, "ab") as out:
            out.write(f"$ {shlex.join(str(c) for c in cmd)}\n".encode())
            out.flush()
            self.proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self):
        left = self.timeout - (time.monotonic() - self.start)
        try:
            rc = self.proc.wait(timeout=remaining(max(left, 0.1)))
        except subprocess.TimeoutExpired:
            self.stop()
            raise Failure(f"{self.what} did not finish within {self.timeout}s; output in {self.log}:\n{tail(self.log)}")
        if rc != 0:
            raise Failure(f"{self.what} failed (exit {rc}); output in {self.log}:\n{tail(self.log)}")
        say(f"  {self.what}: {time.monotonic() - self.start:.1f}s (in the background)")

    def stop(self):
        if self.proc.poll() is None:
            stop_child(self.proc)


def stop_child(proc):
    """Stop a child we started, and the processes it started (its process group)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)
            return


def tail(path, lines=40):
    with contextlib.suppress(OSError):
        text = Path(path).read_text(errors="replace").splitlines()
        return "\n".join("    " + line for line in text[-lines:])
    return ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """moto_server with our CloudFormation handlers, as a child process."""

    def __init__(self, workdir):
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"  # not 127.0.0.1: see the README of issue 7
        self.log = workdir / "moto.log"
        self.proc = None
        self.offset = 0
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy

    def start(self, timeout=60):
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, str(LAUNCHER), str(self.port)], cwd=REPO,
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        say(f"moto_server starting on 127.0.0.1:{self.port} (pid {self.proc.pid}, log {self.log})")
        deadline = time.monotonic() + remaining(timeout)
        while True:
            if self.proc.poll() is not None:
                raise Failure(f"the moto launcher exited with {self.proc.returncode}:\n{tail(self.log)}")
            try:
                self.configure()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise Failure(f"moto_server did not answer within {timeout}s:\n{tail(self.log)}")
                time.sleep(0.2)

    def api(self, path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/moto-api/{path}", method="POST",
                                     data=json.dumps(body or {}).encode(), headers={"Content-Type": "application/json"})
        with self.opener.open(req, timeout=30) as resp:
            return resp.read()

    def configure(self):
        # Lambda functions are created without Docker (which does not run here).
        self.api("config", {"lambda": {"use_docker": False}})

    def reset(self):
        # cdk destroy / delete-stack fail in moto (DependencyViolation): reset instead.
        self.api("reset")
        self.configure()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            say(f"stopping moto_server (pid {self.proc.pid})")
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def skipped(self):
        """What moto's CloudFormation left out since the last call: resource types
        it did not create, attributes it could not resolve (and left empty)."""
        text = self.log.read_text(errors="replace")
        new, self.offset = text[self.offset:], len(text)
        return collections.Counter([f"{t} (not created)" for t in SKIP_RE.findall(new)] +
                                   [f"Fn::GetAtt {r}.{a} (left empty)" for r, a in GETATT_RE.findall(new)])


class Aws:
    """boto3 clients and CLI environments per (account, region), all on the emulator.

    moto serves many accounts: credentials from sts:AssumeRole on a role ARN of
    an account are that account's (the role need not exist)."""

    def __init__(self, emulator, base_env):
        self.em, self.base_env, self.creds = emulator, base_env, {}

    def forget(self):
        self.creds.clear()  # a reset forgets the assumed roles

    def credentials(self, account):
        if account not in self.creds:
            sts = boto3.client("sts", endpoint_url=self.em.url, region_name="us-east-1",
                               aws_access_key_id="testing", aws_secret_access_key="testing")
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/privateconnect-e2e",
                                RoleSessionName="e2e")["Credentials"]
            self.creds[account] = c
            got = self.client("sts", account, "us-east-1").get_caller_identity()["Account"]
            if got != account:
                raise Failure(f"the emulator maps the credentials of {account} to {got}")
        return self.creds[account]

    def client(self, service, account, region):
        c = self.credentials(account)
        return boto3.client(service, endpoint_url=self.em.url, region_name=region,
                            aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                            aws_session_token=c["SessionToken"])

    def env(self, account, region):
        c = self.credentials(account)
        return dict(self.base_env, AWS_ENDPOINT_URL=self.em.url, AWS_REGION=region, AWS_DEFAULT_REGION=region,
                    AWS_ACCESS_KEY_ID=c["AccessKeyId"], AWS_SECRET_ACCESS_KEY=c["SecretAccessKey"],
                    AWS_SESSION_TOKEN=c["SessionToken"])


def base_environment(workdir):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "CDK_")) and k not in ("PRIVATECONNECT_CONFIG",)}
    aws_config = workdir / "aws-config"
    aws_config.write_text("[default]\ns3 =\n    addressing_style = path\n")
    no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY"), "localhost,127.0.0.1"]))
    env.update({
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "AWS_EC2_METADATA_DISABLED": "true",  # nothing may reach the instance metadata service
        "AWS_CONFIG_FILE": str(aws_config),
        "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "no-credentials"),
        "NO_PROXY": no_proxy, "no_proxy": no_proxy,
        "NODE_NO_WARNINGS": "1",
    })
    return env


def paginate(client, op, key, **kwargs):
    return [x for page in client.get_paginator(op).paginate(**kwargs) for x in page[key]]


def cdk(args, env, what, log, timeout=420, cwd=REPO, ok=(0,)):
    return run([CDK] + args + CDK_FLAGS, env=env, what=what, log=log, timeout=timeout, cwd=cwd, ok=ok)


def report_skips(ck, counts, phase, ours):
    if not counts:
        say(f"  {phase}: moto's CloudFormation left nothing out")
        return
    for what, n in sorted(counts.items()):
        print(f"    SKIPPED by moto in {phase}: {what} x{n}" + ("" if ours else " (CDK's bootstrap template, not ours)"), flush=True)
    if ours:
        ck.skipped.update({f"{what} [{phase}]": n for what, n in counts.items()})


@contextlib.contextmanager
def step(title, timings):
    start = time.monotonic()
    say(f"== {title}")
    yield
    timings.append((title, time.monotonic() - start))
