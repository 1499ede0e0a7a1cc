"""`--workspace ID`: run the summary query in Log Analytics through azure-monitor-query (the optional `logs` extra,
imported only here). Credentials as in live mode: a token from --token-env (for Log Analytics, not Graph), else
DefaultAzureCredential for --tenant. Failures leave as ExternalError (exit 3) in one line without secrets.
"""

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from scopelint.errors import ExternalError, InputError
from scopelint.graph import Secret, _BearerToken, _CachedCredential, _token_from_env, graph_root
from scopelint.usage.normalise import claims
from scopelint.usage.records import Call

INSTALL_HINT = "--workspace needs azure-monitor-query and azure-identity: pip install 'scopelint[logs]'"
DEFAULT_URL = "https://api.loganalytics.io"
URL_ENV = "SCOPELINT_LOGS_URL"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_LOOPBACK = ("http://127.0.0.1", "http://localhost", "http://[::1]")


class WorkspaceOptions(NamedTuple):
    """Where and how to query: workspace id, endpoint root, tenant, a user-given token, timeout in seconds."""

    workspace: str
    url: str
    tenant: str | None
    token: Secret | None
    timeout: float


def workspace_options(workspace: str, url: str | None = None, tenant: str | None = None,
                      token_env: str | None = None, timeout: float = 30.0) -> WorkspaceOptions:
    """Validated options; the endpoint is the option, else $SCOPELINT_LOGS_URL, else Azure's global cloud."""
    if not _GUID.match(workspace.strip()):
        raise InputError(f"--workspace must be a Log Analytics workspace id (a GUID), got {workspace!r}")
    root = graph_root(url or os.environ.get(URL_ENV) or DEFAULT_URL, "--logs-url" if url else URL_ENV)
    if root.lower().endswith("/v1"):
        root = root[:-3]
    token = _token_from_env(token_env) if token_env else None
    return WorkspaceOptions(workspace.strip().lower(), root, tenant, token, timeout)


def query_calls(opts: WorkspaceOptions, query: str) -> Iterator[Call]:
    """The summary rows of the query as calls (one per distinct call, with its count)."""
    try:
        from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceRequestError
        from azure.monitor.query import LogsQueryClient, LogsQueryStatus
    except ImportError:
        raise InputError(INSTALL_HINT) from None
    credential = _credential(opts)
    client = LogsQueryClient(credential, endpoint=opts.url)
    loopback = opts.url.startswith(_LOOPBACK)
    source = f"workspace:{opts.workspace}"
    try:
        response = client.query_workspace(opts.workspace, query, timespan=None,
                                          server_timeout=max(1, min(600, int(opts.timeout))),
                                          connection_timeout=min(10.0, opts.timeout), read_timeout=opts.timeout,
                                          enforce_https=not loopback, retry_total=2)
    except ClientAuthenticationError:
        raise ExternalError("no Log Analytics token from DefaultAzureCredential (environment, managed identity, "
                            "Azure CLI, ...): run 'az login' or pass --token-env VAR; the reader needs the Log "
                            "Analytics Reader role on the workspace") from None
    except HttpResponseError as exc:
        raise ExternalError(f"Log Analytics answered {exc.status_code or '?'} for workspace {opts.workspace}: "
                            f"{_clean(exc, opts)}") from None
    except ServiceRequestError as exc:
        raise ExternalError(f"cannot reach Log Analytics at {opts.url} ({type(exc).__name__})") from None
    finally:
        client.close()
    if response.status == LogsQueryStatus.PARTIAL:
        raise ExternalError(f"Log Analytics returned a partial result: {_clean(response.partial_error, opts)}; "
                            "narrow --since or run the query from --show-query in the portal")
    tables = response.tables
    if not tables:
        return
    table = tables[0]
    names = [str(c).lower() for c in table.columns]
    need = ("appid", "requestmethod", "path", "responsestatuscode", "scopes", "roles", "calls")
    missing = [n for n in need if n not in names]
    if missing:
        raise ExternalError(f"Log Analytics returned no {', '.join(missing)} column(s): not the summary query's "
                            "answer")
    at = {n: names.index(n) for n in (*need, "lastseen", "firstseen") if n in names}
    for number, row in enumerate(table.rows, 1):
        values = list(row)
        try:
            calls = int(values[at["calls"]])
            status = int(values[at["responsestatuscode"]] or 0)
        except (TypeError, ValueError):
            raise ExternalError(f"Log Analytics returned a row scopelint cannot read (row {number})") from None
        yield Call(str(values[at["requestmethod"]] or ""), "", status, str(values[at["appid"]] or "").lower(),
                   claims(values[at["scopes"]]), claims(values[at["roles"]]),
                   _time(values[at["lastseen"]]) if "lastseen" in at else "", file=source, line=number, times=calls,
                   path=str(values[at["path"]] or ""),
                   first=_time(values[at["firstseen"]]) if "firstseen" in at else "")


def _time(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    return str(value or "")


def _credential(opts: WorkspaceOptions) -> Any:
    if opts.token is not None:
        return _BearerToken(opts.token)
    try:
        from azure.identity import DefaultAzureCredential
    except ImportError:
        raise InputError(INSTALL_HINT) from None
    allowed = [opts.tenant] if opts.tenant else []
    return _CachedCredential(DefaultAzureCredential(additionally_allowed_tenants=allowed))


def _clean(exc: Any, opts: WorkspaceOptions) -> str:
    """The server's message in one bounded line, never holding the token."""
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    if opts.token is not None:
        text = text.replace(opts.token.reveal(), "***")
    return text[:200]
