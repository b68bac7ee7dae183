"""Publish story: `go run . publish` against the emulator's S3, as `make publish` runs it.

The vendor's buckets (vendor.yaml publish.buckets) are created in the vendor account;
publish uploads every customer's templates and writes each README.md with launch links.
Checked, per template: the object under privateconnect/<customer>/<sha256>/<file> in the
bucket of the template's region, holding the folder's file byte for byte; the README's
link opens the console's quick-create page in that region, with the stack name the guide
proposes and, as param_<Name>, exactly the template's parameters that have a default,
each with that value; its templateURL is presigned for 7 days, reads that object, and the
README states when it stops working; the footer's SHA-256 is the file's and the key's.
Publishing again uploads nothing. Last, a customer launches one template from its link:
create-stack with the link's templateURL, stack name and parameters (and what only the
customer knows), and the stack is created from exactly that template."""

import hashlib
import re
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

from fleet import Fleet, producer_region, producer_services
from harness import Failure, run, say, tail
from producer import Producer, prepare_customer

LINK_RE = re.compile(r"\[create the stack in ([a-z0-9-]+)\]\((https://console\.aws\.amazon\.com/[^)\s]+)\)")
FOOTER_RE = re.compile(r"(?m)^\| `([^`]+\.yaml)` \| `([0-9a-f]{64})` \|$")
UNTIL_RE = re.compile(r"The link works until \*\*(\d{4}-\d\d-\d\d \d\d:\d\d UTC)\*\*")


def parse_link(link):
    """(region, fragment page, {query of the fragment}) of a quick-create link."""
    url = urllib.parse.urlsplit(link)
    region = urllib.parse.parse_qs(url.query).get("region", [None])[0]
    page, _, query = url.fragment.partition("?")
    return url.netloc, url.path, region, page, urllib.parse.parse_qs(query, keep_blank_values=True)


def publish_story(ck, em, aws, fleet_dir, workdir, env):
    say("publish: every customer's templates to the vendor's buckets, launch links in README.md")
    em.reset()
    aws.forget()
    fleet = Fleet(fleet_dir)
    buckets = (fleet.vendor.get("publish") or {}).get("buckets") or {}
    if not buckets:
        ck.note("vendor.yaml has no publish.buckets: the publish story did not run")
        return
    for region, bucket in sorted(buckets.items()):
        aws.client("s3", fleet.account, region).create_bucket(
            Bucket=bucket, **({} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}))
    out = workdir / "publish"
    venv = dict(aws.env(fleet.account, "us-east-1"), PRIVATECONNECT_CONFIG=str(fleet_dir))
    log = workdir / "publish.log"
    run(["go", "run", ".", "publish", "-config", str(fleet_dir), "-out", str(out)], env=venv, what="go run . publish",
        log=log, timeout=600)
    first = log.read_text()
    templates = {}  # file -> (customer, region, bucket, key, link query)
    for readme in sorted(out.glob("*/README.md")):
        name, text = readme.parent.name, readme.read_text()
        files = sorted(f.name for f in readme.parent.glob("*.yaml"))
        with ck.section(f"publish {name}"):
            links = LINK_RE.findall(text)
            footer = dict(FOOTER_RE.findall(text))
            ck.eq("one launch link per template", len(links), len(files))
            ck.eq("the footer has each template's SHA-256", sorted(footer), files)
            until = UNTIL_RE.findall(text)
            ck.eq("the README says until when each link works", len(until), len(files))
            for region, link in links:
                host, path, link_region, page, q = parse_link(link)
                ck.eq("the console's CloudFormation page", (host, path, page), ("console.aws.amazon.com", "/cloudformation/home", "/stacks/quickcreate"))
                ck.eq("the link's region", link_region, region)
                template_url = urllib.parse.urlsplit(q["templateURL"][0])
                bucket, _, key = template_url.path.lstrip("/").partition("/")
                file = key.rsplit("/", 1)[-1]
                data = (readme.parent / file).read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                ck.eq(f"{file}: the bucket of its region", bucket, buckets.get(region))
                ck.eq(f"{file}: a content-addressed key", key, f"privateconnect/{name}/{sha}/{file}")
                ck.eq(f"{file}: the footer's SHA-256 is the file's", footer.get(file), sha)
                head = aws.client("s3", fleet.account, region).head_object(Bucket=bucket, Key=key)
                ck.eq(f"{file}: the object's size", head["ContentLength"], len(data))
                signed = urllib.parse.parse_qs(template_url.query)
                ck.eq(f"{file}: presigned for 7 days", signed.get("X-Amz-Expires"), ["604800"])
                ck.true(f"{file}: within the 1024 characters CloudFormation takes", len(q["templateURL"][0]) <= 1024, len(q["templateURL"][0]))
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(q["templateURL"][0], timeout=30) as resp:
                    ck.true(f"{file}: the templateURL reads the file, byte for byte", resp.read() == data)
                tmpl = yaml.safe_load(data)
                stack_name = re.search(r"--stack-name (\S+)", next(
                    (g.read_text() for g in readme.parent.glob("*.md") if file in g.read_text() and g.name != "README.md"), "")).group(1)
                ck.eq(f"{file}: the stack name the guide proposes", q["stackName"], [stack_name])
                defaults = {k: str(v["Default"]) for k, v in tmpl.get("Parameters", {}).items() if str(v.get("Default", "")) != ""}
                given = {k[len("param_"):]: v[0] for k, v in q.items() if k.startswith("param_")}
                ck.eq(f"{file}: the link fills in each parameter the vendor knows, with its value", given, defaults)
                templates[file] = (name, region, bucket, key, q)
    ck.true("publish printed what it uploaded", "uploaded to s3://" in first, tail(log, 5))

    # Again: the same bytes, the same keys, nothing uploaded.
    before = {b: sorted(o["Key"] for o in aws.client("s3", fleet.account, r).list_objects_v2(Bucket=b).get("Contents", []))
              for r, b in buckets.items()}
    start = log.stat().st_size
    run(["go", "run", ".", "publish", "-config", str(fleet_dir), "-out", str(workdir / "publish-again")], env=venv,
        what="go run . publish (again)", log=log, timeout=600)
    again = log.read_text()[start:]
    with ck.section("publish again"):
        ck.eq("every template already there", again.count(" already in s3://"), len(templates))
        ck.eq("nothing uploaded", again.count(" uploaded to s3://"), 0)
        after = {b: sorted(o["Key"] for o in aws.client("s3", fleet.account, r).list_objects_v2(Bucket=b).get("Contents", []))
                 for r, b in buckets.items()}
        ck.eq("the buckets hold the same objects", after, before)
        ck.eq("one object per template", sum(len(v) for v in after.values()), len(templates))

    launch_from_link(ck, aws, fleet, out, templates)


