"""Judgements of scopelint.analysis a user sees only through what is NOT reported: a grant that an undeclared
workflow activity needs (for the mailbox the workflow names), a wrong-typed twin, OIDC sign-in scopes of the other
type, consent that a broader grant does not give a delegated sign-in. Found by mutation testing (docs/testing.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from report_fixtures import guid, write_project
from test_checks_consent import NEEDED, snapshot

EXAMPLE = Path(__file__).resolve().parent.parent / "manifests" / "examples" / "uipath-invoice"
SEND_MAIL = "UiPath.MicrosoftOffice365.Activities.Mail.SendMail"


def _findings(cli, manifest: Path) -> list[tuple[str, str | None]]:
    run = cli("check", "--format", "json", manifest)
    assert "Traceback" not in run.stderr, run.stderr
    return [(f["kind"], f["permission"]) for f in json.loads(run.stdout)["findings"]]


def test_a_grant_an_undeclared_activity_needs_for_a_shared_mailbox_is_not_excess(cli, tmp_path):
    """Main.xaml sends from a shared mailbox (Account names it) and the manifest no longer declares Send Mail: the
    registration's Mail.Send.Shared serves that workflow, so it is not reported; Mail.Send serves nothing."""
    folder = tmp_path / "uipath-invoice"
    shutil.copytree(EXAMPLE, folder)
    xaml = folder / "Main.xaml"
    xaml.write_text(xaml.read_text().replace('<umam:SendMail Bcc=', '<umam:SendMail Account="ap@contoso.example" Bcc='))
    manifest = folder / "scopelint.yaml"
    manifest.write_text(manifest.read_text().replace(f"  - {SEND_MAIL}\n", ""))
    app = folder / "app.json"
    doc = json.loads(app.read_text())
    doc["requiredResourceAccess"][0]["resourceAccess"].append({"id": guid("Mail.Send.Shared"), "type": "Scope"})
    app.write_text(json.dumps(doc, indent=2))
    found = _findings(cli, manifest)
    assert ("undeclared-activity", None) in found
    assert ("excess", "Mail.Send") in found
    assert not [f for f in found if f[1] == "Mail.Send.Shared"]


def test_a_wrong_typed_twin_is_reported_once_as_wrong_type_not_also_as_unused(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",),
                             grants=[("Mail.ReadWrite", "delegated"), ("Mail.Send", "application"),
                                     ("User.Read", "delegated")])
    assert sorted(_findings(cli, manifest)) == [("wrong-type", "Mail.Send")]


def test_oidc_sign_in_scopes_are_never_reported_under_application_auth(cli, tmp_path):
    manifest = write_project(tmp_path, activities=("Send Mail",), auth="application",
                             grants=[("Mail.ReadWrite", "application"), ("Mail.Send", "application"),
                                     ("openid", "delegated"), ("offline_access", "delegated"),
                                     ("Tasks.Read", "delegated")])
    assert _findings(cli, manifest) == [("excess", "Tasks.Read")]  # the other-type grant after them still counts


def test_a_broader_consent_does_not_serve_a_delegated_sign_in(cli, tmp_path):
    """A delegated sign-in asks for User.Read by name: consent to User.ReadWrite does not answer it. Mail.ReadWrite
    and Mail.Send are consented; User.Read (sorted after them) is still reported."""
    manifest, _ = snapshot(tmp_path, [*NEEDED, "User.ReadWrite"], ["Mail.ReadWrite", "Mail.Send", "User.ReadWrite"])
    assert ("not-consented", "User.Read") in _findings(cli, manifest)
    assert [f for f in _findings(cli, manifest) if f[0] == "not-consented"] == [("not-consented", "User.Read")]
