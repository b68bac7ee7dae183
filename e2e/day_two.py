"""Day two: `privateconnect status` and `accept` against the deployed fleet.

Runs at the end of the fleet scenario (every vendor stack, the inbound story,
every producer template), with the vendor's credentials and AWS_ENDPOINT_URL:
 1. `status -json` lists every customer of the fleet, and each service, VPN
    tunnel and inbound connection with the state the emulator's APIs report;
    nothing is unhealthy, exit 0. The table fits 100 columns.
 2. Two more requests wait on an inbound service: one from an inbound
    customer's account, one from an account not in the fleet. status exits 1
    and names the customer's; `accept` without -yes and without a terminal
    accepts nothing and says so; `accept -yes` accepts the customer's and
    leaves the stranger's pendingAcceptance, and accepts the RAM share
    invitations of the region's customers in producer mode resourceGateway
    (their templates were deployed); status exits 0 again.
 3. Broken on purpose through the APIs: the vendor rejects an inbound
    customer's connection, and a VPN alarm goes to ALARM (SetAlarmState).
    status exits 1 and names both; the other customers stay healthy.
"""

import json
import subprocess
import time

from fleet import INBOUND_PREFIX, inbound, inbound_accounts, inbound_regions, inbound_vpc_region, output_id, ready, stack_outputs
from gateway import gateway_services
from harness import REPO, Failure, run, say

STRANGER = "210987654321"  # an account no customer of the fleet lists


def day_two(ck, aws, fleet, fleet_dir, workdir):
    binary = workdir / "privateconnect"
    run(["go", "build", "-o", binary, "."], env=aws.base_env, what="go build", log=workdir / "day-two.log", timeout=300)
    env = dict(aws.env(fleet.account, sorted({c["region"] for c in fleet.customers.values()})[0]),
               PRIVATECONNECT_CONFIG=str(fleet_dir))

    def cli(*args, ok=(0, 1)):
        start = time.monotonic()
        proc = subprocess.run([str(binary), *args], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120)
        with open(workdir / "day-two.log", "a") as log:
            log.write(f"$ privateconnect {' '.join(args)}  (exit {proc.returncode})\n{proc.stdout}{proc.stderr}\n")
        if proc.returncode not in ok:
            raise Failure(f"privateconnect {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
        return proc, time.monotonic() - start

    def status():
        proc, seconds = cli("status", "-json")
        return proc.returncode, json.loads(proc.stdout), seconds

    with ck.section("day two: status lists the fleet as the emulator reports it"):
        code, report, seconds = status()
        say(f"  status -json took {seconds:.2f}s for {len(fleet.customers)} customers")
        ck.eq("exit code (healthy)", code, 0)
        ck.eq("nothing unread", report.get("errors"), None)
        ck.eq("every customer, in fleet order", [c["name"] for c in report["customers"]], sorted(fleet.customers))
        for c in report["customers"]:
            ck.eq(f"{c['name']}: healthy", (c["state"], c.get("problems")), ("healthy", None))
            check_customer(ck, aws, fleet, c)
        table, _ = cli("status")
        ck.true("the table fits 100 columns", all(len(line) <= 100 for line in table.stdout.splitlines()),
                max(table.stdout.splitlines(), key=len))

    regions = inbound_regions(fleet)
    if not regions:
        ck.note("no inbound customer: accept was not run")
        return
    region = regions[0]
    customer = next(c for c in fleet.customers.values() if inbound(c) is not None and c["region"] == region
                    and inbound_vpc_region(c) == region)
    account = inbound_accounts(customer)[0]
    _, out = stack_outputs(aws.client("cloudformation", fleet.account, region), INBOUND_PREFIX + region)
    with ck.section(f"day two: accept in {region} ({customer['name']} and a stranger ask)"):
        mine = request(aws, account, region, out["ServiceName"], "10.231.0.0/16")
        stranger = request(aws, STRANGER, region, out["ServiceName"], "10.232.0.0/16")
        code, report, _ = status()
        ck.eq("status: exit 1 while the customer's request waits", code, 1)
        problems = " | ".join(by_name(report, customer["name"]).get("problems") or [])
        ck.true("status names the request", f"inbound endpoint {mine} from {account} waits for the vendor" in problems, problems)

        proc, _ = cli("accept", "-region", region)
        ck.eq("accept without -yes and without a terminal: exit 1", proc.returncode, 1)
        ck.true("...and says it accepted nothing", "accepted nothing: no terminal to ask on" in proc.stdout, proc.stdout)
        ck.eq("...and did not", connection_state(aws, fleet.account, region, out["ServiceId"], mine), "pendingAcceptance")

        proc, _ = cli("accept", "-region", region, "-yes")
        ck.eq("accept -yes: exit 0", proc.returncode, 0)
        ck.true("accept -yes lists the stranger as left alone",
                f"leave   {stranger} from {STRANGER}: no inbound customer in {region} lists this account" in proc.stdout, proc.stdout)
        ck.true("accept -yes says what it accepted", f"{region}: accepted {mine} from {account} ({customer['name']}" in proc.stdout, proc.stdout)
        for c in sorted(fleet.customers.values(), key=lambda c: c["name"]):
            if c["region"] == region and gateway_services(c):  # their templates deployed earlier: invitations wait
                ck.eq(f"accept -yes accepts {c['name']}'s RAM share invitations, one per service through its resource gateway",
                      len([x for x in proc.stdout.splitlines() if x.startswith(f"{region}: accepted share ")
                           and x.endswith(f" from {c['account']} ({c['name']})")]), len(gateway_services(c)))
        ck.eq("the customer's request is accepted", connection_state(aws, fleet.account, region, out["ServiceId"], mine), "available")
        ck.eq("the stranger's still waits", connection_state(aws, fleet.account, region, out["ServiceId"], stranger), "pendingAcceptance")
        code, _, _ = status()
        ck.eq("status: exit 0 again (a stranger's request is no customer's problem)", code, 0)

    with ck.section("day two: status names what is broken"):
        ec2 = aws.client("ec2", fleet.account, region)
        ec2.reject_vpc_endpoint_connections(ServiceId=out["ServiceId"], VpcEndpointIds=[mine])
        broken = [(customer["name"], f"inbound endpoint {mine} from {account} is rejected")]
        vpn = next((c for c in fleet.customers.values() if c.get("vpn")), None)
        if vpn:
            cw = aws.client("cloudwatch", fleet.account, vpn["region"])
            alarm = next(a["AlarmName"] for a in cw.describe_alarms(AlarmNamePrefix=f"{vpn['name']}-Vpn-")["MetricAlarms"])
            cw.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="e2e: set on purpose")
            broken.append((vpn["name"], f"alarm {alarm} is in ALARM"))
        code, report, _ = status()
        ck.eq("status: exit 1", code, 1)
        for name, says in broken:
            problems = " | ".join(by_name(report, name).get("problems") or [])
            ck.true(f"{name}: named", says in problems, problems)
        ck.eq("the others stay healthy", sorted(c["name"] for c in report["customers"] if c["state"] != "healthy"), sorted({n for n, _ in broken}))


