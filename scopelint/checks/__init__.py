"""The registry of checks: every finding code with its id, kind, default severity, help text, and the function
that produces its findings from an Analysis.

The table is plain data, cheap to import; a check family's module (`scopelint.checks.<family>`) loads only when
one of its checks runs. A check's function is the family module's attribute named after its kind (`wrong-type` ->
`wrong_type`) and takes the Analysis (the exceptions family also takes what became of each `accept:` entry).
The runner (`scopelint.evaluation.evaluate`) lives outside this module, so the table imports nothing of the engine.
SARIF rules, `scopelint explain SLxxx` and the README table read this table.
"""

from collections.abc import Mapping
from importlib import import_module
from typing import Any, NamedTuple

# What a check needs to run at all: nothing, a registration, consent data, a scanned project, `accept:` entries,
# observed usage (Graph activity logs or recordings: `usage`, `check --logs`).
REQUIREMENTS = (None, "registration", "consent", "project", "accept", "usage")


class Check(NamedTuple):
    """One registered check. `requires` names the fact without which it cannot report anything."""

    id: str
    kind: str
    severity: str
    summary: str
    help: str
    family: str
    requires: str | None = None

    @property
    def function(self) -> Any:
        """The function producing this check's findings (its family module loads on first use)."""
        return getattr(import_module(f"scopelint.checks.{self.family}"), self.kind.replace("-", "_"))


