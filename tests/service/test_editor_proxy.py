"""The web editor's local backend behind make serve's dispatcher: same origin, the site's own content only (issue 18)."""

from __future__ import annotations

from portal.service.dispatch import editor_allows, editor_paths


def test_paths_named_by_a_request_are_found():
    body = {"branch": "main", "entry": {"path": "content/sites/a/tin-tuc/x.md", "newPath": "content/sites/a/tin-tuc/y.md"},
            "assets": [{"path": "content/sites/a/files/tin-tuc/p.png"}], "paths": ["content/sites/a/files/q.pdf"],
            "folder": "content/sites/a/tin-tuc", "mediaFolder": "/content/sites/a/files/tin-tuc"}
    assert sorted(editor_paths(body)) == sorted([
        "content/sites/a/tin-tuc/x.md", "content/sites/a/tin-tuc/y.md", "content/sites/a/files/tin-tuc/p.png",
        "content/sites/a/files/q.pdf", "content/sites/a/tin-tuc", "/content/sites/a/files/tin-tuc"])


def test_a_site_edits_only_its_own_content():
    assert editor_allows("xa-mot", "tinh", ["content/sites/xa-mot/tin-tuc/a.md", "/content/sites/xa-mot/files/a.png"])
    assert not editor_allows("xa-mot", "tinh", ["content/sites/xa-hai/tin-tuc/a.md"])
    assert not editor_allows("xa-mot", "tinh", ["content/sites/xa-mot-2/tin-tuc/a.md"])
    assert not editor_allows("xa-mot", "tinh", ["content/sites/xa-mot/../xa-hai/a.md"])
    assert not editor_allows("xa-mot", "tinh", ["content/shared/chi-thi.md"])
    assert not editor_allows("xa-mot", "tinh", ["sites.yaml"])
    assert not editor_allows("xa-mot", "tinh", ["content/sites/xa-mot\\..\\x.md"])
    assert editor_allows("tinh", "tinh", ["content/shared/chi-thi.md", "content/sites/tinh/van-ban/a.md"])


def test_the_proxy_refuses_another_origin_and_another_sites_paths(tmp_path):
    from starlette.testclient import TestClient

    from portal.model.sites import load_network
    from portal.service.dispatch import Dispatcher, EditorProxy
    from portal.service.hosts import HostMap
    from tests.conftest import make_project

    async def nothing(scope, receive, send):
        raise AssertionError("not the service")

    network = load_network(make_project(tmp_path / "p"))
    (tmp_path / "out" / "xa-mot").mkdir(parents=True)
    proxy = EditorProxy("http://127.0.0.1:9/api/v1", "tinh")   # nothing listens there: a forwarded request is 502
    app = Dispatcher(nothing, tmp_path / "out", HostMap(network), proxy)
    client = TestClient(app, base_url="http://xa-mot.localhost")
    ok = {"action": "getEntry", "params": {"branch": "main", "path": "content/sites/xa-mot/tin-tuc/a.md"}}
    assert client.post("/admin/api/v1", json=ok).status_code == 502
    assert client.post("/admin/api/v1", json=ok, headers={"Origin": "http://evil.localhost"}).status_code == 403
    other = {"action": "getEntry", "params": {"branch": "main", "path": "content/sites/tinh/tin-tuc/a.md"}}
    assert client.post("/admin/api/v1", json=other).status_code == 403
    assert client.post("/admin/api/v1", content=b"action=info", headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.get("/admin/api/v1").status_code == 405
