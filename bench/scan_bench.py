"""`scopelint scan` against `grep -rlF 'assembly=UiPath.MicrosoftOffice365.Activities'` on a generated tree.

    python bench/scan_bench.py                 # quick: 500 workflows, ~50 MB
    python bench/scan_bench.py --full          # the issue's size: 5,000 workflows, ~520 MB
    python bench/scan_bench.py --workflows 2000 --size-mb 200 --keep /tmp/tree
    python bench/scan_bench.py --full --o365 0.02 0.05 0.10 --keep /tmp/trees   # one tree per share, and a summary

The tree mimics real projects (XAML.md): 50 projects, workflows in subfolders, Studio-shaped XAML with view state,
sizes from 8 KB to 1.4 MB (mean ~100 KB). By default 10% of the workflows (--o365) declare the Office 365 namespaces
and hold activities (scopes, classic and Connections activities, CommentOut, AuthenticationScopes), 50% minus that
share only import the package (`<x:String>` / `<AssemblyReference>`, as Studio adds once the package is installed),
the rest never mention it. grep and scan run in rounds (each once per round, in turn, after a warm-up round that
also warms the page cache), so a change in the machine's load touches both alike; the median wall time is reported.
Peak memory: the largest resident set of any one process (wait4) and the sum of PSS over the whole process tree
(workers included), sampled during one extra run so that sampling does not slow the timed ones. scopelint runs with
bytecode caching on, as an installed package has it (a PYTHONDONTWRITEBYTECODE in the caller's environment would
make every run recompile the modules); the warm-up run writes the cache. Not part of the test suite: no timed
assertions live there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEEDLE = "assembly=UiPath.MicrosoftOffice365.Activities"

HEAD = """<Activity mc:Ignorable="sap sap2010" x:Class="{name}" mva:VisualBasic.Settings="{{x:Null}}" \
sap:VirtualizedContainerService.HintSize="1208,2470" \
sap2010:WorkflowViewStateService.ViewStateIdRef="ActivityBuilder_1" \
xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" \
xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" \
xmlns:mva="clr-namespace:Microsoft.VisualBasic.Activities;assembly=System.Activities" \
xmlns:sap="http://schemas.microsoft.com/netfx/2009/xaml/activities/presentation" \
xmlns:sap2010="http://schemas.microsoft.com/netfx/2010/xaml/activities/presentation" \
xmlns:scg="clr-namespace:System.Collections.Generic;assembly=mscorlib" \
xmlns:sco="clr-namespace:System.Collections.ObjectModel;assembly=mscorlib" \
xmlns:ui="http://schemas.uipath.com/workflow/activities"{o365} xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml">
  <TextExpression.NamespacesForImplementation>
    <sco:Collection x:TypeArguments="x:String">
      <x:String>System.Activities</x:String>
      <x:String>System.Activities.Statements</x:String>
      <x:String>UiPath.Core</x:String>
      <x:String>UiPath.Core.Activities</x:String>{imports}
    </sco:Collection>
  </TextExpression.NamespacesForImplementation>
  <TextExpression.ReferencesForImplementation>
    <sco:Collection x:TypeArguments="AssemblyReference">
      <AssemblyReference>System.Activities</AssemblyReference>
      <AssemblyReference>UiPath.System.Activities</AssemblyReference>{refs}
    </sco:Collection>
  </TextExpression.ReferencesForImplementation>
  <Sequence DisplayName="{name}" sap:VirtualizedContainerService.HintSize="600,1200" \