CHECKS: tuple[Check, ...] = (
    Check("SL101", "missing", "error", "a required permission is not granted",
          "An activity or Graph call needs a permission the app registration does not request. The robot will fail "
          "with 403 Forbidden or a consent prompt at run time. Add the suggested permission (see `scopelint "
          "scopes`).", "grants", "registration"),
    Check("SL102", "excess", "warning", "a granted permission is not needed",
          "The registration requests a permission no declared activity or Graph call needs (or one that another "
          "granted permission of the minimal set already covers). Remove it to shrink what a leaked token can do, "
          "or record why it is needed under `accept:` in the manifest.", "grants", "registration"),
    Check("SL103", "broader", "warning", "a need is met through a broader permission than necessary",
          "An activity works only because a broader permission is granted (e.g. Sites.ReadWrite.All where "
          "Files.ReadWrite would do). Grant the narrower permission named in the finding and drop the broad one: "
          "the suggestion is exactly what `scopelint scopes --format az` changes.", "grants", "registration"),
    Check("SL104", "wrong-type", "error", "permission granted with the wrong type for the project's auth mode",
          "Delegated runs (a signed-in user) need Scope permissions; app-only runs (client secret or certificate) "
          "need Role (application) permissions. The registration has the right name with the wrong type.",
          "grants", "registration"),
    Check("SL105", "not-consented", "error", "requested and required, but no consent grant covers it",
          "The registration asks for the permission but no admin or user consent has been granted in the tenant, "
          "so the robot meets a consent prompt or a failure at run time. Grant admin consent.", "consent",
          "consent"),
    Check("SL106", "consented-not-requested", "warning", "a consent grant the registration no longer asks for",
          "The tenant holds a consent grant for a permission that the registration does not request any more. "
          "Revoke the stale grant.", "consent", "consent"),
    Check("SL107", "unsupported-auth", "error", "the activity cannot run under the manifest's auth mode",
          "Microsoft Graph offers no permission of this type for what the activity does (for example "
          "findMeetingTimes has no application permission), so no registration can make it work app-only. Run it "
          "with delegated auth or replace the activity.", "needs"),
    Check("SL201", "unknown-activity", "error", "the manifest names an activity scopelint does not know",
          "No rule pack has this activity. Check the spelling (full .NET class name, short class name or display "
          "name), or add a rule pack for custom activities. Until then, grants it may need are reported as "
          "cannot-judge (SL205), not as excess.", "needs"),
    Check("SL202", "unknown-permission", "warning", "a permission that is not in the Microsoft Graph catalog",
          "A GUID or name that the bundled Graph permission catalog does not know, an unresolved placeholder, or a "
          "bad type. Check the registration; refresh the catalog with `scopelint catalog refresh` if Microsoft "
          "added it.", "grants", "registration"),
    Check("SL203", "unknown-operation", "warning", "a Graph call Microsoft's permission data does not list",
          "The operation under `operations:` matches no path in Microsoft's permission data, so its permission "
          "cannot be worked out. Check the method and path (v1.0 paths, {id} placeholders).", "needs"),
    Check("SL204", "not-checked", "info", "permissions for another API than Microsoft Graph",
          "scopelint checks Microsoft Graph permissions only; permissions for other resources are listed, not "
          "judged.", "grants", "registration"),
    Check("SL205", "cannot-judge", "info", "a grant an unknown activity or Graph call may need",
          "The manifest (or its project) names an activity or Graph call whose permissions are unknown, so a "
          "granted permission nothing known needs may still be needed by it: it is neither reported as excess "
          "nor removed by `scopelint scopes`. Fix the unknown entry (SL201/SL203) to have it judged.", "grants",
          "registration"),
    Check("SL301", "undeclared-activity", "error", "the project uses an activity the manifest does not declare",
          "A workflow uses a Microsoft 365 activity that is missing from the manifest, so its permissions are not "
          "checked and `scopelint scopes` refuses to print a remedy. Run `scopelint scan --write` or add it to "
          "`activities:`.", "project", "project"),
    Check("SL302", "unused-activity", "warning", "the manifest declares an activity no workflow uses",
          "The manifest lists an activity that no workflow of the project contains; the permissions it justifies "
          "may be excess. Remove it from the manifest.", "project", "project"),
    Check("SL303", "scope-not-granted", "error", "the workflow's scope asks for a permission the registration lacks",
          "The Office 365 scope activity requests this permission at sign-in, but the registration does not "
          "request it: sign-in fails or prompts for consent.", "project", "project"),
    Check("SL304", "package-missing", "warning", "Microsoft 365 activities used without the package dependency",
          "Workflows use UiPath.MicrosoftOffice365.Activities but project.json does not declare the package.",
          "project", "project"),
    Check("SL305", "package-unused", "info", "the Microsoft 365 package is declared but unused",
          "project.json declares UiPath.MicrosoftOffice365.Activities but no workflow uses its activities.",
          "project", "project"),
    Check("SL306", "public-app", "warning", "the scope signs in through UiPath's public app",
          "OAuthApplication=UiPath: consent is held by UiPath's multi-tenant app, not by your registration, so "
          "checking the registration says nothing about what the robot can do.", "project", "project"),
    Check("SL307", "auth-mismatch", "warning", "the manifest's auth differs from how the project's scopes sign in",
          "The Office 365 scopes of the project use an AuthenticationType of the other kind (delegated: a "
          "signed-in user; application: client secret or certificate), so the manifest is checked against the "
          "wrong permission type. Set `auth:` to match the workflows.", "project", "project"),
    Check("SL308", "undeclared-operation", "error", "the project calls Graph in a way the manifest does not list",
          "A workflow or code file calls Microsoft Graph directly (an HTTP Request activity, a Graph URL in code, a "
          "Graph SDK call) and the manifest's operations: do not list that call, so its permission is not checked. "
          "Run `scopelint scan --write` or add it under `operations:`.", "project", "project"),
    Check("SL309", "unresolved-graph-call", "warning", "a Graph call whose method or path cannot be worked out",
          "The project calls Microsoft Graph, but the URL's path (or the HTTP method) is computed at run time, so "
          "scopelint cannot tell which permission it needs; until it is written down, grants it may need are "
          "cannot-judge (SL205), not excess. Write the call as 'METHOD /path' under `operations:`.",
          "project", "project"),
    Check("SL310", "graph-library", "info", "a dependency that may call Graph itself",
          "The project depends on a library that is not a known activity package and whose own workflows call "
          "Microsoft Graph (read where they are on this machine: a library project beside it, its package in the "
          "NuGet cache; the evidence names them), or whose name suggests it does (a wrapper such as LIB_GraphAPI). "
          "Which of its calls the project makes is invisible to the scan: describe the library in a rule pack "
          "(`libraries:` with its operations, --rules), and its calls become the project's; or list them under "
          "`operations:`.", "project", "project"),
    Check("SL311", "target-wider", "error", "a workflow works on wider data than the manifest declares",
          "The workflow points the activity at a SharePoint site library (target site), another user's OneDrive or a "
          "shared mailbox or calendar (target shared) -- a literal URL, `UseSharedMailbox` or `Account` in the XAML; "
          "the evidence names the attribute and line -- but the manifest declares a narrower target, so the "
          "permission checked (e.g. Files.ReadWrite, Mail.Send) cannot reach that data. Add the target named in the "
          "finding to the activity entry (or run scopelint scan --write).", "project", "project"),
    Check("SL312", "target-expression", "info", "whose data an activity works on is set by an expression",
          "The attribute that says where the activity's data lives (a site or item URL, a drive item handed over "
          "from another activity, a mailbox Account) is an expression, so scopelint cannot tell whether it points "
          "at the user's own OneDrive or mailbox, a SharePoint site or someone else's data; it checks the activity "
          "as target own. Declare `target: site` or `target: shared` on the activity entry if that is where it "
          "points (that silences this finding).", "project", "project"),
    Check("SL401", "expired-exception", "warning", "an accepted exception has expired",
          "An `accept:` entry passed its `expires` date; the finding it suppressed is reported again. Review it and "
          "extend the date or fix the registration.", "exceptions", "accept"),
    Check("SL402", "stale-exception", "warning", "an accepted exception suppresses nothing",
          "An `accept:` entry matches no finding any more. Remove it so exception lists do not rot.", "exceptions",
          "accept"),
    Check("SL501", "unused-grant", "warning", "a granted permission no observed call needed",
          "Microsoft Graph activity logs (or a recording) show no call in the window that needed this permission; "
          "the finding names the window and how many calls were seen. Remove it, unless something that did not "
          "run in the window (a yearly job) needs it; then record why under `accept:`.", "usage", "usage"),
    Check("SL502", "used-undeclared", "warning", "observed calls nothing in the project declares",
          "The app made Graph calls that no declared activity or operation explains: hidden Graph use (HTTP "
          "Request, scripts), or another robot sharing the app registration. Declare them under `operations:` or "
          "find out who makes them; the finding lists the top paths.", "usage", "usage"),
    Check("SL503", "denied", "error", "Graph refused calls (403) a permission would have served",
          "The logs show 403 Forbidden answers: a permission missing in production. The finding names the "
          "least-privileged permission Microsoft documents for the call under the token's scheme.", "usage",
          "usage"),
    Check("SL504", "token-broader", "warning", "the token used a broader claim than its calls needed",
          "Every call this permission served could have been served by a narrower one (Microsoft's "
          "least-privileged permission for each call is in the evidence). Grant the narrower permission and drop "
          "the broad one, unless a declared activity needs it.", "usage", "usage"),
    Check("SL505", "never-exercised", "info", "a declared need no observed call exercised",
          "`check --logs`: the manifest declares an activity or operation whose permissions no call in the log "
          "window used. The activity may be dead, or it did not run in the window.", "usage", "usage"),
    Check("SL506", "unmatched-call", "info", "observed calls Microsoft's permission data does not list",
          "These calls match no path in Microsoft's permission data, so their permissions cannot be worked out; "
          "they are counted and listed, never dropped.", "usage", "usage"),
    Check("SL901", "invalid-input", "error", "a file could not be read or is not valid",
          "The file is malformed, unreadable, or does not follow its schema. The message names file and line.",
          "inputs", "project"),
    Check("SL902", "capped-input", "warning", "a workflow repeats one use so often that the repeats are summarised",
          "The file was read whole, but it holds more than 10,000 activity uses or Graph calls; the repeats of one "
          "already listed (same activity or call, state and scope, another line) are not listed one by one. "
          "Nothing the checks need is lost; generated or duplicated workflows usually cause it.", "inputs",
          "project"),
)

BY_KIND: dict[str, Check] = {c.kind: c for c in CHECKS}
BY_ID: dict[str, Check] = {c.id: c for c in CHECKS}
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(c.family for c in CHECKS))
# Findings about a permission the registration grants (the remedy keeps those an exception accepts).
GRANT_KINDS = ("excess", "broader", "wrong-type", "cannot-judge")


def lookup(code_or_kind: str) -> Check | None:
    """A check by kind (any case) or id (SLxxx)."""
    key = code_or_kind.strip()
    return BY_KIND.get(key.lower()) or BY_ID.get(key.upper())


def severity_of(check: Check, overrides: Mapping[str, str]) -> str:
    """The configured severity of a check (keyed by kind or id), else its default; 'off' turns it off."""
    return overrides.get(check.kind) or overrides.get(check.id) or check.severity


def markdown_table() -> str:
    """The findings table of the README (`python -m scopelint.checks` prints it; a test keeps the README equal)."""
    rows = ["| code | kind | default | meaning |", "|---|---|---|---|"]
    rows += [f"| {c.id} | {c.kind} | {c.severity} | {c.summary} |" for c in sorted(CHECKS, key=lambda c: c.id)]
    return "\n".join(rows) + "\n"
