"""The reachability probes of the vendor stacks and the Vendor-Dashboard-<region> stacks, checked
against the fleet's YAML: the shared contract of constructs/probe (namespace, metrics,
dimensions, alarm names) and the dashboards' rows."""

import json

from fleet import ready, stack_outputs

NAMESPACE = "PrivateConnect/Probe"  # probe.Namespace
DASHBOARD_PREFIX = "Vendor-Dashboard-"  # config.DashboardStackPrefix


def probed(c):
    return (c.get("probe") or {}).get("enabled", True)


def fail_minutes(c):
    return (c.get("probe") or {}).get("failMinutes", 3)


def probe_targets(c, mode):
    """The Target dimension of each target of the customer's <mode> stack (config.ProbeTargetName)."""
    if not probed(c):
        return []
    if mode == "PrivateLink":
        return [f"{s['name']}:{p}" for s in c["privateLink"]["services"] if ready(s) for p in s["ports"]]
    return [f"vpn:{t['host']}:{t['port']}" for t in (c["vpn"].get("probeTargets") or [])]


def alarm_name(customer, target):
    return f"{customer}-probe-{target.replace(':', '-')}"


def check_probe(ck, aws, fleet, c, mode, subnet_ids, connectors, log_group):
    """The probe of <customer>-<mode>: a function in the stack's subnets and connectors group, its
    log group, and an alarm per target to the region's topic. log_group is the SSM probe-log-group."""
    acct, region, name = fleet.account, c["region"], c["name"]
    targets = probe_targets(c, mode)
    lam, cw, logs = aws.client("lambda", acct, region), aws.client("cloudwatch", acct, region), aws.client("logs", acct, region)
    fns = [f for f in lam.list_functions()["Functions"]
           if (f.get("Environment") or {}).get("Variables", {}).get("CUSTOMER") == name
           and (f.get("VpcConfig") or {}).get("SecurityGroupIds") == [connectors]]
    if not targets:
        ck.eq("no probe function", [f["FunctionName"] for f in fns], [])
        ck.eq("no probe log group (SSM probe-log-group)", log_group, None)
        return
    if not ck.eq("one probe function, in the connectors group", len(fns), 1):
        return
    fn = fns[0]
    env = fn["Environment"]["Variables"]
    ck.eq("probe subnets = the connectors' subnets", sorted(fn["VpcConfig"].get("SubnetIds", [])), sorted(subnet_ids))
    ck.eq("probe namespace", env.get("NAMESPACE"), NAMESPACE)
    ck.eq("probe runtime", fn.get("Runtime"), "python3.14")
    if mode == "PrivateLink":
        ck.eq("probe zone", env.get("ZONE"), f"{name}.{fleet.vendor['internalDomain']}")
        want = [[s["name"], s["ports"], bool(s.get("tls"))] for s in c["privateLink"]["services"] if ready(s)]
        ck.eq("probe services", json.loads(env.get("SERVICES", "[]")), want)
    else:
        want = [[t["host"], t["port"], bool(t.get("tls"))] for t in c["vpn"]["probeTargets"]]
        ck.eq("probe hosts", json.loads(env.get("HOSTS", "[]")), want)
    groups = [g for g in logs.describe_log_groups(logGroupNamePrefix=log_group or "-")["logGroups"] if g["logGroupName"] == log_group]
    if ck.true("probe log group exists", groups, log_group):
        ck.eq("probe log retention", groups[0].get("retentionInDays"), fleet.retention())
    alarms = {a["AlarmName"]: a for a in cw.describe_alarms(AlarmNamePrefix=f"{name}-probe-")["MetricAlarms"]}
    mine = {alarm_name(name, t): t for t in targets}
    ck.true("an alarm per target, named <customer>-probe-<target>", set(mine) <= set(alarms), sorted(alarms))
    topic = (fleet.vendor.get("alarmTopicArns") or {}).get(region)
    for alarm, target in mine.items():
        a = alarms.get(alarm)
        if not a:
            continue
        ck.eq(f"{alarm}: metric", (a["Namespace"], a["MetricName"]), (NAMESPACE, "Reachable"))
        ck.eq(f"{alarm}: dimensions", sorted((d["Name"], d["Value"]) for d in a["Dimensions"]), [("Customer", name), ("Target", target)])
        ck.eq(f"{alarm}: failMinutes", (a["EvaluationPeriods"], a.get("DatapointsToAlarm"), a["Period"]), (fail_minutes(c), fail_minutes(c), 60))
        ck.eq(f"{alarm}: missing data breaches", a.get("TreatMissingData"), "breaching")
        ck.eq(f"{alarm}: actions", a.get("AlarmActions"), [topic] if topic else [])


def dashboard_rows(fleet, region):
    """The customers with a row on the region's dashboards, in fleet order (config.HasDashboardRow)."""
    return [n for n, c in sorted(fleet.customers.items()) if c["region"] == region and ("privateLink" in c or "vpn" in c)]


def check_dashboards(ck, aws, fleet, stack, region, deployed_customers):
    """A Vendor-Dashboard-<region> stack: its dashboards exist, every customer of the region with
    a row has one, and every alarm a dashboard names exists (for customers deployed)."""
    cw = aws.client("cloudwatch", fleet.account, region)
    _, out = stack_outputs(aws.client("cloudformation", fleet.account, region), stack)
    names = [url.rsplit("/", 1)[1] for key, url in sorted(out.items()) if key.startswith("Dashboard") and key.endswith("Url")]
    ck.true("an output per dashboard", names, out)
    rows, arns = [], []
    for n in names:
        body = json.loads(cw.get_dashboard(DashboardName=n)["DashboardBody"])
        for w in body["widgets"]:
            p = w.get("properties", {})
            if w["type"] == "text" and p.get("markdown", "").startswith("### "):
                rows.append(p["markdown"][4:].split("\n", 1)[0])
            arns += p.get("alarms", []) + (p.get("annotations") or {}).get("alarms", [])
    # A fleet small enough for one stack per region: all the region's rows are here.
    ck.eq("rows: every customer of the region the vendor reaches, in fleet order", rows, dashboard_rows(fleet, region))
    existing = set()
    for page in cw.get_paginator("describe_alarms").paginate():
        existing |= {a["AlarmName"] for a in page["MetricAlarms"]}
    for arn in sorted(set(arns)):
        alarm = arn.rsplit(":", 1)[1]
        customer = alarm.split("-probe-")[0].split("-vpn-tunnel-state")[0]
        ck.true(f"{arn}: in the vendor account and region", arn.startswith(f"arn:aws:cloudwatch:{region}:{fleet.account}:alarm:"), arn)
        if customer in deployed_customers:
            ck.true(f"{alarm}: the alarm exists", alarm in existing)
