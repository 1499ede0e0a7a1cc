"""Remedies as text to paste or run: a requiredResourceAccess JSON, `az ad app permission` commands, and a
Terraform `required_resource_access` block. Each lays out a Remedy; none computes.

Comments carry the activities that need each permission (JSON has none, so `notes()` goes to standard error).
Text from input files is flattened to one line before it goes into a comment, so it cannot start a command.
"""

from __future__ import annotations

import json
import shlex

from scopelint.catalog import GRAPH_APP_ID, REGISTRATION_TYPE
from scopelint.remedy import Remedy, RemedyEntry


def _flat(text: str) -> str:
    return " ".join(str(text).split())


def _hcl(text: str) -> str:
    """A Terraform string literal: JSON escapes, and `${` / `%{` doubled so nothing is interpolated."""
    return json.dumps(text).replace("${", "$${").replace("%{", "%%{")


def _about(e: RemedyEntry) -> str:
    label = f"{e.permission.name} ({e.permission.type}{', admin consent' if e.admin_consent else ''})"
    reason = f"needed by {', '.join(e.needed_by)}" if e.needed_by else e.why
    return _flat(f"{label}: {reason}")


def notes(plan: Remedy) -> list[str]:
    """What the plan leaves to the user: grants made outside the registration (Sites.Selected), entries without a
    GUID, unreadable entries, other APIs."""
    out = [_flat(n) for n in plan.outside]
    out += [f"{e.permission.name} ({e.permission.type}) has no GUID in the permission catalog; add it by hand"
           for e in plan.target if e.id is None]
    out += [f"registration entry {_flat(raw)} could not be resolved and is left as it is" for raw in plan.unresolved]
    out += [f"permissions for resource {_flat(r)} are not Microsoft Graph and are left as they are"
            for r in plan.other_resources]
    return out


def render_manifest(plan: Remedy) -> str:
    """The `requiredResourceAccess` of the app manifest, Microsoft Graph only."""
    access = [{"id": e.id, "type": REGISTRATION_TYPE[e.permission.type]} for e in plan.target if e.id]
    doc = {"requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": access}]}
    return json.dumps(doc, indent=2) + "\n"


def render_az(plan: Remedy) -> str:
    """Azure CLI commands from today's registration to the minimal one (POSIX shell)."""
    app = shlex.quote(plan.app_id) if plan.app_id else "'<application (client) id>'"
    out = [f"# scopelint {plan.version}: Microsoft Graph permissions of {_flat(plan.name)} ({plan.auth} auth) "
           "to the minimal set",
           f"# today's state: {_flat(plan.registration)}" if plan.registration
           else "# today's state is unknown (no registration file): these commands only add",
           *(f"# note: {n}" for n in notes(plan)),
           f"APP_ID={app}", f"GRAPH={shlex.quote(GRAPH_APP_ID)}", ""]
    for e in plan.add:
        if e.id is None:
            continue
        out += [f"# add {_about(e)}",
                f'az ad app permission add --id "$APP_ID" --api "$GRAPH" '
                f"--api-permissions {shlex.quote(f'{e.id}={REGISTRATION_TYPE[e.permission.type]}')}"]
    for e in plan.remove:
        if e.id is None:
            out.append(f"# remove {_about(e)}: no GUID known for it, remove it in the portal")
            continue
        out += [f"# remove {_about(e)}",
                f'az ad app permission delete --id "$APP_ID" --api "$GRAPH" --api-permissions {shlex.quote(e.id)}']
    out += [f"# keep {_about(e)}" for e in plan.keep]
    if not plan.add and not plan.remove:
        out.append("# nothing to change: the registration already requests the minimal set")
    if any(e.admin_consent or e.permission.type == "application" for e in plan.add):
        out += ["", "# the added permissions need admin consent (run as an administrator):",
                'az ad app permission admin-consent --id "$APP_ID"']
    return "\n".join(out) + "\n"


def render_terraform(plan: Remedy) -> str:
    """An `azuread_application` `required_resource_access` block for Microsoft Graph."""
    out = [f"# scopelint {plan.version}: minimal Microsoft Graph permissions for {_flat(plan.name)} "
           f"({plan.auth} auth).",
           "# Paste into your azuread_application resource in place of its Microsoft Graph block.",
           *(f"# note: {n}" for n in notes(plan)),
           "required_resource_access {",
           f'  resource_app_id = "{GRAPH_APP_ID}" # Microsoft Graph']
    for e in plan.target:
        if e.id is None:
            continue
        out += ["", f"  # {_about(e)}", "  resource_access {", f"    id   = {_hcl(e.id)}",
                f"    type = {_hcl(REGISTRATION_TYPE[e.permission.type])}", "  }"]
    out.append("}")
    return "\n".join(out) + "\n"
