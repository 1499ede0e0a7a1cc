"""One workflow's XAML -> the Microsoft 365 activities and scopes in it, with lines and CommentOut state.

Read with expat (namespace-aware, streaming, line numbers), never by prefix: an element is a Microsoft 365 activity
when its namespace URI names the activity assembly and an activity CLR namespace (see XAML.md §2.1). DTDs are refused
before any entity can be declared, so nothing is ever expanded or fetched.
"""

import re
import xml.parsers.expat as expat
from typing import NamedTuple, NoReturn, TypeVar

from scopelint.uipath.code import find_calls
from scopelint.uipath.graphurl import method_of, resolve_url, token_grant
from scopelint.uipath.model import (
    ASSEMBLIES,
    MAIL_PACKAGE,
    O365_PACKAGE,
    PACKAGES,
    SCOPE_CLASS,
    Diagnostic,
    ScopeValue,
)
from scopelint.uipath.targets import (
    Expression,
    Target,
    drive_target,
    expression_of,
    inherited,
    loop_values,
    mailbox_target,
    output_names,
    signed_in,
    widest,
)
from scopelint.yamlio import DEFAULT_LIMITS

DEFAULT_MAX_XML_DEPTH = DEFAULT_LIMITS.max_xml_depth
_HELPER_SEGMENTS = {"Models", "Enums", "Filters", "Contracts"}
_HELPER_NAMES = {"BackupSlot", "ActivityState", "DynamicField"}
_HELPER_SUFFIXES = ("Argument", "ColumnSample", "FilterCollection", "FilterElement")
_UIPATH_SCHEMA = "http://schemas.uipath.com/workflow/activities"
SEP = "\x1f"  # expat's namespace separator: a character XML forbids, so it cannot occur in a URI or a name
_TYPE_ARGS = "http://schemas.microsoft.com/winfx/2006/xaml" + SEP + "TypeArguments"
_DRIVE_CARD = "UiPath.MicrosoftOffice365.Activities.Files.UseDriveCard"
_MAIL_NS = "UiPath.Mail.Activities.Business"
_OUTLOOK365_CARD = "ExchangeApplicationCard"  # "Use Outlook 365": Graph, with your app registration or a connection
# Mail package activities that run inside any mail card; inside "Use Outlook 365" they are Graph calls, inside the
# desktop Outlook, Gmail or IMAP cards they are not (package metadata: UiPath.Mail.Activities 2.0.11).
MAIL_CARD_ACTIVITIES = frozenset({"ArchiveMailX", "DeleteMailX", "ForEachEmailX", "ForwardMailX", "GetEmailById",
                                  "MarkMailAsReadX", "MoveMailX", "ReplyToMailX", "SaveMailAttachmentsX", "SaveMailX",
                                  "SendCalendarInviteX", "SendMailX"})
# HTTP Request, classic (UiPath.Web.Activities.HttpClient) and new (UiPath.Web.Activities.Http.NetHttpRequest, as
# Studio writes it: RequestUrl, Method, Headers, TextPayload / FormData; UiPath's page names the class NetHttpClient:
# https://docs.uipath.com/activities/other/latest/developer/http-request)
_HTTP_NAMES = frozenset({"HttpClient", "NetHttpRequest", "NetHttpClient"})
_BODY_KEYS = ("Body", "TextPayload", "FormData")  # the request body: classic, new as text, new as a form
_URL_KEYS = ("EndPoint", "RequestUrl", "Url", "Uri")
_CODE_NAMES = {"InvokeCode", "InvokeVBNet"}


class RawActivity(NamedTuple):
    cls: str
    line: int
    disabled: bool
    scope: int  # index of the enclosing scope in FileScan.scopes, -1 outside any scope
    use_connection_service: bool | None
    has_connection: bool
    shared: bool
    recovered: bool = False
    own_scope: int = -1  # for a scope activity: its own index in FileScan.scopes
    card_auth: str | None = None  # how the innermost enclosing card (or this card) signs in, None outside cards
    target: str = "own"  # whose data: own, shared (a shared mailbox, another user's OneDrive) or site (targets.py)
    target_evidence: str = ""  # the attribute and line that said so
    target_expression: str = ""  # the attribute that decides the target holds an expression: unknown until run time


