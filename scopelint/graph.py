"""Live reads of app registrations from Microsoft Graph through msgraph-sdk (the optional `graph` extra).

msgraph-sdk, azure-identity and httpx are imported only inside this module's functions, so no other command pays
for them and a missing extra is one line (exit 2). Every failure leaves as ExternalError (exit 3) in one line that
never holds a token; an application id that does not exist is an InputError (the id is the user's). Retries (429,
503, 504, honouring Retry-After) are bounded in count and in total time; paging is guarded against loops and
against links to another host (the token must never travel there).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scopelint import __version__
from scopelint.catalog import GRAPH_APP_ID, Catalog, PermissionType
from scopelint.errors import ExternalError, InputError
from scopelint.snapshot import ADMIN_CONSENT, APP_ROLE, USER_CONSENT, Consent, RequestedAccess, Snapshot

INSTALL_HINT = "live mode needs msgraph-sdk and azure-identity: pip install 'scopelint[graph]'"
DEFAULT_GRAPH_URL = "https://graph.microsoft.com"
GRAPH_URL_ENV = "SCOPELINT_GRAPH_URL"
API_VERSION = "v1.0"
READ_APPS = "Application.Read.All"
READ_GRANTS = "Directory.Read.All or DelegatedPermissionGrant.Read.All"
RETRY_STATUSES = frozenset({429, 503, 504})
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$")
_NO_PERMISSION_ROLE = "00000000-0000-0000-0000-000000000000"
_APP_FIELDS = ["id", "appId", "displayName", "requiredResourceAccess"]
_SP_FIELDS = ["id", "appId", "displayName", "appOwnerOrganizationId"]
_GRANT_FIELDS = ["clientId", "consentType", "principalId", "resourceId", "scope"]
_ROLE_FIELDS = ["appRoleId", "principalId", "resourceId"]
BATCH_SIZE = 20  # requests per JSON $batch, Graph's limit (https://learn.microsoft.com/graph/json-batching)
PAGE_MAX = 999  # the largest $top directory collections accept (https://learn.microsoft.com/graph/paging)
_SDK_LOGGERS = ("azure", "httpx", "httpcore", "hpack", "h2", "kiota_http", "kiota_abstractions",
                "kiota_authentication_azure", "kiota_serialization_json", "msgraph", "msgraph_core", "msal")


class Secret:
    """A bearer token that never prints: repr and str are placeholders, `reveal()` is the only way in."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__


@dataclass(frozen=True)
class LiveOptions:
    """How to reach Graph: endpoint root (without /v1.0), tenant, credential, and the robustness bounds."""

    graph_url: str = DEFAULT_GRAPH_URL
    tenant: str | None = None
    token: Secret | None = field(default=None, repr=False)
    timeout: float = 30.0
    max_retries: int = 4
    retry_budget: float = 60.0
    max_pages: int = 500
    max_response_bytes: int = 64 * 1024 * 1024
    concurrency: int = 4
    show_users: bool = False

    @property
    def base_url(self) -> str:
        return f"{self.graph_url}/{API_VERSION}"


def require_sdk() -> None:
    """InputError (exit 2) with the install line when the `graph` extra is missing."""
    from importlib.util import find_spec

    try:
        missing = any(find_spec(m) is None for m in ("msgraph", "azure.identity", "kiota_authentication_azure"))
    except (ImportError, ValueError):
        missing = True
    if missing:
        raise InputError(INSTALL_HINT)


def live_options(graph_url: str | None = None, tenant: str | None = None, token_env: str | None = None,
                 timeout: float = 30.0, concurrency: int = 4, show_users: bool = False) -> LiveOptions:
    """Validated live options; the endpoint is the option, else $SCOPELINT_GRAPH_URL, else the global cloud."""
    require_sdk()
    root = graph_root(graph_url or os.environ.get(GRAPH_URL_ENV) or DEFAULT_GRAPH_URL,
                      "--graph-url" if graph_url else GRAPH_URL_ENV)
    if tenant is not None and not _TENANT.match(tenant.strip()):
        raise InputError("--tenant must be a tenant id (GUID) or a domain such as contoso.onmicrosoft.com")
    token = _token_from_env(token_env) if token_env else None
    return LiveOptions(graph_url=root, tenant=tenant.strip() if tenant else None, token=token, timeout=timeout,
                       concurrency=concurrency, show_users=show_users)


