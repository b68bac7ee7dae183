"""Keep NLB IP target groups equal to the private IPv4 addresses behind an RDS database.

Invoked on a schedule and by RDS EventBridge events. Each run:
  1. works out the desired IPv4 set: a hostname's addresses, or the endpoint
     addresses of a DB instance, a cluster's writer or its available readers,
     from the RDS API. Any failure, or an address that is not private
     (RFC 1918 or 100.64.0.0/10), raises before anything changes;
  2. on an RDS failover event about this database, while nothing has moved yet
     and the failover may still be under way (a cluster's RDS API shows it
     failing over; an instance endpoint's DNS lags the event), looks again every
     FAILOVER_RETRY_SECONDS for up to FAILOVER_WAIT_SECONDS, so that the new
     writer is registered in this run;
  3. registers desired IPs missing from each target group (on that group's port);
  4. deregisters at once an IP the RDS API proves wrong: the cluster member it
     belonged to is no longer the writer (role writer), became the writer or is
     not available (role reader), or left the cluster. Any other IP that is no
     longer desired (it merely vanished from DNS) is deregistered only after it
     has been missing for DEREGISTER_AFTER_MISSES consecutive runs (counts and
     owners live in SSM). A failed or empty lookup changes nothing;
  5. prints a CloudWatch embedded-metric-format line with RegisteredTargets and
     UnusedTargets: targets the load balancer leaves unused because it has no
     subnet in their Availability Zone, each also logged with its AZ.
Standard library and boto3 only, so it can be deployed inline.
"""
import functools
import ipaddress
import json
import logging
import os
import socket
import time
from dataclasses import dataclass, field

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

LOG = logging.getLogger("registrar")
LOG.setLevel(logging.INFO)

