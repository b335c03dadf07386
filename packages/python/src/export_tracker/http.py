"""HTTP with retries (urllib): network errors, timeouts, 5xx, 408 and 429 are
retried with exponential backoff and jitter; other answers are returned."""

import json
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from .errors import ProtocolError

USER_AGENT = "export-tracker-python/0.1.0"


@dataclass
class RetryPolicy:
    tries: int = 5
    base_delay: float = 0.25
    max_delay: float = 5.0
    timeout: float = 30.0


def backoff_seconds(n, policy, rand=random.random):
    """Pause before retry n (1-based): base, 2x, 4x... capped, with up to 25% jitter."""
    return min(policy.max_delay, policy.base_delay * 2 ** (n - 1)) * (1 + rand() * 0.25)


def _transient(status):
    return status >= 500 or status in (408, 429)


def send(what, method, url, policy, headers=None, body=None, timeout=None, on_retry=None, sleep=time.sleep):
    """Sends the request until an answer that is not transient; returns (status, parsed JSON or None)."""
    headers = {"user-agent": USER_AGENT, **(headers or {})}
    for n in range(1, policy.tries + 1):
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout or policy.timeout) as res:
                return res.status, _json(res.read())
        except urllib.error.HTTPError as err:
            payload = _json(err.read())
            if not _transient(err.code):
                return err.code, payload
            reason = f"HTTP {err.code}"
        except (urllib.error.URLError, socket.timeout, ConnectionError) as err:
            reason = str(getattr(err, "reason", err))
        if n == policy.tries:
            raise ProtocolError(f"{what}: gave up after {n} tries ({reason})")
        if on_retry:
            on_retry(what, n, reason)
        sleep(backoff_seconds(n, policy))
    raise AssertionError("unreachable")


def refusal(what, status, payload):
    """A ProtocolError from an {"error": {code, message}} answer."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict):
        return ProtocolError(f"{what}: HTTP {status} {error.get('code')}: {error.get('message')}", status, error.get("code"))
    return ProtocolError(f"{what}: HTTP {status}", status)


def _json(raw):
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
