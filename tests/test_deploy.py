"""deploy/: the systemd units name commands and paths that exist in this checkout, the
environment file is one the production config accepts, and nginx accepts the site.

The units run from the checkout in /opt/youthagainstguns; here that prefix is this repository.
"""
import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config import Config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PREFIX = "/opt/youthagainstguns"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UNITS = ("youthagainstguns-web.service", "youthagainstguns-worker.service")


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / name)
    return parser


def _in_checkout(argv: list[str]) -> list[str]:
    return [str(ROOT) + a[len(PREFIX):] if a.startswith(PREFIX) else a for a in argv]


def _env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key] = shlex.split(value)[0] if value else ""
    return values


def _require(program: str) -> str:
    path = shutil.which(program) or (NGINX if program == "nginx" else None)
    if path and Path(path).exists():
        return path
    if os.environ.get("REQUIRE_E2E") == "1":
        pytest.fail(f"REQUIRE_E2E=1 but {program} is not installed")
    pytest.skip(f"{program} is not installed")


@pytest.fixture
def quiet_env(tmp_path):
    """An environment in which importing the app touches nothing outside tmp_path."""
    return {**{k: v for k, v in os.environ.items() if k not in _env_example()},
            "YAG_CONFIG": "testing", "YAG_INSTANCE_DIR": str(tmp_path / "instance"),
            "JOBS_SQLITE_FILE": str(tmp_path / "jobs.sqlite")}


@pytest.mark.parametrize("name", UNITS)
def test_units_run_from_the_checkout_as_yag_with_hardening(name):
    """Do both units run as yag from /opt/youthagainstguns with the environment file, restart
    on failure, and keep the system read-only except the instance folder?"""
    service = _unit(name)["Service"]
    assert service["User"] == service["Group"] == "yag"
    assert service["WorkingDirectory"] == PREFIX
    assert service["EnvironmentFile"] == "/etc/youthagainstguns/env"
    assert service["Restart"] == "on-failure"
    assert service["UMask"] == "0077"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == f"{PREFIX}/instance"
    assert _unit(name)["Install"]["WantedBy"] == "multi-user.target"
    # Every path in the checkout the unit names exists here (instance/ is made at deploy).
    for path in re.findall(rf"{PREFIX}/[^\s=]*", (DEPLOY / name).read_text()):
        relative = path[len(PREFIX) + 1:]
        if relative and not relative.startswith("instance"):
            assert (ROOT / relative).exists(), path


def test_the_web_unit_starts_gunicorn_on_loopback_without_a_control_socket(quiet_env):
    """Does the web unit's command line load wsgi:app in gunicorn (--check-config) with the
    control socket off and the address nginx proxies to?"""
    argv = shlex.split(_unit(UNITS[0])["Service"]["ExecStart"])
    assert argv[0] == f"{PREFIX}/.venv/bin/gunicorn"
    assert "--no-control-socket" in argv and "wsgi:app" in argv
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert argv[argv.index("--workers") + 1] == "3"
    argv = _in_checkout(argv)
    if not Path(argv[0]).exists():  # the venv is elsewhere: the same gunicorn, from it
        argv[0] = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run([*argv, "--check-config"], cwd=ROOT, env=quiet_env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_worker_unit_runs_flask_worker(quiet_env):
    """Does the worker unit's command exist (`flask worker`), and does it stop gracefully?"""
    service = _unit(UNITS[1])["Service"]
    argv = shlex.split(service["ExecStart"])
    assert argv[0] == f"{PREFIX}/.venv/bin/flask" and argv[-1] == "worker"
    assert service["KillSignal"] == "SIGINT"  # Huey's consumer finishes running jobs on INT
    argv = _in_checkout(argv)
    if not Path(argv[0]).exists():
        argv[0] = str(Path(sys.executable).with_name("flask"))
    result = subprocess.run([*argv, "--help"], cwd=ROOT, env=quiet_env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Run the job consumer" in result.stdout


def test_the_example_environment_is_accepted_by_the_production_config(tmp_path):
    """Does every setting in env.example exist, and does the production app start with them
    (the key read from a 0600 file)?"""
    values = _env_example()
    known = set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"',
                           (ROOT / "config.py").read_text())) | {"FLASK_APP"}
    assert set(values) <= known, set(values) - known
    assert values["YAG_CONFIG"] == "production"
    assert values["PUBLIC_BASE_URL"].startswith("https://")
    assert values["PROXY_HOPS"] == "1"
    assert "SECRET_KEY" not in values and values["SECRET_KEY_FILE"]
    key = tmp_path / "secret_key"
    key.write_text("s" * 48)
    key.chmod(0o600)
    env = {**os.environ, **values, "SECRET_KEY_FILE": str(key),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
           "YAG_INSTANCE_DIR": str(tmp_path / "instance"),
           "BACKUP_DIR": str(tmp_path / "backups")}
    env.pop("SECRET_KEY", None)
    code = ("from youthagainstguns import create_app; app = create_app(); "
            "print(app.config['PROXY_HOPS'], app.config['SESSION_COOKIE_SECURE'], "
            "app.config['SECRET_KEY'] == 's' * 48)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "True", "True"]


def test_nginx_accepts_the_site_with_a_real_certificate(tmp_path):
    """Does `nginx -t` accept the site (with a self-signed certificate in place of the
    placeholders), and does it forward what the app needs?"""
    nginx = _require("nginx")
    openssl = _require("openssl")
    site = (DEPLOY / "nginx-youthagainstguns.conf").read_text()
    assert f"client_max_body_size {Config.MAX_CONTENT_LENGTH // (1024 * 1024)}m;" in site
    assert "proxy_pass http://127.0.0.1:8000;" in site  # the web unit's --bind
    for header in ("Host $host", "X-Forwarded-For $proxy_add_x_forwarded_for",
                   "X-Forwarded-Proto $scheme"):
        assert f"proxy_set_header {header};" in site
    assert "return 301 https://$host$request_uri;" in site
    static = re.search(r"location /static/ \{\s*alias (\S+);", site).group(1)
    assert static == f"{PREFIX}/static/" and (ROOT / "static").is_dir()

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=yag.example.org", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n"
        f"events {{}}\nhttp {{\n  access_log {tmp_path}/logs/access.log;\n"
        f"  include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", f"{tmp_path}/logs/error.log",
                             "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr
