"""UiPath projects written the way Studio writes them, for the end-to-end acceptance tests of issues 13-15, and the
steps a user takes with them: scan --write, scopes, a registration built from what scopes prints, check."""

from __future__ import annotations

import json
from pathlib import Path

GRAPH = "00000003-0000-0000-c000-000000000000"
ADVICE = {"missing", "excess", "broader", "wrong-type"}

_XMLNS = ('xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:sap2010="http://schemas.microsoft.com/netfx/2010/xaml/activities/presentation" '
          'xmlns:ui="http://schemas.uipath.com/workflow/activities" '
          'xmlns:uma="clr-namespace:UiPath.MicrosoftOffice365.Activities;'
          'assembly=UiPath.MicrosoftOffice365.Activities" '
          'xmlns:umaf="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files;'
          'assembly=UiPath.MicrosoftOffice365.Activities" '
          'xmlns:umae="clr-namespace:UiPath.MicrosoftOffice365.Activities.Excel;'
          'assembly=UiPath.MicrosoftOffice365.Activities" '
          'xmlns:umfm="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files.Models;'
          'assembly=UiPath.MicrosoftOffice365.Activities" '
          'xmlns:umam="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;'
          'assembly=UiPath.MicrosoftOffice365.Activities" '
          'xmlns:umamm="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail.Models;'
          'assembly=UiPath.MicrosoftOffice365.Activities" '
          'xmlns:umac="clr-namespace:UiPath.MicrosoftOffice365.Activities.Calendar;'
          'assembly=UiPath.MicrosoftOffice365.Activities" '
          'xmlns:umab="clr-namespace:UiPath.Mail.Activities.Business;assembly=UiPath.Mail.Activities" '
          'xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml"')

# Whose data: a workbook and an upload folder in the finance site's library (the picker's nested DriveItemArgument,
# and ManualEntryItemUrl on the activity itself).
SITE = """
    <umae:ReadRangeConnections ConnectionId="conn-1" UseConnectionService="True" DisplayName="Read budget"
      Range="A1:F200" SheetName="Budget">
      <umae:ReadRangeConnections.Workbook>
        <umfm:DriveItemArgument BrowserSiteUrl="https://contoso.sharepoint.com/sites/finance"
          BrowserDriveName="Documents"
          ManualEntryItemUrl="https://contoso.sharepoint.com/sites/finance/Shared%20Documents/Budget.xlsx" />
      </umae:ReadRangeConnections.Workbook>
    </umae:ReadRangeConnections>
    <umaf:UploadFilesConnections ConnectionId="conn-1" UseConnectionService="True" DisplayName="Upload summary"
      ItemSelectionMode="ItemUrl"
      ManualEntryItemUrl="https://contoso.sharepoint.com/sites/finance/Shared%20Documents/Reports" />
"""

# The same activities on the signed-in user's own OneDrive (the connection's account owns the personal site).
OWN = """
    <umae:ReadRangeConnections ConnectionAccountName="robot@contoso.com" ConnectionId="conn-1"
      UseConnectionService="True" DisplayName="Read budget" Range="A1:F200" SheetName="Budget">
      <umae:ReadRangeConnections.Workbook>
        <umfm:DriveItemArgument BrowserDriveName="OneDrive"
          ManualEntryItemUrl="https://contoso-my.sharepoint.com/personal/robot_contoso_com/Documents/Budget.xlsx" />
      </umae:ReadRangeConnections.Workbook>
    </umae:ReadRangeConnections>
    <umaf:UploadFilesConnections ConnectionAccountName="robot@contoso.com" ConnectionId="conn-1"
      UseConnectionService="True" DisplayName="Upload summary" ItemSelectionMode="ItemUrl"
      ManualEntryItemUrl="https://contoso-my.sharepoint.com/personal/robot_contoso_com/Documents/Reports" />
"""

# A shared mailbox (MailboxArgument, and UseSharedMailbox on the activity) and a room's calendar (classic Account).
SHARED = """
    <umam:GetEmailListConnections ConnectionId="conn-2" UseConnectionService="True" DisplayName="Get helpdesk mail">
      <umam:GetEmailListConnections.Mailbox>
        <umamm:MailboxArgument UseSharedMailbox="True" SharedMailbox="helpdesk@contoso.com" />
      </umam:GetEmailListConnections.Mailbox>
    </umam:GetEmailListConnections>
    <umam:SendMailConnections ConnectionId="conn-2" UseConnectionService="True" UseSharedMailbox="True"
      Mailbox="helpdesk@contoso.com" DisplayName="Answer from helpdesk" />
    <uma:Office365ApplicationScope AuthenticationType="InteractiveToken" DisplayName="Microsoft Office 365 Scope"
      ApplicationId="0f0e0d0c-0b0a-4908-8706-050403020100">
      <uma:Office365ApplicationScope.Body>
        <ActivityAction x:TypeArguments="x:Object">
          <umac:CreateEvent Account="rooms@contoso.com" DisplayName="Book the room" />
        </ActivityAction>
      </uma:Office365ApplicationScope.Body>
    </uma:Office365ApplicationScope>
"""

