"""The scanner's records: what a UiPath project holds for Microsoft 365 (activities, scopes, packages, diagnostics).

NamedTuples, because every scan creates many and workers send them between processes (docs/architecture.md).
"""

from typing import NamedTuple

from scopelint.uipath.nuget import NuGetRange

O365_PACKAGE = "UiPath.MicrosoftOffice365.Activities"
TEAMS_PACKAGE = "UiPath.MicrosoftTeams.Activities"
PACKAGES = (O365_PACKAGE, TEAMS_PACKAGE)
SCOPE_CLASS = "UiPath.MicrosoftOffice365.Activities.Office365ApplicationScope"
ASSEMBLIES = {p.lower() for p in PACKAGES}  # the activity packages' assembly names, as XAML and project.json name them
MAIL_PACKAGE = "UiPath.Mail.Activities"  # only its "Use Outlook 365" card and the activities inside it call Graph
# Cards sign in themselves (a connection, or the user they name); the activities inside them sign in as they do.
CARD_CLASSES = frozenset({"UiPath.MicrosoftOffice365.Activities.Files.UseDriveCard",
                          "UiPath.Mail.Activities.Business.ExchangeApplicationCard"})


class Diagnostic(NamedTuple):
    """A file that could not be read (fully): where, and why. `capped`: the file was read whole, but a flood of
    repeated uses was summarised (a warning, not unreadable input)."""

    file: str
    message: str
    line: int | None = None
    capped: bool = False


class ScopeValue(NamedTuple):
    """One entry of a scope's AuthenticationScopes (or one Services flag); expressions are dynamic."""

    value: str
    line: int
    dynamic: bool = False


class ScopeUse(NamedTuple):
    """An Office365ApplicationScope: how it signs in and what it asks for."""

    file: str
    line: int
    disabled: bool
    authentication_type: str | None
    auth: str
    oauth_application: str | None
    services: tuple[ScopeValue, ...] | None
    authentication_scopes: tuple[ScopeValue, ...] | None
    application_id: bool = False  # the scope names an ApplicationId of its own (literal or expression)

    @property
    def own_app_only(self) -> bool:
        """Client credentials with the project's own ApplicationId: UiPath's public app cannot be involved."""
        return self.auth == "application" and self.application_id


class ActivityUse(NamedTuple):
    """One Microsoft 365 activity element in a workflow."""

    cls: str
    file: str
    line: int
    disabled: bool
    auth: str
    rule: str | None = None
    kind: str | None = None
    shared: bool = False
    recovered: bool = False
    scope_free: bool = True  # not inside an Office 365 scope (which decides how it signs in)
    target: str = "own"  # "site" (a SharePoint site), "shared" (a shared mailbox, another user's OneDrive): targets.py
    target_evidence: str = ""  # the attribute, value and line that said so
    title: str | None = None  # the rule book's display name (e.g. "Send Mail"), as Studio shows the activity
    target_expression: str = ""  # the attribute deciding the target holds an expression: assumed own, not known

    @property
    def canonical(self) -> str:
        """The rule book's class when known (generic arity dropped), else the class as written."""
        return self.rule or self.cls

    @property
    def name(self) -> str:
        """The class as a user reads it: without the generic arity (`1) the XAML type name carries."""
        return self.canonical.split("`", 1)[0]


class GraphCall(NamedTuple):
    """A Microsoft Graph request made outside the activity packages: an HTTP Request activity, a Graph URL in code,
    or a Graph SDK call. `path` is the Graph path with `{id}` for what is computed at run time; `reason` says why
    method or path could not be worked out (then the call cannot be checked)."""

    file: str
    line: int
    source: str  # http-request | invoke-code | coded-workflow | vb-file | graph-sdk | library (declared by a pack)
    method: str | None
    path: str | None
    text: str  # what the file says (shortened), for the user to find it
    disabled: bool = False
    reason: str | None = None
    version: str | None = None  # v1.0 | beta, from the URL

    @property
    def request(self) -> str | None:
        """'METHOD /path' as a manifest's operations: list writes it, when both are known."""
        return f"{self.method} {self.path}" if self.method and self.path and not self.reason else None


class TokenRequest(NamedTuple):
    """An HTTP Request to the Microsoft identity platform's token endpoint: how the Graph calls after it sign in."""

    file: str
    line: int
    auth: str  # application (client credentials) | delegated (a user's grant)
    disabled: bool = False


class LibraryHint(NamedTuple):
    """A dependency that is not a known activity package but may call Graph itself (a wrapper library): why, the
    evidence from its own workflows where they are on this machine (`found_in`), or the rule pack that describes it
    (`declared_by`: then its calls are the project's, kind `library`)."""

    name: str
    version: str
    line: int | None
    why: str
    evidence: tuple[str, ...] = ()  # `file:line: METHOD /path (kind)`, Microsoft 365 activities, package dependencies
    found_in: str | None = None  # the library project folder or .nupkg its workflows were read from
    declared_by: str | None = None  # the rule pack file that describes it
    operations: tuple[str, ...] = ()  # the Graph calls it makes: from its workflows, or as the rule pack declares


