"""The world the registrar runs in during a simulated failover.

A scripted clock; scripted changes to moto's RDS (and statuses moto cannot hold);
scripted DNS answers cached for their TTL; the Lambda function's invocations (a
schedule, RDS events, one run at a time, a timeout); and a model of how a Network
Load Balancer routes new connections, fed by the target group's settings.
"""
import bisect
import math
import socket
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

FAIL = "FAIL"  # a DNS answer: the lookup fails (SERVFAIL, timeout)


class LambdaTimeout(BaseException):
    """The function ran past its timeout: Lambda stops it where it is."""


class Clock:
    def __init__(self, now):
        self.now = now
        self.deadline = math.inf

    def check(self):
        if self.now > self.deadline:
            raise LambdaTimeout(f"timed out at t={self.now:g}")

    def sleep(self, seconds):
        self.now += seconds
        self.check()


class Timeline:
    """Values that hold from a time on: value(t) is the last one set at or before t."""

    def __init__(self, initial):
        self.times, self.values = [-math.inf], [initial]

    def set(self, t, value):
        i = bisect.bisect_right(self.times, t)
        self.times.insert(i, t)
        self.values.insert(i, value)
        return self

    def __call__(self, t):
        return self.values[bisect.bisect_right(self.times, t) - 1]


class Dns:
    """Authoritative answers per name over time, and the caching resolver the function uses.

    An answer is kept for the record's TTL (failures are not cached), in the resolver the
    function's invocations share."""

    def __init__(self, clock, ttl):
        self.clock, self.ttl = clock, ttl
        self.names = {}
        self.cache = {}

    def answer(self, name, initial):
        self.names[name] = Timeline(initial)
        return self.names[name]

    def resolve(self, name):
        now = self.clock.now
        cached = self.cache.get(name)
        if cached and cached[0] > now:
            return list(cached[1])
        timeline = self.names.get(name)
        answer = timeline(now) if timeline else FAIL
        if answer == FAIL:
            raise socket.gaierror(socket.EAI_AGAIN, f"{name}: temporary failure in name resolution")
        self.cache[name] = (now + self.ttl, tuple(answer))
        return list(answer)


@dataclass
class Registration:
    ip: str
    registered: float
    preexisting: bool = False  # healthy before the scenario starts
    deregistered: float = math.inf


class Nlb:
    """Registrations as the registrar made them, and the routing they give.

    A registered target is health-checked first after the registration latency, then every
    interval; healthy after `healthy` passed checks in a row, unhealthy after `unhealthy`
    failed ones (from the initial state too). A check passes when the address accepts TCP
    connections. A target in a zone without a load balancer subnet is unused: never
    checked, never routed to. A deregistered target takes new connections until the
    deregistration latency has passed."""

    def __init__(self, settings, zone_of, enabled_zones, up):
        self.settings, self.zone_of, self.enabled_zones, self.up = settings, zone_of, enabled_zones, up
        self.registrations = []

    def register(self, ip, t, preexisting=False):
        if not any(r.ip == ip and r.deregistered == math.inf for r in self.registrations):
            self.registrations.append(Registration(ip, t, preexisting))

    def deregister(self, ip, t):
        for r in self.registrations:
            if r.ip == ip and r.deregistered == math.inf:
                r.deregistered = t

    def in_use(self, ip):
        return self.zone_of.get(ip) in self.enabled_zones

    def api_state(self, ip):
        """What DescribeTargetHealth says about a registered target, as far as the registrar reads it."""
        if not self.in_use(ip):
            return {"State": "unused", "Reason": "Target.NotInUse",
                    "Description": "Target is in an Availability Zone that is not enabled for the load balancer"}
        return {"State": "healthy"}

    def health(self, r, horizon, registration_latency):
        """[(time, state)] of a registration: 'initial', 'healthy' or 'unhealthy'."""
        s = self.settings
        if r.preexisting:
            # Checked since long before the scenario, in phase with nothing in particular.
            first, out = r.registered - 10 * s["interval"] + 3, [(-math.inf, "healthy")]
            state, passed, failed = "healthy", 0, 0
        else:
            first, out = r.registered + registration_latency, [(r.registered, "initial")]
            state, passed, failed = "initial", 0, 0
        t = first
        while t < horizon:
            if self.up(r.ip, t):
                passed, failed = passed + 1, 0
                if state != "healthy" and passed >= s["healthy"]:
                    state = "healthy"
                    out.append((t, state))
            else:
                passed, failed = 0, failed + 1
                if state != "unhealthy" and failed >= s["unhealthy"]:
                    state = "unhealthy"
                    out.append((t, state))
            t += s["interval"]
        return out

    def routing(self, horizon, registration_latency, deregistration_latency):
        """A function t -> the addresses new connections may go to at t."""
        spans = []  # (ip, from, to) during which the target is healthy and in service
        for r in self.registrations:
            if not self.in_use(r.ip):
                continue
            end = min(horizon, r.deregistered + deregistration_latency)
            states = self.health(r, horizon, registration_latency)
            for i, (t, state) in enumerate(states):
                until = states[i + 1][0] if i + 1 < len(states) else horizon
                if state == "healthy" and min(until, end) > t:
                    spans.append((r.ip, t, min(until, end)))

        def routable(t):
            return frozenset(ip for ip, start, stop in spans if start <= t < stop)
        return routable


@dataclass
class Run:
    """One invocation of the function."""
    started: float
    trigger: str
    ended: float = 0.0
    error: str = ""
    summary: dict = field(default_factory=dict)
    unused_targets: int = 0


class Proxy:
    """A boto3 client as the function sees it in the scenario: the world advances to the
    clock first; calls may be throttled; RDS answers carry scripted statuses; target health
    comes from the load balancer model; (de)registrations are told to it."""

    def __init__(self, name, client, sim):
        self._name, self._client, self._sim = name, client, sim

    def __getattr__(self, operation):
        real = getattr(self._client, operation)
        sim = self._sim

        def call(**kwargs):
            sim.clock.check()
            sim.advance()
            if sim.throttled(self._name, sim.clock.now):
                sim.throttles += 1
                raise ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, operation)
            answer = real(**kwargs)
            if operation == "describe_db_instances":
                for db in answer["DBInstances"]:
                    db["DBInstanceStatus"] = sim.script.status(db["DBInstanceIdentifier"], sim.clock.now,
                                                               db["DBInstanceStatus"])
            elif operation == "describe_db_clusters":
                for c in answer["DBClusters"]:
                    c["Status"] = sim.script.status(c["DBClusterIdentifier"], sim.clock.now, c["Status"])
            elif operation == "describe_target_health":
                for d in answer["TargetHealthDescriptions"]:
                    d["TargetHealth"] = sim.nlb.api_state(d["Target"]["Id"])
            elif operation == "register_targets":
                for target in kwargs["Targets"]:
                    sim.nlb.register(target["Id"], sim.clock.now, preexisting=sim.warming_up)
            elif operation == "deregister_targets":
                for target in kwargs["Targets"]:
                    sim.nlb.deregister(target["Id"], sim.clock.now)
            return answer

        call.__name__ = operation
        return call
