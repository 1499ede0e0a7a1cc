"""`scopelint usage --logs` on generated Microsoft Graph activity log exports: rows/s and peak memory on one core.

    python bench/usage_bench.py                       # 1,000,000 rows in each format (az JSON, CSV, JSON lines)
    python bench/usage_bench.py --rows 100000 --formats csv
    python bench/usage_bench.py --keep /tmp/logs      # keep the generated files (a later run reuses them)

Rows look like a month of three robots: ~40 operations (mail, files, workbooks, sites, users, calendars), ids that
differ per row (message, item and user ids, mailbox addresses, query strings), delegated and application tokens,
2 % 403s, 1 % paths Microsoft's data does not list, $batch envelopes; the az JSON export carries the table's
columns as `az monitor log-analytics query` prints them (indented), CSV the portal's header, JSON lines the
storage-export shape (camelCase under `properties`). Each run is one `python -m scopelint usage` process pinned to
one core (taskset); wall time, CPU time (user + system: the figure that holds on a shared machine) and the
process's peak resident set (wait4's ru_maxrss) are reported, for the full
size and for a tenth of it, so that flat memory shows as equal peaks. Not part of the test suite: no timed
assertions live there.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = {
    "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b": ("Mail.Read.Shared Mail.ReadWrite Mail.Send openid profile "
                                             "Sites.ReadWrite.All User.Read User.ReadWrite offline_access", ""),
    "2c9a1f7e-5b3d-4e6a-8f0c-1d2e3f4a5b6c": ("", "Mail.ReadWrite Files.ReadWrite.All Sites.Read.All User.Read.All"),
    "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b": ("Calendars.ReadWrite User.Read Tasks.ReadWrite", ""),
}
G = "https://graph.microsoft.com/v1.0"
TEMPLATES = [
    ("GET", G + "/users/{mail}/mailFolders/inbox/messages?$filter=isRead%20eq%20false&$top=50&$skip={n}"),
    ("GET", G + "/users/{mail}/messages/{msg}/attachments"),
    ("PATCH", G + "/users/{mail}/messages/{msg}"),
    ("POST", G + "/users/{mail}/messages/{msg}/move"),
    ("POST", G + "/me/sendMail"),
    ("GET", G + "/me"),
    ("GET", G + "/me/messages/{msg}"),
    ("GET", G + "/users/{guid}"),
    ("GET", G + "/users?$filter=startswith(displayName,'{n}')"),
    ("GET", G + "/me/drive/items/{item}/content"),
    ("PUT", G + "/me/drive/root:/Invoices/{n}/invoice-{n}.pdf:/content"),
    ("PATCH", G + "/me/drive/items/{item}/workbook/worksheets/{{{guid}}}/range(address='A{n}:F{n}')"),
    ("GET", G + "/drives/{drive}/items/{item}/children"),
    ("GET", G + "/sites/contoso.sharepoint.com,{guid},{guid}/lists/{guid}/items?expand=fields"),
    ("POST", G + "/sites/contoso.sharepoint.com,{guid},{guid}/lists/{guid}/items"),
    ("GET", G + "/me/events?$top=10"),
    ("POST", G + "/me/calendar/events"),
    ("GET", G + "/users/{mail}/calendar/events"),
    ("GET", G + "/me/todo/lists/{msg}/tasks"),
    ("POST", G + "/$batch"),
    ("GET", "https://graph.microsoft.com/beta/me/contoso.extension{n}"),
]


def _ids(rng: random.Random, n: int, make) -> list[str]:
    return [make(rng) for _ in range(n)]


def generate(folder: Path, rows: int, formats: list[str], seed: int = 19) -> dict[str, Path]:
    """Write `rows` rows in each format; returns the files by format."""
    rng = random.Random(seed)
    guids = _ids(rng, 5000, lambda r: f"{r.getrandbits(32):08x}-{r.getrandbits(16):04x}-4{r.getrandbits(12):03x}-"
                                      f"8{r.getrandbits(12):03x}-{r.getrandbits(48):012x}")
    msgs = _ids(rng, 5000, lambda r: "AAMkAGI2" + "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789")
                                                            for _ in range(40)) + "=")
    items = _ids(rng, 5000, lambda r: "01BYE5RZ" + "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
                                                            for _ in range(26)))
    mails = [f"user{i}@contoso.example" for i in range(300)]
    apps = list(APPS)
    files = {}
    writers = {}
    handles = {}
    for fmt in formats:
        path = folder / {"json": "az.json", "csv": "portal.csv", "jsonl": "PT1H.json"}[fmt]
        handles[fmt] = path.open("w", encoding="utf-8", newline="")
        files[fmt] = path
    columns = ["TimeGenerated", "AppId", "RequestMethod", "RequestUri", "ResponseStatusCode", "Scopes", "Roles",
               "UserId", "IPAddress", "RequestId", "OperationId", "DurationMs", "ResponseSizeBytes", "UserAgent",
               "Location"]
    if "csv" in handles:
        writers["csv"] = csv.writer(handles["csv"])
        writers["csv"].writerow(["TimeGenerated [UTC]", *columns[1:]])
    if "json" in handles:
        handles["json"].write("[\n")
    for i in range(rows):
        app = apps[i % 3 if i % 10 else 1]
        scopes, roles = APPS[app]
        method, template = TEMPLATES[rng.randrange(len(TEMPLATES))]
        uri = template.format(mail=rng.choice(mails), msg=rng.choice(msgs), item=rng.choice(items),
                              guid=rng.choice(guids), drive="b!" + rng.choice(msgs)[8:30], n=rng.randrange(1000))
        status = 403 if rng.random() < 0.02 else (201 if method == "POST" else 200)
        day, sec = 1 + i * 30 // rows, rng.randrange(86400)
        when = f"2026-11-{day:02d}T{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{i % 1000:03d}Z"
        user = "" if roles else rng.choice(guids)
        values = [when, app, method, uri, str(status), scopes, roles, user, f"203.0.113.{i % 250}",
                  rng.choice(guids), rng.choice(guids), str(rng.randrange(20, 900)), str(rng.randrange(100, 90000)),
                  "UiPath.MicrosoftOffice365.Activities", "West Europe"]
        if "csv" in writers:
            writers["csv"].writerow(values)
        if "json" in handles:
            row = dict(zip(columns, values, strict=True))
            row["TableName"] = "PrimaryResult"
            text = json.dumps(row, indent=2)
            handles["json"].write(("  " + text.replace("\n", "\n  ")) + (",\n" if i < rows - 1 else "\n"))
        if "jsonl" in handles:
            props = {c[0].lower() + c[1:]: v for c, v in zip(columns[1:], values[1:], strict=True)}
            props["responseStatusCode"] = status
            handles["jsonl"].write(json.dumps({"time": when, "category": "MicrosoftGraphActivityLogs",
                                               "operationName": "Microsoft Graph Activity", "properties": props})
                                   + "\n")
    if "json" in handles:
        handles["json"].write("]\n")
    for h in handles.values():
        h.close()
    return files


def run(path: Path) -> tuple[float, float, float, str]:
    """One pinned `scopelint usage` run: wall seconds, CPU seconds, peak RSS in MB, its last stderr line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "scopelint", "usage", "--logs", str(path), "-f", "json", "-o", os.devnull]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"scopelint failed on {path}: {err}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, err.strip().splitlines()[-1] if err.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", nargs="+", default=["json", "csv", "jsonl"], choices=["json", "csv", "jsonl"])
    parser.add_argument("--keep", type=Path, help="folder for the generated exports (kept, and reused when there)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="scopelint-usage-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        sizes = [max(1, args.rows // 10), args.rows]
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores (runs pinned to one)")
        print("| format | rows | file MB | wall s | CPU s | rows/s (CPU) | peak RSS MB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for rows in sizes:
            sub = folder / str(rows)
            sub.mkdir(exist_ok=True)
            names = {"json": "az.json", "csv": "portal.csv", "jsonl": "PT1H.json"}
            files = {f: sub / names[f] for f in args.formats}
            if not all(p.is_file() for p in files.values()):  # --keep reuses what an earlier run generated
                files = generate(sub, rows, args.formats)
            run(files[args.formats[0]])  # warm-up: bytecode cache, page cache
            for fmt, path in files.items():
                wall, cpu, peak, note = run(path)
                mb = path.stat().st_size / 1e6
                print(f"| {fmt} | {rows:,} | {mb:,.0f} | {wall:.1f} | {cpu:.1f} | {rows / cpu:,.0f} | {peak:.0f} |",
                      flush=True)
                print(f"<!-- {note} -->", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
