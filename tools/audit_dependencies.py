"""Known vulnerabilities in requirements.lock; fails unless every pinned package was audited.

`make audit` runs this. pip-audit checks each pinned version against PyPI's advisory data
(`/pypi/<name>/<version>/json`). A registry that serves only the project endpoint
(`/pypi/<name>/json`, the advisories of the latest release) makes pip-audit skip every
package and still exit 0; then a package whose pinned version is that latest release is
audited from the project endpoint, and any other stays "not audited", which fails.

Every package not audited is named in the output, with the count. Exit status: 1 when a
package has a known vulnerability, or when nothing at all could be audited; with
AUDIT_STRICT=1 also when any package could not be audited; 2 when PyPI cannot be
reached (nothing audited), or 0 after a loud skip notice with AUDIT_ALLOW_OFFLINE=1;
otherwise 0.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PYPI = os.environ.get("AUDIT_PYPI_URL", "https://pypi.org/pypi").rstrip("/")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


@dataclass
class Report:
    """What was audited, what was found, and what could not be audited."""

    audited: dict[str, str] = field(default_factory=dict)
    vulnerable: dict[str, list[str]] = field(default_factory=dict)
    not_audited: dict[str, str] = field(default_factory=dict)


def pinned(lock: Path) -> dict[str, str]:
    """The version pinned for each package name (names as PyPI normalises them)."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return pins


def reachable(url: str) -> bool:
    """Whether the advisory source answers at all."""
    try:
        with urllib.request.urlopen(url, timeout=15):
            return True
    except (urllib.error.URLError, OSError):
        return False


def _advisories(vulnerabilities: list[dict]) -> list[str]:
    return [
        f"{item.get('id')} (fixed in {', '.join(item.get('fixed_in') or []) or 'no release'})"
        for item in vulnerabilities
        if not item.get("withdrawn")
    ]


def run_pip_audit(lock: Path, report: Report, pins: dict[str, str]) -> None:
    """pip-audit on the pinned versions (no resolution: the lock pins everything)."""
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(lock),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError):
        sys.stderr.write(result.stderr)
        raise SystemExit("AUDIT FAILED: pip-audit gave no report (see above)") from None
    for dependency in dependencies:
        name = re.sub(r"[-_.]+", "-", dependency["name"]).lower()
        if "skip_reason" in dependency:
            report.not_audited[name] = dependency["skip_reason"]
            continue
        report.audited[name] = dependency["version"]
        found = [
            f"{vuln['id']} (fixed in {', '.join(vuln.get('fix_versions') or []) or 'no release'})"
            for vuln in dependency.get("vulns", [])
        ]
        if found:
            report.vulnerable[name] = found
    for name in pins:
        if name not in report.audited and name not in report.not_audited:
            report.not_audited[name] = "missing from pip-audit's report"


def audit_from_project_pages(report: Report, pins: dict[str, str]) -> None:
    """Audit a skipped package from its project page when the pin is the latest release."""
    for name in list(report.not_audited):
        version = pins.get(name)
        try:
            with urllib.request.urlopen(f"{PYPI}/{name}/json", timeout=30) as answer:
                project = json.load(answer)
        except (urllib.error.URLError, OSError, ValueError) as error:
            report.not_audited[name] = f"project page unavailable ({error})"
            continue
        latest = project.get("info", {}).get("version")
        if latest != version or "vulnerabilities" not in project:
            report.not_audited[name] = (
                f"pinned {version}, but only the advisories of {latest} are served"
            )
            continue
        del report.not_audited[name]
        report.audited[name] = version
        found = _advisories(project["vulnerabilities"])
        if found:
            report.vulnerable[name] = found


def main(argv: list[str]) -> int:
    """Audit the lock file given (default requirements.lock) and print what happened."""
    lock = Path(argv[0] if argv else "requirements.lock")
    pins = pinned(lock)
    if not pins:
        print(f"AUDIT FAILED: {lock} pins no package, so nothing was audited", file=sys.stderr)
        return 1
    if not reachable(f"{PYPI}/pip/json"):
        print(
            f"*** DEPENDENCY AUDIT SKIPPED: {PYPI} cannot be reached, so none of the"
            f" {len(pins)} pinned packages in {lock} was audited ***",
            file=sys.stderr,
        )
        if os.environ.get("AUDIT_ALLOW_OFFLINE"):
            return 0
        print(
            "AUDIT FAILED: run it with access to PyPI (AUDIT_ALLOW_OFFLINE=1 skips visibly)",
            file=sys.stderr,
        )
        return 2
    report = Report()
    run_pip_audit(lock, report, pins)
    if report.not_audited:
        audit_from_project_pages(report, pins)
    for name, advisories in sorted(report.vulnerable.items()):
        print(f"VULNERABLE {name}=={pins.get(name)}: {'; '.join(advisories)}")
    for name, reason in sorted(report.not_audited.items()):
        print(f"NOT AUDITED {name}=={pins.get(name)}: {reason}")
    print(
        f"audited {len(report.audited)} of {len(pins)} pinned packages;"
        f" {len(report.vulnerable)} with known vulnerabilities,"
        f" {len(report.not_audited)} not audited"
    )
    if not report.audited:
        print("AUDIT FAILED: not one package could be audited", file=sys.stderr)
        return 1
    if report.not_audited and os.environ.get("AUDIT_STRICT"):
        print("AUDIT FAILED: AUDIT_STRICT=1 and some packages were not audited", file=sys.stderr)
        return 1
    return 1 if report.vulnerable else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
