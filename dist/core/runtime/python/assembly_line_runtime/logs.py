"""Structured logs: one JSON object per line on standard error."""
import json
import logging
import os
import sys
from datetime import datetime, timezone
from typing import Any

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGER_NAME = "assembly_line.service"

# Set once by create_app; every record names the service it comes from.
_service = {"name": "service"}


def set_service_name(name: str) -> None:
    _service["name"] = name


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, msg, service, then the record's own fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat().replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "msg": record.getMessage(),
            "service": _service["name"],
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
    logger = logging.getLogger(LOGGER_NAME)
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