sap2010:WorkflowViewStateService.ViewStateIdRef="Sequence_1">
"""
O365_XMLNS = (' xmlns:uma="clr-namespace:UiPath.MicrosoftOffice365.Activities;'
              'assembly=UiPath.MicrosoftOffice365.Activities"'
              ' xmlns:umam="clr-namespace:UiPath.MicrosoftOffice365.Activities.Mail;'
              'assembly=UiPath.MicrosoftOffice365.Activities"'
              ' xmlns:umaf="clr-namespace:UiPath.MicrosoftOffice365.Activities.Files;'
              'assembly=UiPath.MicrosoftOffice365.Activities"')
IMPORTS = "\n      <x:String>UiPath.MicrosoftOffice365.Activities</x:String>\n      " \
          "<x:String>UiPath.MicrosoftOffice365.Activities.Mail</x:String>"
REFS = "\n      <AssemblyReference>UiPath.MicrosoftOffice365.Activities</AssemblyReference>"
BLOCK = """    <Assign DisplayName="Assign {i}" sap:VirtualizedContainerService.HintSize="334,60" \
sap2010:WorkflowViewStateService.ViewStateIdRef="Assign_{i}">
      <Assign.To>
        <OutArgument x:TypeArguments="x:String">[strValue{i}]</OutArgument>
      </Assign.To>
      <Assign.Value>
        <InArgument x:TypeArguments="x:String">["Value " &amp; {i}.ToString &amp; " for the invoice run"]</InArgument>
      </Assign.Value>
      <sap:WorkflowViewStateService.ViewState>
        <scg:Dictionary x:TypeArguments="x:String, x:Object">
          <x:Boolean x:Key="IsExpanded">True</x:Boolean>
          <x:Boolean x:Key="IsPinned">False</x:Boolean>
        </scg:Dictionary>
      </sap:WorkflowViewStateService.ViewState>
    </Assign>
    <ui:LogMessage DisplayName="Log Message {i}" Level="Info" Message="[&quot;Processed item &quot; &amp; strValue{i} \
&amp; &quot; at &quot; &amp; Now.ToString(&quot;yyyy-MM-dd HH:mm:ss&quot;)]" \
sap:VirtualizedContainerService.HintSize="334,91" sap2010:WorkflowViewStateService.ViewStateIdRef="LogMessage_{i}" />
"""
SCOPE = """    <uma:Office365ApplicationScope ApplicationId="[in_Config(&quot;ApplicationId&quot;).ToString]" \
AuthenticationType="InteractiveToken" DisplayName="Microsoft Office 365 Scope" OAuthApplication="Custom" \
TenantId="contoso.onmicrosoft.com" sap2010:WorkflowViewStateService.ViewStateIdRef="Office365ApplicationScope_{i}">
      <uma:Office365ApplicationScope.AuthenticationScopes>
        <scg:List x:TypeArguments="InArgument(x:String)" Capacity="2">
          <InArgument x:TypeArguments="x:String">Mail.ReadWrite</InArgument>
          <InArgument x:TypeArguments="x:String">Mail.Send</InArgument>
        </scg:List>
      </uma:Office365ApplicationScope.AuthenticationScopes>
      <uma:Office365ApplicationScope.Body>
        <ActivityAction x:TypeArguments="x:Object">
          <ActivityAction.Argument>
            <DelegateInArgument x:TypeArguments="x:Object" Name="Office365Graph" />
          </ActivityAction.Argument>
          <Sequence DisplayName="Do" sap2010:WorkflowViewStateService.ViewStateIdRef="Sequence_o{i}">
            <umam:GetMail Account="{{x:Null}}" DisplayName="Get Mail" MailFolder="Inbox" OnlyUnreadMessages="True" \
Top="50" sap2010:WorkflowViewStateService.ViewStateIdRef="GetMail_{i}" />
            <umam:SendMail DisplayName="Send Mail" Subject="[&quot;Report&quot;]" \
To="[{{&quot;ap@contoso.example&quot;}}]" sap2010:WorkflowViewStateService.ViewStateIdRef="SendMail_{i}" />
            <ui:CommentOut DisplayName="Comment Out">
              <ui:CommentOut.Body>
                <umam:ForwardMail DisplayName="Forward Mail" sap2010:WorkflowViewStateService.ViewStateIdRef="Fw_{i}" />
              </ui:CommentOut.Body>
            </ui:CommentOut>
          </Sequence>
        </ActivityAction>
      </uma:Office365ApplicationScope.Body>
    </uma:Office365ApplicationScope>
    <umaf:UploadFilesConnections ConnectionId="22222222-2222-4222-8222-222222222222" DisplayName="Upload Files" \
