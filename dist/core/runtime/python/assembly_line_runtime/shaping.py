"""Feature responses: the SPEC example's shape, filled from the request where names and kinds match."""
import hashlib
import json
import re
import uuid
from datetime import datetime, timezone
from typing import Any, Mapping

from .udc import utc_now_iso

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
