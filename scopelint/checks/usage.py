"""Checks of observed usage (SL501-SL506): the calls the manifest's app made, from Microsoft Graph activity logs or
recordings (`scopelint usage`, `check --logs`), against the manifest's minimal set and the registration. The facts
(which claim served each call, Microsoft's least-privileged permission for it) are worked out in
scopelint.usage.join; each check here only says which of them to report."""

from scopelint.analysis import Analysis
from scopelint.findings import Finding
from scopelint.usage.join import Context


def _context(a: Analysis) -> Context:
    assert a.observed is not None
    return Context(a.observed.where, a.manifest.path, frozenset(a.minimal), a.registration, a.needs, a.chosen,
                   has_manifest=True, auth=a.manifest.auth)


def _judge(a: Analysis, kind: str) -> list[Finding]:
    assert a.observed is not None
    return a.observed.joiner.findings(a.observed.usage, _context(a), (kind,))


def unused_grant(a: Analysis) -> list[Finding]:
    return _judge(a, "unused-grant")


def used_undeclared(a: Analysis) -> list[Finding]:
    return _judge(a, "used-undeclared")


def denied(a: Analysis) -> list[Finding]:
    return _judge(a, "denied")


def token_broader(a: Analysis) -> list[Finding]:
    return _judge(a, "token-broader")


def never_exercised(a: Analysis) -> list[Finding]:
    return _judge(a, "never-exercised")


def unmatched_call(a: Analysis) -> list[Finding]:
    return _judge(a, "unmatched-call")