UseConnectionService="True" sap2010:WorkflowViewStateService.ViewStateIdRef="UploadFilesConnections_{i}" />
"""
TAIL = "  </Sequence>\n</Activity>\n"


def workflow(name: str, size: int, kind: str) -> bytes:
    """One Studio-shaped workflow of about `size` bytes; kind: o365 (activities), imports (package only), plain."""
    o365, imports = kind == "o365", kind != "plain"
    parts = [HEAD.format(name=name, o365=O365_XMLNS if o365 else "", imports=IMPORTS if imports else "",
                         refs=REFS if imports else "")]
    total, i = len(parts[0]), 0
    while total < size:
        block = BLOCK.format(i=i) + (SCOPE.format(i=i) if o365 and i % 150 == 2 else "")
        parts.append(block)
        total += len(block)
        i += 1
    parts.append(TAIL)
    return "".join(parts).encode()


def generate(folder: Path, workflows: int, size_mb: float, o365: float, imports: float, seed: int = 4) -> dict:
    rng = random.Random(seed)
    target = size_mb * 1024 * 1024 / workflows
    projects = 50
    counts = {"o365": 0, "imports": 0, "plain": 0}
    total = 0
    for p in range(projects):
        proj = folder / f"Project{p:02d}"
        proj.mkdir(parents=True)
        deps = {"UiPath.System.Activities": "[24.10.6]", "UiPath.MicrosoftOffice365.Activities": "[3.2.10]"}
        (proj / "project.json").write_text(json.dumps({"name": f"Project{p:02d}", "main": "Main.xaml",
                                                       "dependencies": deps, "expressionLanguage": "VisualBasic"}))
    for n in range(workflows):
        roll = rng.random()
        kind = "o365" if roll < o365 else ("imports" if roll < o365 + imports else "plain")
        size = int(min(max(rng.lognormvariate(0, 0.8) * target * 0.73, 8 * 1024), 1.4 * 1024 * 1024))
        sub = folder / f"Project{n % projects:02d}" / ("Framework" if n % 3 == 0 else "Workflows/Sub")
        sub.mkdir(parents=True, exist_ok=True)
        data = workflow(f"W{n}", size, kind)
        (sub / f"Workflow_{n:05d}.xaml").write_bytes(data)
        counts[kind] += 1
        total += len(data)
    return {"workflows": workflows, "bytes": total, **counts}


class _Sampler(threading.Thread):
    """Samples the summed PSS (falls back to RSS) of a process and all its descendants every 10 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, sum(_memory(p) for p in _tree(self.pid)))
            time.sleep(0.01)


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return out


