/**
 * The parts of a generated service that are the same for every service: structured logs, the UDC
 * runtime (metrics, dependency probes, envelope checks), registration and response shaping. They
 * import the service's own values from `app.config`, so they carry no intent text at all.
 *
 * Written for FastAPI 0.92 / pydantic 1.10 (Debian) and current FastAPI / pydantic 2 alike: no
 * version-specific pydantic API (`as_data` checks which dump method exists), errors read with
 * `.get(...)`, strict types via `StrictStr` (in both), and only the standard library for HTTP calls.
 */

export const LOGS_PY = `"""Structured logs: one JSON object per line on standard error."""
import json
import logging
import os
import sys
from datetime import datetime, timezone
from typing import Any

from app.config import SERVICE_NAME

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, msg, service, then the record's own fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat().replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "msg": record.getMessage(),
            "service": SERVICE_NAME,
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            for key, value in fields.items():
                entry.setdefault(str(key), value)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to sys.stderr as it is at each record, so a replaced stream (test capture) is honoured."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(JsonFormatter())

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def log_level() -> int:
    name = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
    return getattr(logging, name) if name in LEVELS else logging.INFO


def get_logger() -> logging.Logger:
    logger = logging.getLogger(SERVICE_NAME)
    if not any(isinstance(handler, StderrHandler) for handler in logger.handlers):
        logger.addHandler(StderrHandler())
        logger.setLevel(log_level())
        logger.propagate = False
    return logger


def log_event(level: int, msg: str, exc_info: bool = False, **fields: Any) -> None:
    get_logger().log(level, msg, exc_info=exc_info, extra={"fields": fields})


def install_root_handler() -> None:
    """Sends the server's own logs (uvicorn) and Python warnings through the same JSON lines."""
    root = logging.getLogger()
    root.handlers = [StderrHandler()]
    root.setLevel(log_level())
    logging.captureWarnings(True)
`;

export const UDC_PY = `"""The runtime behind the UDC endpoints: request metrics, dependency probes, message envelopes."""
import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from pydantic import ValidationError

from app.config import dependency_url
from app.models import MessageEnvelope

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
`;

export const REGISTRATION_PY = `"""Registration with the service registry at start-up: in the background, retried, never fatal."""
import json
import logging
import threading
import time
import urllib.request
from typing import Callable, Dict, Optional

from app.config import SERVICE_NAME, Settings
from app.logs import log_event
from app.udc import utc_now_iso

ATTEMPTS = 5
BASE_DELAY_SECONDS = 0.5
TIMEOUT_SECONDS = 2.0


def registration_body(settings: Settings) -> Dict[str, str]:
    """The registry entry: name, url and version, plus health, time and the release when known."""
    body = {
        "name": SERVICE_NAME,
        "url": settings.service_url,
        "version": settings.version,
        "health": "active",
        "registered_at": utc_now_iso(),
    }
    if settings.release_id:
        body["release_id"] = settings.release_id
    return body


def register_once(settings: Settings, timeout: float = TIMEOUT_SECONDS) -> bool:
    """One POST {REGISTRY_URL}/register; True when the registry accepted it."""
    url = (settings.registry_url or "").rstrip("/")
    if not url.lower().startswith(("http://", "https://")):
        log_event(logging.WARNING, "registration skipped: REGISTRY_URL is not an http(s) URL", registry_url=url)
        return False
    request = urllib.request.Request(
        url + "/register",
        data=json.dumps(registration_body(settings)).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return 200 <= response.status < 300
    except Exception as exc:  # any failure is retried by the caller; registration must never stop the service
        log_event(logging.WARNING, "registration attempt failed", registry_url=url, error=str(exc))
        return False


def register_with_retries(
    settings: Settings,
    attempts: int = ATTEMPTS,
    base_delay: float = BASE_DELAY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Tries up to attempts times, waiting base_delay, 2 x base_delay, ... in between."""
    for attempt in range(1, attempts + 1):
        if register_once(settings):
            log_event(logging.INFO, "registered", registry_url=settings.registry_url, attempt=attempt)
            return True
        if attempt < attempts:
            sleep(base_delay * 2 ** (attempt - 1))
    log_event(logging.ERROR, "registration gave up", registry_url=settings.registry_url, attempts=attempts)
    return False


def start_registration(settings: Settings) -> Optional[threading.Thread]:
    """Registers in a daemon thread, so start-up never waits for the registry; None without REGISTRY_URL."""
    if not settings.registry_url:
        log_event(logging.INFO, "registration skipped: REGISTRY_URL is not set")
        return None
    thread = threading.Thread(target=register_with_retries, args=(settings,), name="registration", daemon=True)
    thread.start()
    return thread
`;