def launch_from_link(ck, aws, fleet, out, templates):
    """A customer opens the link: the console creates the stack from its templateURL,
    stack name and parameters. Here create-stack does with the same values."""
    candidates = sorted((any(s["producer"]["target"] == "rds" for s in producer_services(fleet.customers[name])), name)
                        for name, *_ in templates.values() if producer_services(fleet.customers[name]))
    if not candidates:
        ck.note("no producer template published: no launch from a link")
        return
    name = candidates[0][1]
    c = fleet.customers[name]
    file = f"{name}-Producer.yaml"
    _, region, _, _, q = templates[file]
    p = Producer(c, out / name)
    prepare_customer(aws, p, with_topics=False)
    params = {k[len("param_"):]: v[0] for k, v in q.items() if k.startswith("param_")}
    params.update(p.params)
    cfn = aws.client("cloudformation", p.account, producer_region(c))
    with ck.section(f"launch {file} from its link ({p.account}/{region})"):
        cfn.create_stack(StackName=q["stackName"][0], TemplateURL=q["templateURL"][0],
                         Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()],
                         Capabilities=["CAPABILITY_IAM"])
        cfn.get_waiter("stack_create_complete").wait(StackName=q["stackName"][0], WaiterConfig={"Delay": 2, "MaxAttempts": 90})
        stack = cfn.describe_stacks(StackName=q["stackName"][0])["Stacks"][0]
        ck.eq("the stack is created", stack["StackStatus"], "CREATE_COMPLETE")
        body = cfn.get_template(StackName=q["stackName"][0])["TemplateBody"]
        if not isinstance(body, str):
            body = yaml.safe_dump(body)
        ck.eq("...from the published template", yaml.safe_load(body) if isinstance(body, str) else body,
              yaml.safe_load((out / name / file).read_text()))
        if not ck.true("...with outputs", stack.get("Outputs"), stack):
            raise Failure(f"{file}: the stack launched from the link has no outputs")
