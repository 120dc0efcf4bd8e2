"""Refuse locks that no longer say what pyproject.toml asks for (`make lint` runs this).

A pin changed in pyproject.toml without `make lock` would leave the suite, and every deployment,
on the old version while pyproject.toml claims the new one. So: each requirement pyproject.toml
pins is in requirements/test.txt at that version, the product's also in requirements/app.txt, and
app.txt holds every package at the version test.txt holds, so the suite tests what a deployment
installs. It reads files only: no network, no resolver.
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==\s*([^\s;\\]+)")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines):
    found = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            found[normalise(match.group(1))] = match.group(2)
    return found


def main():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared_app = pins(project["dependencies"])
    declared_test = pins(project["optional-dependencies"]["test"])
    app = pins((ROOT / "requirements/app.txt").read_text().splitlines())
    test = pins((ROOT / "requirements/test.txt").read_text().splitlines())

    problems = []
    for lock_name, lock, declared in (
        ("app.txt", app, declared_app),
        ("test.txt", test, declared_app | declared_test),
    ):
        for name, version in declared.items():
            if lock.get(name) != version:
                problems.append(f"pyproject.toml pins {name}=={version}; requirements/{lock_name} "
                                f"has {lock.get(name, 'nothing')}")
    for name, version in app.items():
        if test.get(name) != version:
            problems.append(f"requirements/app.txt has {name}=={version}; requirements/test.txt "
                            f"has {test.get(name, 'nothing')}")
    if problems:
        print("The locks do not match pyproject.toml; run `make lock` and commit both:", file=sys.stderr)
        print("\n".join(f"  {problem}" for problem in problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
