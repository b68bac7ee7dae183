"""The scripted failovers. Times are seconds from the start of the change (t=0).

The timings of RDS itself are assumptions (README.md): a Multi-AZ DB instance fails over
in 60 s (AWS: "typically ... one to two minutes") and its endpoint's DNS moves 10 s after
the completion event; an Aurora writer failover promotes the reader after 10 s and the old
writer is back, as a reader, after 25 s ("typically ... under 30 seconds"). DNS answers
live 5 s (RDS endpoints' TTL).
"""
import math
from dataclasses import dataclass, field

from model import FAIL, Timeline

REGION = "us-east-1"
ZONE_SUBNETS = {"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.2.0/24", "us-east-1c": "10.0.3.0/24"}
NLB_ZONES = ("us-east-1a", "us-east-1b")  # the load balancer's subnets
CLUSTER = "orders"
INSTANCE = "orders-db"  # the Multi-AZ DB instance, found by its endpoint name
INSTANCE_HOST = f"{INSTANCE}.c9akciq32.{REGION}.rds.amazonaws.com"
# Aurora members: identifier -> (address, zone); orders-1 is the writer.
MEMBERS = {"orders-1": ("10.0.1.11", "us-east-1a"), "orders-2": ("10.0.2.12", "us-east-1b"),
           "orders-3": ("10.0.1.13", "us-east-1a")}
NEW_READER = ("orders-4", "10.0.2.14", "us-east-1b")


def member_host(identifier):
    return f"{identifier}.aaaaaaaaaa.{REGION}.rds.amazonaws.com"  # what moto names an instance endpoint


def rds_event(source, event_id, category, message, cluster=False):
    """An RDS event as EventBridge delivers it."""
    kind = "Cluster" if cluster else "Instance"
    return {"version": "0", "source": "aws.rds", "detail-type": f"RDS DB {kind} Event", "region": REGION,
            "resources": [f"arn:aws:rds:{REGION}:444455556666:{'cluster' if cluster else 'db'}:{source}"],
            "detail": {"EventCategories": [category], "SourceType": f"{'CLUSTER' if cluster else 'DB_INSTANCE'}",
                       "SourceIdentifier": source, "EventID": event_id, "Message": message}}


@dataclass
class Script:
    name: str
    title: str
    service: str  # the template's service: instance (hostname), writer or readers (dbCluster)
    target: str  # the template parameter naming the database
    zones: dict  # address -> its Availability Zone
    up: dict  # address -> [(from, to)]: when it accepts TCP connections
    right: Timeline  # the addresses new connections should go to
    visible: float  # when the change can first be seen (RDS API or DNS), for the targets
    events: list = field(default_factory=list)  # (t, event)
    changes: list = field(default_factory=list)  # (t, fn(rds client)): applied to moto
    dns: dict = field(default_factory=dict)  # name -> Timeline of answers
    statuses: dict = field(default_factory=dict)  # identifier -> [(from, to, status)]
    throttles: list = field(default_factory=list)  # (from, to, client name)
    cluster: bool = False
    extra_reader: bool = False  # orders-4 exists (creating) before t=0

    def accepts(self, ip, t):
        return any(start <= t < stop for start, stop in self.up.get(ip, ()))

    def status(self, identifier, t, default):
        for start, stop, status in self.statuses.get(identifier, ()):
            if start <= t < stop:
                return status
        return default


ALWAYS = [(-math.inf, math.inf)]


def multi_az(name, title, events=True, standby_zone="us-east-1b", dns_failures=False):
    old, new = "10.0.1.21", "10.0.3.23" if standby_zone == "us-east-1c" else "10.0.2.22"
    answers = Timeline([old]).set(70, [new])
    visible = 70
    if dns_failures:
        # The lookups fail, then come back empty, while the endpoint moves.
        answers = Timeline([old]).set(60, FAIL).set(90, []).set(120, [new])
        visible = 120
    s = Script(name, title, "instance", INSTANCE_HOST, zones={old: "us-east-1a", new: standby_zone},
               up={old: [(-math.inf, 0)], new: [(60, math.inf)]},
               right=Timeline(frozenset([old])).set(0, frozenset()).set(60, frozenset([new])),
               visible=visible, dns={INSTANCE_HOST: answers})
    if events:
        s.events = [(0, rds_event(INSTANCE, "RDS-EVENT-0013", "failover",
                                  "A Multi-AZ failover that resulted in the promotion of a standby instance has started.")),
                    (60, rds_event(INSTANCE, "RDS-EVENT-0015", "failover",
                                   "A Multi-AZ failover that resulted in the promotion of a standby instance is complete. "
                                   "It may take several minutes for the DNS to transfer to the new primary DB instance."))]
    return s


