"""Keep NLB IP target groups equal to the IPv4 addresses behind an RDS database.

Invoked on a schedule and by RDS EventBridge events; the event content is ignored.
Each run:
  1. resolves the desired IPv4 set (a hostname, a DB instance, or a cluster's
     writer / available readers). Any failure raises before anything changes;
  2. registers desired IPs missing from each target group (on that group's port);
  3. deregisters an IP only after it has been absent from the desired set for
     DEREGISTER_AFTER_MISSES consecutive runs (miss counts live in SSM), so a
     single bad DNS answer never empties a target group;
  4. prints a CloudWatch embedded-metric-format line with RegisteredTargets.
Standard library and boto3 only, so it can be deployed inline.
"""
import functools
import ipaddress
import json
import logging
import os
import socket
import time
from dataclasses import dataclass

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

LOG = logging.getLogger("registrar")
LOG.setLevel(logging.INFO)

THROTTLE_CODES = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
MAX_ATTEMPTS = 5
FIRST_DELAY_SECONDS = 0.5


@dataclass(frozen=True)
class TargetGroup:
    arn: str
    port: int


@dataclass(frozen=True)
class Config:
    target_groups: tuple  # of TargetGroup
    target_kind: str  # "hostname" | "dbInstance" | "dbCluster"
    target: str
    role: str  # "writer" | "reader"; only used for dbCluster
    state_parameter: str
    deregister_after_misses: int
    metric_namespace: str
    service: str

    @classmethod
    def from_env(cls, environ):
        groups = tuple(TargetGroup(g["arn"], int(g["port"])) for g in json.loads(environ["TARGET_GROUPS"]))
        config = cls(
            target_groups=groups,
            target_kind=environ["TARGET_KIND"],
            target=environ["TARGET"],
            role=environ.get("ROLE") or "writer",
            state_parameter=environ["STATE_PARAMETER"],
            deregister_after_misses=int(environ.get("DEREGISTER_AFTER_MISSES") or 3),
            metric_namespace=environ.get("METRIC_NAMESPACE") or "PrivateConnect/Registrar",
            service=environ["SERVICE"],
        )
        if not groups or any(not g.arn or not 1 <= g.port <= 65535 for g in groups):
            raise ValueError("TARGET_GROUPS must be a non-empty list of {arn, port} with ports 1-65535")
        if config.target_kind not in ("hostname", "dbInstance", "dbCluster"):
            raise ValueError(f"unknown TARGET_KIND {config.target_kind!r}")
        if config.role not in ("writer", "reader"):
            raise ValueError(f"unknown ROLE {config.role!r}")
        if not config.target:
            raise ValueError("TARGET is empty")
        if config.deregister_after_misses < 1:
            raise ValueError("DEREGISTER_AFTER_MISSES must be >= 1")
        return config


class ResolutionError(Exception):
    """The desired targets could not be determined; nothing was changed."""


def call_aws(sleep, operation, **kwargs):
    """Call one AWS API operation, retrying throttling errors with exponential backoff.

    Any other error, or throttling on the last attempt, is re-raised unchanged.
    """
    delay = FIRST_DELAY_SECONDS
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return operation(**kwargs)
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code")
            if code not in THROTTLE_CODES or attempt == MAX_ATTEMPTS:
                raise
            LOG.warning("%s throttled (%s), attempt %d of %d; retrying in %.1fs",
                        getattr(operation, "__name__", "AWS call"), code, attempt, MAX_ATTEMPTS, delay)
            sleep(delay)
            delay *= 2


def resolve_ipv4(hostname):
    """Default resolver: the unique IPv4 addresses of a hostname (raises socket.gaierror on failure)."""
    answers = socket.getaddrinfo(hostname, None, socket.AF_INET, socket.SOCK_STREAM)
    return sorted({sockaddr[0] for _family, _type, _proto, _name, sockaddr in answers})


def _resolve(resolve, hostname):
    # Normalise and validate: anything that is not a plain IPv4 address raises ValueError.
    ips = {str(ipaddress.IPv4Address(ip)) for ip in resolve(hostname)}
    LOG.info("%s resolved to %s", hostname, sorted(ips))
    return ips


def _describe_instance(call, rds, identifier):
    return call(rds.describe_db_instances, DBInstanceIdentifier=identifier)["DBInstances"][0]


def _endpoint(instance):
    address = (instance.get("Endpoint") or {}).get("Address")
    if not address:
        raise ResolutionError(f"DB instance {instance['DBInstanceIdentifier']} has no endpoint address "
                              f"(status {instance.get('DBInstanceStatus')})")
    return address


def desired_ips(config, rds, resolve, call):
    """The set of IPv4 addresses the target groups should contain. Raises on any failure."""
    if config.target_kind == "hostname":
        hostnames = [config.target]
    elif config.target_kind == "dbInstance":
        hostnames = [_endpoint(_describe_instance(call, rds, config.target))]
    else:
        cluster = call(rds.describe_db_clusters, DBClusterIdentifier=config.target)["DBClusters"][0]
        members = cluster.get("DBClusterMembers", [])
        if config.role == "writer":
            writers = [m["DBInstanceIdentifier"] for m in members if m.get("IsClusterWriter")]
            if not writers:
                raise ResolutionError(f"DB cluster {config.target} has no writer instance")
            hostnames = [_endpoint(_describe_instance(call, rds, writers[0]))]
        else:
            # The reader endpoint's DNS answers with one rotating IP, so list the readers instead.
            hostnames = []
            for member in members:
                if member.get("IsClusterWriter"):
                    continue
                instance = _describe_instance(call, rds, member["DBInstanceIdentifier"])
                if instance.get("DBInstanceStatus") != "available":
                    LOG.info("skipping reader %s: status %s", member["DBInstanceIdentifier"],
                             instance.get("DBInstanceStatus"))
                    continue
                hostnames.append(_endpoint(instance))
    ips = set()
    for hostname in hostnames:
        ips |= _resolve(resolve, hostname)
    return ips