THROTTLE_CODES = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
MAX_ATTEMPTS = 5
FIRST_DELAY_SECONDS = 0.5
# RDS endpoints' DNS records live 5 s (https://repost.aws/knowledge-center/aurora-mysql-redirected-endpoint-writer);
# the wait stays well inside the function's 60 s timeout.
FAILOVER_RETRY_SECONDS = 5
FAILOVER_WAIT_SECONDS = 30
# The only addresses a Network Load Balancer accepts as IP targets besides its VPC's subnets
# (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#target-type).
PRIVATE_NETWORKS = tuple(ipaddress.IPv4Network(n) for n in
                         ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"))


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


@dataclass
class Found:
    """What one lookup found: the desired IPs and what the RDS API said about them."""
    owners: dict = field(default_factory=dict)  # desired ip -> DB instance it belongs to (None: DNS only)
    zones: dict = field(default_factory=dict)  # DB instance -> its Availability Zone
    members: dict = field(default_factory=dict)  # dbCluster: member instance -> is the writer
    statuses: dict = field(default_factory=dict)  # DB instance -> status, for those described
    in_progress: str = ""  # why the RDS API shows a failover in progress
    sources: set = field(default_factory=set)  # RDS event SourceIdentifiers about this database


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
    public = sorted(ip for ip in ips if not any(ipaddress.IPv4Address(ip) in n for n in PRIVATE_NETWORKS))
    if public:
        raise ResolutionError(
            f"{hostname} resolved to {', '.join(public)}, not a private address: a Network Load Balancer "
            "can only target addresses in its VPC or in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and "
            "100.64.0.0/10. A publicly accessible RDS database resolves to its public address outside its VPC, "
            "where this function runs: turn off public accessibility on the database")
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


def find_targets(config, rds, resolve, call):
    """The IPs the target groups should contain, and what the RDS API said. Raises on any failure."""
    found = Found()
    chosen = []  # (DB instance or None, hostname)
    if config.target_kind == "hostname":
        # RDS endpoints start with the instance or cluster identifier, which RDS events name.
        found.sources.add(config.target.split(".")[0].lower())
        chosen.append((None, config.target))
    elif config.target_kind == "dbInstance":
        instance = _describe_instance(call, rds, config.target)
        found.sources.add(config.target.lower())
        found.statuses[config.target] = instance.get("DBInstanceStatus")
        found.zones[config.target] = instance.get("AvailabilityZone")
        if found.statuses[config.target] != "available":
            found.in_progress = f"DB instance {config.target} is {found.statuses[config.target]}"
        chosen.append((config.target, _endpoint(instance)))
    else:
        cluster = call(rds.describe_db_clusters, DBClusterIdentifier=config.target)["DBClusters"][0]
        found.members = {m["DBInstanceIdentifier"]: bool(m.get("IsClusterWriter"))
                         for m in cluster.get("DBClusterMembers", [])}
        found.sources |= {config.target.lower()} | {m.lower() for m in found.members}
        if cluster.get("Status") == "failing-over":
            found.in_progress = f"DB cluster {config.target} is failing over"
        writers = [m for m, writer in found.members.items() if writer]
        if config.role == "writer":
            if not writers:
                raise ResolutionError(f"DB cluster {config.target} has no writer instance")
            wanted = writers[:1]
        else:
            # The reader endpoint's DNS answers with one rotating IP, so list the readers instead.
            wanted = [m for m, writer in found.members.items() if not writer]
        for identifier in wanted:
            instance = _describe_instance(call, rds, identifier)
            found.statuses[identifier] = instance.get("DBInstanceStatus")
            found.zones[identifier] = instance.get("AvailabilityZone")
            if config.role == "reader" and found.statuses[identifier] != "available":
                LOG.info("skipping reader %s: status %s", identifier, found.statuses[identifier])
                continue
            chosen.append((identifier, _endpoint(instance)))
    for owner, hostname in chosen:
        for ip in _resolve(resolve, hostname):
            found.owners[ip] = owner
    return found


def proven_wrong(config, found, owner):
    """Why the RDS API proves an address of DB instance owner wrong, or "" when it does not."""
    if config.target_kind != "dbCluster" or owner is None:
        return ""
    if owner not in found.members:
        return f"{owner} is no longer a member of DB cluster {config.target}"
    if config.role == "writer" and not found.members[owner]:
        return f"{owner} is no longer the writer of DB cluster {config.target}"
    if config.role == "reader" and found.members[owner]:
        return f"{owner} is now the writer of DB cluster {config.target}"
    status = found.statuses.get(owner, "available")
    if config.role == "reader" and status != "available":
        return f"reader {owner} is {status}"
    return ""


def failover_event(event):
    """The SourceIdentifier of an RDS failover event, or None for any other invocation."""
    if not isinstance(event, dict) or event.get("source") != "aws.rds":
        return None
    detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
    if "failover" not in (detail.get("EventCategories") or []):
        return None
    return str(detail.get("SourceIdentifier") or "").lower()


def find_following_failover(config, rds, resolve, call, sleep, event, registered):
    """find_targets, looked at again while a failover of this database has not shown yet."""
    source = failover_event(event)
    waited = 0
    while True:
        try:
            found = find_targets(config, rds, resolve, call)
        except (ResolutionError, OSError) as err:  # no writer yet, or DNS failed
            if source is None or waited >= FAILOVER_WAIT_SECONDS:
                raise
            pending = str(err)
        else:
            if source is None or source not in found.sources:
                return found
            # A cluster's roles come from the RDS API: once it no longer shows a failover,
            # nothing more will move. An instance endpoint moves in DNS, which lags the events.
            settled = config.target_kind == "dbCluster" and not found.in_progress
            if set(found.owners) != registered or settled or waited >= FAILOVER_WAIT_SECONDS:
                return found
            pending = found.in_progress or "nothing has moved yet"
        LOG.info("failover of %s (event about %s): %s; looking again in %ds",
                 config.target, source, pending, FAILOVER_RETRY_SECONDS)
        sleep(FAILOVER_RETRY_SECONDS)
        waited += FAILOVER_RETRY_SECONDS


def registered_targets(call, elbv2, arn):
    """({(ip, port)} registered in a target group, ignoring targets already draining, {unused ip})."""
    descriptions = call(elbv2.describe_target_health, TargetGroupArn=arn)["TargetHealthDescriptions"]
    pairs = {(d["Target"]["Id"], d["Target"]["Port"]) for d in descriptions
             if d.get("TargetHealth", {}).get("State") != "draining"}
    # Target.NotInUse: the target is in an Availability Zone not enabled on the load balancer
    # (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html).
    unused = {d["Target"]["Id"] for d in descriptions
              if d.get("TargetHealth", {}).get("State") == "unused"
              and d.get("TargetHealth", {}).get("Reason") == "Target.NotInUse"}
    return pairs, unused


def load_state(call, ssm, name):
    """Return ({ip: consecutive misses}, {ip: DB instance}). Unreadable content counts as empty."""
    raw = call(ssm.get_parameter, Name=name)["Parameter"]["Value"]
    try:
        data = json.loads(raw)
    except ValueError:
        data = None

    def counts(d):
        return isinstance(d, dict) and all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in d.values())

    if isinstance(data, dict) and set(data) <= {"misses", "owners"} and counts(data.get("misses", {})) \
            and isinstance(data.get("owners", {}), dict) \
            and all(isinstance(o, str) for o in data.get("owners", {}).values()):
        return dict(data.get("misses", {})), dict(data.get("owners", {}))
    if counts(data):  # the first format: {ip: misses}
        return data, {}
    LOG.warning("state parameter %s does not hold {\"misses\": {ip: n}, \"owners\": {ip: instance}}; "
                "starting from empty", name)
    return {}, {}


