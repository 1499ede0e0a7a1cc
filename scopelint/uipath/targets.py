"""Whose data an activity works on, read from the literal attributes of its XAML element (or of a nested argument
element): a SharePoint site, another user's OneDrive, a shared mailbox or calendar -- or, when the attribute that
decides it is an expression, not known before run time.

The attribute names, and where they were verified:

- Files and Excel pickers, on the activity or on a nested `Files.Models.DriveItemArgument`: `ManualEntryItemUrl`,
  `ManualEntryFolderUrl`, `BrowserSiteUrl`, `ManualEntrySiteUrl`, `SharepointSiteUrl`, `WorkingWithDocumentLibrary`,
  and `Item` when `ItemSelectionMode="UseExisting"` hands over an item another activity found: observed in
  github.com/FamAdmin/Costco-Remittance_Club-Business_Performer (Framework/SharePoint/*.xaml) and
  github.com/UiPath-Hub/TNS_ProjectCostData_Process6 (Copy_File_SharePoint.xaml). Classic Files activities name the
  site and drive as `SiteUrl` / `DriveName` (Find Files And Folders) and the target item as `Destination` (Upload
  File): observed in github.com/EFUDO/RPA540_KPI_Cotas (Sharepoint/*.xaml) and
  github.com/Dominiuminc/AZ-Application-Review-Process_Performer (Utilities/Sharepoint_UploadFile.xaml).
- Another user's OneDrive: `https://<tenant>-my.sharepoint.com/personal/<user>/...`, where `<user>` is the owner's
  user principal name with `@` and `.` written as `_`.
- Mailboxes: Integration Service mail activities set `UseSharedMailbox="True"` and name the mailbox in `Mailbox`
  (observed in github.com/jose41945/testwithProject, Framework/Email_Send.xaml), or carry a nested
  `Mail.Models.MailboxArgument` whose `UseSharedMailbox` switches from the signed-in user's mailbox to a shared one
  named by `SharedMailbox` (UiPath's package reference for UiPath.MicrosoftOffice365.Activities 3.8, MailboxArgument,
  in github.com/UiPath/skills). Integration Service calendars are picked by ID (`CalendarArgument`:
  `BrowserCalendarId`, `BrowserGroupId`, or an existing calendar item; same reference): no owner is named there, so
  no target is read from them. Classic mail and calendar activities have `Account`, the address whose mailbox or
  calendar they work on -- a shared mailbox the user may access, or blank for the user's own
  (https://docs.uipath.com/activities/other/latest/productivity/office365-add-attachment.md; the same field on Send
  Mail and Forward Mail: office365-send-mail.md, office365-forward-mail.md).
- Who signs in, so that naming one's own mailbox or OneDrive is not "shared": the enclosing Office 365 scope's
  `Account` / `Username` / `EmailAddress`, or the activity's `ConnectionAccountName`, when literal.
- Items handed from one activity to the next (same Costco and TNS workflows): a list activity writes its result to a
  variable (`Result="[files]"`, classic `Results` / `First`) that a later activity reads (`Item="[files(0)]"`), or
  For Each File/Folder names its current item (`<DelegateInArgument Name="CurrentItem">`) that activities in its body
  read (`ManualEntryItemUrl="[CurrentItem.Url]"`), or a For Each iterates such a variable (`<ui:ForEach
  Values="[lstMasterFolder]">` naming `currentItem`): such an expression takes the target of the activity it comes
  from, when that one names a site or drive literally. Variables are matched by name within one workflow file.
"""

import re
from collections.abc import Mapping
from typing import NamedTuple

from scopelint.rules import TARGETS

