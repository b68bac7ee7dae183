"""Handed-over producer templates: the customer's prerequisites, the README's deploy command, the checks, the registrar."""

import contextlib
import importlib.util
import ipaddress
import json
import re
import shlex
import socket

import yaml

from fleet import TARGET_RANGES, egress, ingress, output_id, producer_region, producer_services, rules, stack_outputs, target_group_settings
from gateway import check_gateway_producer, nlb_services
from harness import Failure, REPO, TEMPLATE_BODY_LIMIT, paginate, run, tail


class Producer:
    """One customer's deployed template and what the customer built for it."""

    def __init__(self, c, bundle):
        self.c, self.bundle = c, bundle
        self.account, self.region = str(c["account"]), producer_region(c)
        self.label = f"{c['name']}-Producer"
        self.guide = bundle / "PRODUCER.md"  # whose `aws cloudformation deploy` command the customer runs
        self.template_file = bundle / f"{self.label}.yaml"
        self.template = yaml.safe_load(self.template_file.read_text())
        self.params, self.hosts, self.outputs = {}, {}, {}
        self.vpc_id, self.subnets, self.stack_name = None, [], None


def prepare_customer(aws, p, with_topics):
    """What the customer has before deploying: a VPC, subnets, instances, databases, topics."""
    c, ec2 = p.c, aws.client("ec2", p.account, p.region)
    block = ipaddress.ip_network((c.get("networks") or ["10.0.0.0/16"])[0])
    p.vpc_id = ec2.create_vpc(CidrBlock=str(block))["Vpc"]["VpcId"]
    if p.region == c["region"]:
        azs = c["privateLink"]["availabilityZones"]  # the AZ IDs the vendor's endpoints use
    else:
        azs = [z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    nets = list(block.subnets(new_prefix=max(block.prefixlen, 24)))
    for az, net in zip(azs, nets):
        p.subnets.append(ec2.create_subnet(VpcId=p.vpc_id, CidrBlock=str(net), AvailabilityZoneId=az)["Subnet"]["SubnetId"])
    p.params = {"VpcId": p.vpc_id, "SubnetIds": ",".join(p.subnets)}
    if with_topics and "AlarmTopicArn" in p.template.get("Parameters", {}):  # a gateway-only template has no alarms
        sns = aws.client("sns", p.account, p.region)
        p.params["AlarmTopicArn"] = sns.create_topic(Name="privateconnect-alarms")["TopicArn"]
        p.params["ConnectionTopicArn"] = sns.create_topic(Name="privateconnect-connections")["TopicArn"]
    rds = aws.client("rds", p.account, p.region)
    hosts = [str(h) for h in nets[0].hosts()]
    next_ip = iter(hosts[10:100])
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    for s in producer_services(c):
        sid, pr = output_id(s["name"]), s["producer"]
        n = pr.get("count", 1)
        if pr["target"] == "ip":
            for i in range(1, n + 1):
                p.params[f"{sid}TargetIp{i}"] = next(next_ip)
        elif pr["target"] == "instance":
            run = ec2.run_instances(ImageId=ami, MinCount=n, MaxCount=n, InstanceType="t3.micro", SubnetId=p.subnets[0])
            for i, inst in enumerate(run["Instances"], 1):
                p.params[f"{sid}TargetInstance{i}"] = inst["InstanceId"]
        else:
            by = (pr.get("rds") or {}).get("by", "hostname")
            ident = f"{c['name']}-{s['name']}"
            if by == "dbCluster":
                rds.create_db_cluster(DBClusterIdentifier=ident, Engine="aurora-postgresql", MasterUsername="admin1",
                                      MasterUserPassword="e2e-password-1")
                for i in range(3):  # the first is the writer
                    rds.create_db_instance(DBInstanceIdentifier=f"{ident}-{i}", DBClusterIdentifier=ident,
                                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
                p.params[f"{sid}RdsClusterId"] = ident
            else:
                db = rds.create_db_instance(DBInstanceIdentifier=ident, Engine="postgres", DBInstanceClass="db.t3.micro",
                                            AllocatedStorage=20, MasterUsername="admin1", MasterUserPassword="e2e-password-1")
                if by == "dbInstance":
                    p.params[f"{sid}RdsInstanceId"] = ident
                else:
                    p.params[f"{sid}TargetHostname"] = db["DBInstance"]["Endpoint"]["Address"]
    # The stub resolver's answers: every database's endpoint -> an address in the VPC.
    for i, db in enumerate(paginate(rds, "describe_db_instances", "DBInstances")):
        p.hosts[db["Endpoint"]["Address"]] = hosts[100 + i]


def readme_deploy_command(p):
    """The `aws cloudformation deploy` command of the customer's guide (PRODUCER.md,
    INBOUND.md), its shell variables filled in. The guide has the reader set one
    variable per parameter without a default (VPC_ID=''), which the command reads as
    VpcId="${VPC_ID:?set VPC_ID first}": each must be a parameter the e2e knows."""
    readme = p.guide.read_text()
    for block in re.findall(r"```(?:sh|bash)?\n(.*?)```", readme, re.S):
        if "aws cloudformation deploy" in block:
            argv = shlex.split(block.replace("\\\n", " "))
            break
    else:
        raise Failure(f"{p.guide} has no `aws cloudformation deploy` command")
    if argv[:3] != ["aws", "cloudformation", "deploy"]:
        raise Failure(f"{p.guide.name} deploy command does not start with aws cloudformation deploy: {argv[:3]}")
    asked = set()
    for i, arg in enumerate(argv):
        if "<" in arg or ">" in arg:
            raise Failure(f"{p.guide.name}: the deploy command has a <placeholder>, a redirection when pasted: {arg}")
        m = re.fullmatch(r"(\w+)=\$\{(\w+):\?[^}]*\}", arg)
        if m:
            if m[1] not in p.params:
                raise Failure(f"{p.guide.name} asks for parameter {m[1]}, which the e2e does not know how to fill")
            if f"{m[2]}=''" not in readme:
                raise Failure(f"{p.guide.name} reads {m[2]} for {m[1]} but never has the reader set it")
            argv[i] = f"{m[1]}={p.params[m[1]]}"
            asked.add(m[1])
        elif re.fullmatch(r"\$\{TEMPLATE_BUCKET:\?[^}]*\}", arg):
            argv[i] = template_bucket(p)  # "a bucket of yours": the harness makes one
    optional = [f"{k}={v}" for k, v in p.params.items() if k not in asked]
    if optional:
        if "--parameter-overrides" not in argv:
            argv.append("--parameter-overrides")
        argv[argv.index("--parameter-overrides") + 1:argv.index("--parameter-overrides") + 1] = optional
    p.stack_name = argv[argv.index("--stack-name") + 1]
    return argv


def template_bucket(p):
    return f"e2e-templates-{p.account}-{p.region}"


def create_bucket(aws, p):
    aws.client("s3", p.account, p.region).create_bucket(
        Bucket=template_bucket(p),
        **({} if p.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": p.region}}))


def deploy_producer(ck, aws, p, workdir, aws_cli, check_template=True):
    """Deploy as the customer would: the guide's command, in the customer's account and region."""
    argv = readme_deploy_command(p)
    env = aws.env(p.account, p.region)
    log = workdir / f"deploy-{p.label}.log"
    what = f"aws cloudformation deploy {p.template_file.name} ({p.account}/{p.region})"
    if check_template:
        with ck.section(f"{p.label} template"):
            ck.eq(f"the {p.guide.name} command deploys to the template's region",
                  argv[argv.index("--region") + 1] if "--region" in argv else None, p.region)
            ck.eq("template parameters = what the config implies",
                  sorted(k for k, v in p.template.get("Parameters", {}).items() if "Default" not in v),
                  sorted(k for k in p.params if k not in ("AlarmTopicArn", "ConnectionTopicArn")))
    if template_bucket(p) in argv:
        create_bucket(aws, p)
    start = log.stat().st_size if log.exists() else 0
    if run(aws_cli + argv[1:], env=env, what=what, log=log, timeout=180, cwd=p.bundle, ok=(0, 255)) == 0:
        return finish_deploy(aws, p)
    said = log.read_text(errors="replace")[start:]
    if "must be deployed via an S3 Bucket" not in said:
        raise Failure(f"{what} failed; output in {log}:\n{tail(log)}")
    if check_template:
        with ck.section(f"{p.label} template"):
            ck.fail(f"the {p.guide.name} deploy command works", f"{p.template_file.name} is {p.template_file.stat().st_size:,} bytes, "
                    f"over CloudFormation's {TEMPLATE_BODY_LIMIT:,}-byte inline limit; the CLI says: {said.strip().splitlines()[-1]}")
    # Carry on as the CLI asks, so that the rest still gets checked.
    create_bucket(aws, p)
    run(aws_cli + argv[1:] + ["--s3-bucket", template_bucket(p)], env=env, what=what + " --s3-bucket", log=log, timeout=180, cwd=p.bundle)
    return finish_deploy(aws, p)


def finish_deploy(aws, p):
    _, p.outputs = stack_outputs(aws.client("cloudformation", p.account, p.region), p.stack_name)


def check_producer(ck, aws, fleet, p):
    """The customer's stack: per service an internal NLB, listeners and target groups per
    port, the endpoint service only the vendor may use, alarms, and the registrar; the
    services of mode resourceGateway as gateway.check_gateway_producer says."""
    check_gateway_producer(ck, aws, fleet, p)
    c, acct, region = p.c, p.account, p.region
    ec2, elbv2 = aws.client("ec2", acct, region), aws.client("elbv2", acct, region)
    cw, lam = aws.client("cloudwatch", acct, region), aws.client("lambda", acct, region)
    events = aws.client("events", acct, region)
    alarms = cw.describe_alarms()["MetricAlarms"]
    functions = paginate(lam, "list_functions", "Functions")
    topic = p.params.get("AlarmTopicArn")
    for s in nlb_services(c):
        sid, pr, ports = output_id(s["name"]), s["producer"], [int(x) for x in s["ports"]]
        svc_id = p.outputs.get(f"{sid}ServiceId")
        configs = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[svc_id])["ServiceConfigurations"]
        if not ck.eq(f"{s['name']}: one endpoint service", len(configs), 1):
            continue
        svc = configs[0]
        ck.eq(f"{s['name']}: ServiceName output", p.outputs.get(f"{sid}ServiceName"), svc["ServiceName"])
        ck.eq(f"{s['name']}: service name form", svc["ServiceName"], f"com.amazonaws.vpce.{region}.{svc_id}")
        ck.eq(f"{s['name']}: acceptance required", svc["AcceptanceRequired"], not pr.get("insecureAutoAcceptConnections", False))
        principals = ec2.describe_vpc_endpoint_service_permissions(ServiceId=svc_id)["AllowedPrincipals"]
        ck.eq(f"{s['name']}: allowed principals", [x["Principal"] for x in principals], [fleet.vendor["principalArn"]])
        ck.eq(f"{s['name']}: supported regions", [r["Region"] for r in svc.get("SupportedRegions", [])],
              [c["region"]] if region != c["region"] else [])
        ck.eq(f"{s['name']}: one NLB", len(svc.get("NetworkLoadBalancerArns", [])), 1)
        lb = elbv2.describe_load_balancers(LoadBalancerArns=svc["NetworkLoadBalancerArns"][:1])["LoadBalancers"][0]
        ck.eq(f"{s['name']}: NLB type", lb["Type"], "network")
        ck.eq(f"{s['name']}: NLB scheme", lb["Scheme"], "internal")
        ck.eq(f"{s['name']}: NLB subnets", sorted(z["SubnetId"] for z in lb["AvailabilityZones"]), sorted(p.subnets))
        if pr.get("loadBalancerSecurityGroup", True):
            ck.eq(f"{s['name']}: the NLB's own security group = NlbSecurityGroupId output", lb.get("SecurityGroups"),
                  [p.outputs.get(f"{sid}NlbSecurityGroupId")])
            ck.eq(f"{s['name']}: its inbound rules not applied to PrivateLink traffic",
                  lb.get("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"), "off")
            for sg in ec2.describe_security_groups(GroupIds=(lb.get("SecurityGroups") or [])[:1])["SecurityGroups"]:
                ck.eq(f"{s['name']}: the NLB's group admits nothing directly", ingress(sg), set())
                ck.eq(f"{s['name']}: the NLB's group sends the ports to private addresses only", egress(sg),
                      {("tcp", port, port, block) for port in ports for block in TARGET_RANGES})
        else:  # the first release's load balancer, kept
            ck.eq(f"{s['name']}: the NLB has no security group (loadBalancerSecurityGroup: false)",
                  (lb.get("SecurityGroups") or [], f"{sid}NlbSecurityGroupId" in p.outputs), ([], False))
        attrs = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]}
        ck.eq(f"{s['name']}: cross-zone load balancing", attrs.get("load_balancing.cross_zone.enabled"), "true")
        listeners = elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
        ck.eq(f"{s['name']}: listener ports", sorted(l["Port"] for l in listeners), sorted(ports))
        groups = {}
        for l in listeners:
            port = l["Port"]
            ck.eq(f"{s['name']}:{port} listener protocol", l["Protocol"], "TCP")
            actions = l["DefaultActions"]
            if not ck.eq(f"{s['name']}:{port} forwards to one target group", [a["Type"] for a in actions], ["forward"]):
                continue
            tg = elbv2.describe_target_groups(TargetGroupArns=[actions[0]["TargetGroupArn"]])["TargetGroups"][0]
            groups[port] = tg
            ck.eq(f"{s['name']}:{port} TargetGroup{port} output", p.outputs.get(f"{sid}TargetGroup{port}"), tg["TargetGroupArn"])
            ck.eq(f"{s['name']}:{port} target group", (tg["Protocol"], tg["Port"], tg["VpcId"], tg["HealthCheckProtocol"]),
                  ("TCP", port, p.vpc_id, "TCP"))
            ck.eq(f"{s['name']}:{port} target type", tg["TargetType"], "instance" if pr["target"] == "instance" else "ip")
            tga = {a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(TargetGroupArn=tg["TargetGroupArn"])["Attributes"]}
            for key in ("proxy_protocol_v2.enabled", "preserve_client_ip.enabled", "stickiness.enabled"):
                ck.eq(f"{s['name']}:{port} {key}", tga.get(key), "false")
            want = target_group_settings(pr)
            ck.eq(f"{s['name']}:{port} deregistration and health checks",
                  {k: tg.get(k, tga.get(k)) for k in want}, want)
            targets = {(d["Target"]["Id"], d["Target"]["Port"]) for d in
                       elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]}
            given = [v for k, v in p.params.items() if k.startswith(f"{sid}Target") and k != f"{sid}TargetHostname"]
            ck.eq(f"{s['name']}:{port} targets", targets,
                  {(t, port) for t in given} if pr["target"] in ("ip", "instance") else set())
            full = tg["TargetGroupArn"].split(":", 5)[5]
            mine = [a for a in alarms if {"Name": "TargetGroup", "Value": full} in a.get("Dimensions", [])]
            if ck.eq(f"{s['name']}:{port} one no-healthy-target alarm", len(mine), 1):
                a = mine[0]
                ck.eq(f"{s['name']}:{port} alarm metric", (a["Namespace"], a["MetricName"], a["ComparisonOperator"], a["Threshold"]),
                      ("AWS/NetworkELB", "HealthyHostCount", "LessThanThreshold", 1.0))
                ck.true(f"{s['name']}:{port} alarm on the NLB",
                        {"Name": "LoadBalancer", "Value": lb["LoadBalancerArn"].split(":loadbalancer/", 1)[1]} in a["Dimensions"],
                        a["Dimensions"])
                ck.eq(f"{s['name']}:{port} alarm actions", a.get("AlarmActions"), [topic] if topic else [])
        if pr["target"] != "rds":
            continue
        arns = {tg["TargetGroupArn"]: port for port, tg in groups.items()}
        fns = [f for f in functions if {g["arn"] for g in json.loads(
            f.get("Environment", {}).get("Variables", {}).get("TARGET_GROUPS", "[]"))} == set(arns)]
        if not ck.eq(f"{s['name']}: one registrar for its target groups", len(fns), 1):
            continue
        fn = fns[0]
        env = fn["Environment"]["Variables"]
        rds = pr.get("rds") or {}
        by = rds.get("by", "hostname")
        ck.eq(f"{s['name']}: registrar runtime", (fn["Runtime"], fn["Handler"]), ("python3.14", "index.handler"))
        ck.eq(f"{s['name']}: registrar target groups and ports",
              sorted((g["arn"], int(g["port"])) for g in json.loads(env["TARGET_GROUPS"])), sorted(arns.items()))
        param = {"hostname": "TargetHostname", "dbInstance": "RdsInstanceId", "dbCluster": "RdsClusterId"}[by]
        ck.eq(f"{s['name']}: registrar target", (env.get("TARGET_KIND"), env.get("TARGET")), (by, p.params[f"{sid}{param}"]))
        ck.eq(f"{s['name']}: registrar role", env.get("ROLE"), rds.get("role", "writer"))
        registrar = pr.get("registrar") or {}
        ck.eq(f"{s['name']}: registrar misses", env.get("DEREGISTER_AFTER_MISSES"), str(registrar.get("deregisterAfterMisses", 3)))
        logs = aws.client("logs", acct, region).describe_log_groups(
            logGroupNamePrefix=p.outputs.get(f"{sid}RegistrarLogGroup", "-"))["logGroups"]
        ck.eq(f"{s['name']}: RegistrarLogGroup output names its log group, kept as the vendor says",
              [(g["logGroupName"], g.get("retentionInDays")) for g in logs],
              [(p.outputs.get(f"{sid}RegistrarLogGroup"), fleet.retention())])
        state = aws.client("ssm", acct, region).get_parameter(Name=env["STATE_PARAMETER"])["Parameter"]["Value"]
        ck.eq(f"{s['name']}: registrar state parameter", state, "{}")
        minutes = registrar.get("scheduleMinutes", 1)
        rules = [r for r in paginate(events, "list_rules", "Rules")
                 if any(t["Arn"] == fn["FunctionArn"] for t in events.list_targets_by_rule(Rule=r["Name"])["Targets"])]
        ck.eq(f"{s['name']}: registrar schedule", sorted(r.get("ScheduleExpression", "") for r in rules),
              sorted(["", f"rate({minutes} minute{'s' if minutes != 1 else ''})"]))
        pattern = [json.loads(r["EventPattern"]) for r in rules if r.get("EventPattern")]
        ck.true(f"{s['name']}: registrar runs on RDS events", pattern and pattern[0].get("source") == ["aws.rds"], pattern)
        policy = json.loads(lam.get_policy(FunctionName=fn["FunctionName"])["Policy"])
        ck.eq(f"{s['name']}: EventBridge may invoke the registrar",
              sorted(st["Principal"]["Service"] if isinstance(st["Principal"], dict) else st["Principal"] for st in policy["Statement"]),
              ["events.amazonaws.com"] * 2)
        errs = [a for a in alarms if {"Name": "FunctionName", "Value": fn["FunctionName"]} in a.get("Dimensions", [])]
        ck.eq(f"{s['name']}: registrar error alarm", [(a["Namespace"], a["MetricName"]) for a in errs], [("AWS/Lambda", "Errors")])
        unused = [a for a in alarms if a.get("MetricName") == "UnusedTargets"
                  and {"Name": "Service", "Value": env["SERVICE"]} in a.get("Dimensions", [])]
        ck.eq(f"{s['name']}: alarm on targets in an AZ without an NLB subnet",
              [(a["Namespace"], a["Statistic"], a["Period"], a["ComparisonOperator"], a["Threshold"]) for a in unused],
              [("PrivateConnect/Registrar", "Maximum", 60 * minutes, "GreaterThanOrEqualToThreshold", 1.0)])


