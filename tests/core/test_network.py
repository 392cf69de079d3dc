"""client_address(): X-Forwarded-For is believed only from the configured trusted proxies."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from insyn.core.network import client_address

rf = RequestFactory()


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.INSYN_TRUSTED_PROXIES = []
    assert client_address(_request("10.0.0.5", "203.0.113.7")) == "10.0.0.5"


def test_a_trusted_proxy_gives_the_right_most_untrusted_address(settings):
    settings.INSYN_TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.1"]
    # the client wrote "198.51.100.1" itself; the proxies appended the real addresses
    request = _request("10.0.0.5", "198.51.100.1, 203.0.113.7, 192.0.2.1")
    assert client_address(request) == "203.0.113.7"
    assert client_address(_request("10.0.0.5", "203.0.113.8")) == "203.0.113.8"


def test_a_request_not_from_a_trusted_proxy_cannot_choose_its_address(settings):
    settings.INSYN_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_missing_or_garbled_header_falls_back_to_what_can_be_believed(settings):
    settings.INSYN_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_address(_request("10.0.0.1")) == "10.0.0.1"
    assert client_address(_request("10.0.0.1", "not-an-address")) == "10.0.0.1"
    assert client_address(_request("10.0.0.1", "198.51.100.1, junk")) == "10.0.0.1"
    assert client_address(_request("10.0.0.1", "203.0.113.7:5123")) == "203.0.113.7"


def test_ipv6_and_mapped_addresses(settings):
    settings.INSYN_TRUSTED_PROXIES = ["::1", "fd00::/8"]
    assert client_address(_request("::1", "2001:db8::7")) == "2001:db8::7"
    assert client_address(_request("fd00::2", "[2001:db8::8]:443")) == "2001:db8::8"
    assert client_address(_request("::ffff:203.0.113.4")) == "203.0.113.4"


def test_no_address_at_all(settings):
    assert client_address(_request("")) is None


def test_a_bad_proxy_entry_is_a_configuration_error(settings):
    settings.INSYN_TRUSTED_PROXIES = ["10.0.0.300"]
    with pytest.raises(ImproperlyConfigured, match="INSYN_TRUSTED_PROXIES"):
        client_address(_request("10.0.0.5"))


def test_settings_refuse_a_bad_proxy_entry(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "INSYN_TRUSTED_PROXIES": "10.0.0.1, proxy.example",
        "INSYN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import insyn.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "'proxy.example' is not an IP address" in result.stderr
