"""The security audits of issue 9: bandit over our apps, pip-audit over the locks.

bandit runs for real over the code. pip-audit asks a vulnerability service, which is
outside our control (and unreachable from CI's machine), so the script's pip-audit
half runs against a small OSV service of our own on the loopback address.
"""

import json
import os
import re
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.checks import Tags, run_checks

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCRIPT = ROOT / "scripts" / "security-audit.sh"
APPS = ["lms", "people", "courses", "assessments", "records", "cms", "wellbeing"]


def bandit(*targets: str, out: Path) -> dict:
    """bandit with the project's config at medium severity and above, as JSON."""
    report = out / "bandit.json"
    command = [BIN / "bandit", "-c", "pyproject.toml", "-r", *targets, "-ll", "-q"]
    subprocess.run(  # noqa: S603 - our own tool and arguments
        [*command, "-f", "json", "-o", report],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    return json.loads(report.read_text())


def test_bandit_finds_nothing_of_medium_or_high_severity_in_our_apps(tmp_path):
    report = bandit(*APPS, out=tmp_path)

    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == [], "fix, or justify with `# nosec BXXX  # why`:\n" + "\n".join(
        findings
    )
    assert report["errors"] == []
    scanned = set(report["metrics"]) - {"_totals"}
    assert "assessments/services/attempts.py" in scanned
    assert not [name for name in scanned if "/migrations/" in name]


def test_bandit_with_our_config_still_reports_an_unsafe_line(tmp_path):
    # The gate above must be able to fail: the config excludes paths, not checks.
    app = tmp_path / "app"
    app.mkdir()
    (app / "views.py").write_text(
        "from django.utils.safestring import mark_safe\n"
        "import subprocess\n\n\n"
        "def show(request):\n"
        "    subprocess.call(request.GET['cmd'], shell=True)\n"
        "    return mark_safe(request.GET['name'])\n"
    )

    report = bandit(str(app), out=tmp_path)

    found = {r["test_id"] for r in report["results"]}
    assert {"B602", "B703"} <= found  # shell=True, mark_safe


# --- check --deploy ----------------------------------------------------------------


def deploy_check_ids() -> set[str]:
    return {
        message.id
        for message in run_checks(include_deployment_checks=True, tags=[Tags.security])
    }


def test_the_deployment_check_says_that_the_secret_key_is_missing(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = ""

    [missing] = [
        message
        for message in run_checks(include_deployment_checks=True, tags=[Tags.security])
        if message.id == "lms.E001"
    ]

    assert missing.is_serious()
    assert missing.msg == "SECRET_KEY must be set when DEBUG is off."


def test_the_deployment_check_accepts_a_set_secret_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 60

    assert "lms.E001" not in deploy_check_ids()


def test_a_development_server_needs_no_secret_key_of_its_own(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = ""

    assert "lms.E001" not in deploy_check_ids()


# --- pip-audit, against a vulnerability service on the loopback address ----------

CANARY_ADVISORY = "PYSEC-2021-98"  # Django 3.2.0, as the real services publish it


def advisory(advisory_id: str, name: str, fixed: str) -> dict:
    return {
        "id": advisory_id,
        "summary": f"test advisory for {name}",
        "affected": [
            {
                "package": {"name": name, "ecosystem": "PyPI"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": fixed}]}],
            }
        ],
    }


class OsvService:
    """Answers OSV's /v1/query like api.osv.dev for the advisories it is given."""

    def __init__(self):
        self.advisories: dict[tuple[str, str], list[dict]] = {
            ("django", "3.2"): [advisory(CANARY_ADVISORY, "django", "3.2.1")]
        }
        self.asked: list[tuple[str, str]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = (query["package"]["name"], query["version"])
                service.asked.append(key)
                vulns = service.advisories.get(key)
                body = json.dumps({"vulns": vulns} if vulns else {}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/query"
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def osv():
    service = OsvService()
    yield service
    service.close()


def pinned(lock: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name.strip().lower())] = version.strip()
    return pins


def audit(osv_url: str, **env: str) -> subprocess.CompletedProcess:
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PIP_AUDIT_", "LIANXIN_AUDIT_"))
    }
    environ.update(
        BIN=str(BIN),
        PIP_AUDIT_VULNERABILITY_SERVICE="osv",
        PIP_AUDIT_OSV_URL=osv_url,
        **env,
    )
    return subprocess.run(  # noqa: S603 - our own script
        ["bash", SCRIPT, "pip-audit"],  # noqa: S607 - bash from PATH
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_audit_asks_about_every_pin_of_both_locks_and_passes_when_none_is_known(
    osv,
):
    done = audit(osv.url)

    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "pip-audit: no known vulnerabilities in requirements.lock "
        "requirements-dev.lock" in done.stdout
    )
    asked = set(osv.asked)
    assert set(pinned("requirements.lock").items()) <= asked
    assert set(pinned("requirements-dev.lock").items()) <= asked


def test_the_audit_fails_when_a_pinned_package_has_an_advisory(osv):
    version = pinned("requirements.lock")["django"]
    osv.advisories[("django", version)] = [
        advisory("GHSA-test-lian-xin0", "django", "99.0")
    ]

    done = audit(osv.url)

    assert done.returncode == 1
    assert "GHSA-test-lian-xin0" in done.stdout
    assert "pip-audit: FAILED" in done.stdout


def test_the_audit_refuses_to_pass_when_the_service_cannot_be_reached():
    with socket.socket() as closed:  # a port on which nothing listens
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/v1/query"

    done = audit(url)

    assert done.returncode == 2
    assert "pip-audit: NOT AUDITED" in done.stdout
    assert "no known vulnerabilities" not in done.stdout


def test_the_audit_refuses_to_pass_when_the_service_knows_no_advisory_at_all(osv):
    # What a mirror that answers but holds no advisory data looks like.
    osv.advisories.clear()

    done = audit(osv.url)

    assert done.returncode == 2
    assert "pip-audit: NOT AUDITED" in done.stdout
    assert len(osv.asked) == 1  # the canary; the locks were not sent


def test_an_offline_run_may_go_on_but_still_says_the_locks_were_not_audited():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/v1/query"

    done = audit(url, LIANXIN_AUDIT_OFFLINE_OK="1")

    assert done.returncode == 0
    assert "pip-audit: NOT AUDITED" in done.stdout
    assert "skipped because LIANXIN_AUDIT_OFFLINE_OK=1" in done.stdout
