"""Runs the commands of the README and the docs as written, from the repository's root, in the
order they appear, file by file.

Every fenced `sh` block runs as a bash script (`set -euo pipefail`); a `python` block runs with
the Python of the virtual environment `.ci/run` made (`target/python`, first on PATH, so the
README's `pip` and `python` are its); a `c` block is saved as the file the README names in its
first comment (`/* my_sensor.c: ...`) for the `sh` block after it. A command that starts the
server is run in the background until it listens; the `curl` block after it runs against it,
and it must then stop cleanly on SIGINT. Left out, each with its reason printed: `cargo test`
(the step before runs it), the conformance tests (their own step runs the same command) and
`sam deploy` (it needs an AWS account) and a block that submits to a Spark cluster.

Then the commands given inline in the prose (`cargo ...`, `bash ...`, `python3 ...`,
`target/release/...`, after any `VAR=value`): each runs as written, but for a measurement, which
takes minutes and whose figures the docs record, that is checked to be runnable without being
run (a criterion filter must name benchmarks, a script must parse, an example must build), a
command that already ran, and those of `INLINE_NOT_RUN`, each with its reason.

Files the commands write in the root are removed at the end; what they write under `model/` and
`words/` is left for `git diff` to hold to the committed files.

    python3 .ci/readme-commands.py README.md docs/models.md ...
"""

import os
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEFT_OUT = [
    (re.compile(r"^cargo test\s*(#.*)?$"), "the README's test command: the step before runs it"),
    (re.compile(r"--test conformance"), "the conformance step runs this very command"),
    (re.compile(r"^sam deploy"), "deploying needs an AWS account"),
]
# A block with one of these is left out whole: its commands only make sense together.
BLOCKS_LEFT_OUT = [
    (re.compile(r"spark-submit"), "it submits to a Spark cluster, reading and writing S3"),
]
INLINE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
INLINE_COMMAND = re.compile(
    r"^(?:[A-Z_]+=\S+ )*(?:cargo|bash|python3?|pytest|pip|cd|target/release/)\b")
INLINE_NOT_RUN = [
    (re.compile(r"^bash \.ci/run$"), "this is CI itself"),
    (re.compile(r"^cargo test$"), "the README's test command: its own step runs it"),
    (re.compile(r"^cargo doc --open$"), "CI's docs step builds the docs; --open needs a browser"),
    (re.compile(r"^cargo package$"), "CI's package step runs it"),
    (re.compile(r"^pytest -s -k million$"), "CI's pytest step runs that test"),
    (re.compile(r"^pip install dgaintel"), "it installs TensorFlow, for a peer's measurement"),
]
WRITTEN = ["scores.csv", "scores.jsonl", "clients.csv", "dns.csv", "scored.parquet",
           "my_sensor.c", "my_sensor", "my-model.toml"]


def blocks(text):
    """(language, body) of each fenced block, in order."""
    return re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M)


def logical_lines(body):
    """The block's commands: `\\`-continued lines joined, comment lines dropped. Only for blocks
    whose commands are one line each (a quoted newline would be cut)."""
    joined = re.sub(r"\\\n\s*", " ", body)
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def left_out(command):
    for pattern, why in LEFT_OUT:
        if pattern.search(command):
            return why
    return None


def run_script(script, what):
    print(f"--- {what}\n{script.rstrip()}", flush=True)
    result = subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], cwd=ROOT,
                            env=ENV)
    if result.returncode != 0:
        sys.exit(f"readme-commands: {what} exited {result.returncode}")


def start_server(command):
    print(f"--- the server, in the background\n{command}", flush=True)
    server = subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=ENV,
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            break
        print(line, end="", flush=True)
        if "listening on http://127.0.0.1:8080/" in line:
            return server
    server.kill()
    sys.exit("readme-commands: the server never said it was listening on 127.0.0.1:8080")


def stop_server(server):
    os.killpg(server.pid, signal.SIGINT)
    rest, _ = server.communicate(timeout=60)
    print(rest, end="")
    if server.returncode != 0 or "stopped" not in rest:
        sys.exit(f"readme-commands: the server did not stop cleanly ({server.returncode})")


def check_answers(script):
    """Runs the curl block; each command must answer JSON with a verdict."""
    for command in logical_lines(script):
        print(f"--- {command}", flush=True)
        out = subprocess.run(["bash", "-c", command], cwd=ROOT, env=ENV, capture_output=True,
                             text=True)
        print(out.stdout)
        if out.returncode != 0 or '"verdict"' not in out.stdout:
            sys.exit(f"readme-commands: no verdict from {command!r}")


def main():
    files = sys.argv[1:] or [os.path.join(ROOT, "README.md")]
    for path in files:
        run_file(path)
    for path in files:
        run_inline(path)
    for name in WRITTEN:
        path = os.path.join(ROOT, name)
        if os.path.isdir(path):
            subprocess.run(["rm", "-rf", path])
        elif os.path.exists(path):
            os.remove(path)