def registered_targets(call, elbv2, arn):
    """The (ip, port) pairs registered in a target group, ignoring targets already draining."""
    descriptions = call(elbv2.describe_target_health, TargetGroupArn=arn)["TargetHealthDescriptions"]
    return {(d["Target"]["Id"], d["Target"]["Port"]) for d in descriptions
            if d.get("TargetHealth", {}).get("State") != "draining"}


def load_state(call, ssm, name):
    """Return (raw parameter text, {ip: consecutive misses}). Unreadable content counts as empty."""
    raw = call(ssm.get_parameter, Name=name)["Parameter"]["Value"]
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    valid = isinstance(data, dict) and all(
        isinstance(misses, int) and not isinstance(misses, bool) and misses >= 0 for misses in data.values())
    if not valid:
        LOG.warning("state parameter %s does not hold a JSON object {ip: misses}; starting from {}", name)
        return raw, {}
    return raw, data


def emit_metric(config, registered_count):
    """Print a CloudWatch embedded-metric-format line; Lambda's log pipeline turns it into a metric."""
    print(json.dumps({
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [{
                "Namespace": config.metric_namespace,
                "Dimensions": [["Service"]],
                "Metrics": [{"Name": "RegisteredTargets", "Unit": "Count"}],
            }],
        },
        "Service": config.service,
        "RegisteredTargets": registered_count,
    }), flush=True)


def _registered_count(current):
    # RegisteredTargets = distinct IPs in the emptiest target group, so an alarm
    # on "< 1" fires if any listener port is left without targets.
    return min(len({ip for ip, _port in pairs}) for pairs in current.values())


def run(config, elbv2, rds, ssm, resolve=resolve_ipv4, sleep=time.sleep):
    """One reconciliation. Returns {"desired", "registered", "deregistered"} as sorted IP lists."""
    call = functools.partial(call_aws, sleep)
    try:
        desired = desired_ips(config, rds, resolve, call)
    except Exception:
        LOG.error("could not resolve the desired targets of %s %s; nothing was changed",
                  config.target_kind, config.target)
        raise

    current = {g.arn: registered_targets(call, elbv2, g.arn) for g in config.target_groups}
    summary = {"desired": sorted(desired), "registered": [], "deregistered": []}
    if not desired:
        LOG.warning("%s %s resolved to no IPv4 address; nothing was changed",
                    config.target_kind, config.target)
        emit_metric(config, _registered_count(current))
        return summary

    # Miss counting is per IP and per run, however many target groups hold the IP.
    raw_state, state = load_state(call, ssm, config.state_parameter)
    new_state, expired = {}, set()
    stale = {ip for pairs in current.values() for ip, _port in pairs} - desired
    for ip in sorted(stale):
        misses = state.get(ip, 0) + 1
        if misses >= config.deregister_after_misses:
            expired.add(ip)
        else:
            new_state[ip] = misses
            LOG.info("%s is no longer resolved (miss %d of %d); keeping it registered for now",
                     ip, misses, config.deregister_after_misses)

    registered, deregistered = set(), set()
    for group in config.target_groups:
        pairs = current[group.arn]
        # Deregister with the port each target is registered on: ELBv2 ignores a
        # deregistration whose port does not match. A desired IP registered on a
        # port other than the group's port is a leftover and is removed at once
        # (before registering, so it is cleanly replaced by the right port).
        removals = sorted((ip, port) for ip, port in pairs
                          if ip in expired or (ip in desired and port != group.port))
        additions = sorted(ip for ip in desired if (ip, group.port) not in pairs)
        if removals:
            call(elbv2.deregister_targets, TargetGroupArn=group.arn,
                 Targets=[{"Id": ip, "Port": port} for ip, port in removals])
            for ip, port in removals:
                LOG.info("deregistered %s port %d from %s", ip, port, group.arn)
                deregistered.add(ip)
        if additions:
            call(elbv2.register_targets, TargetGroupArn=group.arn,
                 Targets=[{"Id": ip, "Port": group.port} for ip in additions])
            for ip in additions:
                LOG.info("registered %s port %d in %s", ip, group.port, group.arn)
                registered.add(ip)
        current[group.arn] = (pairs - set(removals)) | {(ip, group.port) for ip in additions}

    # Only IPs still registered but not resolved keep a count; everything else is dropped.
    new_raw = json.dumps(new_state, sort_keys=True)
    if new_raw != raw_state:
        call(ssm.put_parameter, Name=config.state_parameter, Value=new_raw, Type="String", Overwrite=True)
        LOG.info("state updated: %s", new_raw)

    emit_metric(config, _registered_count(current))
    summary.update(registered=sorted(registered), deregistered=sorted(deregistered))
    return summary


_clients = {}


def _client(service):
    # Created on first use (and reused while the Lambda environment is warm).
    if service not in _clients:
        _clients[service] = boto3.client(service, config=BotoConfig(retries={"mode": "standard"}))
    return _clients[service]


def handler(event, context):
    """Lambda entry point. The event is ignored: every invocation does a full reconciliation."""
    config = Config.from_env(os.environ)
    return run(config, _client("elbv2"), _client("rds"), _client("ssm"))
