"""The Host → site rule (issue 12.7): a name is looked up among the site ids, never made into a path."""

from __future__ import annotations

import pytest

from portal.model.hosts import Route, host_name, route, site_for_host

IDS = {"tinh", "xa-mot", "so-a"}


@pytest.mark.parametrize(("header", "expected"), [
    ("xa-mot.localhost:8000", Route(site="xa-mot")),
    ("XA-MOT.LOCALHOST:8000", Route(site="xa-mot")),
    ("xa-mot.localhost.", Route(site="xa-mot")),
    ("tinh.localhost", Route(site="tinh")),
    ("localhost:8000", Route(directory=True)),
    ("127.0.0.1:8000", Route(directory=True)),
    ("[::1]:8000", Route(directory=True)),
    (None, Route(directory=True)),
    ("", Route(directory=True)),
    ("..localhost", Route()),
    ("...localhost", Route()),
    ("x..localhost", Route()),
    (".localhost", Route()),
    ("%2e%2e.localhost", Route()),
    ("../../etc.localhost", Route()),
    ("xa-mot/../..localhost", Route()),
    ("khong-co.localhost", Route()),
    ("xa-mot.example.vn", Route()),
    ("xa-mot.localhost.evil.example", Route()),
    ("a.xa-mot.localhost", Route()),
])
def test_route(header, expected):
    assert route(header, IDS) == expected


def test_site_for_host_is_the_one_public_rule():
    assert site_for_host("so-a.localhost:1234", IDS) == "so-a"
    assert site_for_host("..localhost", IDS) is None
    assert site_for_host("localhost", IDS) is None
    assert host_name("Tien-Du.LOCALHOST:8000") == "tien-du.localhost"