export const SHAPING_PY = String.raw`"""Feature responses: the SPEC example's shape, filled from the request where names and kinds match."""
import hashlib
import json
import re
import uuid
from datetime import datetime, timezone
from typing import Any, Mapping

from app.udc import utc_now_iso

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ID_PREFIX = re.compile(r"^([A-Za-z]+[_-])")


def as_data(value: Any) -> Any:
    """Plain JSON data from a pydantic model of either major version, a list of them, or plain data."""
    if hasattr(value, "model_dump"):
        return value.model_dump(by_alias=True)
    if hasattr(value, "dict") and not isinstance(value, dict):
        return value.dict(by_alias=True)
    if isinstance(value, list):
        return [as_data(item) for item in value]
    return value


def fits(value: Any, template: Any) -> bool:
    """Whether value has the JSON kind of template (an int fits a float; anything fits null)."""
    if template is None:
        return True
    if isinstance(template, bool):
        return isinstance(value, bool)
    if isinstance(template, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(template, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(template, str):
        return isinstance(value, str)
    if isinstance(template, list):
        return isinstance(value, list) and (not template or all(fits(item, template[0]) for item in value))
    return isinstance(value, dict)


def shape(template: Any, source: Any, seed: str, key: str = "") -> Any:
    """A value shaped like template: source's values where they fit, fresh or example values elsewhere."""
    if isinstance(template, dict):
        if not template:
            return dict(source) if isinstance(source, dict) else {}
        given = source if isinstance(source, dict) else {}
        return {
            name: shape(sub, given[name], seed, name) if name in given and fits(given[name], sub) else shape(sub, None, seed, name)
            for name, sub in template.items()
        }
    if isinstance(template, list):
        if isinstance(source, list) and fits(source, template):
            if not template:
                return list(source)
            return [shape(template[0], item, "%s[%d]" % (seed, i), key) for i, item in enumerate(source)]
        return [shape(item, None, "%s[%d]" % (seed, i), key) for i, item in enumerate(template)]
    if source is not None and fits(source, template):
        return source
    return fresh(template, seed, key)


def fresh(template: Any, seed: str, key: str) -> Any:
    """The value for a field the request does not give: now for times, a stable id for ids, else the example."""
    if not isinstance(template, str):
        return template
    if DATETIME.match(template):
        return utc_now_iso()
    if DATE.match(template):
        return datetime.now(timezone.utc).date().isoformat()
    if key == "id" or key.endswith("_id") or key.endswith("Id"):
        digest = hashlib.sha256((seed + "\x00" + key).encode("utf-8")).hexdigest()
        if UUID.match(template):
            return str(uuid.UUID(digest[:32]))
        prefix = ID_PREFIX.match(template)
        return (prefix.group(1) if prefix else "") + digest[:12]
    return template


def respond(template: Any, path_values: Mapping[str, str], body: Any = None) -> Any:
    """The response of a feature route: path parameters and body fields echoed into the example's shape."""
    data = as_data(body)
    if isinstance(template, list):
        source: Any = data
    else:
        source = dict(data) if isinstance(data, dict) else {}
        source.update(path_values)
    seed = json.dumps([dict(path_values), data], sort_keys=True, default=str)
    return shape(template, source, seed)
`;
