"""The runtime behind the UDC endpoints: request metrics, dependency probes, message envelopes."""
import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from pydantic import ValidationError

from .config import dependency_url
from .models import MessageEnvelope

PROBE_TIMEOUT_SECONDS = 1.0
DEPENDENCY_STATUSES = ("available", "unavailable", "unknown")
ENVELOPE_TEXT_FIELDS = ("trace_id", "source", "target", "message_type")


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def is_iso_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or len(value) < 10:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return True


class Metrics:
    """Requests and error answers (status >= 400) since start-up; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self.started_at = utc_now_iso()
        self.requests_total = 0
        self.errors_total = 0

    def count_request(self) -> None:
        with self._lock:
            self.requests_total += 1

    def count_error(self) -> None:
        with self._lock:
            self.errors_total += 1

    def snapshot(self) -> Dict[str, Any]:
        with self._lock:
            return {
                "uptime_seconds": round(time.monotonic() - self._started, 3),
                "requests_total": self.requests_total,
                "errors_total": self.errors_total,
                "started_at": self.started_at,
            }


def probe(url: Optional[str], timeout: float = PROBE_TIMEOUT_SECONDS) -> str:
    """The status of the service at url, from its /health; "unknown" when there is no URL."""
    if not url:
        return "unknown"
    if not url.lower().startswith(("http://", "https://")):
        return "unavailable"
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=timeout) as response:
            return "available" if 200 <= response.status < 300 else "unavailable"
    except Exception:  # refused, timed out, an HTTP error or a broken answer: all mean not available
        return "unavailable"


def check_dependencies(names: Sequence[str], environ: Optional[Mapping[str, str]] = None) -> List[Dict[str, str]]:
    """Probes every dependency at once, so the answer takes one timeout at most, not one per dependency."""
    if not names:
        return []
    urls = [dependency_url(name, environ) for name in names]
    with ThreadPoolExecutor(max_workers=min(8, len(urls))) as pool:
        statuses = list(pool.map(probe, urls))
    return [{"name": name, "status": status} for name, status in zip(names, statuses)]


def problem(loc: Sequence[Any], msg: str, kind: str) -> Dict[str, Any]:
    return {"loc": [str(part) for part in loc], "msg": msg, "type": kind}


def validation_problems(errors: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Validation errors as plain JSON, the same shape under pydantic 1 and 2."""
    return [
        problem(error.get("loc", ()), str(error.get("msg", "invalid value")), str(error.get("type", "value_error")))
        for error in errors
    ]


def envelope_problems(envelope: MessageEnvelope) -> List[Dict[str, Any]]:
    problems = []
    for name in ENVELOPE_TEXT_FIELDS:
        if not getattr(envelope, name).strip():
            problems.append(problem(["body", name], "must not be empty", "value_error"))
    if not is_iso_timestamp(envelope.timestamp):
        problems.append(problem(["body", "timestamp"], "must be an ISO-8601 timestamp", "value_error"))
    return problems


def read_envelope(raw: bytes) -> Tuple[Optional[MessageEnvelope], int, List[Dict[str, Any]]]:
    """The message envelope in a request body, or the status and problems that refuse it (never a 5xx)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested beyond reason
        return None, 400, [problem(["body"], "the body is not valid JSON", "json_invalid")]
    if not isinstance(data, dict):
        return None, 400, [problem(["body"], "the message must be a JSON object", "type_error")]
    try:
        envelope = MessageEnvelope(**data)
    except ValidationError as exc:
        return None, 422, validation_problems(exc.errors())
    except TypeError:  # a key that clashes with the constructor's own parameter
        return None, 422, [problem(["body"], "the message has an unusable field name", "type_error")]
    problems = envelope_problems(envelope)
    if problems:
        return None, 422, problems
    return envelope, 200, []
