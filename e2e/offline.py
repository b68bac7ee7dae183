"""Steps that need no emulator: the synth guard and writing the customers' handoff folders."""

import hashlib
import re
import shutil
import time
from pathlib import Path

from harness import REPO, run, tail


def synth_guard(ck, fleet_dir, workdir, env):
    """A broken fleet given to `make synth` leaves an earlier cdk.out untouched.

    Runs in a scratch view of the repo (every top-level entry symlinked, but its
    own cdk.out), so the real ./cdk.out and other people's synths are never touched."""
    view = workdir / "repo-view"
    view.mkdir()
    for entry in REPO.iterdir():
        if entry.name not in (".git", "cdk.out", "cdk.out.next", "dist", "e2e") and not entry.name.startswith("cdk.out."):
            (view / entry.name).symlink_to(entry)
    broken = workdir / "broken-fleet"
    shutil.copytree(fleet_dir, broken)
    first = sorted((broken / "customers").glob("*.yaml"))[0]
    text = first.read_text()
    first.write_text(re.sub(r"(?m)^(\s*)vpcCidr: .*$", r"\1vpcCidr: 10.64.0.0/33", text, count=1))
    # -o: never reinstall the CLI from here (.tools is the real one, symlinked).
    make = ["make", "--no-print-directory", "-o", ".tools/node_modules/.bin/cdk", "synth"]
    log = workdir / "synth-guard.log"
    run(make + [f"PRIVATECONNECT_CONFIG={Path(fleet_dir).resolve()}"], env=env, what="make synth (valid fleet)",
        log=log, timeout=300, cwd=view)
    out = view / "cdk.out"
    with ck.section("make synth"):
        ck.true("a valid fleet writes cdk.out", list(out.glob("*.template.json")), f"no templates in {out}")
        before = snapshot(out)
        time.sleep(1.1)  # so that any rewrite would show in the mtimes
        rc = run(make + [f"PRIVATECONNECT_CONFIG={broken}"], env=env, what="make synth (broken fleet)", log=log,
                 timeout=300, cwd=view, ok=(0, 1, 2))
        ck.true("a broken fleet fails make synth", rc != 0, f"exit {rc}")
        ck.true("...and says which file is wrong", first.name in Path(log).read_text(), tail(log, 5))
        ck.eq("...and leaves cdk.out as it was (names, bytes, mtimes)", snapshot(out), before)
        ck.eq("...and leaves no cdk.out.next", (view / "cdk.out.next").exists(), False)


def snapshot(directory):
    return {str(f.relative_to(directory)): (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
            for f in sorted(Path(directory).rglob("*")) if f.is_file()}


def handoff(fleet_dir, out, env, log, customers=()):
    only = ["-customer", ",".join(customers)] if customers else []
    run(["go", "run", ".", "handoff", "-config", fleet_dir, "-out", out, *only], env=env, what="go run . handoff",
        log=log, timeout=600)
    # Customers with a producer section get <customer>/<customer>-Producer.yaml (and others may get other files).
    return {f.parent.name: f.parent for f in Path(out).glob("*/*-Producer.yaml")}
