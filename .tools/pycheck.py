"""Checks that this Python has the packages of requirements.txt at their
pinned versions and that the tools the tests and e2e use import.

usage: python3 pycheck.py requirements.txt
Prints nothing and exits 0 when all is there; otherwise prints, on one line,
what is missing or at another version, and exits 1.
"""

import importlib
import re
import sys
from importlib.metadata import PackageNotFoundError, version

# What the tests and e2e import, beyond having the distributions installed.
MODULES = ["boto3", "botocore", "moto", "moto.server", "cfnlint", "yaml", "flask", "flask_cors", "awscli"]


def main(path):
    problems = []
    if sys.version_info < (3, 11):
        problems.append("Python 3.11 or later (this is %d.%d)" % sys.version_info[:2])
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?==(\S+)", line)
        if not m:
            sys.exit("%s: %r is not name==version" % (path, line))
        name, want = m.group(1), m.group(3)
        try:
            have = version(name)
        except PackageNotFoundError:
            problems.append("%s==%s" % (name, want))
            continue
        if have != want:
            problems.append("%s==%s (have %s)" % (name, want, have))
    if not problems:
        for mod in MODULES:
            try:
                importlib.import_module(mod)
            except Exception as e:  # any failure to import is a broken install
                problems.append("%s (import fails: %s)" % (mod, e))
    if problems:
        print(", ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
