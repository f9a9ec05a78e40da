"""Registration with the service registry at start-up: in the background, retried, never fatal."""
import json
import logging
import threading
import time
import urllib.request
from typing import Callable, Dict, Optional

from .config import Settings
from .logs import log_event
from .udc import utc_now_iso

ATTEMPTS = 5
BASE_DELAY_SECONDS = 0.5
TIMEOUT_SECONDS = 2.0


def registration_body(name: str, settings: Settings) -> Dict[str, str]:
    """The registry entry: name, url and version, plus health, time and the release when known."""
    body = {
        "name": name,
        "url": settings.service_url,
        "version": settings.version,
        "health": "active",
        "registered_at": utc_now_iso(),
    }
    if settings.release_id:
        body["release_id"] = settings.release_id
    return body


def register_once(name: str, settings: Settings, timeout: float = TIMEOUT_SECONDS) -> bool:
    """One POST {REGISTRY_URL}/register; True when the registry accepted it."""
    url = (settings.registry_url or "").rstrip("/")
    if not url.lower().startswith(("http://", "https://")):
        log_event(logging.WARNING, "registration skipped: REGISTRY_URL is not an http(s) URL", registry_url=url)
        return False
    request = urllib.request.Request(
        url + "/register",
        data=json.dumps(registration_body(name, settings)).encode("utf-8"),
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
    name: str,
    settings: Settings,
    attempts: int = ATTEMPTS,
    base_delay: float = BASE_DELAY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Tries up to attempts times, waiting base_delay, 2 x base_delay, ... in between."""
    for attempt in range(1, attempts + 1):
        if register_once(name, settings):
            log_event(logging.INFO, "registered", registry_url=settings.registry_url, attempt=attempt)
            return True
        if attempt < attempts:
            sleep(base_delay * 2 ** (attempt - 1))
    log_event(logging.ERROR, "registration gave up", registry_url=settings.registry_url, attempts=attempts)
    return False


def start_registration(name: str, settings: Settings) -> Optional[threading.Thread]:
    """Registers in a daemon thread, so start-up never waits for the registry; None without REGISTRY_URL."""
    if not settings.registry_url:
        log_event(logging.INFO, "registration skipped: REGISTRY_URL is not set")
        return None
    thread = threading.Thread(target=register_with_retries, args=(name, settings), name="registration", daemon=True)
    thread.start()
    return thread
