"""The production setup, tested: nginx with the generated configuration in front of the sites and the service."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from portal.model.sites import load_network
from portal.service.deploy import nginx_config, systemd_unit

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if shutil.os.path.exists("/usr/sbin/nginx") else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, host: str, path: str, data: bytes | None = None) -> tuple[int, str]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers={"Host": host})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_the_generated_nginx_configuration_serves_the_sites_and_proxies_the_service(proj, tmp_path):
    if NGINX is None:
        pytest.skip("nginx is not installed (make test installs nginx-light)")
    from portal.service import db
    from portal.service.app import create_app
    from portal.service.config import load_config
    from portal.service.dispatch import start_in_thread

    network = load_network(proj)
    target = tmp_path / "portals"
    for site in ("tinh", "xa-mot"):
        (target / site / "current").mkdir(parents=True)
        (target / site / "current" / "index.html").write_text(f"<h1>{site}</h1>", encoding="utf-8")
        (target / site / "current" / "404.html").write_text("không tìm thấy", encoding="utf-8")
        (target / site / "current" / ".portal-build.json").write_text("{}", encoding="utf-8")
    cfg = load_config(proj, env={}, db_url=f"sqlite:///{tmp_path / 'svc.sqlite3'}")
    db.migrate(cfg.db_url)
    service = start_in_thread(create_app(cfg), cfg)
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        ("user root;\n" if shutil.os.geteuid() == 0 else "")  # workers read the test's private folders
        + "worker_processes 1; daemon off; pid " + str(tmp_path / "nginx.pid") + ";\n"
        "error_log " + str(tmp_path / "error.log") + ";\n"
        "events { worker_connections 64; }\n"
        "http {\n access_log off;\n"
        f" client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f" fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;\n"
        + nginx_config(network, str(target), service.port, listen=f"127.0.0.1:{port}") + "}\n", encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path)], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        assert get(port, "xamot.example.vn", "/") == (200, "<h1>xa-mot</h1>")
        assert get(port, "tinh.example.vn", "/") == (200, "<h1>tinh</h1>")
        assert get(port, "xamot.example.vn", "/khong-co/") == (404, "không tìm thấy")
        assert get(port, "evil.example", "/")[0] == 404
        assert get(port, "xamot.example.vn", "/.portal-build.json")[0] == 404
        with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/",
                                                           headers={"Host": "tinh.example.vn"}), timeout=10) as r:
            assert r.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")
        assert get(port, "xamot.example.vn", "/api/suc-khoe") == (200, "ok")
        status, body = get(port, "xamot.example.vn", "/api/hoi-dap/gui", data=b"x=" + b"a" * 70000)
        assert status == 413  # nginx's own limit before the service
        status, body = get(port, "xamot.example.vn", "/api/hoi-dap/tra-cuu?ma=HD-2345-6789")
        assert status == 404 and "Không tìm thấy mã HD-2345-6789" in body
    finally:
        proc.terminate()
        proc.wait(10)
        service.stop()


def test_the_systemd_unit_migrates_then_runs_on_loopback():
    unit = systemd_unit("/srv/portal", "/srv/portal/.venv/bin/portal", 8300, "postgresql+psycopg://portal@/portal")
    assert "ExecStartPre=/srv/portal/.venv/bin/portal service migrate" in unit
    assert "ExecStart=/srv/portal/.venv/bin/portal service run --bind 127.0.0.1 --port 8300" in unit
    assert "User=portal" in unit


def test_the_dispatcher_of_make_serve_serves_known_sites_only_and_no_hidden_file(proj, tmp_path):
    """make serve's origins: a site's files and its 404 pages, the directory at localhost, nothing else."""
    from starlette.testclient import TestClient

    from portal.service import db
    from portal.service.config import load_config
    from portal.service.dispatch import create_dispatcher

    out = tmp_path / "output"
    for rel, text in {"tinh/index.html": "tỉnh", "tinh/404.html": "404 vi", "tinh/en/404.html": "404 en",
                      "tinh/.portal-manifest.json": "{}", "index.html": "danh bạ", "xa-mot/index.html": "xã"}.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    cfg = load_config(proj, env={}, db_url=f"sqlite:///{tmp_path / 'd.sqlite3'}")
    db.migrate(cfg.db_url)
    app = create_dispatcher(cfg, out)

    def get(host: str, path: str):
        with _quiet():
            return TestClient(app, base_url=f"http://{host}").get(path)

    assert get("tinh.localhost:8000", "/").text == "tỉnh"
    assert get("tinh.example.vn", "/").text == "tỉnh"  # the production host of sites.yaml
    assert (get("tinh.localhost", "/khong-co/").status_code, get("tinh.localhost", "/khong-co/").text) == (404, "404 vi")
    assert get("tinh.localhost", "/en/khong-co/").text == "404 en"
    assert get("tinh.localhost", "/.portal-manifest.json").status_code == 404
    assert get("tinh.localhost", "/%2e%2e/index.html").text != "danh bạ"
    assert get("localhost:8000", "/").text == "danh bạ"
    assert get("localhost:8000", "/tinh/index.html").status_code == 404
    assert get("khong-co.localhost", "/").status_code == 404
    assert get("..localhost", "/").status_code == 404
    assert get("xa-mot.localhost", "/api/suc-khoe").text == "ok"


def _quiet():
    import contextlib
    import warnings

    @contextlib.contextmanager
    def cm():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    return cm()