def run_file(path):
    server = None
    ran = 0
    with open(path, encoding="utf-8") as f:
        found = blocks(f.read())
    print(f"=== {path}", flush=True)
    for language, body in found:
        whole = next((why for pattern, why in BLOCKS_LEFT_OUT if pattern.search(body)), None)
        if whole:
            print(f"--- left out, a block:\n{body.rstrip()}\n    ({whole})")
        elif language == "c":
            name = re.match(r"/\* (\S+\.c):", body)
            if not name:
                sys.exit("readme-commands: a C block must name its file in its first comment")
            with open(os.path.join(ROOT, name.group(1)), "w", encoding="utf-8") as out:
                out.write(body)
        elif language == "python":
            print(f"--- the Python example\n{body}", flush=True)
            if subprocess.run([PYTHON, "-c", body], cwd=ROOT, env=ENV).returncode != 0:
                sys.exit(f"readme-commands: the Python example of {path} failed")
            ran += 1
        elif language == "sh" and "localhost:8080" in body:
            if server is None:
                sys.exit("readme-commands: a curl block with no server started before it")
            check_answers(body)
            stop_server(server)
            server = None
            ran += 1
        elif language == "sh":
            script = []
            for command in logical_lines(body) if "dga-serve" in body else [body]:
                why = left_out(command.strip())
                if why:
                    print(f"--- left out: {command.strip()}\n    ({why})")
                elif "--bin dga-serve" in command:
                    if server is not None:
                        stop_server(server)
                    server = start_server(command.split("#")[0].strip())
                    RAN.add(" ".join(command.split("#")[0].split()))
                    ran += 1
                else:
                    kept = []
                    for line in command.splitlines():
                        why = left_out(line.strip())
                        if why:
                            print(f"--- left out: {line.strip()}\n    ({why})")
                        else:
                            kept.append(line)
                    script.append("\n".join(kept))
            if any(s.strip() for s in script):
                run_script("\n".join(script), f"{path}, block {ran + 1}")
                RAN.update(" ".join(line.split("#")[0].split()) for line in logical_lines(body)
                           if not left_out(line.strip()))
                ran += 1
    if server is not None:
        stop_server(server)
    print(f"readme-commands: {ran} blocks of {path} ran as written")


def inline_commands(text):
    """The commands quoted inline in the prose of `text`, outside its fenced blocks."""
    prose = re.sub(r"^```\w*\n.*?^```", "", text, flags=re.S | re.M)
    spans = (" ".join(span.split()) for span in INLINE.findall(prose))
    return [span for span in spans if INLINE_COMMAND.match(span) and " " in span]


def check_measurement(command):
    """For a measurement: the command that shows it can run, or None when it is no
    measurement."""
    bench = re.match(r"^cargo bench --bench (\S+)(?: -- (\S+))?$", command)
    if bench:
        return "cargo bench -q --bench {} -- --list {} | grep ': benchmark$' > /dev/null".format(
            bench.group(1), bench.group(2) or "")
    script = re.match(r"^bash (benches/\S+\.sh)\b", command)
    if script:
        return f"bash -n {script.group(1)}"
    script = re.match(r"^(?:cd (\S+) && )?python3? (\S*(?:bench|attack)\S*\.py)\b", command)
    if script:
        return f"python3 -m py_compile {os.path.join(script.group(1) or '.', script.group(2))}"
    example = re.match(r"^cargo run --release -p (\S+) --example (\S+)", command)
    if example:
        return f"cargo build -q --release -p {example.group(1)} --example {example.group(2)}"
    return None


def run_inline(path):
    with open(path, encoding="utf-8") as f:
        commands = inline_commands(f.read())
    print(f"=== {path}, inline", flush=True)
    counts = {"ran": 0, "checked": 0, "not run": 0}
    for command in commands:
        why = next((why for pattern, why in INLINE_NOT_RUN if pattern.search(command)), None)
        check = check_measurement(command)
        if command in RAN:
            print(f"--- ran already: {command}")
        elif why:
            print(f"--- not run: {command}\n    ({why})")
            counts["not run"] += 1
        elif check:
            print(f"--- a measurement, checked, not run: {command}")
            run_script(check, f"{path}: can {command!r} run")
            counts["checked"] += 1
        elif re.search(r"\bcargo run .*--bin dga-serve$", command):
            stop_server(start_server(command))
            RAN.add(command)
            counts["ran"] += 1
        else:
            run_script(command, f"{path}, inline")
            RAN.add(command)
            counts["ran"] += 1
    print(f"readme-commands: inline in {path}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


# The commands run so far, one line each, so that one quoted again in the prose runs once.
RAN = set()

VENV = os.path.join(ROOT, "target", "python", "bin")
PYTHON = os.path.join(VENV, "python")
ENV = dict(os.environ, PATH=VENV + os.pathsep + os.environ["PATH"],
           # `cargo install` as written, into the build's own directories, not ~/.cargo.
           CARGO_TARGET_DIR=os.path.join(ROOT, "target"),
           CARGO_INSTALL_ROOT=os.path.join(ROOT, "target", "readme-install"))

if __name__ == "__main__":
    main()
