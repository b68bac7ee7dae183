"""Failover story: an Aurora writer fails over; the deployed registrar's run on the RDS
event takes the old writer out of the target group and the new one in, in that one run."""

import contextlib
import json
import shutil

from fleet import Fleet, edit_services, output_id, producer_services
from harness import paginate, say
from offline import handoff
from producer import Producer, deploy_producer, load_registrar, prepare_customer, stub_resolver


def cluster_service(fleet):
    """The first (customer, service) whose producer finds an Aurora cluster, or None."""
    for name, c in sorted(fleet.customers.items()):
        for s in producer_services(c):
            if (s["producer"].get("rds") or {}).get("by") == "dbCluster":
                return name, s["name"]
    return None


def failover_story(ck, em, aws, fleet_dir, workdir, env, aws_cli):
    found = cluster_service(Fleet(fleet_dir))
    if not found:
        ck.notes.append("failover story not run: no service of the fleet finds an Aurora cluster (rds.by: dbCluster)")
        return
    name, service = found
    say(f"failover: {name}'s {service} as an Aurora writer; the writer fails over")
    em.reset()
    aws.forget()
    # The customer's template with that service following the writer (whatever its role in the fleet).
    copy = workdir / "failover-fleet"
    shutil.copytree(fleet_dir, copy)
    def writer(s):
        if s["name"] == service:
            s["producer"]["rds"]["role"] = "writer"
    edit_services(copy, name, writer)
    bundles = handoff(str(copy), workdir / "failover-handoff", env, workdir / "handoff.log", customers=[name])
    p = Producer(Fleet(copy).customers[name], bundles[name])
    prepare_customer(aws, p, with_topics=False)
    deploy_producer(ck, aws, p, workdir, aws_cli, check_template=False)
    registrar = load_registrar(ck, p, workdir)
    cluster = p.params[f"{output_id(service)}RdsClusterId"]
    lam, rds = aws.client("lambda", p.account, p.region), aws.client("rds", p.account, p.region)
    elbv2, ssm = aws.client("elbv2", p.account, p.region), aws.client("ssm", p.account, p.region)
    (fn,) = [f for f in paginate(lam, "list_functions", "Functions")
             if f.get("Environment", {}).get("Variables", {}).get("TARGET") == cluster]
    config = registrar.Config.from_env(fn["Environment"]["Variables"])  # the deployed function's environment
    resolve, sleeps = stub_resolver(p, []), []

    def address(identifier):
        return p.hosts[rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["Endpoint"]["Address"]]

    def members():
        return rds.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]["DBClusterMembers"]

    def targets():
        return {g.port: {(d["Target"]["Id"], d["Target"]["Port"]) for d in
                         elbv2.describe_target_health(TargetGroupArn=g.arn)["TargetHealthDescriptions"]}
                for g in config.target_groups}

    with ck.section(f"failover {name}: {service}, Aurora writer"), \
            open(workdir / "registrar.log", "a") as out, contextlib.redirect_stdout(out):
        ck.eq("the deployed registrar follows the cluster's writer", (config.target_kind, config.role), ("dbCluster", "writer"))
        (old,) = [m["DBInstanceIdentifier"] for m in members() if m["IsClusterWriter"]]
        new = sorted(m["DBInstanceIdentifier"] for m in members() if not m["IsClusterWriter"])[0]
        first = registrar.run(config, elbv2, rds, ssm, resolve=resolve, sleep=sleeps.append)  # a scheduled run
        ck.eq("before: the writer is the target", first["registered"], [address(old)])
        rds.failover_db_cluster(DBClusterIdentifier=cluster, TargetDBInstanceIdentifier=new)
        ck.eq("the emulator swapped the roles", sorted(m["DBInstanceIdentifier"] for m in members() if m["IsClusterWriter"]), [new])
        # The event as EventBridge delivers it to the function.
        event = {"version": "0", "source": "aws.rds", "detail-type": "RDS DB Cluster Event", "region": p.region,
                 "detail": {"EventCategories": ["failover"], "SourceType": "CLUSTER", "SourceIdentifier": cluster,
                            "EventID": "RDS-EVENT-0073", "Message": f"Started cross AZ failover to DB instance: {new}"}}
        second = registrar.run(config, elbv2, rds, ssm, resolve=resolve, sleep=sleeps.append, event=event)
        ck.eq("the event run deregisters the old writer (still answering, now a reader) and registers the new one",
              (second["deregistered"], second["registered"]), ([address(old)], [address(new)]))
        ck.eq("after the event run: only the new writer, on every port",
              targets(), {g.port: {(address(new), g.port)} for g in config.target_groups})
        ck.eq("no wait: the cluster no longer shows a failover", sleeps, [])
        state = json.loads(ssm.get_parameter(Name=config.state_parameter)["Parameter"]["Value"])
        ck.eq("state: no misses, the new writer's address owned by it", state, {"misses": {}, "owners": {address(new): new}})
