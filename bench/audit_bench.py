"""`scopelint audit --live --all-apps` against a Graph-shaped server on 127.0.0.1, before and after, side by side.

    python bench/audit_bench.py                       # 10,000 apps after; 1,000 apps before (rev 7a6c76d)
    python bench/audit_bench.py --apps 2000 --before-apps 200 --latency 0.2 --throttle 0.02

The server answers like Microsoft Graph v1.0 for the routes the reader uses (applications, service principals,
delegated grants, app role assignments, by key and as paged collections with $top, $select and $skiptoken), waits
`--latency` seconds before every answer (a round trip to the cloud) and answers a seeded `--throttle` share of
requests with 429 and `Retry-After: 1`. Its tenant: `--apps` registrations requesting 1-4 delegated and 0-2
application Graph permissions, nine in ten with a service principal, an admin grant each, per-user grants for one in
five (two users), Graph app role assignments for the apps that request roles, one stale grant in seven.

"Before" runs the reader of an earlier commit (`--before`, extracted with `git archive` into a temporary folder) on
`--before-apps` apps, because its three requests per app one after another would take half an hour at 10,000 apps;
its figures per app scale linearly (its request count is exact: 3 per app with a service principal). "After" runs
this checkout on the same smaller tenant first (the two JSON outputs must be identical) and then on `--apps`.
Client figures come from wait4 on the scopelint process alone: wall time, CPU (user + system), peak RSS; requests
are counted by the server. Not part of the test suite: no timed assertions live there.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
GRAPH = "00000003-0000-0000-c000-000000000000"
GRAPH_SP = "c4a5b6d7-e8f9-4a0b-9c1d-2e3f4a5b6c7d"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TOKEN = "bench-token-not-a-secret"
USERS = ("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")


def tenant(apps: int) -> dict:
    """A generated tenant: applications, service principals (Graph's included), grants, role assignments."""
    catalog = json.loads((ROOT / "scopelint" / "data" / "catalog.json").read_text(encoding="utf-8"))
    delegated = [r for r in catalog["delegated"] if r["value"].startswith(("Mail", "Files", "Sites", "User."))]
    application = [r for r in catalog["application"] if r["value"].startswith(("Mail", "Files", "Sites", "User."))]
    graph_sp = {"id": GRAPH_SP, "appId": GRAPH, "displayName": "Microsoft Graph",
                "oauth2PermissionScopes": [{"id": r["id"], "value": r["value"], "type": "Admin" if r["admin"] else
                                            "User", "isEnabled": True, "adminConsentDisplayName": r["title"]}
                                           for r in catalog["delegated"]],
                "appRoles": [{"id": r["id"], "value": r["value"], "displayName": r["title"], "isEnabled": True,
                              "allowedMemberTypes": ["Application"]} for r in catalog["application"]]}
    state: dict = {"apps": [], "sps": [graph_sp], "grants": [], "roles": []}
    for i in range(apps):
        app_id, sp_id = f"00000000-0000-4000-8000-{i:012x}", f"11111111-0000-4000-8000-{i:012x}"
        scopes = [delegated[(i * 7 + k) % len(delegated)] for k in range(1 + i % 4)]
        roles = [application[(i * 3 + k) % len(application)] for k in range(i % 3)]
        state["apps"].append({"id": f"22222222-0000-4000-8000-{i:012x}", "appId": app_id,
                              "displayName": f"bot {i:05d}", "requiredResourceAccess": [
                                  {"resourceAppId": GRAPH, "resourceAccess": [
                                      *({"id": r["id"], "type": "Scope"} for r in scopes),
                                      *({"id": r["id"], "type": "Role"} for r in roles)]}]})
        if i % 10 == 9:
            continue
        state["sps"].append({"id": sp_id, "appId": app_id, "displayName": f"bot {i:05d}",
                             "appOwnerOrganizationId": TENANT})
        stale = [delegated[(i + 11) % len(delegated)]["value"]] if i % 7 == 0 else []
        state["grants"].append({"id": f"a{i}", "clientId": sp_id, "consentType": "AllPrincipals",
                                "principalId": None, "resourceId": GRAPH_SP,
                                "scope": " ".join([scopes[0]["value"], *stale, "openid"])})
        if i % 5 == 0 and len(scopes) > 1:
            for user in USERS:
                state["grants"].append({"id": f"u{i}{user[:4]}", "clientId": sp_id, "consentType": "Principal",
                                        "principalId": user, "resourceId": GRAPH_SP,
                                        "scope": " ".join(r["value"] for r in scopes[1:])})
        for k, role in enumerate(roles):
            state["roles"].append({"id": f"r{i}.{k}", "appRoleId": role["id"], "principalId": sp_id,
                                   "resourceId": GRAPH_SP, "principalType": "ServicePrincipal"})
    state["sp_by_id"] = {sp["id"]: sp for sp in state["sps"]}
    state["sp_by_app"] = {sp["appId"]: sp for sp in state["sps"]}
    state["app_by_id"] = {a["appId"]: a for a in state["apps"]}
    state["grants_by"] = {}
    for g in state["grants"]:
        state["grants_by"].setdefault(g["clientId"], []).append(g)
    state["roles_by"] = {}
    for r in state["roles"]:
        state["roles_by"].setdefault(r["principalId"], []).append(r)
    return state


class Server:
    """The Graph-shaped server: latency before every answer, a seeded share of 429s, requests counted."""

    def __init__(self, state: dict, latency: float, throttle: float, seed: int = 18) -> None:
        self.state, self.latency, self.throttle = state, latency, throttle
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.requests = 0
        self.throttled = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.requests = self.throttled = 0
            self.random.seed(18)

    def _handler(self):
        bench = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                with bench.lock:
                    bench.requests += 1
                    throttled = bench.random.random() < bench.throttle
                    bench.throttled += throttled
                time.sleep(bench.latency)
                if throttled:
                    status, headers, body = 429, {"Retry-After": "1"}, _error("TooManyRequests", "throttled")
                else:
                    status, body = bench.route(self.path)
                    headers = {}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def route(self, raw: str) -> tuple[int, dict]:
        s, path, query = self.state, unquote(urlsplit(raw).path)[len("/v1.0"):], parse_qs(urlsplit(raw).query)
        found = None
        if path.startswith("/applications(appId="):
            found = s["app_by_id"].get(path.split("'")[1])
        elif path.startswith("/servicePrincipals(appId="):
            found = s["sp_by_app"].get(path.split("'")[1])
        elif path == "/applications":
            return 200, self.page(path, query, s["apps"])
        elif path == "/servicePrincipals":
            return 200, self.page(path, query, s["sps"])
        elif path == "/oauth2PermissionGrants":
            rows = s["grants_by"].get(query["$filter"][0].split("'")[1], []) if "$filter" in query else s["grants"]
            return 200, self.page(path, query, rows)
        else:
            parts = path.strip("/").split("/")
            if parts[0] == "servicePrincipals" and len(parts) == 2:
                found = s["sp_by_id"].get(parts[1])
            elif parts[0] == "servicePrincipals" and parts[2:] == ["appRoleAssignments"]:
                return 200, self.page(path, query, s["roles_by"].get(parts[1], []))
            elif parts[0] == "servicePrincipals" and parts[2:] == ["appRoleAssignedTo"]:
                return 200, self.page(path, query, [r for r in s["roles"] if r["resourceId"] == parts[1]])
        if found is None:
            return 404, _error("Request_ResourceNotFound", f"no {path}")
        fields = query["$select"][0].split(",") if "$select" in query else None
        return 200, {k: v for k, v in found.items() if fields is None or k in fields}

    def page(self, path: str, query: dict, items: list) -> dict:
        start = int(query.get("$skiptoken", ["0"])[0])
        size = min(999, int(query.get("$top", ["100"])[0]))
        fields = query["$select"][0].split(",") if "$select" in query else None
        doc: dict = {"value": [{k: v for k, v in item.items() if fields is None or k in fields}
                               for item in items[start:start + size]]}
        if start + size < len(items):
            rest = "&".join(f"{k}={v[0]}" for k, v in query.items() if k != "$skiptoken")
            doc["@odata.nextLink"] = f"{self.url}/v1.0{path}?$skiptoken={start + size}&{rest}"
        return doc


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def client(tree: Path, server: Server, out: Path, extra: list[str]) -> dict:
    """One `scopelint audit --live --all-apps -f json` run of the scopelint in `tree`: wall, CPU, peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(tree), "SL_BENCH_TOKEN": TOKEN}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "scopelint", "audit", "--live", "--all-apps", "-f", "json", "-o", str(out),
           "--token-env", "SL_BENCH_TOKEN", "--graph-url", server.url, *extra]
    server.reset()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tempfile.gettempdir())
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"scopelint failed ({tree}): {stderr.decode(errors='replace')[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss * 1024,
            "requests": server.requests, "throttled": server.throttled}


def extract(rev: str, into: Path) -> Path:
    """The scopelint package of commit `rev`, as `git archive` gives it."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "scopelint"], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def row(name: str, apps: int, m: dict) -> str:
    return (f"| {name} | {apps:,} | {m['requests']:,} ({m['throttled']} throttled) | {m['wall']:.1f} | "
            f"{m['cpu']:.1f} | {m['cpu'] / apps * 1000:.2f} | {m['rss'] / 2**20:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=10_000)
    parser.add_argument("--before-apps", type=int, default=1_000, help="tenant size for the earlier reader (0: skip)")
    parser.add_argument("--before", default="7a6c76d", help="commit of the earlier reader")
    parser.add_argument("--before-concurrency", type=int, default=16, help="its --concurrency (4 is the default)")
    parser.add_argument("--after", help="commit to measure as after (default: this checkout as it is)")
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--throttle", type=float, default=0.02)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"server: {args.latency * 1000:.0f} ms before every answer, {args.throttle:.0%} answered 429 "
          "with Retry-After: 1\n")
    print("| reader | apps | requests | wall s | client CPU s | CPU ms per app | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="scopelint-audit-bench-") as tmp:
        work = Path(tmp)
        after_tree = extract(args.after, work / "after") if args.after else ROOT
        if args.before_apps:
            small = Server(tenant(args.before_apps), args.latency, args.throttle)
            before_tree = extract(args.before, work / "before")
            before = client(before_tree, small, work / "before.json", ["--concurrency", str(args.before_concurrency)])
            print(row(f"before ({args.before}, per app, --concurrency {args.before_concurrency})",
                      args.before_apps, before), flush=True)
            after = client(after_tree, small, work / "after-small.json", [])
            print(row(f"after ({args.after or 'this checkout'}, whole tenant)", args.before_apps, after), flush=True)
            same = (work / "before.json").read_bytes() == (work / "after-small.json").read_bytes()
            print(f"\nsame JSON output before and after on {args.before_apps:,} apps: {same}\n", flush=True)
            if not same:
                raise SystemExit("the outputs differ")
        big = Server(tenant(args.apps), args.latency, args.throttle)
        after = client(after_tree, big, work / "after.json", [])
        print(row(f"after ({args.after or 'this checkout'}, whole tenant)", args.apps, after))
        audited = len(json.loads((work / "after.json").read_text())["apps"])
        print(f"\n{audited:,} apps in the output; load average after: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