def emit_metric(config, registered_count, unused_count):
    """Print a CloudWatch embedded-metric-format line; Lambda's log pipeline turns it into metrics."""
    print(json.dumps({
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [{
                "Namespace": config.metric_namespace,
                "Dimensions": [["Service"]],
                "Metrics": [{"Name": "RegisteredTargets", "Unit": "Count"},
                            {"Name": "UnusedTargets", "Unit": "Count"}],
            }],
        },
        "Service": config.service,
        "RegisteredTargets": registered_count,
        "UnusedTargets": unused_count,
    }), flush=True)


def _registered_count(current):
    # RegisteredTargets = distinct IPs in the emptiest target group, so an alarm
    # on "< 1" fires if any listener port is left without targets.
    return min(len({ip for ip, _port in pairs}) for pairs in current.values())


def report_unused(call, ec2, unused, owners, zones):
    """Log each target the load balancer leaves unused, naming its Availability Zone."""
    for ip in sorted(unused):
        zone = zones.get(owners.get(ip))
        if not zone and ec2 is not None:
            interfaces = call(ec2.describe_network_interfaces,
                              Filters=[{"Name": "addresses.private-ip-address", "Values": [ip]}])["NetworkInterfaces"]
            zone = interfaces[0]["AvailabilityZone"] if interfaces else None
        LOG.error("%s is registered but unused: the load balancer has no subnet in its Availability Zone %s, "
                  "so it sends it no traffic. Give the load balancer a subnet in every AZ of the database's "
                  "DB subnet group (the stack's SubnetIds parameter)", ip, zone or "(unknown)")


def run(config, elbv2, rds, ssm, resolve=resolve_ipv4, sleep=time.sleep, event=None, ec2=None):
    """One reconciliation. Returns {"desired", "registered", "deregistered"} as sorted IP lists."""
    call = functools.partial(call_aws, sleep)
    current, unused = {}, set()
    for g in config.target_groups:
        current[g.arn], group_unused = registered_targets(call, elbv2, g.arn)
        unused |= group_unused
    registered_ips = {ip for pairs in current.values() for ip, _port in pairs}
    try:
        found = find_following_failover(config, rds, resolve, call, sleep, event, registered_ips)
    except Exception:
        LOG.error("could not resolve the desired targets of %s %s; nothing was changed",
                  config.target_kind, config.target)
        raise
    desired = set(found.owners)
    summary = {"desired": sorted(desired), "registered": [], "deregistered": []}
    state, owners = load_state(call, ssm, config.state_parameter)
    if not desired:
        LOG.warning("%s %s resolved to no IPv4 address; nothing was changed",
                    config.target_kind, config.target)
        report_unused(call, ec2, unused, owners, found.zones)
        emit_metric(config, _registered_count(current), len(unused))
        return summary

    # Miss counting is per IP and per run, however many target groups hold the IP.
    new_state, expired = {}, set()
    for ip in sorted(registered_ips - desired):
        why = proven_wrong(config, found, owners.get(ip))
        if why:
            LOG.info("%s is wrong: %s; deregistering it now", ip, why)
            expired.add(ip)
            continue
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

    # Only IPs still registered but not resolved keep a count; owners are kept for registered IPs.
    kept = {ip for pairs in current.values() for ip, _port in pairs}
    new_owners = {ip: owner for ip, owner in {**owners, **found.owners}.items() if ip in kept and owner}
    if (new_state, new_owners) != (state, owners):
        new_raw = json.dumps({"misses": new_state, "owners": new_owners}, sort_keys=True)
        call(ssm.put_parameter, Name=config.state_parameter, Value=new_raw, Type="String", Overwrite=True)
        LOG.info("state updated: %s", new_raw)

    unused &= kept
    report_unused(call, ec2, unused, new_owners, found.zones)
    emit_metric(config, _registered_count(current), len(unused))
    summary.update(registered=sorted(registered), deregistered=sorted(deregistered))
    return summary


_clients = {}


def _client(service):
    # Created on first use (and reused while the Lambda environment is warm).
    if service not in _clients:
        _clients[service] = boto3.client(service, config=BotoConfig(retries={"mode": "standard"}))
    return _clients[service]


def handler(event, context):
    """Lambda entry point: a full reconciliation; an RDS failover event also waits for the failover to show."""
    config = Config.from_env(os.environ)
    return run(config, _client("elbv2"), _client("rds"), _client("ssm"), event=event, ec2=_client("ec2"))