def _memory(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except OSError:
            continue
    return 0


def _timed(cmd: list[str], env: dict | None) -> tuple[float, float, int, bytes, int]:
    """One run: wall seconds, CPU seconds (user + system, its reaped workers included), its RSS (wait4), its
    standard output and its exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    return (time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out,
            os.waitstatus_to_exitcode(status))


def _tree_peak(cmd: list[str], env: dict | None) -> int:
    """Peak PSS of the process tree during one more run: the sampler walks /proc every 10 ms and would take CPU from
    timed runs."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    sampler = _Sampler(proc.pid)
    sampler.start()
    proc.wait()
    sampler.done.set()
    sampler.join()
    return sampler.peak


def measure(cmds: list[tuple[list[str], dict | None]], runs: int) -> list[dict]:
    """The commands in rounds (each once per round, in turn, after a warm-up round), so a change in the machine's load
    touches them alike: per command the median, min and max wall time, the largest RSS, the peak PSS of its process
    tree, its last output and exit code."""
    for cmd, env in cmds:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    results = [{"times": [], "cpu": [], "maxrss": 0} for _ in cmds]
    for _ in range(runs):
        for (cmd, env), r in zip(cmds, results, strict=True):
            wall, cpu, rss, r["stdout"], r["code"] = _timed(cmd, env)
            r["times"].append(wall)
            r["cpu"].append(cpu)
            r["maxrss"] = max(r["maxrss"], rss)
    for (cmd, env), r in zip(cmds, results, strict=True):
        times = r.pop("times")
        r.update(median=statistics.median(times), min=min(times), max=max(times), cpu=statistics.median(r.pop("cpu")),
                 tree=_tree_peak(cmd, env))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="5,000 workflows, ~520 MB (the issue's size)")
    parser.add_argument("--workflows", type=int, default=500)
    parser.add_argument("--size-mb", type=float, default=50)
    parser.add_argument("--o365", type=float, nargs="+", default=[0.10],
                        help="share of workflows with activities; several values measure one tree each")
    parser.add_argument("--imports", type=float, help="share that only import the package (default: 0.5 - o365)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, help="pass --jobs to scopelint scan")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder and keep it")
    parser.add_argument("--against", type=Path, help="a folder holding another scopelint package (e.g. an older "
                        "commit's `git archive`), timed in the same rounds as 'scopelint scan, against'")
    args = parser.parse_args()
    if args.full:
        args.workflows, args.size_mb = 5000, 520
    base = args.keep or Path(tempfile.mkdtemp(prefix="scan-bench-"))
    scopelint = [shutil.which("scopelint")] if shutil.which("scopelint") else [sys.executable, "-m", "scopelint"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rows = []
    try:
        for share in args.o365:
            folder = base / f"o365-{share:g}" if len(args.o365) > 1 else base
            imports = args.imports if args.imports is not None else max(0.0, 0.5 - share)
            if folder.exists() and any(folder.iterdir()):
                files = list(folder.rglob("*.xaml"))
                info = {"workflows": len(files), "bytes": sum(f.stat().st_size for f in files), "reused": True}
            else:
                folder.mkdir(parents=True, exist_ok=True)
                info = generate(folder, args.workflows, args.size_mb, share, imports)
            cmd = [*scopelint, "scan", str(folder)] + (["--jobs", str(args.jobs)] if args.jobs else [])
            # Timed as a user runs it (text output); one untimed JSON run shows which files hold activities.
            cmds = [(["grep", "-rlF", NEEDLE, str(folder)], None), (cmd, env)]
            if args.against:
                cmds.append((cmd, {**env, "PYTHONPATH": str(args.against.resolve())}))
            grep, scan, *against = measure(cmds, args.runs)
            listing = subprocess.run([*cmd, "--format", "json"], capture_output=True, env=env, check=False)
            rows.append(report(info, grep, scan, args.runs, listing.stdout, against[0] if against else None))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if len(rows) > 1:
        print("\n| workflows with activities | grep s | scan s | scan / grep | peak PSS, process tree MB |")
        print("|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['with']} of {r['workflows']} | {r['grep']:.3f} | {r['scan']:.3f} | {r['ratio']:.2f}x | "
                  f"{r['tree'] / 1024 / 1024:.0f} |")


def report(info: dict, grep: dict, scan: dict, runs: int, listing: bytes, against: dict | None = None) -> dict:
    doc = json.loads(listing) if scan["code"] in (0, 2) and listing else {"projects": []}
    with_activities = {a["file"] for p in doc["projects"] for a in p["activities"]}
    grep_files = len(grep["stdout"].splitlines())
    mb = 1024 * 1024
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    print(f"tree: {info['workflows']} workflows, {info['bytes'] / mb:.0f} MB "
          + (f"({info['o365']} with activities, {info['imports']} import-only, {info['plain']} plain)"
             if "o365" in info else "(reused)"))
    print(f"runs: {runs} interleaved rounds of grep and scan, after a warm-up round (page cache warm); "
          f"load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| tool | median s | min s | max s | median CPU s | peak RSS, largest process MB | "
          "peak PSS, process tree MB |")
    print("|---|---|---|---|---|---|---|")
    tools = [("grep -rlF", grep), ("scopelint scan", scan)] + [("scopelint scan, against", against)] * bool(against)
    for name, m in tools:
        print(f"| {name} | {m['median']:.2f} | {m['min']:.2f} | {m['max']:.2f} | {m['cpu']:.2f} | "
              f"{m['maxrss'] / mb:.0f} | {m['tree'] / mb:.0f} |")
    ratio = scan["median"] / grep["median"]
    print(f"\nratio scan/grep (median): {ratio:.2f}x")
    print(f"files grep lists: {grep_files}; files in which scan found activities: {len(with_activities)}; "
          f"scan exit code {scan['code']}")
    return {"with": len(with_activities), "workflows": info["workflows"], "grep": grep["median"],
            "scan": scan["median"], "ratio": ratio, "tree": scan["tree"]}


if __name__ == "__main__":
    main()
