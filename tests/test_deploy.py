"""deploy/: the systemd units name commands and paths that exist in this checkout, the
environment file is one the production config accepts, and nginx accepts the site.

The units run from the checkout in /opt/youthagainstguns; here that prefix is this repository.
"""
import configparser
import http.client
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
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
    # S603: a fixed argument list, no shell, no user input.
    result = subprocess.run([*argv, "--check-config"], cwd=ROOT, env=quiet_env,  # noqa: S603
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
    # S603: a fixed argument list, no shell, no user input.
    result = subprocess.run([*argv, "--help"], cwd=ROOT, env=quiet_env,  # noqa: S603
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
    # S603: a fixed argument list, no shell, no user input.
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,  # noqa: S603
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
    # S603: a fixed argument list, no shell, no user input.
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S603
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
    # S603: a fixed argument list, no shell, no user input.
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", f"{tmp_path}/logs/error.log",  # noqa: S603
                             "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


# --- Secrets in URLs stay out of the logs ---------------------------------------------------

SECRETS = ("Secreto1AbC", "Secreto2DeF", "Secreto3GhI", "Secreto4JkL")
SECRET_PATHS = (f"/set-password/{SECRETS[0]}", f"/feeds/{SECRETS[1]}.ics",
                "/feeds/%53ecreto3GhI.ics")  # percent-encoded: the same route
SECRET_REFERER = f"https://yag.example.org/set-password/{SECRETS[3]}"


def _make_run_gunicorn_options() -> list[str]:
    """The options `make run` passes to gunicorn, with $(PORT) as 5000."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    line = re.search(r"\$\(BIN\)/gunicorn (.*?) wsgi:app", text).group(1)
    return shlex.split(line.replace("$(PORT)", "5000"))


def _unit_gunicorn_options() -> list[str]:
    argv = shlex.split(_unit(UNITS[0])["Service"]["ExecStart"])
    return argv[1:argv.index("wsgi:app")]


def _option(options: list[str], name: str, value: str) -> list[str]:
    """Return the options with `name`'s value replaced."""
    position = options.index(name) + 1
    return [*options[:position], value, *options[position + 1:]]


def _send(port: int, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path, headers={"Referer": SECRET_REFERER})
        connection.getresponse().read()
    finally:
        connection.close()


def test_gunicorn_logs_token_urls_redacted(tmp_path):
    """Started as `make run` and as the web unit start it, does gunicorn write the requests
    for set-password and feed URLs, and the app its errors, without the token?"""
    from tests.mail_fixtures import free_port
    from tests.test_proxy_nginx import _app_env, _stop, _wait_for_port

    runs = []  # both at once: each takes seconds to import the app
    for name, options in (("make-run", _make_run_gunicorn_options()),
                          ("web-unit", _unit_gunicorn_options())):
        port, folder = free_port(), tmp_path / name
        folder.mkdir()
        access, errors = folder / "access.log", folder / "error.log"
        argv = _option(_option(options, "--access-logfile", str(access)), "--workers", "1")
        argv = _option(argv, "--bind", f"127.0.0.1:{port}")
        assert "youthagainstguns.accesslog.RedactingLogger" in argv, name
        errors.touch()
        # S603: a fixed argument list, no shell, no user input.
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", *argv, "--error-logfile", str(errors),
             "wsgi:app"], cwd=ROOT, env=_app_env(folder, port), stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT)
        runs.append((port, process, access, errors))
    try:
        for port, process, access, errors in runs:
            _wait_for_port(port, process, errors, time.monotonic() + 30)
            for path in SECRET_PATHS:  # no tables in this database: the app fails, and logs it
                _send(port, path)
            deadline = time.monotonic() + 10
            while len(access.read_text().splitlines()) < len(SECRET_PATHS):
                assert time.monotonic() < deadline, access.read_text()
                time.sleep(0.1)
    finally:
        _stop([process for _, process, _, _ in runs])
    for _port, _process, access, errors in runs:
        logged = access.read_text() + errors.read_text()
        assert not [secret for secret in SECRETS if secret.lower() in logged.lower()], logged
        assert access.read_text().count("[redacted]") >= len(SECRET_PATHS)
        assert "Exception on /set-password/[redacted]" in errors.read_text()


def test_nginx_logs_token_urls_redacted(tmp_path):
    """Does the site's log format write set-password and feed URLs, and referers naming
    them, without the token?"""
    from tests.mail_fixtures import free_port
    from tests.test_proxy_nginx import _stop, _wait_for_port

    nginx = _require("nginx")
    site = (DEPLOY / "nginx-youthagainstguns.conf").read_text()
    server = site.index("\nserver {")
    assert site.count("access_log /var/log/nginx/youthagainstguns.access.log yag_redacted;") \
        == site.count("\nserver {")  # every server block logs with the redacting format
    port, logs = free_port(), tmp_path / "logs"
    logs.mkdir()
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {tmp_path}/nginx.pid;\nerror_log {logs}/error.log;\nevents {{}}\nhttp {{\n"
        + f"  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        + f"  fastcgi_temp_path {tmp_path}/fcgi;\n  uwsgi_temp_path {tmp_path}/uwsgi;\n"
        + f"  scgi_temp_path {tmp_path}/scgi;\n"
        + site[:server]  # the site's maps and log format, as deployed
        + f"\n  server {{\n    listen 127.0.0.1:{port};\n"
        + f"    access_log {logs}/access.log yag_redacted;\n    return 204;\n  }}\n}}\n")
    # S603: a fixed argument list, no shell, no user input.
    process = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),  # noqa: S603
                                "-e", f"{logs}/error.log", "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process, logs / "error.log", time.monotonic() + 30)
        for path in (*SECRET_PATHS, "/workshops/?q=visible"):
            _send(port, path)
    finally:
        _stop([process])
    logged = (logs / "access.log").read_text()
    assert len(logged.splitlines()) == len(SECRET_PATHS) + 1
    assert not [secret for secret in SECRETS if secret.lower() in logged.lower()], logged
    assert "GET /set-password/[redacted] HTTP/1.1" in logged
    assert "/workshops/?q=visible" in logged  # other addresses are logged as they were
