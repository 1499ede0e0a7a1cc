"""The `scopelint` process: cli.main with the garbage collector set for a short-lived program.

A check lasts ~60 ms, and two collector habits cost a sixth of it (bench/RESULTS.md): collections during start-up
walk every module, class and function imported so far, and the interpreter's final collections walk every loaded
catalog and rule entry. So imports run with the collector off and what they built is frozen (never walked again);
at the end the run's objects are frozen too. In between the collector works as usual, so a long scan or a
1,000-manifest check still reclaims cycles. In-process callers use cli.main and keep their own collector settings.
"""

import gc


def run() -> None:
    """Entry point of the `scopelint` console script and of `python -m scopelint`."""
    gc.disable()
    from scopelint.cli import main

    gc.freeze()
    gc.enable()
    try:
        main(prog_name="scopelint")  # also under `python -m scopelint`: usage lines and _SCOPELINT_COMPLETE
    finally:
        gc.freeze()
