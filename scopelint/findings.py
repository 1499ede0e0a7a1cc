"""Findings and the registry of finding codes: id, kind, default severity, help text.

The exit code is decided here and nowhere else.
"""

from dataclasses import dataclass, field, replace
from typing import NamedTuple

SEVERITIES = ("info", "warning", "error")
GRANT_KINDS = ("excess", "broader", "wrong-type")  # findings about a permission the registration grants


class Code(NamedTuple):
    id: str
    kind: str
    severity: str
    summary: str
    help: str


_CODES = [
    Code("SL101", "missing", "error", "a required permission is not granted",
         "An activity or Graph call needs a permission the app registration does not request. The robot will fail "
         "with 403 Forbidden or a consent prompt at run time. Add the suggested permission (see `scopelint scopes`)."),
    Code("SL102", "excess", "warning", "a granted permission is not needed",
         "The registration requests a permission no declared activity or Graph call needs. Remove it to shrink what a "
         "leaked token can do, or record why it is needed under `accept:` in the manifest."),
    Code("SL103", "broader", "warning", "a need is met through a broader permission than necessary",
         "An activity works only because a broader permission is granted (e.g. Sites.ReadWrite.All where "
         "Files.ReadWrite would do). Grant the narrower permission named in the finding and drop the broad one."),
    Code("SL104", "wrong-type", "error", "permission granted with the wrong type for the project's auth mode",
         "Delegated runs (a signed-in user) need Scope permissions; app-only runs (client secret or certificate) need "
         "Role (application) permissions. The registration has the right name with the wrong type."),
    Code("SL105", "not-consented", "error", "requested and required, but no consent grant covers it",
         "The registration asks for the permission but no admin or user consent has been granted in the tenant, so "
         "the robot meets a consent prompt or a failure at run time. Grant admin consent."),
    Code("SL106", "consented-not-requested", "warning", "a consent grant the registration no longer asks for",
         "The tenant holds a consent grant for a permission that the registration does not request any more. Revoke "
         "the stale grant."),
    Code("SL107", "unsupported-auth", "error", "the activity cannot run under the manifest's auth mode",
         "Microsoft Graph offers no permission of this type for what the activity does (for example findMeetingTimes "
         "has no application permission), so no registration can make it work app-only. Run it with delegated auth "
         "or replace the activity."),
    Code("SL201", "unknown-activity", "error", "the manifest names an activity scopelint does not know",
         "No rule pack has this activity. Check the spelling (full .NET class name, short class name or display name), "
         "or add a rule pack for custom activities."),
    Code("SL202", "unknown-permission", "warning", "a permission that is not in the Microsoft Graph catalog",
         "A GUID or name that the bundled Graph permission catalog does not know, an unresolved placeholder, or a bad "
         "type. Check the registration; refresh the catalog with `scopelint catalog refresh` if Microsoft added it."),
    Code("SL203", "unknown-operation", "warning", "a Graph call Microsoft's permission data does not list",
         "The operation under `operations:` matches no path in Microsoft's permission data, so its permission cannot "
         "be worked out. Check the method and path (v1.0 paths, {id} placeholders)."),
    Code("SL204", "not-checked", "info", "permissions for another API than Microsoft Graph",
         "scopelint checks Microsoft Graph permissions only; permissions for other resources are listed, not judged."),
    Code("SL301", "undeclared-activity", "error", "the project uses an activity the manifest does not declare",
         "A workflow uses a Microsoft 365 activity that is missing from the manifest, so its permissions are not "
         "checked. Run `scopelint scan --write` or add it to `activities:`."),
    Code("SL302", "unused-activity", "warning", "the manifest declares an activity no workflow uses",
         "The manifest lists an activity that no workflow of the project contains; the permissions it justifies may "
         "be excess. Remove it from the manifest."),
    Code("SL303", "scope-not-granted", "error", "the workflow's scope asks for a permission the registration lacks",
         "The Office 365 scope activity requests this permission at sign-in, but the registration does not request "
         "it: sign-in fails or prompts for consent."),
    Code("SL304", "package-missing", "warning", "Microsoft 365 activities used without the package dependency",
         "Workflows use UiPath.MicrosoftOffice365.Activities but project.json does not declare the package."),
    Code("SL305", "package-unused", "info", "the Microsoft 365 package is declared but unused",
         "project.json declares UiPath.MicrosoftOffice365.Activities but no workflow uses its activities."),
    Code("SL306", "public-app", "warning", "the scope signs in through UiPath's public app",
         "OAuthApplication=UiPath: consent is held by UiPath's multi-tenant app, not by your registration, so checking "
         "the registration says nothing about what the robot can do."),
    Code("SL307", "auth-mismatch", "warning", "the manifest's auth differs from how the project's scopes sign in",
         "The Office 365 scopes of the project use an AuthenticationType of the other kind (delegated: a signed-in "
         "user; application: client secret or certificate), so the manifest is checked against the wrong "
         "permission type. Set `auth:` to match the workflows."),
    Code("SL401", "expired-exception", "warning", "an accepted exception has expired",
         "An `accept:` entry passed its `expires` date; the finding it suppressed is reported again. Review it and "
         "extend the date or fix the registration."),
    Code("SL402", "stale-exception", "warning", "an accepted exception suppresses nothing",
         "An `accept:` entry matches no finding any more. Remove it so exception lists do not rot."),
    Code("SL901", "invalid-input", "error", "a file could not be read or is not valid",
         "The file is malformed, unreadable, or does not follow its schema. The message names file and line."),
]

