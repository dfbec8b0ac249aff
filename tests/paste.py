"""What a reader does with a page: paste its blocks, one after another, into one fresh Python.

Run as a script, in an empty folder, it reads a JSON list of code blocks from stdin, runs them
in order in one namespace, as a notebook or an interactive session would, and writes a JSON list
with what each block printed and, if it raised, the traceback; it stops at the first error."""

import contextlib
import io
import json
import sys
import traceback


def main() -> None:
    namespace = {"__name__": "__main__"}
    results = []
    for number, code in enumerate(json.load(sys.stdin)):
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(compile(code, f"<block {number + 1}>", "exec"), namespace)
        except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
            results.append({"stdout": printed.getvalue(), "error": traceback.format_exc()})
            break
        results.append({"stdout": printed.getvalue(), "error": None})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
