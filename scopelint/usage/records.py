"""The records of observed usage: one logged call as a reader yields it."""

from typing import NamedTuple


class Call(NamedTuple):
    """One request (or `times` identical ones, from a summarised export) as the log holds it.

    `path` is set instead of `uri` when the source already normalised it (the summary query), which also gives
    `first` and `time` (last) of the calls it counts; `user` and `ip` are personal data: kept only for
    --show-users.
    """

    method: str
    uri: str
    status: int
    app_id: str = ""
    scopes: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    time: str = ""
    user: str = ""
    ip: str = ""
    file: str = ""
    line: int = 0
    times: int = 1
    path: str = ""
    first: str = ""
