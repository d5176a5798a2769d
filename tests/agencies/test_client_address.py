"""One helper gives the client's address: REMOTE_ADDR, or — only behind a configured trusted proxy — the right-most
address of X-Forwarded-For that is not itself a trusted proxy (the left of the header is whatever the client wrote)."""

import pytest
from django.test import RequestFactory

from tsunagu.core.client import client_address

PROXY = "10.0.0.5"


def _request(remote="198.51.100.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/login/", **extra)


@pytest.fixture
def no_proxies(settings):
    settings.TSUNAGU_TRUSTED_PROXIES = []


@pytest.fixture
def behind_proxy(settings):
    settings.TSUNAGU_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]


def test_without_trusted_proxies_the_address_is_remote_addr(no_proxies):
    assert client_address(_request()) == "198.51.100.7"


def test_without_trusted_proxies_a_forwarded_header_is_ignored(no_proxies):
    assert client_address(_request(forwarded="203.0.113.1")) == "198.51.100.7"


def test_a_forwarded_header_from_a_client_that_is_not_a_proxy_is_ignored(behind_proxy):
    assert client_address(_request(remote="198.51.100.7", forwarded="203.0.113.1")) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_counts(behind_proxy):
    # The client wrote "203.0.113.1" itself; the proxy appended the address it saw.
    assert client_address(_request(remote=PROXY, forwarded="203.0.113.1, 198.51.100.9")) == "198.51.100.9"


def test_trusted_hops_in_the_header_are_skipped(behind_proxy):
    assert client_address(_request(remote=PROXY, forwarded="203.0.113.1, 198.51.100.9, 10.1.2.3")) == "198.51.100.9"


def test_a_proxy_without_a_forwarded_header_is_the_client(behind_proxy):
    assert client_address(_request(remote=PROXY)) == PROXY


def test_garbage_in_the_header_falls_back_to_the_proxy(behind_proxy):
    assert client_address(_request(remote=PROXY, forwarded="203.0.113.1, not-an-address")) == PROXY


def test_ipv6_is_understood(settings):
    settings.TSUNAGU_TRUSTED_PROXIES = ["::1"]
    assert client_address(_request(remote="::1", forwarded="2001:db8::7")) == "2001:db8::7"


def test_no_remote_addr_gives_none(no_proxies):
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) is None


def test_axes_uses_the_helper(settings):
    from axes.helpers import get_client_ip_address

    settings.TSUNAGU_TRUSTED_PROXIES = [PROXY]
    assert get_client_ip_address(_request(remote=PROXY, forwarded="198.51.100.9")) == "198.51.100.9"