# a literal SharePoint site or team site: a site library or a group's drive, not the signed-in user's own files
SITE_URL = re.compile(r"\.sharepoint(?:-df)?\.(?:com|us|cn|de)/(?:sites|teams)/", re.IGNORECASE)
# a personal OneDrive (<tenant>-my.sharepoint.com/personal/<owner>/...)
ONEDRIVE_URL = re.compile(r"-my\.sharepoint(?:-df)?\.(?:com|us|cn|de)/personal/([^/?#\s]+)", re.IGNORECASE)
_PICKER_PREFIXES = ("Browser", "ManualEntry", "Sharepoint", "SharePoint", "Site", "Drive")
_ITEM_KEYS = ("Item", "Destination")  # a drive item handed over from another activity: its target travels with it
_OUTPUTS = ("DriveMetadata",)  # picker-like names that are results (Find Files And Folders), not inputs
_MAILBOX_KEYS = ("Account",)  # classic mail and calendar activities: whose mailbox or calendar, blank = the user's
_SIGNED_IN_KEYS = ("Account", "Username", "EmailAddress")  # on the Office 365 scope: who signs in
WIDTH = TARGETS  # narrowest first (own, shared, site): a use found with several targets takes the widest


class Target(NamedTuple):
    """Whose data (shared or site) and the attribute, value and line that said so."""

    target: str
    evidence: str


_STRING_LITERAL = re.compile(r'\[\s*"([^"]*)"\s*\]')  # an expression that is one string literal: ["https://..."]


def _value(attrs: Mapping[str, str], key: str) -> str | None:
    """An attribute's value; `{x:Null}` and empty values are absent, and an expression that is one string literal
    (`["https://contoso.sharepoint.com/sites/x"]`, VB or C#) is that literal."""
    value = attrs.get(key)
    if value is None:
        return None
    value = value.strip()
    literal = _STRING_LITERAL.fullmatch(value)
    if literal:
        return literal.group(1)
    return None if not value or value == "{x:Null}" else value


def _written(attrs: Mapping[str, str], key: str) -> str:
    """The attribute as the workflow writes it, shortened, for evidence."""
    return _short(attrs[key].strip())


def is_expression(value: str) -> bool:
    """A VB/C# expression (`[...]`) or a markup extension other than `{x:Null}` / `{x:Reference}`: a run-time value."""
    return (value.startswith("[") and value.endswith("]")) or (
        value.startswith("{") and not value.startswith(("{}", "{x:Null", "{x:Reference")))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


def _picker(key: str) -> bool:
    return (key.startswith(_PICKER_PREFIXES) or "Url" in key) and key not in _OUTPUTS


def _onedrive_owner(address: str) -> str:
    """How OneDrive writes a user principal name in the personal site's path: `a.b@contoso.com` -> `a_b_contoso_com`."""
    return re.sub(r"[@.]", "_", address).lower()


def signed_in(attrs: Mapping[str, str], keys: tuple[str, ...] = _SIGNED_IN_KEYS) -> str | None:
    """The literal address an Office 365 scope (or a connection) signs in as, None when unknown."""
    for key in keys:
        value = _value(attrs, key)
        if value and "@" in value and not is_expression(value):
            return value.lower()
    return None


def widest(*targets: Target | None) -> Target | None:
    """The widest of the targets found (site over shared), the first found among equals."""
    found = [t for t in targets if t is not None]
    return max(found, key=lambda t: WIDTH.index(t.target)) if found else None


def drive_target(attrs: Mapping[str, str], line: int, me: str | None = None) -> Target | None:
    """`site` when a picker attribute holds a literal SharePoint site URL or WorkingWithDocumentLibrary is set;
    `shared` when it holds another user's OneDrive URL; None otherwise (expressions are not guessed)."""
    found: list[Target] = []
    for key in sorted(attrs):
        value = _value(attrs, key)
        if value is None or not _picker(key) or is_expression(value):
            continue
        if SITE_URL.search(value):
            found.append(Target("site", f'{key}="{_written(attrs, key)}" (line {line})'))
        elif (m := ONEDRIVE_URL.search(value)) and (me is None or m.group(1).lower() != _onedrive_owner(me)):
            found.append(Target("shared", f'{key}="{_written(attrs, key)}" (line {line}): another user\'s OneDrive'))
    value = _value(attrs, "WorkingWithDocumentLibrary")
    if value and value.lower() == "true":
        found.append(Target("site", f'WorkingWithDocumentLibrary="{value}" (line {line})'))
    return widest(*found)