def load_registrar(ck, p, workdir):
    """The registrar's inline code as the template ships it, imported; None without one."""
    code = {r["Properties"]["Code"]["ZipFile"] for r in p.template["Resources"].values()
            if r["Type"] == "AWS::Lambda::Function"}
    if not code:
        return None
    ck.eq("one registrar code in the template", len(code), 1)
    path = workdir / f"registrar_{p.label}" / "index.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(code.pop())
    spec = importlib.util.spec_from_file_location(f"registrar_{p.label.replace('-', '_')}", path)
    registrar = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(registrar)
    ck.eq("inline code = constructs/producer/registrar/registrar.py", path.read_text(),
          (REPO / "constructs/producer/registrar/registrar.py").read_text())
    return registrar


def stub_resolver(p, calls):
    """The emulator's database endpoints resolve into the customer's VPC; nothing goes to a real DNS."""
    def resolve(hostname):
        calls.append(hostname)
        if hostname not in p.hosts:
            raise socket.gaierror(socket.EAI_NONAME, f"{hostname}: Name or service not known")
        return [p.hosts[hostname]]
    return resolve


def run_registrars(ck, aws, p, workdir):
    """The registrar's inline code, as deployed, against the emulator's target groups."""
    registrar = load_registrar(ck, p, workdir)
    if registrar is None:
        return
    lam = aws.client("lambda", p.account, p.region)
    elbv2, rds, ssm = (aws.client(s, p.account, p.region) for s in ("elbv2", "rds", "ssm"))
    calls = []
    resolve = stub_resolver(p, calls)

    for fn in paginate(lam, "list_functions", "Functions"):
        env = fn.get("Environment", {}).get("Variables", {})
        if "TARGET_GROUPS" not in env:
            continue
        config = registrar.Config.from_env(env)
        want = expected_ips(rds, config, p.hosts)
        with open(workdir / "registrar.log", "a") as out, contextlib.redirect_stdout(out):  # its metric lines
            first = registrar.run(config, elbv2, rds, ssm, resolve=resolve, sleep=lambda s: None)
            ck.eq(f"{config.service}: first run registers the database's addresses", first["registered"], sorted(want))
            for g in config.target_groups:
                got = {(d["Target"]["Id"], d["Target"]["Port"]) for d in
                       elbv2.describe_target_health(TargetGroupArn=g.arn)["TargetHealthDescriptions"]}
                ck.eq(f"{config.service}: targets of port {g.port}", got, {(ip, g.port) for ip in want})
            second = registrar.run(config, elbv2, rds, ssm, resolve=resolve, sleep=lambda s: None)
        ck.eq(f"{config.service}: second run changes nothing", (second["registered"], second["deregistered"]), ([], []))
    ck.true("the stub resolver was used", calls)


def expected_ips(rds, config, hosts):
    """What the registrar should find, worked out from the RDS API independently of its code."""
    if config.target_kind == "hostname":
        return {hosts[config.target]}
    if config.target_kind == "dbInstance":
        db = rds.describe_db_instances(DBInstanceIdentifier=config.target)["DBInstances"][0]
        return {hosts[db["Endpoint"]["Address"]]}
    members = rds.describe_db_clusters(DBClusterIdentifier=config.target)["DBClusters"][0]["DBClusterMembers"]
    chosen = [m["DBInstanceIdentifier"] for m in members if m["IsClusterWriter"] == (config.role == "writer")]
    return {hosts[rds.describe_db_instances(DBInstanceIdentifier=i)["DBInstances"][0]["Endpoint"]["Address"]] for i in chosen}
