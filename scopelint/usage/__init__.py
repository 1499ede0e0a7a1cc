"""Observed usage: Microsoft Graph activity logs (and HTTP recordings) as the third source of truth.

readers (files -> `Call` records, streamed) -> normalise (request -> 'METHOD /path') -> tally (counts per distinct
call, constant memory in rows) -> join (operation index, lattice, manifest and registration -> findings).
`kql` builds the server-side summary query and `live` runs it through azure-monitor-query (the `logs` extra).
"""
