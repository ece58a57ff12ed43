"""Where links point: the one place that knows the public base URL and which hosts are trusted.

Routes have names; nothing assembles an internal path by hand.

- Pages link with paths (``/respond/step/2``, prefixed with the ASGI ``root_path``) from
  :func:`path_for` (templates: ``url_for``), so that a link stays on whatever scheme and host the
  browser used, behind any proxy.
- Links that leave the browser, shown to copy or mail (the personal link) or printed by the CLI
  (invitations, the demo), are absolute: :func:`public_base_url` joined with the route's path.
  The base is ``RADAR_BASE_URL`` when set; else, in a request, the request's own address (its
  ``Host`` header, which :func:`trusted_hosts` restricts); else the bind address of the server.
  The CLI runs without the server's environment (``RADAR_PORT`` may be set for ``radar serve``
  only), so ``radar serve`` records its bind address in the data directory
  (:func:`record_bind_address`) and the CLI's links start with that one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request

from app.settings import Settings

WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104  (compared, not bound)
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
BIND_ADDRESS_FILE = "served-at"
"""The file in the data directory where ``radar serve`` records the base of its bind address."""
_MAX_RECORDED = 300


class Router(Protocol):
    """Anything that turns a route name into a path: the app, or a request's app."""

    def url_path_for(self, name: str, /, **path_params: Any) -> Any: ...


def path_for(
    request: Request,
    name: str,
    /,
    *,
    _query: Mapping[str, str] | None = None,
    _anchor: str = "",
    **params: Any,
) -> str:
    """The path of route ``name`` for a link on a page (with ``?query`` and ``#anchor``).

    Raises ``starlette.routing.NoMatchFound`` for an unknown name or missing parameters.
    The path is kept per router, root path, name and parameters (:func:`_route_path`).
    """
    path = _route_path(request, name, params)
    query = f"?{urlencode(_query)}" if _query else ""
    return f"{path}{query}{'#' + _anchor if _anchor else ''}"


def path_with_id(request: Request, name: str, /, **ids: str) -> str:
    """:func:`path_for` for ids that differ on every call (a new response's ``Location``).

    The route's path is looked up once with stand-ins that are then replaced, instead of once
    per id (a walk of the nested routers each time, as the kept paths never repeat). Ids
    that are not plain letters, digits, ``-`` and ``_`` take :func:`path_for`.
    """
    if not all(value and _PLAIN_ID.issuperset(value) for value in ids.values()):
        return _route_path(request, name, ids)
    path = _route_path(request, name, {key: f"{_STAND_IN}{key}" for key in ids})
    for key, value in ids.items():
        path = path.replace(f"{_STAND_IN}{key}", value, 1)
    return path


_PLAIN_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_STAND_IN = "radar-stand-in-"
_ROUTE_PATHS_KEPT = 4096
_KEPT_ON_ROUTER = "_radar_route_paths"


def _route_path(request: Request, name: str, params: Mapping[str, Any]) -> str:
    """``request.url_for(name, **params).path``, looked up once per router, root path, name
    and parameters: routes do not change once the app is built, and finding one walks the
    nested routers (a tenth of a result page's time when every link was looked up anew).
    The paths are kept on the router itself (so they go with it), in a map that starts again
    when full, since parameters vary (step numbers, ids)."""
    scope = request.scope
    provider = scope.get("router") or scope.get("app")
    kept: dict[tuple[Any, ...], str] | None = getattr(provider, _KEPT_ON_ROUTER, None)
    if kept is None and provider is not None:
        kept = {}
        setattr(provider, _KEPT_ON_ROUTER, kept)
    key = (scope.get("app_root_path", scope.get("root_path", "")), name, *sorted(params.items()))
    try:
        found = kept.get(key) if kept is not None else None
    except TypeError:  # an unhashable parameter
        return request.url_for(name, **params).path
    if found is None:
        found = request.url_for(name, **params).path
        if kept is not None:
            if len(kept) >= _ROUTE_PATHS_KEPT:
                kept.clear()
            kept[key] = found
    return found


def public_base_url(settings: Settings, request: Request | None = None) -> str:
    """The base of absolute links, without a trailing slash.

    ``RADAR_BASE_URL`` if set; else the address this request reached us at; else the bind
    address the server recorded when it started (:func:`record_bind_address`), else the one
    these settings give, where a wildcard (``0.0.0.0``, as in containers) becomes
    ``localhost``, since a browser cannot open it.
    """
    if settings.base_url:
        return settings.base_url.rstrip("/")
    if request is not None:
        return str(request.base_url).rstrip("/")
    return _recorded_bind_address(settings) or bind_address(settings)


def bind_address(settings: Settings) -> str:
    """``http://host:port`` of the address these settings bind to (a wildcard: localhost)."""
    host = "localhost" if settings.host in WILDCARD_HOSTS else settings.host
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{settings.port}"


def _bind_address_file(settings: Settings) -> Path:
    return settings.data_dir / BIND_ADDRESS_FILE


def record_bind_address(settings: Settings) -> None:
    """Record the server's :func:`bind_address` in the data directory (``radar serve`` calls
    this as it starts), so that links the CLI prints use the port the server listens on."""
    path = settings.ensure_data_dir() / BIND_ADDRESS_FILE
    path.write_text(bind_address(settings) + "\n", encoding="utf-8")


def _recorded_bind_address(settings: Settings) -> str | None:
    """What :func:`record_bind_address` wrote, or None (no file, or not an ``http://`` base)."""
    try:
        recorded = _bind_address_file(settings).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if len(recorded) > _MAX_RECORDED or not recorded.startswith("http://"):
        return None
    return recorded


def public_link(
    settings: Settings,
    router: Router,
    name: str,
    /,
    request: Request | None = None,
    **params: Any,
) -> str:
    """The absolute link to route ``name`` (see :func:`public_base_url` for the base)."""
    return public_base_url(settings, request) + str(router.url_path_for(name, **params))


def trusted_hosts(settings: Settings) -> list[str]:
    """Host names the service answers to (checked against the ``Host`` header).

    ``RADAR_TRUSTED_HOSTS`` if set (``*`` allows any, ``*.example.org`` a domain); else the
    loopback names, the bind address (unless a wildcard) and the host of ``RADAR_BASE_URL``.
    IPv6 literals are written in brackets, as in a ``Host`` header (``[::1]``).
    """
    if settings.trusted_hosts:
        return list(settings.trusted_hosts)
    hosts = list(LOOPBACK_HOSTS)
    if settings.host not in WILDCARD_HOSTS:
        hosts.append(_as_host_header(settings.host))
    if settings.base_url:
        base_host = urlsplit(settings.base_url).hostname
        if base_host:
            hosts.append(_as_host_header(base_host))
    return list(dict.fromkeys(host.lower() for host in hosts))


def _as_host_header(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