def mailbox_target(attrs: Mapping[str, str], line: int, me: str | None = None) -> Target | None:
    """`shared` when the element names a shared mailbox (`UseSharedMailbox`, `SharedMailbox`) or a literal `Account`
    address other than the signed-in user's; None otherwise."""
    use = _value(attrs, "UseSharedMailbox")
    if use and use.lower() == "true":
        named = "".join(f', {key}="{_short(value)}"' for key in ("Mailbox", "SharedMailbox")
                        if (value := _value(attrs, key)))
        return Target("shared", f'UseSharedMailbox="{use}"{named} (line {line}): a shared mailbox')
    shared = _value(attrs, "SharedMailbox")
    if shared:
        return Target("shared", f'SharedMailbox="{_short(shared)}" (line {line}): a shared mailbox')
    for key in _MAILBOX_KEYS:
        value = _value(attrs, key)
        if value and "@" in value and not is_expression(value) and value.lower() != me:
            return Target("shared", f'{key}="{_written(attrs, key)}" (line {line}): another mailbox or calendar than '
                                    "the signed-in user's")
    return None


_OUTPUT_KEYS = ("Result", "Results", "NewResult", "First", "FirstResult")  # where list/find activities put items
_ROOT = re.compile(r"\[\s*([A-Za-z_][A-Za-z0-9_]*)")  # the variable an expression starts from: [files(0)] -> files


class Expression(NamedTuple):
    """A target attribute holding an expression: `Key="[expr]" (line N)`, and the variable it starts from (as
    written; compared lower-cased, as VB does)."""

    evidence: str
    root: str | None


def expression_of(attrs: Mapping[str, str], line: int) -> Expression | None:
    """The first attribute that decides whose data the element works on but holds an expression (a site or item
    URL, a handed-over drive item, an Account), None when there is none."""
    for key in sorted(attrs):
        value = _value(attrs, key)
        if value is None or not is_expression(value):
            continue
        if _picker(key) or key in _ITEM_KEYS or key in _MAILBOX_KEYS:
            root = _ROOT.match(value)
            return Expression(f'{key}="{_short(value)}" (line {line})', root.group(1) if root else None)
    return None


def output_names(attrs: Mapping[str, str]) -> tuple[str, ...]:
    """The variables an activity writes its items to (`Result="[files]"`), lower-cased (VB names ignore case)."""
    out = []
    for key in _OUTPUT_KEYS:
        value = _value(attrs, key)
        if value and (m := re.fullmatch(r"\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]", value)):
            out.append(m.group(1).lower())
    return tuple(out)


def loop_values(attrs: Mapping[str, str]) -> str | None:
    """The variable a For Each iterates (`Values="[files]"`), lower-cased; None for anything else."""
    value = _value(attrs, "Values")
    m = re.fullmatch(r"\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]", value) if value else None
    return m.group(1).lower() if m else None


_SITE_ROOT = re.compile(r"https://[^/\s\"]+\.sharepoint(?:-df)?\.(?:com|us|cn|de)/(?:sites|teams)/[^/?#\s\"]+",
                        re.IGNORECASE)


def site_roots(evidence: str) -> tuple[str, ...]:
    """The SharePoint sites (`https://<tenant>.sharepoint.com/sites/<name>`) an evidence text names."""
    return tuple(dict.fromkeys(m.group(0) for m in _SITE_ROOT.finditer(evidence)))


def inherited(expression: Expression, source: str, found: Target, literal: str) -> Target:
    """The target an expression takes from the activity its variable comes from: the expression, where the variable
    comes from, and the literal attribute at the start of the chain."""
    return Target(found.target, f"{expression.evidence}: {expression.root} comes from {source}, which names {literal}")