# Mail sent through HTTP Request: a client-credentials token request, then POST /users/{id}/sendMail.
HTTP_MAIL = """
    <ui:HttpClient AcceptFormat="JSON" AuthenticationType="None" DisplayName="Get token" Method="POST"
      Body="grant_type=client_credentials&amp;scope=https://graph.microsoft.com/.default"
      BodyFormat="application/x-www-form-urlencoded"
      EndPoint="[&quot;https://login.microsoftonline.com/&quot; + in_Tenant + &quot;/oauth2/v2.0/token&quot;]"
      Result="[tokenJson]" />
    <ui:HttpClient AcceptFormat="JSON" AuthenticationType="None" DisplayName="Send report" Method="POST"
      Body="[mailJson]" BodyFormat="application/json"
      EndPoint="[&quot;https://graph.microsoft.com/v1.0/users/&quot; + in_Sender + &quot;/sendMail&quot;]"
      Result="[sent]" />
"""

# The Mail package's Use Outlook 365 card reading the inbox.
OUTLOOK365 = """
    <umab:ExchangeApplicationCard ConnectionAccountName="{x:Null}" ConnectionId="{x:Null}" SharedMailbox="{x:Null}"
      DisplayName="Use Outlook 365" UseConnectionService="False">
      <umab:ExchangeApplicationCard.Body>
        <ActivityAction x:TypeArguments="x:Object">
          <umab:ForEachEmailX MailFilter="{x:Null}" Mails="{x:Null}" DisplayName="For Each Email"
            IncludeSubfolders="False" NumberOfEmailsLimit="50" UnreadOnly="True" WithAttachmentsOnly="False" />
        </ActivityAction>
      </umab:ExchangeApplicationCard.Body>
    </umab:ExchangeApplicationCard>
"""

# Classic Get Mail and Send Mail in an Office 365 scope (a manifest that forgets Send Mail has drifted).
CLASSIC_MAIL = """
    <uma:Office365ApplicationScope AuthenticationType="InteractiveToken" DisplayName="Microsoft Office 365 Scope"
      ApplicationId="0f0e0d0c-0b0a-4908-8706-050403020100">
      <uma:Office365ApplicationScope.Body>
        <ActivityAction x:TypeArguments="x:Object">
          <Sequence>
            <umam:GetMail DisplayName="Get Mail" MailFolder="Inbox" Top="20" Result="[mails]" />
            <umam:SendMail DisplayName="Send Mail" Subject="Invoices received" To="ap@contoso.com" />
          </Sequence>
        </ActivityAction>
      </uma:Office365ApplicationScope.Body>
    </uma:Office365ApplicationScope>
"""

O365 = {"UiPath.MicrosoftOffice365.Activities": "[2.6.1]"}
MAIL = {"UiPath.Mail.Activities": "[1.23.1]"}
WEB = {"UiPath.WebAPI.Activities": "[1.18.0]"}


def project(folder: Path, name: str, body: str, dependencies: dict[str, str]) -> Path:
    """A UiPath project folder: project.json naming the packages, and Main.xaml holding `body` in a Sequence."""
    folder.mkdir(parents=True, exist_ok=True)
    deps = {"UiPath.System.Activities": "[23.10.3]", **dependencies}
    (folder / "project.json").write_text(json.dumps({"name": name, "expressionLanguage": "VisualBasic",
                                                     "dependencies": deps}, indent=2), encoding="utf-8")
    (folder / "Main.xaml").write_text(f'<Activity mc:Ignorable="sap2010" x:Class="Main" {_XMLNS}>\n'
                                      f'  <Sequence DisplayName="Main">{body}  </Sequence>\n</Activity>\n',
                                      encoding="utf-8")
    return folder


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first occurrence of `text` in `path`."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def registration(path: Path, grants: list[tuple[str, str]]) -> Path:
    """An Entra portal app manifest requesting `grants` ((id, "delegated"|"application") pairs) of Microsoft Graph."""
    access = [{"id": guid, "type": "Scope" if ptype == "delegated" else "Role"} for guid, ptype in grants]
    path.write_text(json.dumps({"appId": "00000000-0000-4000-8000-000000000001", "displayName": "robot",
                                "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": access}]}),
                    encoding="utf-8")
    return path


def by_name(ptype: str, *names: str) -> list[tuple[str, str]]:
    """Grants named as a user ticks them in the portal, with the catalog's GUIDs."""
    from scopelint.catalog import load_catalog

    catalog = load_catalog()
    found = [catalog.get(ptype, n) for n in names]  # type: ignore[arg-type]
    assert all(found), names
    return [(info.id, ptype) for info in found if info]


def scopes_json(cli, manifest: Path, *extra: str) -> list[dict]:
    run = cli("scopes", manifest, "--format", "json", *extra)
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


def advice(cli, manifest: Path, reg: Path) -> tuple[int, list[dict]]:
    """check's exit code and its active findings about grants (missing, excess, broader, wrong-type)."""
    run = cli("check", manifest, "--registration", reg, "--format", "json")
    assert run.code in (0, 1), run.stderr
    return run.code, [f for f in json.loads(run.stdout)["findings"] if not f["suppressed"] and f["kind"] in ADVICE]


def assert_round_trip(cli, manifest: Path, folder: Path) -> list[dict]:
    """A registration built from `scopes --format json` passes check; without any one of its grants, `missing`."""
    grants = scopes_json(cli, manifest)
    assert grants
    pairs = [(g["id"], g["type"]) for g in grants]
    code, found = advice(cli, manifest, registration(folder / "from-scopes.json", pairs))
    assert (code, found) == (0, []), found
    for dropped in pairs:
        code, found = advice(cli, manifest, registration(folder / "less.json", [p for p in pairs if p != dropped]))
        assert code == 1 and any(f["kind"] == "missing" for f in found), f"without {dropped}: {found}"
    return grants