def by_name(report, name):
    return next((c for c in report["customers"] if c["name"] == name), {})


def request(aws, account, region, service_name, block):
    """A connection request to the service from a new VPC of account; the endpoint's ID."""
    ec2 = aws.client("ec2", account, region)
    vpc = ec2.create_vpc(CidrBlock=block)["Vpc"]["VpcId"]
    azs = ec2.describe_availability_zones()["AvailabilityZones"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=block.replace("/16", "/24"), AvailabilityZoneId=azs[0]["ZoneId"])["Subnet"]["SubnetId"]
    return ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=service_name, VpcEndpointType="Interface", SubnetIds=[subnet],
                                   PrivateDnsEnabled=False)["VpcEndpoint"]["VpcEndpointId"]


def connection_state(aws, account, region, service_id, endpoint_id):
    conns = aws.client("ec2", account, region).describe_vpc_endpoint_connections(
        Filters=[{"Name": "service-id", "Values": [service_id]}, {"Name": "vpc-endpoint-id", "Values": [endpoint_id]}])
    return [c["VpcEndpointState"] for c in conns["VpcEndpointConnections"]][0]


def check_customer(ck, aws, fleet, c):
    """One customer of the report against the emulator's APIs and the fleet's YAML."""
    conf, name, region = fleet.customers[c["name"]], c["name"], c["region"]
    ck.eq(f"{name}: region", region, conf["region"])
    ec2 = aws.client("ec2", fleet.account, region)
    cfn = aws.client("cloudformation", fleet.account, region)
    if conf.get("privateLink"):
        _, out = stack_outputs(cfn, f"{name}-PrivateLink")
        got = {e["service"]: e for e in c.get("endpoints") or []}
        ck.eq(f"{name}: every service listed", sorted(got), sorted(s["name"] for s in conf["privateLink"]["services"]))
        for s in conf["privateLink"]["services"]:
            e = got.get(s["name"], {})
            if not ready(s):
                ck.eq(f"{name}/{s['name']}: pending handover", e.get("state"), "pending handover")
                continue
            endpoint_id = out[f"{output_id(s['name'])}EndpointId"]
            ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
            ck.eq(f"{name}/{s['name']}: endpoint and state as EC2 reports", (e.get("endpointId"), e.get("state")), (endpoint_id, ep["State"]))
            ck.eq(f"{name}/{s['name']}: AZ IDs of the vendor VPC", e.get("availabilityZones"), sorted(conf["privateLink"]["availabilityZones"]))
            ck.true(f"{name}/{s['name']}: DNS name and creation time", e.get("dnsName") and e.get("created"), e)
    if conf.get("vpn"):
        _, out = stack_outputs(cfn, f"{name}-Vpn")
        conn = ec2.describe_vpn_connections(VpnConnectionIds=[out["VpnConnectionId"]])["VpnConnections"][0]
        v = c.get("vpn") or {}
        ck.eq(f"{name}: VPN connection and state", (v.get("connectionId"), v.get("state")), (conn["VpnConnectionId"], conn["State"]))
        ck.eq(f"{name}: tunnels as VgwTelemetry reports them", [(t["outsideIp"], t["status"]) for t in v.get("tunnels") or []],
              [(t["OutsideIpAddress"], t["Status"]) for t in conn.get("VgwTelemetry") or []])
    if inbound(conf) is not None:
        _, out = stack_outputs(cfn, INBOUND_PREFIX + region)
        conns = ec2.describe_vpc_endpoint_connections(Filters=[{"Name": "service-id", "Values": [out["ServiceId"]]}])["VpcEndpointConnections"]
        want = sorted((x["VpcEndpointId"], x["VpcEndpointOwner"], x["VpcEndpointState"]) for x in conns
                      if x["VpcEndpointOwner"] in inbound_accounts(conf))
        got = sorted((x["endpointId"], x["account"], x["state"]) for x in (c.get("inbound") or {}).get("connections") or [])
        ck.eq(f"{name}: inbound connections as EC2 reports them", got, want)
        ck.true(f"{name}: at least one (the inbound story's)", got)
    ck.eq(f"{name}: no alarm in ALARM", c.get("alarms"), [])