class PackageRef(NamedTuple):
    """A dependency of the project on a Microsoft 365 activity package."""

    name: str
    version: str
    range: NuGetRange | None
    line: int | None


class Project(NamedTuple):
    """One UiPath project (or Studio template) and the Microsoft 365 facts found in its workflows."""

    path: str
    file: str | None
    kind: str
    name: str
    expression_language: str | None = None
    target_framework: str | None = None
    output_type: str | None = None
    packages: tuple[PackageRef, ...] = ()
    activities: tuple[ActivityUse, ...] = ()
    scopes: tuple[ScopeUse, ...] = ()
    calls: tuple[GraphCall, ...] = ()
    tokens: tuple[TokenRequest, ...] = ()
    libraries: tuple[LibraryHint, ...] = ()
    workflows: int = 0
    workflows_read: int = 0
    ignored_files: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    file_read: bool = True  # False when project.json / template.json itself could not be read or parsed

    def package(self, name: str = O365_PACKAGE) -> PackageRef | None:
        return next((p for p in self.packages if p.name.lower() == name.lower()), None)

    @property
    def package_version(self) -> str | None:
        pkg = self.package()
        return pkg.version if pkg else None

    @property
    def active_scopes(self) -> list[ScopeUse]:
        return [s for s in self.scopes if not s.disabled]

    @property
    def only_disabled_scopes(self) -> bool:
        """Every Office 365 scope of the project is inside a CommentOut (so none decides how it signs in today)."""
        return bool(self.scopes) and not self.active_scopes

    @property
    def operations(self) -> tuple[str, ...]:
        """The distinct 'METHOD /path' Graph calls of active code, sorted: what `operations:` should list."""
        return tuple(sorted({c.request for c in self.calls if c.request and not c.disabled}, key=str.lower))

    @property
    def auth_modes(self) -> tuple[str, ...]:
        """How the active code signs in: each scope's mode, plus `connections` for Integration Service use."""
        modes = {s.auth for s in self.active_scopes}
        if any(a.auth == "connections" and not a.disabled for a in self.activities):
            modes.add("connections")
        modes.update(a.auth for a in self.activities if a.cls in CARD_CLASSES and not a.disabled and a.scope_free)
        modes.update(t.auth for t in self.tokens if not t.disabled)
        return tuple(sorted(modes))

    @property
    def auth(self) -> str:
        """delegated / application when the scopes agree, connections when only connections are used, else unknown."""
        modes = set(self.auth_modes)
        classic = modes - {"connections"}
        if len(classic) == 1 and classic != {"unknown"}:
            return classic.pop()
        if not classic and modes:
            return "connections"
        return "unknown"

    @property
    def requested_scopes(self) -> tuple[str, ...]:
        """Literal scopes the active scope activities ask for (AuthenticationScopes values, Services flags)."""
        seen: dict[str, str] = {}
        for s in self.active_scopes:
            for v in (s.authentication_scopes or ()) + (s.services or ()):
                if not v.dynamic:
                    seen.setdefault(v.value.lower(), v.value)
        return tuple(sorted(seen.values(), key=str.lower))

    @property
    def requested_scopes_from(self) -> tuple[str, ...]:
        out = set()
        for s in self.active_scopes:
            if s.authentication_scopes is not None:
                out.add("AuthenticationScopes")
            if s.services is not None:
                out.add("Services")
        return tuple(sorted(out))

    @property
    def requested_scopes_dynamic(self) -> bool:
        return any(v.dynamic for s in self.active_scopes
                   for v in (s.authentication_scopes or ()) + (s.services or ()))

    @property
    def requested_scopes_computed(self) -> bool:
        """An empty AuthenticationScopes list: the scope works its scopes out from its child activities."""
        return any(s.authentication_scopes == () for s in self.active_scopes)

    @property
    def oauth_application(self) -> str | None:
        values = {s.oauth_application for s in self.active_scopes if s.oauth_application and not s.own_app_only}
        if "UiPath" in values:
            return "UiPath"
        return sorted(values)[0] if values else None


class ScanResult(NamedTuple):
    """All projects found under one path, plus diagnostics that belong to no project (folder walking)."""

    root: str
    projects: tuple[Project, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    files_total: int = 0
    files_read: int = 0
    files_parsed: int = 0

    @property
    def all_diagnostics(self) -> list[Diagnostic]:
        out = list(self.diagnostics)
        for p in self.projects:
            out.extend(p.diagnostics)
        return sorted(set(out), key=lambda d: (d.file, d.line or 0, d.message))

    @property
    def nothing_read(self) -> bool:
        """True when workflows exist but none could be read, or (without workflows) no project file could be."""
        if self.files_total:
            return self.files_read == 0
        return not any(p.file and p.file_read for p in self.projects)