def cluster_script(name, title, service, **kw):
    zones = {ip: zone for ip, zone in MEMBERS.values()}
    zones[NEW_READER[1]] = NEW_READER[2]
    dns = {member_host(m): Timeline([ip]) for m, (ip, _zone) in MEMBERS.items()}
    dns[member_host(NEW_READER[0])] = Timeline([NEW_READER[1]])
    return Script(name, title, service, CLUSTER, zones=zones, dns=dns, cluster=True, **kw)


def aurora_writer(name, title, events=True, throttles=()):
    writer, promoted = MEMBERS["orders-1"][0], MEMBERS["orders-2"][0]
    s = cluster_script(
        name, title, "writer",
        up={writer: [(-math.inf, 0), (25, math.inf)], promoted: [(-math.inf, 0), (10, math.inf)],
            MEMBERS["orders-3"][0]: ALWAYS},
        right=Timeline(frozenset([writer])).set(0, frozenset()).set(10, frozenset([promoted])),
        visible=10,
        changes=[(10, lambda rds: rds.failover_db_cluster(DBClusterIdentifier=CLUSTER,
                                                          TargetDBInstanceIdentifier="orders-2"))],
        statuses={CLUSTER: [(0, 15, "failing-over")]}, throttles=list(throttles))
    if events:
        s.events = [(0, rds_event(CLUSTER, "RDS-EVENT-0073", "failover",
                                  "Started cross AZ failover to DB instance: orders-2", cluster=True)),
                    (15, rds_event(CLUSTER, "RDS-EVENT-0071", "failover",
                                   "Completed failover to DB instance: orders-2", cluster=True))]
    return s


def readers(name, title, **kw):
    return cluster_script(name, title, "readers", **kw)


def scenarios():
    r2, r3 = MEMBERS["orders-2"][0], MEMBERS["orders-3"][0]
    both = frozenset([r2, r3])
    out = [
        multi_az("multi-az-instance-failover",
                 "Multi-AZ DB instance failover (by hostname): the endpoint moves 10 s after the completion event"),
        multi_az("multi-az-instance-failover-events-lost",
                 "the same, RDS events lost: the schedule alone", events=False),
        multi_az("dns-failure-during-failover",
                 "the same, DNS lookups failing for 30 s then answering empty for 30 s", dns_failures=True),
        multi_az("failover-into-uncovered-az",
                 "the same, the standby in a zone where the load balancer has no subnet",
                 standby_zone="us-east-1c"),
        aurora_writer("aurora-writer-failover",
                      "Aurora writer failover: roles swap at 10 s, the old writer is back as a reader at 25 s"),
        aurora_writer("aurora-writer-failover-events-lost", "the same, RDS events lost", events=False),
        aurora_writer("aurora-writer-failover-throttled",
                      "the same, ELBv2 throttling every call at 8-16 s and 60-100 s",
                      throttles=[(8, 16, "elbv2"), (60, 100, "elbv2")]),
        readers("aurora-reader-added", "Aurora reader added: orders-4 becomes available at 0 s",
                up={**{ip: ALWAYS for ip, _z in MEMBERS.values()}, NEW_READER[1]: [(0, math.inf)]},
                right=Timeline(both).set(0, both | {NEW_READER[1]}), visible=0, extra_reader=True,
                statuses={NEW_READER[0]: [(-math.inf, 0, "creating")]},
                events=[(0, rds_event(NEW_READER[0], "RDS-EVENT-0005", "creation", "DB instance created"))]),
        readers("aurora-reader-removed",
                "Aurora reader removed: orders-3 deleting from 0 s, closed at 10 s, gone at 60 s",
                up={**{ip: ALWAYS for ip, _z in MEMBERS.values()}, r3: [(-math.inf, 10)]},
                right=Timeline(both).set(0, frozenset([r2])), visible=0,
                statuses={"orders-3": [(0, 60, "deleting")]},
                changes=[(60, lambda rds: rds.delete_db_instance(DBInstanceIdentifier="orders-3",
                                                                 SkipFinalSnapshot=True))],
                events=[(60, rds_event("orders-3", "RDS-EVENT-0003", "deletion", "DB instance deleted"))]),
        readers("aurora-reader-rebooting",
                "Aurora reader rebooting: orders-3 down 2-30 s, available again at 40 s",
                up={**{ip: ALWAYS for ip, _z in MEMBERS.values()}, r3: [(-math.inf, 2), (30, math.inf)]},
                right=Timeline(both).set(0, frozenset([r2])).set(40, both), visible=0,
                statuses={"orders-3": [(0, 40, "rebooting")]},
                events=[(2, rds_event("orders-3", "RDS-EVENT-0004", "availability", "DB instance shutdown")),
                        (30, rds_event("orders-3", "RDS-EVENT-0006", "availability", "DB instance restarted"))]),
    ]
    # A deleted instance's name stops resolving.
    next(s for s in out if s.name == "aurora-reader-removed").dns[member_host("orders-3")].set(60, FAIL)
    return out
