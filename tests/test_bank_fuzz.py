"""Random hostile bank files: every one ends in a message, in bounded time and memory.

Each case is a bank built from a seeded random mix of the hazards found in
the attack round: YAML alias bombs and anchors, deep nesting, duplicate keys,
rich markup (``[/]``, ``[link=…]``), terminal escapes (OSC titles, OSC 8
links, C1 controls, bidi overrides), huge scalars (5,000-digit numbers,
``1e999``, 200 kB strings), odd YAML types and tags, hostile expressions and
bytes that are not UTF-8. One subprocess per case, under a 1.5 GB address
space cap and a time limit, runs ``bank validate``, ``bank list`` and
``quiz`` on it: none may print a traceback, exit with anything but 0, 1 or 2,
or let a control sequence from the file reach the output.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

MEMORY_CAP = 1536 * 1024 * 1024
CASE_SECONDS = 45
ROOT = Path(__file__).resolve().parent.parent

#: Runs the three commands in one interpreter (one start-up per case) and reports their codes.
DRIVER = """
import sys
from chainrule_cli.cli import main

path = sys.argv[1]
codes = []
for argv in (
    ["bank", "validate", path],
    ["bank", "list", "--bank", path],
    ["quiz", "--bank", path, "--count", "3", "--no-shuffle"],
):
    sys.argv = ["chainrule", *argv]
    try:
        main()
    except SystemExit as exc:
        codes.append(exc.code or 0)
sys.stderr.write(f"CODES {codes}\\n")
"""

MARKUP = ["[/]", "[link=http://evil.example]click[/link]", "[bold]", "[/bold]", "[red", "]["]
ESCAPES = [
    "\\e]0;title\\a",
    "\\e[2J",
    "\\e]8;;http://evil.example\\e\\\\link",
    "\\x9b31m",
    "\\u202egnp.exe",
    "\\e[5mblink",
]
EXPRESSIONS = [
    "sin(3x)",
    "(2x+1)^3",
    "(2x+1",
    "9^9^9",
    "(x+1)^(10^6)",
    "((1/3)^(10^9))*(x+1)^2",
    "sinh" * 25 + "q",
    "x" * 600,
    "sin(" * 45 + "x" + ")" * 45,
    "e^(e^(e^(e^x)))",
    "ln(2x)",
]
TYPES = ["trig", "power", "log", "exponential", "applied", "trigonometry", "[/]"]


def _quoted(rng: random.Random, pieces: list[str]) -> str:
    """A double-quoted YAML string mixing text with markup and escape sequences."""
    return '"' + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 3))) + '"'


def _scalar(rng: random.Random) -> str:
    """A value of any shape: numbers huge and odd, strings long and hostile, tags, collections."""
    return rng.choice(
        [
            "9" * 5000,
            "1e999",
            "-.inf",
            ".nan",
            "1e15",
            "'10^15'",
            "'2*10^14'",
            "0x" + "f" * 3000,
            "0b" + "1" * 20000,
            "'" + "a" * 200_000 + "'",
            "2001-12-14",
            "2001-13-45",
            "!!binary aGVsbG8=",
            "!!set {a, b}",
            "!!python/object/apply:os.system ['true']",
            "[1, [2, [3, [4]]]]",
            "{a: 1, b: {c: 2}}",
            "~",
            "yes",
            _quoted(rng, ESCAPES + MARKUP),
            "'" + rng.choice(EXPRESSIONS) + "'",
        ]
    )


def _problem(rng: random.Random) -> str:
    """One problem entry: mostly well formed keys with hostile values, sometimes broken keys."""
    fields = {
        "id": _quoted(rng, MARKUP + ESCAPES + ["p"]),
        "type": rng.choice(TYPES),
        "expression": "'" + rng.choice(EXPRESSIONS) + "'",
    }
    if rng.random() < 0.5:
        fields["at"] = _scalar(rng)
    if rng.random() < 0.4:
        fields["note"] = _quoted(rng, ESCAPES + MARKUP + [" note "])
    if fields["type"] == "applied":
        fields.update(
            question=_quoted(rng, ESCAPES + MARKUP + [" How fast? "]),
            variable="r",
            rate=_scalar(rng) if rng.random() < 0.5 else "2",
            unit=_quoted(rng, [*ESCAPES, "cm/s"]),
            chain="[" + ", ".join(_quoted(rng, [*ESCAPES, "V"]) for _ in range(3)) + "]",
        )
        fields.setdefault("at", "5")
    if rng.random() < 0.2:
        fields[rng.choice(["difficulty", "dificulty", "<<", "id"])] = _scalar(rng)
    lines = [f"{key}: {value}" for key, value in fields.items()]
    if rng.random() < 0.15:
        lines.append(f"id: {_quoted(rng, MARKUP)}")  # a duplicate key
    return "  - " + "\n    ".join(lines)


def _bank(seed: int) -> bytes:
    """A whole bank file for one seed: problems, and sometimes a structural hazard."""
    rng = random.Random(seed)
    body = "problems:\n" + "\n".join(_problem(rng) for _ in range(rng.randint(2, 6))) + "\n"
    hazard = rng.choice(["none", "none", "bomb", "anchor", "deep", "junk", "duplicate-top"])
    if hazard == "bomb":
        lines = ["a0: &a0 ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']"]
        lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
        body = (
            "\n".join(lines) + "\n" + body + "  - {id: *a11, type: trig, expression: 'sin(3x)'}\n"
        )
    elif hazard == "anchor":
        body = body + "  - &p {id: q, type: trig, expression: 'sin(3x)'}\n  - *p\n"
    elif hazard == "deep":
        depth = rng.choice([20, 900, 5000])
        body = body + "  - " + "[" * depth + "]" * depth + "\n"
    elif hazard == "junk":
        return body.encode() + bytes(rng.randrange(256) for _ in range(64))
    elif hazard == "duplicate-top":
        body = body + "problems: []\n"
    return body.encode()


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.mark.parametrize("seed", range(14))
def test_random_hostile_bank_ends_in_a_message(tmp_path: Path, seed: int) -> None:
    """validate, list and quiz on a random hostile bank: a message, codes 0-2, nothing obeyed."""
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(_bank(seed))
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(path)],
        input=b"s\ns\ns\ns\nq\n",
        capture_output=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        cwd=ROOT,
        preexec_fn=_capped,
        timeout=CASE_SECONDS,
        check=False,
    )
    elapsed = time.monotonic() - started
    errors = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in errors, errors[-3000:]
    assert proc.returncode == 0, errors[-3000:]
    codes = [line for line in errors.splitlines() if line.startswith("CODES ")]
    assert codes, errors[-3000:]
    assert set(eval(codes[-1][6:])) <= {0, 1, 2}, codes  # a list of ints we printed ourselves
    assert "fuzz.yaml" in errors  # validate named the file in a message
    everything = proc.stdout.decode("utf-8", "replace") + errors
    for forbidden in ("\x1b]", "\x07", "\x1b[2J", "\x1b[5m", "\x9b", "\u202e"):
        assert forbidden not in everything, (forbidden, seed)
    assert elapsed < CASE_SECONDS


def test_the_fuzz_covers_every_hazard() -> None:
    """The seeds in use reach each structural hazard and each kind of hostile value."""
    texts = [_bank(seed) for seed in range(14)]
    joined = b"\n".join(texts)
    for marker in (b"*a11", b"&p", b"[[[[[[[[[[[[[[[[[[[[", b"problems: []", b"\\e]0;", b"[/]"):
        assert marker in joined, marker
    assert any(not t.isascii() for t in texts)  # some junk bytes
