"""Migration story: a customer who deployed the first release's load balancers
(loadBalancerSecurityGroup: false) is connected; one service moves to a load balancer
with a security group. The update while connected must fail and roll back, as AWS
refuses it; then the documented migration (README.md and the customer's README):
the vendor makes the service pending (its endpoint is deleted), the customer updates
the stack, the vendor connects again with the same service name, the customer accepts."""

from connections import accept, endpoint_state, run_block, section_blocks
from fleet import Fleet, edit_services, output_id, producer_region, producer_services, stack_outputs
from harness import Failure, cdk, run, say, tail
from inbound import platform_fleet
from offline import handoff
from producer import Producer, check_producer, deploy_producer, prepare_customer, readme_deploy_command
from vendor_stacks import bootstrap, check_privatelink, create_psk_secrets

LOAD_BALANCERS_IN_USE = "ExistingVpcEndpointConnections"
UPDATING = "Updating a stack from an earlier version of this template"


def migration_service(fleet):
    """(customer, service): the first customer whose handed-over services are in its own
    region (the vendor's endpoints are made there), preferring a service without a
    registrar; None without one."""
    for rds in (False, True):
        for name, c in sorted(fleet.customers.items()):
            if not producer_services(c) or producer_region(c) != c["region"]:
                continue
            for s in producer_services(c):
                if (s["producer"]["target"] == "rds") == rds:
                    return name, s["name"]
    return None


class Vendor:
    """The vendor's side of the story: its stacks for one customer, deployed from the copy."""

    def __init__(self, ck, aws, copy, name, workdir):
        self.ck, self.aws, self.copy, self.name, self.workdir = ck, aws, copy, name, workdir
        self.runs = 0

    def deploy(self, what):
        """make deploy CUSTOMER=name, as the README says (cdk deploy -c customer=name --all)."""
        self.runs += 1
        fleet = Fleet(self.copy)
        c = fleet.customers[self.name]
        if self.runs == 1:
            bootstrap(self.ck, self.aws, fleet.account, {c["region"]}, self.workdir)
            create_psk_secrets(self.aws, fleet, [self.name])
        cdk(["deploy", "--all", "--require-approval", "never", "-c", f"config={self.copy}", "-c", f"customer={self.name}",
             "--output", str(self.workdir / f"cdk.out.migration{self.runs}")],
            self.aws.env(fleet.account, c["region"]), what, self.workdir / "cdk.log")
        return fleet, c

    def endpoints(self):
        """The vendor's endpoints by service, from its stack's outputs."""
        fleet = Fleet(self.copy)
        c = fleet.customers[self.name]
        _, out = stack_outputs(self.aws.client("cloudformation", fleet.account, c["region"]), f"{self.name}-PrivateLink")
        return {s["name"]: out.get(f"{output_id(s['name'])}EndpointId") for s in c["privateLink"]["services"]}


