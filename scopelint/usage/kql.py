"""The KQL that summarises MicrosoftGraphActivityLogs on the server: a few thousand aggregate rows instead of
every request. Paths are normalised there as far as KQL allows (host, version, query, GUIDs, e-mail addresses,
numbers, site ids, long ids with digits); scopelint normalises the returned paths once more (idempotent).

Columns: https://learn.microsoft.com/azure/azure-monitor/reference/tables/microsoftgraphactivitylogs
"""

TABLE = "MicrosoftGraphActivityLogs"
_ID = (r"^[{(]?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}[)}]?$")


def summary_query(app_ids: list[str] | tuple[str, ...] = (), since: str | None = None, days: int = 30) -> str:
    """KQL counting calls by app, method, normalised path, status and token claims; `since` is an ISO bound
    (else the last `days` days). App ids are validated by the caller (GUIDs): nothing else is interpolated."""
    when = f"datetime({since})" if since else f"ago({days}d)"
    lines = [
        TABLE,
        f"| where TimeGenerated >= {when}",
    ]
    if len(app_ids) == 1:
        lines.append(f'| where AppId =~ "{app_ids[0]}"')
    elif app_ids:
        lines.append(f"| where AppId in~ ({', '.join(f'{chr(34)}{a}{chr(34)}' for a in sorted(app_ids))})")
    lines += [
        '| extend Path = tostring(split(tostring(split(RequestUri, "?")[0]), "#")[0])',
        '| extend Path = replace_regex(Path, @"^[A-Za-z]+://[^/]+", "")',
        '| extend Path = replace_regex(Path, @"^/(v1\\.0|beta)(/|$)", "/")',
        '| extend Path = replace_regex(Path, @"/root:[^:]*(:|$)", "/items/{id}/")',
        "| mv-apply Segment = split(Path, \"/\") to typeof(string) on (",
        f'    extend Segment = iff(Segment matches regex @"{_ID}" or Segment contains "@" or Segment contains ","',
        '        or Segment matches regex @"^[0-9]+$" or Segment startswith "{"',
        '        or (strlen(Segment) >= 16 and Segment matches regex @"[0-9]" and Segment !contains "."',
        '            and Segment !contains "("), "{id}", tolower(Segment))',
        '    | summarize Path = strcat_array(make_list(Segment), "/"))',
        "| summarize Calls = count(), LastSeen = max(TimeGenerated), FirstSeen = min(TimeGenerated)",
        "    by AppId, RequestMethod, Path, ResponseStatusCode, Scopes, Roles",
        "| order by AppId asc, RequestMethod asc, Path asc, ResponseStatusCode asc",
    ]
    return "\n".join(lines) + "\n"
