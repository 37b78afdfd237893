"""The portal command: exit codes, messages, --root, serve."""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
from pathlib import Path

from portal.cli import main
from portal.stages.preview import make_server

from ..conftest import post, write


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portal.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_check_ok_and_errors(project: Path):
    ok = run("--root", str(project), "check")
    assert ok.returncode == 0, ok.stderr
    write(project / "content/sites/xa-mot/tin-tuc/sai.md", "---\ntitle: Sai\ndate: 2026-01-01\ncategory: khong-co\n---\n")
    bad = run("--root", str(project), "check")
    assert bad.returncode == 1
    assert "content/sites/xa-mot/tin-tuc/sai.md:4: category 'khong-co' is not a section of this site" in bad.stderr


def test_check_given_paths_reports_only_them(project: Path):
    write(project / "content/sites/xa-hai/tin-tuc/sai.md", "---\ntitle: Sai\n---\n")
    good = project / "content/sites/xa-mot"
    assert run("check", str(good), cwd=project).returncode == 0
    bad = run("check", "content/sites/xa-hai/tin-tuc/sai.md", cwd=project)
    assert bad.returncode == 1 and "sai.md:1: date is missing" in bad.stderr


def test_check_unknown_site_folder(project: Path):
    post(project, "content/sites/xa-la/tin-tuc/a.md", "A")
    res = run("--root", str(project), "check")
    assert res.returncode == 1 and "folder 'xa-la' is not a site in sites.yaml" in res.stderr


def test_bad_sites_yaml_exit_code(project: Path):
    (project / "sites.yaml").write_text("network: {home: tinh}\nsites:\n  - id: tinh\n    kind: tinh-thanh\n", encoding="utf-8")
    res = run("--root", str(project), "build")
    assert res.returncode == 2
    assert "sites.yaml:4: unknown kind 'tinh-thanh'" in res.stderr
    assert not (project / "output").exists(), "nothing is built when sites.yaml is invalid"


def test_build_via_cli_with_root_and_site(project: Path, tmp_path: Path):
    res = run("--root", str(project), "build", "--site", "xa-mot", "--jobs", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (project / "output/xa-mot/index.html").is_file()
    assert not (project / "output/xa-hai").exists()
    assert "xa-mot" in res.stdout
    assert run("--root", str(project), "build", "--site", "khong-co").returncode == 2


def test_serve_routes_by_host(built_mini: Path):
    server = make_server(built_mini, "127.0.0.1", 0)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        def get(host: str, path: str) -> tuple[int, str]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers={"Host": f"{host}:{port}"})
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8")

        status, body = get("xa-mot.localhost", "/")
        assert status == 200 and "Xã Một" in body
        status, body = get("so-a.localhost", "/tin-tuc/")
        assert status == 200 and "Sở A" in body
        status, body = get("localhost", "/")
        assert status == 200 and "http://xa-hai.localhost" in body
        status, body = get("xa-mot.localhost", "/khong-co/")
        assert status == 404 and "Xã Một" in body  # the site's own 404 page
        status, _ = get("xa-mot.localhost", "/../tinh/index.html")
        assert status in (200, 404)
        status, body = get("xa-mot.localhost", "/../tinh/index.html")
        assert "Xã Một" in body  # never another site's folder
    finally:
        server.shutdown()
        server.server_close()


def test_main_returns_status(project: Path):
    assert main(["--root", str(project), "check", "-q"]) == 0


def test_serve_never_serves_outside_a_known_site(built_mini: Path, tmp_path: Path):
    """Host names are looked up, never joined to a path (issue 12.7); hidden files are not served."""
    (built_mini.parent / "bi-mat.txt").write_text("project file", encoding="utf-8")
    server = make_server(built_mini, "127.0.0.1", 0, site_ids={"xa-mot", "tinh"})
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        def get(host: str, path: str) -> tuple[int, bytes]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers={"Host": host})
            resp = conn.getresponse()
            return resp.status, resp.read()

        for host in ("..localhost", "...localhost", "x..localhost", "%2e%2e.localhost", ".localhost",
                     "so-a.localhost", "khong-co.localhost", "xa-mot.localhost.evil.example"):
            for path in ("/bi-mat.txt", "/../bi-mat.txt", "/%2e%2e/bi-mat.txt", "/index.html", "/"):
                status, body = get(host, path)
                assert status == 404 and b"project file" not in body, (host, path)
        # the directory host serves the directory page only
        assert get("localhost", "/")[0] == 200 and get("localhost", "/index.html")[0] == 200
        for path in ("/xa-mot/index.html", "/../bi-mat.txt", "/%2e%2e/bi-mat.txt", "/.building-x/"):
            assert get("localhost", path)[0] == 404, path
        # within a site: its files, never '..', encoded slashes or the build's hidden bookkeeping
        assert get("xa-mot.localhost", "/")[0] == 200
        for path in ("/.portal-manifest.json", "/.portal-build.json", "/%2e%2e/%2e%2e/bi-mat.txt",
                     "/..%2f..%2fbi-mat.txt", "/tin-tuc/%2e%2e/%2e%2e/%2e%2e/bi-mat.txt"):
            status, body = get("xa-mot.localhost", path)
            assert status == 404 and b"project file" not in body and b'"pages"' not in body, path
    finally:
        server.shutdown()
        server.server_close()


def test_the_directory_links_to_the_port_in_use(built_mini: Path):
    from portal.model.sites import load_network
    from portal.stages.directory import write_directory

    network = load_network(built_mini.parent)
    html = write_directory(network, built_mini, 8765).read_text(encoding="utf-8")
    assert 'href="http://xa-mot.localhost:8765/"' in html and ":8000" not in html
    assert "Content-Security-Policy" in html
    assert oct(write_directory(network, built_mini).stat().st_mode & 0o777) == "0o644"


def test_portal_serve_rewrites_the_directory_for_its_port(built_mini: Path):
    import re
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "portal.cli", "--root", str(built_mini.parent), "serve", "--no-build",
                             "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        port = int(re.search(r"http://localhost:(\d+)/", line).group(1))
        for _ in range(50):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/", headers={"Host": f"localhost:{port}"})
                body = conn.getresponse().read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        assert f'href="http://xa-mot.localhost:{port}/"' in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        from portal.model.sites import load_network
        from portal.stages.directory import write_directory

        write_directory(load_network(built_mini.parent), built_mini)  # the shared fixture as the build left it
