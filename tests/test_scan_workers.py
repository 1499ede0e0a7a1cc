"""The scan's worker processes: a parallel scan finds exactly what one process finds, even when workers die."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scopelint.uipath import scan, scanner

FIX = Path(__file__).resolve().parent / "fixtures" / "uipath"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked only where the platform can fork")
@pytest.mark.parametrize("dying", ["Calendar.xaml", ".xaml"])  # one worker on one batch; every worker on its first
def test_workflows_of_a_worker_that_dies_are_still_scanned(tmp_path, monkeypatch, dying):
    tree = tmp_path / "tree"
    shutil.copytree(FIX, tree, symlinks=True)
    serial = scan(tree, jobs=1)
    parent, real = os.getpid(), scanner._scan_batch

    def killed(args):  # a worker process killed mid-scan (out of memory, a signal) while it holds this batch
        if os.getpid() != parent and any(p.endswith(dying) for p in args[0]):
            os._exit(9)
        return real(args)

    monkeypatch.setattr(scanner, "_scan_batch", killed)
    assert scan(tree, jobs=2) == serial
    assert scan(tree, jobs=3) == serial