def graph_root(url: str, origin: str) -> str:
    """The endpoint root: https (http only on loopback, for tests), no credentials, query or /v1.0 suffix."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 -- raises ValueError for a port that is no number in 0-65535
    except ValueError:
        raise InputError(f"{origin} is not a valid URL (host or port), got {url!r}") from None
    if any(not ch.isprintable() or ch.isspace() for ch in url.strip()):
        raise InputError(f"{origin} must not hold spaces or control characters, got {url!r}")
    if parts.scheme not in ("https", "http") or not host:
        raise InputError(f"{origin} must be a URL such as https://graph.microsoft.com, got {url!r}")
    if parts.scheme == "http" and host not in _LOOPBACK:
        raise InputError(f"{origin} must use https (plain http only for 127.0.0.1 or localhost)")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InputError(f"{origin} must be a plain endpoint root (no user, query or fragment)")
    path = parts.path.rstrip("/")
    if path.lower().endswith("/" + API_VERSION):
        path = path[: -len(API_VERSION) - 1]
    return f"{parts.scheme}://{parts.netloc}{path}"


def check_app_id(app_id: str, origin: str = "APP_ID") -> str:
    """An application (client) id must be a GUID; anything else is refused before any request."""
    if not _GUID.match(app_id.strip()):
        raise InputError(f"{origin} must be an application (client) id, a GUID, got {app_id!r}")
    return app_id.strip().lower()


def _token_from_env(var: str) -> Secret:
    raw = os.environ.get(var, "").strip()
    if not raw:
        raise InputError(f"environment variable {var} is empty or not set; expected a Microsoft Graph bearer "
                         "token (az account get-access-token --resource-type ms-graph --query accessToken -o tsv)")
    if raw.startswith("{"):
        try:
            raw = str(json.loads(raw).get("accessToken") or "").strip()
        except (ValueError, AttributeError):
            raw = ""
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if not raw or any(c.isspace() or not c.isprintable() or ord(c) > 126 for c in raw):
        raise InputError(f"environment variable {var} does not hold a bearer token")
    return Secret(raw)


# ------------------------------------------------------------------------------------------------------------------
# entry points (synchronous; each runs one event loop with one client)

def fetch_snapshot(app_id: str, opts: LiveOptions, catalog: Catalog) -> Snapshot:
    """Read one application, its service principal, grants and role assignments."""
    app_id = check_app_id(app_id)
    return _run(opts, catalog, lambda g: g.snapshot(app_id))


def fetch_snapshots(app_ids: list[str] | None, opts: LiveOptions, catalog: Catalog,
                    progress: Callable[[int, int, str], None] | None = None) -> list[Snapshot]:
    """Many applications (all of the tenant's when `app_ids` is None), at most `opts.concurrency` at a time."""
    ids = [check_app_id(a, "--app-id") for a in app_ids] if app_ids is not None else None
    return _run(opts, catalog, lambda g: g.snapshots(ids, progress))


def fetch_graph_permissions(opts: LiveOptions, catalog: Catalog) -> dict[str, Any]:
    """The tenant's Microsoft Graph service principal as an export (oauth2PermissionScopes, appRoles)."""
    return _run(opts, catalog, lambda g: g.graph_export())


def catalog_from_tenant(opts: LiveOptions, paths_doc: Any | None, paths_name: str | None) -> dict[str, Any]:
    """A catalog document from the tenant's Graph service principal. Without Microsoft's path document the
    privilege levels are carried over from the catalog in use, so ranking by privilege keeps working."""
    from scopelint.catalog import TYPES, load_catalog
    from scopelint.databuild import catalog_from_export

    current = load_catalog()
    export = fetch_graph_permissions(opts, current)
    doc = catalog_from_export(export, paths_doc, paths_name or opts.base_url)
    tenant = f"tenant {opts.tenant}" if opts.tenant else "the signed-in tenant"
    doc["source"] = f"Microsoft Graph service principal of {tenant} via {opts.base_url}"
    doc["retrieved"] = dt.date.today().isoformat()
    if paths_doc is None:
        doc["privilege_source"] = f"carried over from the catalog in use ({current.origin}: {current.source})"
        for ptype in TYPES:
            for row in doc[ptype]:
                info = current.get(ptype, row["value"])
                row["privilege"] = info.privilege if info else None
    return doc


def _run(opts: LiveOptions, catalog: Catalog, work: Callable[[_Graph], Awaitable[Any]]) -> Any:
    _quiet_sdk_logs()

    async def main() -> Any:
        async with _Graph(opts, catalog) as graph:
            return await work(graph)

    return asyncio.run(main())


def _quiet_sdk_logs() -> None:
    """SDK, identity and HTTP loggers stay silent: their records could carry request details."""
    for name in _SDK_LOGGERS:
        log = logging.getLogger(name)
        log.setLevel(logging.CRITICAL + 1)
        log.propagate = False
        if not log.handlers:
            log.addHandler(logging.NullHandler())


class LiveLoader:
    """`registration_loader` for Session.check: reads each (client_id, tenant) once per run."""

    def __init__(self, opts: LiveOptions, catalog: Catalog, announce: Callable[[str], None]) -> None:
        self.opts = opts
        self.catalog = catalog
        self.announce = announce
        self._seen: dict[tuple[str, str | None], Any] = {}

    def __call__(self, live: Any) -> Any:
        from dataclasses import replace

        from scopelint.snapshot import registration_of

        tenant = live.tenant or self.opts.tenant
        key = (check_app_id(live.client_id, "client_id"), tenant)
        if key not in self._seen:
            self.announce(f"reading app registration {key[0]} live from {self.opts.base_url}"
                          + (f" (tenant {tenant})" if tenant else ""))
            snap = fetch_snapshot(key[0], replace(self.opts, tenant=tenant), self.catalog)
            self._seen[key] = registration_of(snap, self.catalog, live_name(snap.app_id))
        return self._seen[key]


def live_name(app_id: str) -> str:
    """How a live registration is named in findings (there is no file)."""
    return f"graph:{app_id}"


# ------------------------------------------------------------------------------------------------------------------
# credentials

class _BearerToken:
    """azure.core TokenCredential over a token the user fetched (--token-env); it cannot refresh."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token.reveal(), int(time.time()) + 3600)

    def close(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return "_BearerToken(***)"


class _CachedCredential:
    """Keeps tokens until five minutes before expiry: the SDK asks for one on every request."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._tokens: dict[tuple, Any] = {}

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        key = (scopes, kwargs.get("tenant_id"), kwargs.get("claims"))
        token = self._tokens.get(key)
        if token is None or token.expires_on - 300 < time.time():
            token = self._inner.get_token(*scopes, **kwargs)
            self._tokens[key] = token
        return token

    def close(self) -> None:
        self._inner.close()

    def __repr__(self) -> str:
        return f"_CachedCredential({type(self._inner).__name__})"


def _credential(opts: LiveOptions) -> Any:
    if opts.token is not None:
        return _BearerToken(opts.token)
    from azure.identity import DefaultAzureCredential

    allowed = [opts.tenant] if opts.tenant else []
    return _CachedCredential(DefaultAzureCredential(additionally_allowed_tenants=allowed))


# ------------------------------------------------------------------------------------------------------------------
# transport

def _retry_middleware(opts: LiveOptions) -> Any:
    """A kiota middleware retrying 429/503/504: Retry-After honoured, at most `max_retries` times and only while
    the wait fits in `retry_budget` seconds in total (kiota's own handler waits as long as the server asks)."""
    from kiota_http.middleware import BaseMiddleware

    class RetryBounded(BaseMiddleware):
        async def send(self, request: Any, transport: Any) -> Any:
            start = time.monotonic()
            attempt = 0
            while True:
                response = await super().send(request, transport)
                if response.status_code not in RETRY_STATUSES or attempt >= opts.max_retries:
                    return response
                delay = _retry_after(response.headers.get("retry-after"))
                if delay is None:
                    delay = min(2.0 ** attempt, 30.0)
                if time.monotonic() - start + delay > opts.retry_budget:
                    return response
                await response.aclose()
                await asyncio.sleep(delay)
                attempt += 1

    return RetryBounded()


class _BadResponse(Exception):
    """A response the transport refused: what Graph sent, said as a clause ("sent a redirect ...")."""


def _limits_middleware(opts: LiveOptions) -> Any:
    """The innermost kiota middleware: every attempt is read whole within `opts.timeout` seconds (a server trickling
    a byte at a time cannot hold a run, where httpx's timeout applies to each read) and within
    `opts.max_response_bytes` (decoded, so a compressed bomb is cut too); redirects, empty and non-JSON 2xx
    answers are refused with what they were. The response handed on holds the whole body."""
    import httpx
    from kiota_http.middleware import BaseMiddleware

    class ResponseLimits(BaseMiddleware):
        async def send(self, request: Any, transport: Any) -> Any:
            try:
                async with asyncio.timeout(opts.timeout):
                    response = await super().send(request, transport)
                    try:
                        body = await _read_limited(response, opts.max_response_bytes)
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise httpx.ReadTimeout("whole-response deadline", request=request) from None
            _refuse_odd(response.status_code, response.headers, body)
            headers = [(k, v) for k, v in response.headers.multi_items()
                       if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
            return httpx.Response(response.status_code, headers=headers, content=body, request=request,
                                  extensions=response.extensions)

    return ResponseLimits()


async def _read_limited(response: Any, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise _BadResponse(f"sent a response larger than the {limit:,}-byte limit (Content-Length {int(declared):,})")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise _BadResponse(f"sent a response larger than the {limit:,}-byte limit")
    return bytes(body)


def _refuse_odd(status: int, headers: Any, body: bytes) -> None:
    """Redirects (never followed: the token would go along), empty and non-JSON successes."""
    if 300 <= status < 400:
        where = headers.get("location") or "nowhere"
        raise _BadResponse(f"sent a redirect ({status}) to {where[:200]}, not followed")
    if 200 <= status < 300 and status != 204:
        if not body.strip():
            raise _BadResponse(f"sent an empty response ({status})")
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind and "json" not in kind:
            raise _BadResponse(f"sent a response that is not JSON ({kind[:80]})")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _request_config(builder: Any, **params: Any) -> Any:
    """The SDK's RequestConfiguration with the builder's own GET query-parameter class ($select, $filter, $top)."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    query = next(v for k, v in vars(type(builder)).items() if k.endswith("GetQueryParameters"))
    return RequestConfiguration(query_parameters=query(**params))


# ------------------------------------------------------------------------------------------------------------------
# the reader

class _Graph:
    """One msgraph-sdk client for one run: credential, bounded retries, error translation, guarded paging."""

    def __init__(self, opts: LiveOptions, catalog: Catalog) -> None:
        self.opts = opts
        self.catalog = catalog
        self._graph_sp: Any = None
        self._graph_sp_lock = asyncio.Lock()
        self._names: _Names | None = None
        self._resources: dict[str, str | None] = {}  # service principal id -> its appId

    async def __aenter__(self) -> _Graph:
        try:
            import httpx
            from kiota_authentication_azure.azure_identity_authentication_provider import (
                AzureIdentityAuthenticationProvider,
            )
            from kiota_http.middleware import ParametersNameDecodingHandler, UserAgentHandler
            from msgraph import GraphRequestAdapter, GraphServiceClient
            from msgraph_core import GraphClientFactory
            from msgraph_core.middleware import GraphTelemetryHandler
        except ImportError:
            raise InputError(INSTALL_HINT) from None
        parts = urlsplit(self.opts.graph_url)
        self.credential = _credential(self.opts)
        auth = AzureIdentityAuthenticationProvider(
            self.credential,
            options={"tenant_id": self.opts.tenant} if self.opts.tenant and self.opts.token is None else None,
            scopes=[f"{parts.scheme}://{parts.hostname}/.default"],
            allowed_hosts=[parts.hostname or ""],
        )
        timeout = httpx.Timeout(self.opts.timeout, connect=min(10.0, self.opts.timeout))
        middleware = [_retry_middleware(self.opts), ParametersNameDecodingHandler(), UserAgentHandler(),
                      GraphTelemetryHandler(), _limits_middleware(self.opts)]
        self.http = GraphClientFactory.create_with_custom_middleware(
            middleware, client=httpx.AsyncClient(timeout=timeout, follow_redirects=False))
        adapter = GraphRequestAdapter(auth, client=self.http)
        adapter.base_url = self.opts.base_url
        self.client = GraphServiceClient(request_adapter=adapter)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()
        self.credential.close()

    # requests ------------------------------------------------------------------------------------------------
    async def _send(self, what: str, need: str, request: Awaitable[Any], missing_ok: bool = False) -> Any:
        """Await one SDK request; every failure becomes one secret-free line (or None for a 404 when allowed)."""
        import httpx
        from azure.core.exceptions import ClientAuthenticationError
        from kiota_abstractions.api_error import APIError

        try:
            return await request
        except _BadResponse as exc:
            raise ExternalError(f"Microsoft Graph at {self.opts.graph_url} {self._clean(exc)} while {what}") from None
        except APIError as exc:
            if exc.response_status_code == 404 and missing_ok:
                return None
            raise ExternalError(self._explain(exc, what, need)) from None
        except ClientAuthenticationError:
            raise ExternalError(
                "no Microsoft Graph token from DefaultAzureCredential (environment, managed identity, Azure CLI, "
                "...): run 'az login', set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or pass "
                f"--token-env VAR; the reader needs {need}") from None
        except httpx.TimeoutException:
            raise ExternalError(f"Microsoft Graph did not answer within {self.opts.timeout:g} s while {what}") from None
        except httpx.HTTPError as exc:
            raise ExternalError(f"cannot reach Microsoft Graph at {self.opts.graph_url} while {what} "
                                f"({type(exc).__name__})") from None
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise ExternalError(f"Microsoft Graph sent a response scopelint cannot read while {what} "
                                f"({type(exc).__name__})") from None

    def _explain(self, exc: Any, what: str, need: str) -> str:
        error = getattr(exc, "error", None)
        return self._explain_status(exc.response_status_code, getattr(error, "code", None),
                                    getattr(error, "message", None), what, need)

    def _explain_status(self, status: int, code: Any, message: Any, what: str, need: str) -> str:
        detail = f" {self._clean(code)}" if code else ""
        if status == 401:
            return (f"Microsoft Graph rejected the credentials (401{detail}) while {what}: the token is missing, "
                    f"expired or not for Microsoft Graph; the reader needs {need}")
        if status == 403:
            return f"Microsoft Graph denied access (403{detail}) while {what}: the reader needs {need}"
        if status in RETRY_STATUSES:
            return (f"Microsoft Graph is throttling or unavailable ({status}) while {what}, still after retrying "
                    f"(at most {self.opts.max_retries} times within {self.opts.retry_budget:g} s); try again later")
        return f"Microsoft Graph answered {status}{detail} while {what}" + (
            f": {self._clean(message)}" if message else "")

    def _clean(self, text: Any) -> str:
        """Server text made safe for one line: no token, no line breaks, bounded length."""
        text = " ".join(str(text).split())
        if self.opts.token is not None:
            text = text.replace(self.opts.token.reveal(), "***")
        return text[:200]

    async def _json(self, what: str, need: str, info: Any, missing_ok: bool = False) -> dict[str, Any] | None:
        """One request sent through the SDK's adapter (authentication, middleware, retries, error mapping) whose
        body is read as plain JSON: typed models cost milliseconds per object, `json.loads` microseconds."""
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError

        async def read() -> dict[str, Any] | None:
            adapter: Any = self.client.request_adapter
            body = await adapter.send_primitive_async(info, "bytes", {"XXX": ODataError})
            if body is None:
                return None
            try:
                doc = json.loads(body)
            except ValueError:  # JSONDecodeError, UnicodeDecodeError
                raise _BadResponse("sent a response that is not JSON") from None
            if not isinstance(doc, dict):
                raise ValueError("not a JSON object")
            return doc

        return await self._send(what, need, read(), missing_ok)

    def _next_link(self, doc: dict[str, Any], seen: set[str], what: str) -> str | None:
        """The page's @odata.nextLink when it may be followed: same host, no loop, within `max_pages`."""
        link = doc.get("@odata.nextLink")
        if link is None:
            return None
        if not isinstance(link, str):
            raise ExternalError(f"Microsoft Graph sent a response scopelint cannot read while {what} (nextLink)")
        if link in seen:
            raise ExternalError(f"Microsoft Graph sent the same @odata.nextLink twice while {what}: a paging "
                                "loop, stopped")
        if len(seen) >= self.opts.max_pages:
            raise ExternalError(f"more than {self.opts.max_pages} pages while {what}: stopped")
        mine, theirs = urlsplit(self.opts.graph_url), urlsplit(link)
        if (theirs.scheme, theirs.netloc.lower()) != (mine.scheme, mine.netloc.lower()):
            raise ExternalError(f"Microsoft Graph sent an @odata.nextLink to another host while {what}: "
                                "not followed")
        seen.add(link)
        return link

    async def _pages(self, what: str, need: str, builder: Any, **params: Any) -> list[dict[str, Any]]:
        """Every item of a collection as JSON objects, following @odata.nextLink on the same host, without loops,
        bounded in pages."""
        doc = await self._json(what, need, builder.to_get_request_information(_request_config(builder, **params)))
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        while doc is not None:
            items.extend(_values(doc, what))
            link = self._next_link(doc, seen, what)
            if link is None:
                break
            doc = await self._json(what, need, builder.with_url(link).to_get_request_information())
        return items

    # reads ---------------------------------------------------------------------------------------------------
    async def graph_service_principal(self) -> dict[str, Any] | None:
        """The tenant's Microsoft Graph service principal (object id, scopes, roles), read once per run."""
        async with self._graph_sp_lock:
            if self._graph_sp is None:
                builder = self.client.service_principals_with_app_id(GRAPH_APP_ID)
                cfg = _request_config(builder, select=["id", "appId", "oauth2PermissionScopes", "appRoles"])
                sp = await self._json("reading the Microsoft Graph service principal", READ_APPS,
                                      builder.to_get_request_information(cfg), missing_ok=True)
                self._graph_sp = sp if sp is not None else False
                self._names = _Names(sp, self.catalog)
                sp_id = _guid(sp.get("id")) if sp is not None else None
                if sp_id:
                    self._resources[sp_id] = GRAPH_APP_ID
        return self._graph_sp or None

    async def names(self) -> _Names:
        """The permission-name table, built once per run from the tenant's Graph service principal."""
        await self.graph_service_principal()
        assert self._names is not None
        return self._names

    async def graph_export(self) -> dict[str, Any]:
        sp = await self.graph_service_principal()
        if sp is None:
            raise ExternalError("the tenant has no Microsoft Graph service principal to read permissions from")
        return {
            "appId": GRAPH_APP_ID,
            "oauth2PermissionScopes": [
                {"id": _guid(s.get("id")), "value": s.get("value"), "type": s.get("type"),
                 "isEnabled": s.get("isEnabled"), "adminConsentDisplayName": s.get("adminConsentDisplayName")}
                for s in _objects(sp.get("oauth2PermissionScopes")) if _guid(s.get("id")) and _text(s.get("value"))
            ],
            "appRoles": [
                {"id": _guid(r.get("id")), "value": r.get("value"), "isEnabled": r.get("isEnabled"),
                 "displayName": r.get("displayName")}
                for r in _objects(sp.get("appRoles"))
                if _guid(r.get("id")) and _text(r.get("value"))
                and (not r.get("allowedMemberTypes") or "Application" in list(r.get("allowedMemberTypes") or []))
            ],
        }

    async def snapshots(self, app_ids: list[str] | None,
                        progress: Callable[[int, int, str], None] | None) -> list[Snapshot]:
        """The whole tenant from four paged collections joined here (`app_ids` None), else the apps named, their
        reads sent together in JSON batches."""
        snaps = await (self.tenant_snapshots() if app_ids is None else self.batched_snapshots(list(
            dict.fromkeys(app_ids))))
        if progress is not None:
            for done, snap in enumerate(snaps, 1):
                progress(done, len(snaps), snap.display_name or snap.app_id)
        return snaps

    async def tenant_snapshots(self) -> list[Snapshot]:
        """Every application of the tenant in O(pages) requests: applications, service principals, delegated grants
        and the app role assignments Microsoft Graph's service principal has granted, each read as whole pages
        ($top at its maximum, $select only the fields used), then joined by service principal id."""
        graph_sp = await self.graph_service_principal()
        names = await self.names()
        graph_sp_id = _guid(graph_sp.get("id")) if graph_sp is not None else None
        apps_b, sps_b, grants_b = self.client.applications, self.client.service_principals, \
            self.client.oauth2_permission_grants
        reads = [
            self._pages("listing the applications", READ_APPS, apps_b, select=_APP_FIELDS, top=PAGE_MAX),
            self._pages("listing the service principals", READ_APPS, sps_b, select=_SP_FIELDS, top=PAGE_MAX),
            self._pages("listing the delegated permission grants", READ_GRANTS, grants_b, select=_GRANT_FIELDS,
                        top=PAGE_MAX),
        ]
        if graph_sp_id:
            roles_b = self.client.service_principals.by_service_principal_id(graph_sp_id).app_role_assigned_to
            reads.append(self._pages("listing Microsoft Graph's app role assignments", READ_APPS, roles_b,
                                     select=_ROLE_FIELDS, top=PAGE_MAX))
        apps, sps, grants, *rest = await asyncio.gather(*reads)
        roles = rest[0] if rest else []
        sp_by_app: dict[str, dict[str, Any]] = {}
        for sp in sps:
            sp_id, app_id = _guid(sp.get("id")), _guid(sp.get("appId"))
            if sp_id and app_id:
                self._resources.setdefault(sp_id, app_id)
                sp_by_app.setdefault(app_id, sp)
        grants_by: dict[str, list[dict[str, Any]]] = {}
        for grant in grants:
            grants_by.setdefault(str(grant.get("clientId") or "").lower(), []).append(grant)
        roles_by: dict[str, list[dict[str, Any]]] = {}
        for role in roles:
            roles_by.setdefault(str(role.get("principalId") or "").lower(), []).append(role)
        await self._resolve({str(g.get("resourceId") or "").lower() for g in grants})
        todo = sorted((a for a in apps if _guid(a.get("appId"))), key=lambda a: _guid(a.get("appId")) or "")
        out = []
        for app in todo:
            app_id = _guid(app.get("appId")) or ""
            app_sp = sp_by_app.get(app_id)
            sp_id = str(app_sp.get("id") or "").lower() if app_sp is not None else ""
            out.append(self._assemble(app_id, app, app_sp, grants_by.get(sp_id, []), roles_by.get(sp_id, []), names))
        return out

    async def snapshot(self, app_id: str) -> Snapshot:
        """One application by its own reads: the app, its service principal, its grants and role assignments."""
        builder = self.client.applications_with_app_id(app_id)
        app = await self._json("reading the application", READ_APPS,
                               builder.to_get_request_information(_request_config(builder, select=_APP_FIELDS)),
                               missing_ok=True)
        if app is None:
            where = f" {self.opts.tenant}" if self.opts.tenant else ""
            raise InputError(f"no application with appId {app_id} in the tenant{where}: give the Application "
                             "(client) ID from the app registration's overview page")
        sp_builder = self.client.service_principals_with_app_id(app_id)
        sp = await self._json("reading the app's service principal", READ_APPS,
                              sp_builder.to_get_request_information(_request_config(sp_builder, select=_SP_FIELDS)),
                              missing_ok=True)
        names = await self.names()
        grants: list[dict[str, Any]] = []
        roles: list[dict[str, Any]] = []
        if sp is not None:
            sp_id = _sp_id(sp, app_id)
            grants_b = self.client.oauth2_permission_grants
            grants = await self._pages("reading the delegated permission grants", READ_GRANTS, grants_b,
                                       filter=f"clientId eq '{sp_id}'")
            roles_b = self.client.service_principals.by_service_principal_id(sp_id).app_role_assignments
            roles = await self._pages("reading the app role assignments", READ_APPS, roles_b)
            await self._resolve({str(r.get("resourceId") or "").lower() for r in [*grants, *roles]})
        return self._assemble(app_id, app, sp, grants, roles, names)

    async def batched_snapshots(self, app_ids: list[str]) -> list[Snapshot]:
        """The apps named, by their own reads like `snapshot`, sent in JSON $batch requests of 20: first each app
        and its service principal, then their grants and role assignments (later pages are followed one by one)."""
        names = await self.names()
        reads: list[tuple[str, str, str]] = []
        for app_id in app_ids:
            builder = self.client.applications_with_app_id(app_id)
            reads.append(("reading the application", READ_APPS,
                          self._path(builder.to_get_request_information(_request_config(builder, select=_APP_FIELDS)))))
            sp_builder = self.client.service_principals_with_app_id(app_id)
            reads.append(("reading the app's service principal", READ_APPS, self._path(
                sp_builder.to_get_request_information(_request_config(sp_builder, select=_SP_FIELDS)))))
        found = await self._batch(reads)
        apps, sps = found[0::2], found[1::2]
        for app_id, app in zip(app_ids, apps, strict=True):
            if app is None:
                where = f" {self.opts.tenant}" if self.opts.tenant else ""
                raise InputError(f"no application with appId {app_id} in the tenant{where}: give the Application "
                                 "(client) ID from the app registration's overview page")
        with_sp = [(app_id, _sp_id(sp, app_id)) for app_id, sp in zip(app_ids, sps, strict=True) if sp is not None]
        reads = []
        for _, sp_id in with_sp:
            grants_b = self.client.oauth2_permission_grants
            reads.append(("reading the delegated permission grants", READ_GRANTS, self._path(
                grants_b.to_get_request_information(_request_config(
                    grants_b, filter=f"clientId eq '{sp_id}'", select=_GRANT_FIELDS, top=PAGE_MAX)))))
            roles_b = self.client.service_principals.by_service_principal_id(sp_id).app_role_assignments
            reads.append(("reading the app role assignments", READ_APPS, self._path(
                roles_b.to_get_request_information(_request_config(roles_b, select=_ROLE_FIELDS, top=PAGE_MAX)))))
        pages = await self._batch(reads)
        consents: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
        for k, (app_id, _) in enumerate(with_sp):
            grants = await self._rest(reads[2 * k], pages[2 * k])
            roles = await self._rest(reads[2 * k + 1], pages[2 * k + 1])
            consents[app_id] = (grants, roles)
        await self._resolve({str(row.get("resourceId") or "").lower()
                             for grants, roles in consents.values() for row in [*grants, *roles]})
        return [self._assemble(app_id, app or {}, sp, *consents.get(app_id, ([], [])), names)
                for app_id, app, sp in zip(app_ids, apps, sps, strict=True)]

    async def _rest(self, read: tuple[str, str, str], first: dict[str, Any] | None) -> list[dict[str, Any]]:
        """A collection whose first page came in a batch: its items and those of the pages after it."""
        what, need, _ = read
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        doc = first
        while doc is not None:
            items.extend(_values(doc, what))
            link = self._next_link(doc, seen, what)
            if link is None:
                break
            doc = await self._json(what, need, self.client.applications.with_url(link).to_get_request_information())
        return items

    def _path(self, info: Any) -> str:
        """The request's URL below the API root, as a $batch item names it (expanded now: the SDK's builders share
        their path parameters, so a later builder would change an earlier request's URL)."""
        info.path_parameters["baseurl"] = self.opts.base_url
        return str(info.url)[len(self.opts.base_url):].replace("%24", "$")

    async def _batch(self, reads: list[tuple[str, str, str]]) -> list[dict[str, Any] | None]:
        """GET requests sent BATCH_SIZE to a JSON $batch (https://learn.microsoft.com/graph/json-batching), at most
        `concurrency` batches at a time. An item answered 429/503/504 is sent again after its Retry-After, within the
        same bounds as any request; a 404 gives None; any other failure is one line, as for a single request."""
        from kiota_abstractions.method import Method
        from kiota_abstractions.request_information import RequestInformation

        urls = [url for _, _, url in reads]
        results: list[dict[str, Any] | None] = [None] * len(reads)
        gate = asyncio.Semaphore(max(1, self.opts.concurrency))

        async def send(chunk: list[int]) -> None:
            start, attempt = time.monotonic(), 0
            while chunk:
                body = {"requests": [{"id": str(i), "method": "GET", "url": urls[i]} for i in chunk]}
                info = RequestInformation(Method.POST, "{+baseurl}/$batch", {})
                info.headers.try_add("Accept", "application/json")
                info.set_stream_content(json.dumps(body).encode(), "application/json")
                async with gate:
                    doc = await self._json("sending a batch of reads", READ_APPS, info)
                answers = _objects((doc or {}).get("responses"))
                by_id = {str(a.get("id")): a for a in answers}
                again, delay, last = [], 0.0, 0
                for i in chunk:
                    what, need, _ = reads[i]
                    answer = by_id.get(str(i))
                    status = answer.get("status") if answer is not None else None
                    if not isinstance(status, int):
                        raise ExternalError(f"Microsoft Graph sent a response scopelint cannot read while {what} "
                                            "(batch)")
                    item = answer.get("body") if answer is not None else None
                    if 200 <= status < 300:
                        if not isinstance(item, dict):
                            raise ExternalError(f"Microsoft Graph sent a response scopelint cannot read while {what}")
                        results[i] = item
                    elif status == 404:
                        results[i] = None
                    elif status in RETRY_STATUSES and attempt < self.opts.max_retries:
                        headers = {str(k).lower(): v for k, v in ((answer or {}).get("headers") or {}).items()}
                        wait = _retry_after(str(headers.get("retry-after") or ""))
                        delay = max(delay, min(2.0 ** attempt, 30.0) if wait is None else wait)
                        again.append(i)
                        last = status
                    else:
                        error = item.get("error") if isinstance(item, dict) else None
                        error = error if isinstance(error, dict) else {}
                        raise ExternalError(self._explain_status(status, error.get("code"), error.get("message"),
                                                                 what, need))
                if again and time.monotonic() - start + delay > self.opts.retry_budget:
                    what, need, _ = reads[again[0]]
                    raise ExternalError(self._explain_status(last, None, None, what, need))
                if again:
                    await asyncio.sleep(delay)
                    attempt += 1
                chunk = again

        await asyncio.gather(*(send(list(range(k, min(k + BATCH_SIZE, len(reads)))))
                               for k in range(0, len(reads), BATCH_SIZE)))
        return results

    def _assemble(self, app_id: str, app: dict[str, Any], sp: dict[str, Any] | None, grants: list[dict[str, Any]],
                  roles: list[dict[str, Any]], names: _Names) -> Snapshot:
        """The snapshot of one app from its JSON objects; both read paths end here, so they judge alike."""
        blocks = app.get("requiredResourceAccess")
        if not isinstance(blocks, list):
            raise ExternalError(f"Microsoft Graph returned application {app_id} without requiredResourceAccess")
        requested = tuple(
            RequestedAccess(resource, str(entry["type"]), str(entry["id"]).lower(),
                            names.value(str(entry["type"]), str(entry["id"])) if resource == GRAPH_APP_ID else None)
            for block in _objects(blocks) if (resource := str(block.get("resourceAppId") or "").lower())
            for entry in _objects(block.get("resourceAccess")) if entry.get("id") is not None and entry.get("type")
        )
        consented: tuple[Consent, ...] = ()
        sp_id = None
        tenant = self.opts.tenant
        if sp is not None:
            sp_id = _sp_id(sp, app_id)
            consented = self._consents(grants, roles, names)
            owner = sp.get("appOwnerOrganizationId")
            if owner is not None:
                tenant = str(owner).lower()
        return Snapshot(
            app_id=str(app.get("appId") or app_id).lower(),
            object_id=str(app["id"]) if app.get("id") else None,
            display_name=_text(app.get("displayName")),
            tenant=tenant,
            service_principal_id=sp_id,
            requested=requested,
            consented=consented,
            graph=self.opts.base_url,
            fetched=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            tool_version=__version__,
        )

    def _consents(self, grants: list[dict[str, Any]], roles: list[dict[str, Any]],
                  names: _Names) -> tuple[Consent, ...]:
        out: list[Consent] = []
        per_user: dict[tuple[str | None, str], set[str]] = {}
        for grant in grants:
            resource = self._resources.get(str(grant.get("resourceId") or "").lower())
            kind, principal = grant.get("consentType"), grant.get("principalId")
            for scope in str(grant.get("scope") or "").split():
                if kind == ADMIN_CONSENT:
                    out.append(Consent(resource, "Scope", names.guid("Scope", scope, resource), names.name(
                        "Scope", scope, resource), ADMIN_CONSENT))
                elif kind == USER_CONSENT and principal:
                    per_user.setdefault((resource, scope), set()).add(str(principal).lower())
        for (resource, scope), users in per_user.items():
            out.append(Consent(resource, "Scope", names.guid("Scope", scope, resource), names.name(
                "Scope", scope, resource), USER_CONSENT, users=len(users),
                principals=tuple(sorted(users)) if self.opts.show_users else ()))
        for role in roles:
            role_id = str(role.get("appRoleId") or "").lower()
            if not role_id or role_id == _NO_PERMISSION_ROLE:
                continue
            resource = self._resources.get(str(role.get("resourceId") or "").lower())
            value = names.value("Role", role_id) if resource == GRAPH_APP_ID else None
            out.append(Consent(resource, "Role", role_id, value, APP_ROLE))
        return tuple(dict.fromkeys(out))

    async def _resolve(self, resource_ids: set[str]) -> None:
        """The appId of each granted resource's service principal not known yet (Graph's is; others read once)."""
        for key in sorted(resource_ids):
            if not _GUID.match(key) or key in self._resources:
                continue
            builder = self.client.service_principals.by_service_principal_id(key)
            cfg = _request_config(builder, select=["id", "appId", "displayName"])
            sp = await self._json("reading a granted resource's service principal", READ_APPS,
                                  builder.to_get_request_information(cfg), missing_ok=True)
            self._resources[key] = _guid(sp.get("appId")) if sp is not None else None


def _values(doc: dict[str, Any], what: str) -> list[dict[str, Any]]:
    """The `value` array of a collection page; anything else is a response scopelint cannot read."""
    value = doc.get("value", [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ExternalError(f"Microsoft Graph sent a response scopelint cannot read while {what} (value)")
    return value


def _objects(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of an optional array (null, absent or malformed entries are skipped)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _guid(value: Any) -> str | None:
    """A GUID in lower case, or None for anything else."""
    return value.lower() if isinstance(value, str) and _GUID.match(value) else None


def _sp_id(sp: dict[str, Any], app_id: str) -> str:
    sp_id = _guid(sp.get("id"))
    if sp_id is None:
        raise ExternalError(f"Microsoft Graph returned a service principal for {app_id} without a valid id")
    return sp_id


class _Names:
    """Graph permission GUID <-> name: the tenant's Graph service principal first, the bundled catalog second."""

    _TYPES: ClassVar[dict[str, PermissionType]] = {"Scope": "delegated", "Role": "application"}

    def __init__(self, graph_sp: dict[str, Any] | None, catalog: Catalog) -> None:
        self.catalog = catalog
        self.by_id: dict[tuple[str, str], str] = {}
        self.by_name: dict[tuple[str, str], str] = {}
        if graph_sp is not None:
            for s in _objects(graph_sp.get("oauth2PermissionScopes")):
                self._add("Scope", s.get("id"), s.get("value"))
            for r in _objects(graph_sp.get("appRoles")):
                self._add("Role", r.get("id"), r.get("value"))

    def _add(self, kind: str, guid: Any, value: Any) -> None:
        guid = _guid(guid)
        if guid is not None and isinstance(value, str) and value:
            self.by_id[(kind, guid)] = value
            self.by_name[(kind, value.lower())] = guid

    def value(self, kind: str, guid: str) -> str | None:
        guid = guid.lower()
        if (kind, guid) in self.by_id:
            return self.by_id[(kind, guid)]
        ptype = self._TYPES.get(kind)
        info = self.catalog.by_id(ptype, guid) if ptype else None
        return info.permission.name if info else None

    def guid(self, kind: str, name: str, resource: str | None) -> str | None:
        if resource != GRAPH_APP_ID:
            return None
        if (kind, name.lower()) in self.by_name:
            return self.by_name[(kind, name.lower())]
        info = self.catalog.get(self._TYPES[kind], name)
        return info.id if info else None

    def name(self, kind: str, name: str, resource: str | None) -> str:
        """Tenant or catalog casing for Graph names; other resources as given."""
        guid = self.guid(kind, name, resource)
        return (self.value(kind, guid) if guid else None) or name
