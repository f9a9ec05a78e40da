"""What a service is (from its intent) and how it is configured (from the environment)."""
import os
import re
from typing import Mapping, NamedTuple, Optional, Sequence, Tuple

DEFAULT_HOST = "127.0.0.1"
DEFAULT_VERSION = "1.0.0"
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


class ConfigError(ValueError):
    """A configuration value from the environment is unusable."""


class ServiceInfo(NamedTuple):
    """The service as its intent and SPEC describe it; written into the generated app/main.py."""

    name: str
    port: int
    features: Sequence[str] = ()
    dependencies: Sequence[str] = ()
    # The success status of POST /message: the SPEC's when it names a 2xx, else 202 Accepted.
    message_status: int = 202


class Settings(NamedTuple):
    port: int
    host: str
    version: str
    registry_url: Optional[str]
    service_url: str
    # The deploy's release id (ASSEMBLY_LINE_RELEASE_ID), reported to the registry when set.
    release_id: Optional[str] = None
    # Values that were set but unusable and replaced by a default; logged at start-up.
    notes: Tuple[str, ...] = ()


def load_settings(service: ServiceInfo, environ: Optional[Mapping[str, str]] = None) -> Settings:
    """PORT, HOST, SERVICE_VERSION, REGISTRY_URL, SERVICE_URL and ASSEMBLY_LINE_RELEASE_ID, with the intent's defaults."""
    env = os.environ if environ is None else environ
    raw_port = env.get("PORT", "").strip()
    if raw_port and not (raw_port.isdigit() and 1 <= int(raw_port) <= 65535):
        raise ConfigError("PORT must be a whole number from 1 to 65535, not %r" % raw_port)
    port = int(raw_port) if raw_port else service.port
    host = env.get("HOST", "").strip() or DEFAULT_HOST
    notes = []
    version = env.get("SERVICE_VERSION", "").strip() or DEFAULT_VERSION
    if not SEMVER.match(version):
        # /health must answer a semantic version; a deploy tag such as a release id must not stop the service.
        notes.append("SERVICE_VERSION %r is not a semantic version; serving %s" % (version, DEFAULT_VERSION))
        version = DEFAULT_VERSION
    registry_url = env.get("REGISTRY_URL", "").strip().rstrip("/") or None
    advertised = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in advertised:
        advertised = "[%s]" % advertised
    service_url = env.get("SERVICE_URL", "").strip().rstrip("/") or "http://%s:%d" % (advertised, port)
    release_id = env.get("ASSEMBLY_LINE_RELEASE_ID", "").strip() or None
    return Settings(port, host, version, registry_url, service_url, release_id, tuple(notes))


def dependency_env_name(name: str) -> str:
    return "DEPENDENCY_" + re.sub(r"[^A-Z0-9]", "_", name.upper()) + "_URL"


def dependency_url(name: str, environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """DEPENDENCY_<NAME>_URL; for the registry, REGISTRY_URL when that is not set."""
    env = os.environ if environ is None else environ
    url = env.get(dependency_env_name(name), "").strip()
    if not url and name == "registry":
        url = env.get("REGISTRY_URL", "").strip()
    return url.rstrip("/") or None