class RawScope(NamedTuple):
    line: int
    disabled: bool
    authentication_type: str | None
    oauth_application: str | None
    services: tuple[ScopeValue, ...] | None
    authentication_scopes: tuple[ScopeValue, ...] | None
    application_id: bool = False
    signed_in: str | None = None  # the literal Account / Username / EmailAddress it signs in as


class RawCall(NamedTuple):
    """A Graph request found in a workflow (HTTP Request activity, Invoke Code body), before it has a file."""

    line: int
    source: str
    method: str | None
    path: str | None
    text: str
    disabled: bool
    reason: str | None = None
    version: str | None = None


T = TypeVar("T", RawActivity, RawCall)


class FileScan(NamedTuple):
    path: str
    read: bool
    parsed: bool = False
    activities: tuple[RawActivity, ...] = ()
    scopes: tuple[RawScope, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    calls: tuple[RawCall, ...] = ()
    tokens: tuple[tuple[int, str, bool], ...] = ()  # token requests: line, sign-in mode, disabled


class Refused(Exception):
    """Raised from an expat handler to stop on a DTD: entities are never declared, expanded or fetched."""


COMMENT, ACTIVITY, _AUTHSCOPES, _MAILBOX, _HTTP, _HTTP_URL, _CODE, _DRIVEARG, _DELEGATE, _LOOP = range(1, 11)
_WF_ACTIVITIES = "http://schemas.microsoft.com/netfx/2009/xaml/activities"  # DelegateInArgument: a loop's item
# roles of an ACTIVITY: the Office 365 scope, a card (activities inside sign in as it does), the "Use Outlook 365"
# card, a Mail package activity that is Graph only inside that card
SCOPE, CARD, OUTLOOK365, MAIL = "scope", "card", "outlook365", "mail"
# Uses listed per workflow before repeats are dropped: a 5 MB file of bare activity tags holds ~300,000, which cost
# ~800 MB and a 120 MB JSON report when each was listed.
MAX_USES_PER_FILE = 10_000
_CLR_CACHE: dict[str, tuple[str, str] | None] = {}


def _clr(uri: str) -> tuple[str, str] | None:
    """`clr-namespace:NS;assembly=ASM` -> (NS, ASM); anything else None."""
    if uri in _CLR_CACHE:
        return _CLR_CACHE[uri]
    result = None
    if uri.startswith("clr-namespace:"):  # parsed as System.Xaml does: `;assembly=` exactly, no blanks
        ns, _, assembly = uri[len("clr-namespace:"):].partition(";assembly=")
        result = (ns, assembly.split(",", 1)[0])
    if len(_CLR_CACHE) < 4096:
        _CLR_CACHE[uri] = result
    return result


def classify(name: str) -> tuple | None:
    """What an element (expat name `URI<sep>local`) is to the scanner, None when nothing; cached per name."""
    uri, sep, local = name.rpartition(SEP)
    if not sep:
        return None
    clr = _clr(uri)
    if local == "DelegateInArgument" and uri == _WF_ACTIVITIES:
        return (_DELEGATE,)
    if local == "ForEach" and uri in (_WF_ACTIVITIES, _UIPATH_SCHEMA):  # For Each (System / UiPath): Values="[list]"
        return (_LOOP,)
    if local == "CommentOut" and (uri == _UIPATH_SCHEMA or (clr and clr[0] == "UiPath.Core.Activities")):
        return (COMMENT,)
    if uri == _UIPATH_SCHEMA or (clr and clr[0].startswith(("UiPath.Web", "UiPath.Mail", "UiPath.Core"))):
        other = _other_package(local, clr[1] if clr else None, clr[0] if clr else None)
        if other is not None:
            return other
    if clr is None or clr[1].lower() not in ASSEMBLIES:
        return None
    ns = clr[0]
    if not any(ns == root or ns.startswith(root + ".") for root in PACKAGES):
        return None
    if "." in local:  # a property element such as Office365ApplicationScope.Body
        if local == "Office365ApplicationScope.AuthenticationScopes" and ns == O365_PACKAGE:
            return (_AUTHSCOPES,)
        return None
    if _HELPER_SEGMENTS.intersection(ns.split(".")) or local in _HELPER_NAMES or local.endswith(_HELPER_SUFFIXES):
        return ((_MAILBOX,) if local == "MailboxArgument" else
                (_DRIVEARG,) if "Drive" in local or "Site" in local else None)
    cls = f"{ns}.{local}"
    return (ACTIVITY, cls, SCOPE if cls == SCOPE_CLASS else CARD if cls == _DRIVE_CARD else "")


def _other_package(local: str, assembly: str | None, ns: str | None) -> tuple | None:
    """HTTP Request activities (and their URL property elements), Invoke Code, and the Mail package's Microsoft 365
    card and the activities that can run inside it; declared through the UiPath schema URI or their CLR namespace."""
    if local in _CODE_NAMES:
        return (_CODE,)
    head, _, prop = local.partition(".")
    if head in _HTTP_NAMES and (assembly is None or assembly.lower().startswith("uipath.web")):
        return (_HTTP_URL,) if prop in _URL_KEYS else None if prop else (_HTTP,)
    mail = assembly is None or (assembly.lower() == MAIL_PACKAGE.lower() and ns == _MAIL_NS)
    if mail and local == _OUTLOOK365_CARD:
        return (ACTIVITY, f"{_MAIL_NS}.{local}", OUTLOOK365)
    if mail and local in MAIL_CARD_ACTIVITIES:
        return (ACTIVITY, f"{_MAIL_NS}.{local}", MAIL)
    return None


_NO_URL = "\0no url yet"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


def _attr(attrs: dict, key: str) -> str | None:
    """An attribute value; `{x:Null}` and empty values are absent."""
    value = attrs.get(key)
    if value is None:
        return None
    value = value.strip()
    return None if not value or value == "{x:Null}" else value


def _is_expression(value: str) -> bool:
    return (value.startswith("[") and value.endswith("]")) or (value.startswith("{") and not value.startswith("{}"))


def _arity(type_args: str | None) -> int:
    if not type_args:
        return 0
    depth, count = 0, 1
    for ch in type_args:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            count += 1
    return count


def _truthy(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() == "true"


_KINDS: dict[str, tuple | None] = {}  # element name -> classify(name), for every workflow this process reads
_MISSING: tuple = ("not classified yet",)  # a sentinel, compared by identity, typed like the values


def _kind(name: str) -> tuple | None:
    """classify, remembered per distinct element name (bounded: the names come from the user's files)."""
    kind = classify(name)
    if len(_KINDS) < 8192:
        _KINDS[name] = kind
    return kind


def _pairs(attrs: list[str]) -> dict[str, str]:
    """expat's ordered attributes, [name, value, name, value, ...], as a dict."""
    return dict(zip(attrs[::2], attrs[1::2], strict=True))


class Parser:
    """expat handlers that collect activities and scopes of one workflow, with lines and CommentOut state.

    Nearly every element is nothing to the scanner, and expat calls back for each one, so that path is kept short:
    the end handler is a C method (`list.append` on `ends`) and the start handler counts, tests the depth and looks
    the name up once. Nesting follows from the counts: a new element's depth is starts - ends, and a CommentOut or
    activity element opened at depth d has been closed once an element starts at depth <= d. That is checked when the
    next element starts, which is the first moment the scanner needs to know it.
    """

    def __init__(self, max_depth: int = DEFAULT_MAX_XML_DEPTH) -> None:
        self.max_depth = max_depth
        # intern=None: expat's per-name interning costs more than the one lookup per element that hashes the name
        self.p = expat.ParserCreate(namespace_separator=SEP, intern=None)
        self.p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.p.StartDoctypeDeclHandler = self._refuse_dtd
        self.p.EntityDeclHandler = self._refuse_dtd
        self.p.ExternalEntityRefHandler = self._refuse_dtd
        self.p.ordered_attributes = True
        self.comment = 0
        self.activities: list[RawActivity] = []
        self.scopes: list[dict] = []
        self.scope_stack: list[int] = []
        self.open_activities: list[int] = []
        self.open_roles: list[str] = []
        self.cards: list[str] = []  # auth of each open card, innermost last
        self.outlook365 = 0  # open "Use Outlook 365" cards
        self.calls: list[RawCall] = []
        self.tokens: list[tuple[int, str, bool]] = []
        self.target_marks: dict[int, Target] = {}  # activity index -> the widest target its XAML names
        self.expression_marks: dict[int, str] = {}  # activity index -> a target attribute holding an expression
        self.outputs: dict[str, int] = {}  # variable -> the activity that last wrote items to it (Result="[files]")
        self.delegates: dict[int, set[str]] = {}  # activity -> the loop items it names (DelegateInArgument)
        self.flows: dict[int, tuple[int, Expression]] = {}  # activity -> the activity its expression reads from
        self.literal: dict[int, str] = {}  # inherited targets: the literal evidence at the start of their chain
        self.accounts: dict[int, str] = {}  # activity index -> the literal ConnectionAccountName it signs in as
        self.loop_values: str | None = None  # the list variable a For Each just opened iterates ("" if not a variable)
        self.ends: list[str] = []  # one entry per end tag since the last piece fed: only its length is used
        self._values: list[ScopeValue] = []
        self._depth = 0
        self._level = 0
        self._text: list[str] | None = None
        self._text_line = 0
        self._done = self._http_url
        self._text_dynamic = False
        self._start, self._rebase = self._handlers()
        self.p.StartElementHandler = self._start
        self.p.EndElementHandler = self.ends.append

    def _refuse_dtd(self, *_args: object) -> NoReturn:
        raise Refused("a DTD (<!DOCTYPE>) or entity declaration: not allowed in XAML, not parsed "
                       "(entities are never expanded or fetched)")

    def _too_deep(self) -> None:
        raise Refused(f"XML nesting deeper than {self.max_depth:,} levels; not scanned (raise limits.max_xml_depth "
                       "in the configuration, or scan --max-xml-depth)")

    def feed(self, data, final: bool = False) -> None:
        """Parse the next piece of the workflow (bytes or a buffer); the end tags seen so far are let go."""
        self.p.Parse(data, final)
        self._rebase()

    def _handlers(self):
        """The start handler, a closure: an element that is nothing costs a count, a depth test and one lookup; and
        the function that folds the end tags counted so far into the start count, so `ends` stays small."""
        ends, limit, lookup, missing = self.ends, self.max_depth, _KINDS.get, _MISSING
        opened: list[tuple[int, int]] = []  # (depth, code) of the open CommentOut and activity elements, innermost last
        top = starts = 0  # top: the depth of the innermost of them, 0 when none is open

        def start(name: str, attrs: list[str]) -> None:
            nonlocal starts, top
            starts += 1
            depth = starts - len(ends)
            if depth <= top or depth > limit:
                if depth > limit:
                    self._too_deep()
                while opened and opened[-1][0] >= depth:
                    self._close(opened.pop()[1])
                top = opened[-1][0] if opened else 0
            kind = lookup(name, missing)
            if kind is missing:
                kind = _kind(name)
            if kind is None:
                return
            code = kind[0]
            if code == COMMENT:
                self.comment += 1
            elif code == ACTIVITY:
                if not self._activity(kind[1], kind[2], _pairs(attrs)):
                    return
            else:
                self._other(code, attrs, depth)
                return
            opened.append((depth, code))
            top = depth

        def rebase() -> None:
            nonlocal starts
            starts -= len(ends)
            ends.clear()

        return start, rebase

    def _close(self, code: int) -> None:
        if code == COMMENT:
            self.comment -= 1
        else:
            self.open_activities.pop()
            role = self.open_roles.pop()
            if role == SCOPE:
                self.scope_stack.pop()
            elif role in (CARD, OUTLOOK365):
                self.cards.pop()
                self.outlook365 -= role == OUTLOOK365

    def _other(self, code: int, attrs: list[str], depth: int) -> None:
        if code == _AUTHSCOPES:
            if self.scope_stack:
                self._begin_values(depth)
        elif code in (_MAILBOX, _DRIVEARG) and self.open_activities:
            self._mark_target(self.open_activities[-1], _pairs(attrs), self.p.CurrentLineNumber)
        elif code == _LOOP:  # "" when it iterates something other than a variable: its item comes from nothing known
            self.loop_values = loop_values(_pairs(attrs)) or ""
        elif code == _DELEGATE:
            self._loop_item(_attr(_pairs(attrs), "Name"))
        elif code == _HTTP:
            self._http(_pairs(attrs))
        elif code == _HTTP_URL:
            if self.calls and self.calls[-1].reason == _NO_URL:
                self._begin_text(depth, self._http_url)
        elif code == _CODE:
            self._code(_pairs(attrs))

    def _http(self, attrs: dict) -> None:
        """An HTTP Request activity: a call when its URL names a Graph host (or has no URL attribute yet: the URL
        may follow as a property element, which then fills it in)."""
        line, disabled = self.p.CurrentLineNumber, self.comment > 0
        raw_method = _attr(attrs, "Method")
        method = "GET" if raw_method is None else method_of(raw_method)
        url = next((v for k in _URL_KEYS if (v := _attr(attrs, k)) is not None), None)
        if url is None:
            self.calls.append(RawCall(line, "http-request", method, None, "", disabled, _NO_URL))
            return
        grant = token_grant(url, " ".join(v for k in _BODY_KEYS if (v := _attr(attrs, k)) is not None))
        if grant:  # the token request before the Graph calls says how they sign in
            self.tokens.append((line, grant, disabled))
            return
        self._add_http(line, method, raw_method, url, disabled)

    def _add_http(self, line: int, method: str | None, raw_method: str | None, url: str, disabled: bool) -> None:
        target = resolve_url(url)
        if target is None:
            return
        reason = target.reason
        if reason is None and method is None:
            reason = f"the HTTP method is computed at run time ({raw_method})"
        self.calls.append(RawCall(line, "http-request", method, target.path, _short(url), disabled, reason,
                                  target.version))

    def _http_url(self, text: str) -> None:
        pending = self.calls.pop()
        if pending.reason == _NO_URL and text.strip():
            self._add_http(pending.line, pending.method, pending.method, text.strip(), pending.disabled)

    def _code(self, attrs: dict) -> None:
        """Invoke Code: Graph URLs and Graph SDK calls in its body, all at the activity's line (Studio writes the
        body as one attribute, its line breaks encoded)."""
        body = _attr(attrs, "Code")
        if not body:
            return
        csharp = (_attr(attrs, "Language") or "").lower() in ("csharp", "c#")
        line, disabled = self.p.CurrentLineNumber, self.comment > 0
        for c in find_calls(body, csharp):
            self.calls.append(RawCall(line, "graph-sdk" if c.sdk else "invoke-code", c.method, c.path, c.text,
                                      disabled, c.reason, c.version))

    def _activity(self, cls: str, role: str, attrs: dict) -> bool:
        """Record an activity; False for a Mail package activity outside a "Use Outlook 365" card (not Graph)."""
        if role == MAIL and not self.outlook365:
            return False
        line = self.p.CurrentLineNumber
        self.loop_values = None
        arity = _arity(attrs.get(_TYPE_ARGS))
        if arity:
            cls = f"{cls}`{arity}"
        connection = _truthy(_attr(attrs, "UseConnectionService"))
        if role in (CARD, OUTLOOK365):  # a card signs in through a connection, else as the user it names
            self.cards.append("connections" if connection or _attr(attrs, "ConnectionId") else "delegated")
            self.outlook365 += role == OUTLOOK365
        self.activities.append(RawActivity(
            cls, line, self.comment > 0, self.scope_stack[-1] if self.scope_stack else -1,
            connection, bool(_attr(attrs, "ConnectionId")), False,
            own_scope=len(self.scopes) if role == SCOPE else -1, card_auth=self.cards[-1] if self.cards else None))
        self.open_activities.append(len(self.activities) - 1)
        self.open_roles.append(role)
        if role not in (SCOPE, CARD, OUTLOOK365):  # a scope's or card's Account is who signs in, not a target
            self._mark_target(len(self.activities) - 1, attrs, line)
            for name in output_names(attrs):
                self.outputs[name] = len(self.activities) - 1
        if role == SCOPE:
            self.scopes.append(self._scope(line, attrs))
            self.scope_stack.append(len(self.scopes) - 1)
        return True

    def _mark_target(self, index: int, attrs: dict, line: int) -> None:
        """Whose data activity `index` works on, from its own attributes or a nested argument element's (targets.py):
        the widest literal target found, else the first target attribute that holds an expression."""
        account = signed_in(attrs, ("ConnectionAccountName",))
        if account:
            self.accounts.setdefault(index, account)
        me = self.accounts.get(index) or self._signed_in()  # a nested argument signs in as its activity does
        found = widest(self.target_marks.get(index), drive_target(attrs, line, me), mailbox_target(attrs, line, me))
        if found is not None:
            self.target_marks[index] = found
        elif index not in self.expression_marks and (expression := expression_of(attrs, line)):
            self.expression_marks[index] = expression.evidence
            source = self._source_of(expression.root, index)
            if source is not None:
                self.flows[index] = (source, expression)

    def _loop_item(self, name: str | None) -> None:
        """A loop names its item: a For Each over a list some activity wrote makes the item come from that activity;
        For Each File/Folder (an open activity) makes its items its own."""
        values, self.loop_values = self.loop_values, None
        if not name:
            return
        if values is not None:  # a For Each's item: from the activity that wrote its list, if one did
            if values in self.outputs:
                self.outputs[name.lower()] = self.outputs[values]
        elif self.open_activities:
            self.delegates.setdefault(self.open_activities[-1], set()).add(name.lower())

    def _source_of(self, root: str | None, index: int) -> int | None:
        """The activity an expression's variable comes from: an enclosing loop naming it as its item, else the
        activity that last wrote items to it."""
        if root is None:
            return None
        root = root.lower()
        loop = next((j for j in reversed(self.open_activities) if j != index and root in self.delegates.get(j, ())),
                    None)
        source = loop if loop is not None else self.outputs.get(root)
        return None if source == index else source

    def _follow_flows(self) -> None:
        """Activities whose expression reads items another activity produced take that activity's target; two passes
        in document order follow chains (an item of a list of a site), each link read at most twice."""
        for _ in range(2):
            for index, (source, expression) in sorted(self.flows.items()):
                found = self.target_marks.get(source)
                if index not in self.target_marks and found is not None:
                    a = self.activities[source]
                    literal = self.literal.get(source, found.evidence)
                    self.target_marks[index] = inherited(expression, f"{a.cls.rsplit('.', 1)[-1]} (line {a.line})",
                                                         found, literal)
                    self.literal[index] = literal

    def _signed_in(self) -> str | None:
        """The literal address the innermost enclosing Office 365 scope signs in as, if any."""
        return self.scopes[self.scope_stack[-1]]["signed_in"] if self.scope_stack else None

    def _scope(self, line: int, attrs: dict) -> dict:
        services = None
        raw = _attr(attrs, "Services")
        if raw is not None:
            services = ((ScopeValue(raw, line, True),) if _is_expression(raw) else
                        tuple(ScopeValue(v.strip(), line) for v in raw.split(",") if v.strip()))
        scopes = None
        raw = _attr(attrs, "AuthenticationScopes")
        if raw is not None:
            scopes = (ScopeValue(raw, line, True),)
        return {"line": line, "disabled": self.comment > 0,
                "authentication_type": _attr(attrs, "AuthenticationType"),
                "oauth_application": _attr(attrs, "OAuthApplication"),
                "services": services, "authentication_scopes": scopes,
                "application_id": _attr(attrs, "ApplicationId") is not None, "signed_in": signed_in(attrs)}

    # Property-element text (an HTTP Request's URL written as <ui:HttpClient.EndPoint>...): its own handlers
    # collect the character data until the element closes, keeping starts and ends balanced around it.
    def _begin_text(self, level: int, done) -> None:
        self._depth, self._level, self._text, self._done = 0, level, [], done
        self.p.StartElementHandler = self._tstart
        self.p.EndElementHandler = self._tend
        self.p.CharacterDataHandler = self._vtext

    def _tstart(self, name: str, attrs: list[str]) -> None:
        self._depth += 1
        if self._level + self._depth > self.max_depth:
            self._too_deep()

    def _tend(self, name: str) -> None:
        if self._depth:
            self._depth -= 1
            return
        text, self._text = "".join(self._text or ()), None
        self.ends.append(name)
        self.p.StartElementHandler = self._start
        self.p.EndElementHandler = self.ends.append
        self.p.CharacterDataHandler = None
        self._done(text)

    # AuthenticationScopes: <scg:List><InArgument x:TypeArguments="x:String">mail.read</InArgument>...</scg:List>
    # Its own handlers run until it closes; they keep their own depth, so starts and ends stay balanced around it.
    def _begin_values(self, level: int) -> None:
        self._values, self._depth, self._level, self._text = [], 0, level, None
        self.p.StartElementHandler = self._vstart
        self.p.EndElementHandler = self._vend
        self.p.CharacterDataHandler = self._vtext

    def _vstart(self, name: str, attrs: list[str]) -> None:
        self._depth += 1
        if self._level + self._depth > self.max_depth:
            self._too_deep()
        local = name.rpartition(SEP)[2]
        if self._text is None and local == "InArgument":
            self._text, self._text_line, self._text_dynamic = [], self.p.CurrentLineNumber, False
        elif self._text is not None:
            literal = _pairs(attrs).get("Value") if local == "Literal" else None
            if literal is None:
                self._text_dynamic = True
            else:
                self._text.append(literal)

    def _vend(self, name: str) -> None:
        if self._depth == 0:
            self.scopes[self.scope_stack[-1]]["authentication_scopes"] = tuple(self._values)
            self.ends.append(name)
            self.p.StartElementHandler = self._start
            self.p.EndElementHandler = self.ends.append
            self.p.CharacterDataHandler = None
            return
        self._depth -= 1
        if self._text is not None and name.rpartition(SEP)[2] == "InArgument":
            text = "".join(self._text).strip()
            if self._text_dynamic or _is_expression(text):
                self._values.append(ScopeValue(text or "(expression)", self._text_line, True))
            else:
                self._values.extend(ScopeValue(v, self._text_line) for v in re.split(r"[,;\s]+", text) if v)
            self._text = None

    def _vtext(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def _with_target(self, index: int, a: RawActivity) -> RawActivity:
        found = self.target_marks.get(index)
        if found is not None:
            return a._replace(target=found.target, target_evidence=found.evidence, shared=found.target == "shared")
        if index in self.expression_marks:
            return a._replace(target_expression=self.expression_marks[index])
        return a

    def result(self, path: str, diagnostics: tuple[Diagnostic, ...] = ()) -> FileScan:
        self._follow_flows()
        acts = tuple(self._with_target(i, a) for i, a in enumerate(self.activities))
        calls = tuple(c for c in self.calls if c.reason != _NO_URL)  # HTTP Requests whose URL never came
        acts, note = cap_uses(acts, path, "activity uses")
        calls, call_note = cap_uses(calls, path, "Graph calls")
        diagnostics += note + call_note
        return FileScan(path, True, True, acts, tuple(RawScope(**s) for s in self.scopes), diagnostics, calls,
                        tuple(self.tokens))


def cap_uses(items: tuple[T, ...], path: str, what: str, where: str = "workflow"
             ) -> tuple[tuple[T, ...], tuple[Diagnostic, ...]]:
    """The first MAX_USES_PER_FILE uses (activities or Graph calls), then only those that differ from every use kept
    in anything but the line (a new activity or call, state or scope; scopes are all kept): what a check needs,
    bounded for a flood of repeats. The note is a warning (the file was read whole), not unreadable input."""
    if len(items) <= MAX_USES_PER_FILE:
        return items, ()
    kept = list(items[:MAX_USES_PER_FILE])
    seen = {a._replace(line=0) for a in kept}
    for a in items[MAX_USES_PER_FILE:]:
        key = a._replace(line=0)
        if getattr(a, "own_scope", -1) >= 0 or key not in seen:
            seen.add(key)
            kept.append(a)
    dropped = len(items) - len(kept)
    if not dropped:
        return tuple(kept), ()
    return tuple(kept), (Diagnostic(path, f"{len(items):,} {what}, more than {MAX_USES_PER_FILE:,} in one {where}: "
                                          f"{dropped:,} that repeat one already listed (but for the line) are not "
                                          "listed", capped=True),)