def migration_story(ck, em, aws, fleet_dir, workdir, env, aws_cli):
    found = migration_service(Fleet(fleet_dir))
    if not found:
        ck.notes.append("migration story not run: no customer hands over services in its own region")
        return
    name, service = found
    sid = output_id(service)
    say(f"migration: {name}'s {service} from the first release's load balancer to one with a security group")
    em.reset()
    aws.forget()
    copy = platform_fleet(aws, fleet_dir, workdir, "migration-fleet")  # in case the customer has inbound too

    # The customer deployed the first release: every handed-over service keeps its load balancer.
    def kept(s):
        if s.get("producer"):
            s["producer"]["loadBalancerSecurityGroup"] = False
    edit_services(copy, name, kept)
    bundles = handoff(str(copy), workdir / "migration-handoff-1", env, workdir / "handoff.log", customers=[name])
    p = Producer(Fleet(copy).customers[name], bundles[name])
    prepare_customer(aws, p, with_topics=False)
    deploy_producer(ck, aws, p, workdir, aws_cli, check_template=False)
    with ck.section(f"migration {name}: every load balancer as the first release made it"):
        check_producer(ck, aws, Fleet(copy), p)
    names = {s["name"]: p.outputs[f"{output_id(s['name'])}ServiceName"] for s in producer_services(p.c)}
    svc_id = p.outputs[f"{sid}ServiceId"]
    ec2 = aws.client("ec2", p.account, p.region)

    def service_lbs():
        return ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[svc_id])["ServiceConfigurations"][0]["NetworkLoadBalancerArns"]
    first_lbs = service_lbs()
    elbv2 = aws.client("elbv2", p.account, p.region)

    def all_lbs():
        return {lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]}

    # The vendor connects to every service, the customer accepts.
    def named(s):
        if s["name"] in names:
            s["serviceName"] = names[s["name"]]
    edit_services(copy, name, named)
    vendor = Vendor(ck, aws, copy, name, workdir)
    fleet, c = vendor.deploy(f"cdk deploy -c customer={name} (connected to the first release's services)")
    endpoints = vendor.endpoints()
    with ck.section(f"migration {name}: connected"):
        for sname, service_name in names.items():
            got = accept(ck, aws, p.account, p.region, service_name.rsplit(".", 1)[1], fleet.account)
            ck.eq(f"{sname}: the vendor's endpoint is the one accepted", got, endpoints.get(sname))
        states = {s: endpoint_state(aws, fleet.account, c["region"], e) for s, e in endpoints.items()}
        ck.eq("every endpoint available", states, {s: "available" for s in names})

    # The update to a secured load balancer while connected: AWS refuses, the stack rolls back.
    def secured(s):
        if s["name"] == service:
            del s["producer"]["loadBalancerSecurityGroup"]  # the default: a security group
    edit_services(copy, name, secured)
    bundles = handoff(str(copy), workdir / "migration-handoff-2", env, workdir / "handoff.log", customers=[name])
    p2 = Producer(Fleet(copy).customers[name], bundles[name])
    p2.vpc_id, p2.subnets, p2.params, p2.hosts = p.vpc_id, p.subnets, p.params, p.hosts
    argv = readme_deploy_command(p2)
    envc = aws.env(p.account, p.region)
    log = workdir / f"migration-{name}.log"
    cfn = aws.client("cloudformation", p.account, p.region)
    lbs_before = all_lbs()
    with ck.section(f"migration {name}: updating {service} while the vendor is connected"):
        rc = run(aws_cli + argv[1:], env=envc, what="aws cloudformation deploy (secured, while connected)", log=log,
                 timeout=180, cwd=p2.bundle, ok=(0, 255))
        ck.true("the README's deploy command fails", rc != 0, tail(log, 5))
        stack = cfn.describe_stacks(StackName=p2.stack_name)["Stacks"][0]
        ck.eq("the stack rolls back", stack["StackStatus"], "UPDATE_ROLLBACK_COMPLETE")
        reasons = [e.get("ResourceStatusReason") or "" for e in cfn.describe_stack_events(StackName=p2.stack_name)["StackEvents"]]
        ck.true("...with AWS's reason", any(LOAD_BALANCERS_IN_USE in r for r in reasons), reasons[:3])
        ck.eq("the endpoint service keeps its load balancer", service_lbs(), first_lbs)
        ck.eq("the rollback deleted the load balancer the update had created", all_lbs(), lbs_before)
        states = {s: endpoint_state(aws, fleet.account, c["region"], e) for s, e in endpoints.items()}
        ck.eq("every endpoint still available", states, {s: "available" for s in names})

    # (a) The vendor makes the service pending: its endpoint is deleted.
    def pending(s):
        if s["name"] == service:
            s.pop("serviceName")
    edit_services(copy, name, pending)
    fleet, c = vendor.deploy(f"cdk deploy -c customer={name} ({service} pending)")
    with ck.section(f"migration {name}: (a) {service} pending"):
        ck.eq(f"the vendor stack has no endpoint to {service}", vendor.endpoints().get(service), None)
        ck.eq(f"the old endpoint is deleted", endpoint_state(aws, fleet.account, c["region"], endpoints[service]), "deleted")
        others = {s: endpoint_state(aws, fleet.account, c["region"], e) for s, e in endpoints.items() if s != service}
        ck.eq("the other services' endpoints stay available", others, {s: "available" for s in others})
        blocks = [b for b in section_blocks(p2.guide, UPDATING) if " describe-vpc-endpoint-connections " in f" {b} "]
        if ck.eq("the guide's Updating section says how to check no endpoint is attached", len(blocks), 1):
            printed = run_block(blocks[0], {"SERVICE_ID": svc_id}, env=envc, aws_cli=aws_cli,
                                what="describe-vpc-endpoint-connections (guide)", log=log, cwd=p2.bundle)
            ck.eq("...it prints nothing", printed.strip(), "")

    # (b) The customer updates the stack: a new load balancer with its group, the same service.
    with ck.section(f"migration {name}: (b) the customer updates the stack"):
        deploy_producer(ck, aws, p2, workdir, aws_cli, check_template=False)
        ck.eq("the stack is updated", cfn.describe_stacks(StackName=p2.stack_name)["Stacks"][0]["StackStatus"], "UPDATE_COMPLETE")
        ck.eq("the service keeps its ID and name", (p2.outputs.get(f"{sid}ServiceId"), p2.outputs.get(f"{sid}ServiceName")),
              (svc_id, names[service]))
        new_lbs = service_lbs()
        ck.true("the service is on a new load balancer", new_lbs and new_lbs != first_lbs, new_lbs)
        ck.eq("the old load balancer is deleted", all_lbs() & set(first_lbs), set())
    with ck.section(f"migration {name}: after the update, {service} secured, the others as before"):
        check_producer(ck, aws, Fleet(copy), p2)

    # (c) The vendor connects again, with the same service name; the customer accepts.
    edit_services(copy, name, named)
    fleet, c = vendor.deploy(f"cdk deploy -c customer={name} ({service} connected again)")
    with ck.section(f"migration {name}: (c) connected again"):
        now = vendor.endpoints()
        ck.true(f"a new endpoint to {service}", now.get(service) and now[service] != endpoints[service], now.get(service))
        got = accept(ck, aws, p.account, p.region, svc_id, fleet.account)
        ck.eq("the customer accepts its request", got, now.get(service))
        ep = aws.client("ec2", fleet.account, c["region"]).describe_vpc_endpoints(VpcEndpointIds=[now[service]])["VpcEndpoints"][0]
        ck.eq("the endpoint is available, to the same service name", (ep["State"], ep["ServiceName"]), ("available", names[service]))
        states = {s: endpoint_state(aws, fleet.account, c["region"], e) for s, e in now.items()}
        ck.eq("every endpoint available", states, {s: "available" for s in names})
        lb = elbv2.describe_load_balancers(LoadBalancerArns=service_lbs())["LoadBalancers"][0]
        ck.eq("the service's load balancer has its security group", lb.get("SecurityGroups"), [p2.outputs.get(f"{sid}NlbSecurityGroupId")])
    with ck.section(f"migration {name}: the vendor stack after the migration"):
        check_privatelink(ck, aws, fleet, c)
    if vendor.runs != 3:
        raise Failure(f"the migration story deployed the vendor stacks {vendor.runs} times, not 3")