CODES: dict[str, Code] = {c.kind: c for c in _CODES}
# Checks that compare against an app registration: they cannot run (and never report) without one.
NEEDS_REGISTRATION = frozenset({"missing", "excess", "broader", "wrong-type", "not-consented",
                                "consented-not-requested", "unknown-permission", "not-checked"})
BY_ID: dict[str, Code] = {c.id: c for c in _CODES}


def lookup(code_or_kind: str) -> Code | None:
    key = code_or_kind.strip()
    return CODES.get(key.lower()) or BY_ID.get(key.upper())


@dataclass(frozen=True)
class Finding:
    """One thing to report, with its evidence and location."""

    kind: str
    severity: str
    message: str
    file: str
    line: int | None = None
    column: int | None = None
    activity: str | None = None
    permission: str | None = None
    permission_type: str | None = None
    evidence: tuple[str, ...] = ()
    suggestion: str | None = None
    suppressed_by: str | None = None
    manifest: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def code(self) -> str:
        return CODES[self.kind].id

    def sort_key(self) -> tuple:
        return (self.manifest or self.file, self.file != (self.manifest or self.file), self.file, self.line or 0,
                self.kind, self.activity or "",
                self.permission or "", self.permission_type or "", self.message)


def make(kind: str, message: str, file: str, **kw) -> Finding:
    """A finding with its registry default severity."""
    return Finding(kind=kind, severity=CODES[kind].severity, message=message, file=file, **kw)


def with_severities(findings: list[Finding], overrides: dict[str, str]) -> list[Finding]:
    """Apply configured severities (keyed by kind or code id); 'off' drops the finding."""
    out = []
    for f in findings:
        sev = overrides.get(f.kind) or overrides.get(f.code)
        if sev == "off":
            continue
        out.append(replace(f, severity=sev) if sev else f)
    return out


def exit_code(findings: list[Finding], fail_level: str = "error", input_error: bool = False) -> int:
    """0 clean, 1 findings at or above the fail level, 2 bad input (which wins over findings)."""
    if input_error:
        return 2
    threshold = SEVERITIES.index(fail_level)
    active = (f for f in findings if f.suppressed_by is None)
    return 1 if any(SEVERITIES.index(f.severity) >= threshold for f in active) else 0
