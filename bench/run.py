"""chainrule's benchmarks: ratios measured side by side, in one run.

    python bench/run.py            # prints a table and writes bench/results.json
    python bench/run.py --quick    # fewer repetitions

Machines here are shared and noisy, so absolute times drift: every comparison
interleaves the two commands (A, B, A, B, …) and reports medians and their
ratio. Nothing here is a pass/fail test; the README quotes the latest figures.

Commands run as an installed chainrule does: with its bytecode compiled (pip
compiles it at install). The bytecode goes to a temporary folder
(``PYTHONPYCACHEPREFIX``), so nothing is written into the source tree;
``--no-bytecode`` measures with none at all (every module compiled at every
start, as ``PYTHONDONTWRITEBYTECODE`` in a checkout does).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MINIMAL_TYPER_APP = '''
import typer
app = typer.Typer()
@app.command()
def first(name: str) -> None:
    """The first command."""
@app.command()
def second(count: int = 1) -> None:
    """The second command."""
app()
'''

from tests.test_cli_solve import HOSTILE  # noqa: E402 - one list of hostile inputs, shared with the tests

#: The environment of every command timed (``use_bytecode`` sets how modules are loaded).
ENV: dict[str, str] = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
#: The six chain-rule types: the bank of 1,200 generated problems is 200 of each.
CHAIN_TYPES = ("power", "exponential", "trig", "root", "log", "quadratic-inside")


def use_bytecode(cached: bool) -> None:
    """Time commands with their bytecode compiled once (as installed), or compiled every time."""
    if cached:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="chainrule-bench-pyc-")
    else:
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"
        ENV.pop("PYTHONPYCACHEPREFIX", None)


def run(cmd: list[str], stdin: str | None = None, home: str | None = None) -> float:
    env = ENV if home is None else {**ENV, "CHAINRULE_HOME": home}
    start = time.perf_counter()
    subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, check=False)
    return time.perf_counter() - start


def until(cmd: list[str], marker: str, home: str, answer: str = "q\n") -> float:
    """Seconds from starting ``cmd`` until ``marker`` is on its standard output.

    Then ``answer`` is typed and the command is left to end. Output is
    unbuffered (``PYTHONUNBUFFERED``), as on a terminal, so the time is when
    the text was printed.
    """
    env = {**ENV, "CHAINRULE_HOME": home, "PYTHONUNBUFFERED": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert proc.stdout is not None and proc.stdin is not None
    seen = b""
    elapsed = math.inf
    while True:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        chunk = os.read(proc.stdout.fileno(), 65536) if ready else b""
        if not chunk:
            break
        seen += chunk
        if marker.encode() in seen:
            elapsed = time.perf_counter() - start
            break
    try:
        proc.stdin.write(answer.encode())
        proc.stdin.close()
    except OSError:
        pass
    proc.stdout.read()
    proc.wait(timeout=120)
    return elapsed


def side_by_side(
    a: Callable[[], float], b: Callable[[], float], repeats: int
) -> tuple[float, float]:
    """Medians of a and b, measured alternately so drift hits both alike."""
    a(), b()  # warm the file cache
    times_a, times_b = [], []
    for _ in range(repeats):
        times_a.append(a())
        times_b.append(b())
    return statistics.median(times_a), statistics.median(times_b)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_startup(repeats: int) -> dict[str, float]:
    chainrule = [sys.executable, "-m", "chainrule_cli", "--help"]
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(MINIMAL_TYPER_APP)
        minimal = [sys.executable, handle.name, "--help"]
    ours, theirs = side_by_side(lambda: run(chainrule), lambda: run(minimal), repeats)
    tab_script = (
        f"source {ROOT / 'completions' / 'chainrule.bash'}; "
        "COMP_WORDS=(chainrule quiz --type ''); COMP_CWORD=3; _chainrule"
    )
    tab, bare = side_by_side(
        lambda: run(["bash", "-c", tab_script]), lambda: run(["bash", "-c", "true"]), repeats
    )
    os.unlink(handle.name)
    return {
        "help_s": ours,
        "minimal_typer_help_s": theirs,
        "help_ratio": ours / theirs,
        "static_tab_ms": (tab - bare) * 1000,
        "static_tab_total_ms": tab * 1000,
    }


def bench_solve(repeats: int) -> dict[str, float]:
    solve = [sys.executable, "-m", "chainrule_cli", "solve", "(3x+1)^2", "--at", "1"]
    bare = [
        sys.executable,
        "-c",
        "import sympy; x = sympy.Symbol('x'); print(sympy.diff((3*x+1)**2, x).subs(x, 1))",
    ]
    cpu: dict[str, list[float]] = {"ours": [], "theirs": []}

    def timed(cmd: list[str], key: str) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        elapsed = run(cmd)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[key].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return elapsed

    ours, theirs = side_by_side(
        lambda: timed(solve, "ours"), lambda: timed(bare, "theirs"), repeats
    )
    # CPU time as well: on a shared machine it drifts less than the wall clock.
    ours_cpu, theirs_cpu = (statistics.median(cpu[k][1:]) for k in ("ours", "theirs"))
    return {
        "solve_s": ours,
        "bare_sympy_diff_s": theirs,
        "solve_ratio": ours / theirs,
        "solve_cpu_s": ours_cpu,
        "bare_sympy_diff_cpu_s": theirs_cpu,
        "solve_cpu_ratio": ours_cpu / theirs_cpu,
    }


def answer_pairs() -> list[tuple[str, str | None, str]]:
    """(problem, at, answer): a right and a wrong answer for bank problems."""
    from chainrule_cli.bank.load import load
    from chainrule_cli.maths.analysis import analyse, real_chains

    pairs: list[tuple[str, str | None, str]] = []
    for problem in [p for p in load().problems if not p.applied][::4]:
        analysis = analyse(problem.expression)
        right = str(analysis.derivative)
        layers = real_chains(analysis.tree)
        wrong = str(layers[0].outer_derivative) if layers else "0"
        pairs.append((problem.expression, None, right))
        pairs.append((problem.expression, None, wrong))
    return pairs


def bench_check() -> dict[str, float]:
    """Enter to verdict: the checker is built when the problem is shown; time check() alone."""
    from chainrule_cli.maths.checking import Checker

    warm: list[float] = []
    cold: list[float] = []
    pairs = answer_pairs()
    Checker.for_text("sin(x^2)").check("2x cos(x^2)")  # import and cache warm-up
    for expression, at, answer in pairs:
        start = time.perf_counter()
        checker = Checker.for_text(expression, at)
        built = time.perf_counter()
        checker.check(answer)
        done = time.perf_counter()
        warm.append(done - built)
        cold.append(done - start)
    return {
        "pairs": len(pairs),
        "check_median_ms": statistics.median(warm) * 1000,
        "check_p95_ms": percentile(warm, 0.95) * 1000,
        "check_worst_ms": max(warm) * 1000,
        "check_with_setup_median_ms": statistics.median(cold) * 1000,
        "check_with_setup_p95_ms": percentile(cold, 0.95) * 1000,
    }


def bench_quiz(repeats: int) -> dict[str, float]:
    """A scripted 20-problem quiz against a 1-problem quiz: the difference per problem."""
    from chainrule_cli.bank.load import load
    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.practice.deck import build_deck

    problems = list(
        build_deck(load(), ["power", "trig", "log"], None, 20, seed=1, shuffle=True).problems
    )
    answers = []
    for p in problems:
        a = analyse(p.expression)
        if p.at is None:
            answers.append(str(a.derivative))
        else:
            from chainrule_cli.maths.explain import explain
            from chainrule_cli.maths.points import values_at
            from chainrule_cli.reading.parsing import parse_number

            answers.append(str(values_at(a, parse_number(p.at), explain(a.tree))[0]))
    home = tempfile.mkdtemp()
    base = [
        sys.executable,
        "-m",
        "chainrule_cli",
        "quiz",
        "--type",
        "power",
        "--type",
        "trig",
        "--type",
        "log",
        "--seed",
        "1",
    ]
    one, twenty = side_by_side(
        lambda: run([*base, "--count", "1"], answers[0] + "\n", home),
        lambda: run([*base, "--count", "20"], "\n".join(answers) + "\n", home),
        repeats,
    )
    return {"quiz_1_s": one, "quiz_20_s": twenty, "quiz_per_problem_ms": (twenty - one) / 19 * 1000}


def bench_first(repeats: int) -> dict[str, float]:
    """From ``chainrule quiz`` to its first problem on screen, against ``chainrule --help``.

    The time is taken when the line under the first problem ("Type your
    answer, …") is printed: the prompt follows it at once. Warm: the student
    has quizzed before (the problems are proven and the bank was read before,
    as after any earlier quiz). Cold: a new data directory each time (the
    first quiz ever: SymPy must be loaded to check the first problem).
    """
    quiz = [sys.executable, "-m", "chainrule_cli", "quiz", "--count", "5", "--seed", "1"]
    helps = [sys.executable, "-m", "chainrule_cli", "--help"]
    marker = "Type your answer"
    home = tempfile.mkdtemp(prefix="chainrule-bench-home-")
    until(quiz, marker, home)  # the quiz before: it proves its first problem, reads the bank
    warm, help_s = side_by_side(lambda: until(quiz, marker, home), lambda: run(helps), repeats)

    def cold_first() -> float:
        fresh = tempfile.mkdtemp(prefix="chainrule-bench-home-")
        try:
            return until(quiz, marker, fresh)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)

    cold, help_again = side_by_side(cold_first, lambda: run(helps), max(3, repeats // 3))
    shutil.rmtree(home, ignore_errors=True)
    return {
        "quiz_first_s": warm,
        "quiz_first_help_s": help_s,
        "quiz_first_ratio": warm / help_s,
        "quiz_first_cold_s": cold,
        "quiz_first_cold_ratio": cold / help_again,
    }


def bench_validate(repeats: int, seed: int = 16) -> dict[str, float]:
    """``bank validate`` on 1,200 generated problems (6 types × 200), start-up subtracted.

    Start-up is ``bank validate`` on a bank of one proven problem: the same
    command, SymPy loaded, nothing to check. Cold: nothing proven before (a new
    data directory each run), every problem checked over all cores, against a
    start-up that checks its one problem (so SymPy is loaded in both). Warm: the
    second run over the unchanged bank (here: the problems ``generate`` proved
    as it made them). ``generate`` itself is timed too.
    """
    folder = Path(tempfile.mkdtemp(prefix="chainrule-bench-bank-"))
    made = folder / "generated.yaml"
    one = folder / "one.yaml"
    one.write_text("problems:\n  - {id: a, type: trig, expression: 'sin(3x)'}\n", "utf-8")
    home = str(folder / "home")
    types = [word for kind in CHAIN_TYPES for word in ("--type", kind)]
    generate = [sys.executable, "-m", "chainrule_cli", "generate", *types, "--count", "200"]
    start = time.perf_counter()
    with made.open("w", encoding="utf-8") as out:
        subprocess.run(
            [*generate, "--seed", str(seed)],
            stdout=out,
            stderr=subprocess.DEVNULL,
            env={**ENV, "CHAINRULE_HOME": home},
            check=True,
        )
    generate_s = time.perf_counter() - start
    count = sum(1 for line in made.read_text("utf-8").splitlines() if line.startswith("- id: "))
    validate = [sys.executable, "-m", "chainrule_cli", "bank", "validate"]
    run([*validate, str(one)], home=home)  # proves the one problem of the start-up bank
    warm, startup = side_by_side(
        lambda: run([*validate, str(made)], home=home),
        lambda: run([*validate, str(one)], home=home),
        repeats,
    )

    def cold(bank: Path) -> float:
        fresh = str(folder / f"cold-{time.monotonic_ns()}")
        try:
            return run([*validate, str(bank)], home=fresh)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)

    # Cold start-up checks its one problem too: SymPy is loaded in both.
    cold_s, startup_cold = side_by_side(lambda: cold(made), lambda: cold(one), max(2, repeats // 4))
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "validate_problems": count,
        "validate_startup_s": startup,
        "validate_warm_s": warm,
        "validate_warm_per_s": count / max(warm - startup, 1e-3),
        "validate_cold_s": cold_s,
        "validate_cold_startup_s": startup_cold,
        "validate_cold_per_s": (count - 1) / max(cold_s - startup_cold, 1e-3),
        "validate_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1,
        "generate_s": generate_s,
        "generate_per_s": count / generate_s,
    }


def bench_bank() -> dict[str, float]:
    from chainrule_cli.bank.load import load
    from chainrule_cli.bank.validate import validate

    start = time.perf_counter()
    bank = load()
    issues = validate(bank, cached=False)  # the shipped bank is proven: check it all the same
    elapsed = time.perf_counter() - start
    return {
        "bank_problems": len(bank.problems),
        "bank_issues": len(issues),
        "bank_validate_s": elapsed,
        "bank_problems_per_s": len(bank.problems) / elapsed,
    }


def bench_load(repeats: int) -> dict[str, float]:
    """Reading a bank just under the 5 MB cap: ``bank.parse_bank`` as it is (one pass over
    the parser's events, ``bankyaml.read``) against the same with PyYAML's composer and
    constructor (``bankyaml.read_slowly``, what it did before), side by side, CPU time."""
    from unittest import mock

    from chainrule_cli.bank import yamlfile as bankyaml
    from chainrule_cli.bank.load import parse_bank
    from chainrule_cli.bank.problem import MAX_BANK_BYTES

    lines = ["problems:"]
    size = len(lines[0]) + 1
    i = 0
    while size < MAX_BANK_BYTES - 200:
        entry = [
            f"- id: big-{i:06d}",
            "  type: power",
            f"  expression: (3x+{i % 97 + 1})^{i % 5 + 2}",
            f"  difficulty: {i % 3 + 1}",
        ]
        lines += entry
        size += sum(len(line) + 1 for line in entry)
        i += 1
    text = "\n".join(lines[:-4]) + "\n"

    def timed(slow: bool) -> float:
        start = time.process_time()
        if slow:
            with mock.patch.object(bankyaml, "read", bankyaml.read_slowly):
                problems, _ = parse_bank(text, "big.yaml")
        else:
            problems, _ = parse_bank(text, "big.yaml")
        assert len(problems) == i - 1
        return time.process_time() - start

    fast, slow = side_by_side(lambda: timed(False), lambda: timed(True), max(3, repeats // 3))
    return {
        "load_problems": i - 1,
        "load_bytes": len(text.encode()),
        "load_s": fast,
        "load_pyyaml_s": slow,
        "load_speedup": slow / fast,
    }


def bench_hostile() -> dict[str, float | str]:
    worst, which = 0.0, ""
    for text in HOSTILE:
        elapsed = run([sys.executable, "-m", "chainrule_cli", "solve", text])
        if elapsed > worst:
            worst, which = elapsed, text[:40]
    return {"hostile_worst_s": worst, "hostile_worst_input": which}


def bench_verdicts() -> dict[str, object]:
    """The differential test against SymPy (counts, not times) and the textbook corpus."""
    import yaml

    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.maths.checking import Checker
    from chainrule_cli.reading.parsing import parse_number
    from tests.differential import FUNCTIONS, SEED
    from tests.differential import run as differential

    tally = differential(FUNCTIONS, seed=SEED)
    corpus = yaml.safe_load((ROOT / "tests" / "corpus" / "textbook.yaml").read_text("utf-8"))
    accepted = caught = named = wrong = 0
    for item in corpus["items"]:
        at = item.get("at")
        checker = Checker(
            analyse(item["function"], item.get("variable") or "x"),
            parse_number(str(at)) if at is not None else None,
        )
        answer = item["value"] if at is not None and item.get("value") else item["answer"]
        accepted += checker.check(str(answer)).correct
        for slip in item["wrong"]:
            verdict = checker.check(str(slip["answer"]))
            wrong += 1
            caught += not verdict.correct
            named += slip["mistake"] in (verdict.mistake, *verdict.also)
    return {
        "differential": tally.as_dict(),
        "corpus": {
            "items": len(corpus["items"]),
            "published_answers_accepted": accepted,
            "wrong_answers": wrong,
            "wrong_caught": caught,
            "wrong_named": named,
        },
    }


#: A 12-node graph for the backprop bench: 5 inputs, 7 gates, with a fan-out.
BACKPROP_GRAPH = (
    "f = sigmoid(w0*x0 + w1*x1 + w2)*max(x0, x1) + w0",
    "w0=2,x0=-1,w1=-3,x1=-2,w2=-3",
)


def bench_backprop(repeats: int) -> dict[str, object]:
    """``backprop EXPR``: no SymPy imported, its time beside ``chainrule --help``, the
    in-process practice verdict, and the random-graph test against SymPy (counts)."""
    from chainrule_cli.graph import byhand
    from chainrule_cli.graph.engine import solve
    from tests import test_backprop_engine as engine_tests

    expr, at = BACKPROP_GRAPH
    command = [sys.executable, "-m", "chainrule_cli", "backprop", expr, "--at", at]
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "chainrule_cli", "backprop", expr, "--at", at],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    sympy_imported = any(
        line.rsplit("|", 1)[-1].strip().startswith("sympy") for line in traced.stderr.splitlines()
    )
    helps = [sys.executable, "-m", "chainrule_cli", "--help"]
    ours, theirs = side_by_side(lambda: run(command), lambda: run(helps), repeats)
    graph = solve(expr, at)
    steps = byhand.steps(graph)
    byhand.check(graph, steps[-1], "0.39")  # SymPy's first import, for the number rule
    times = []
    for k in range(200):
        step = steps[k % len(steps)]
        start = time.perf_counter()
        byhand.check(graph, step, "0.5" if k % 2 else "-3")
        times.append(time.perf_counter() - start)
    engine_tests.RESULTS.update(graphs=0, disagreements=0, skipped_kinks=0)
    engine_tests.test_random_graphs_agree_with_sympy_and_differences()
    return {
        "backprop": {
            "nodes": len(graph.nodes),
            "sympy_imported": sympy_imported,
            "backprop_s": ours,
            "help_s": theirs,
            "ratio": ours / theirs,
            "verdict_median_ms": statistics.median(times) * 1000,
            "verdict_p95_ms": percentile(times, 0.95) * 1000,
            "random_graphs": dict(engine_tests.RESULTS),
        }
    }


TREE_SOLVE = [
    "solve",
    "z = x^2*y + sin(y)",
    "--where",
    "x = s*t",
    "--where",
    "y = s + t^2",
    "--wrt",
    "s",
    "--at",
    "s=1,t=2",
]
TREE_BARE = (
    "import sympy as sp; s, t = sp.symbols('s t'); x, y = s*t, s + t**2; "
    "d = sp.diff(x**2*y + sp.sin(y), s); print(d, d.subs({s: 1, t: 2}))"
)


def bench_tree(repeats: int, full: bool = True) -> dict[str, object]:
    """Issue #26: ``solve --where`` beside an equivalent bare SymPy script (wall and CPU),
    the in-process verdict's median, and the differential test over generated trees."""
    from chainrule_cli.graph.judge import TreeJudge
    from chainrule_cli.graph.tree import build_tree
    from tests.tree_differential import SEED, TREES
    from tests.tree_differential import run as tree_differential

    cpu: dict[str, list[float]] = {"ours": [], "theirs": []}

    def timed(cmd: list[str], key: str) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        elapsed = run(cmd)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[key].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return elapsed

    ours, theirs = side_by_side(
        lambda: timed([sys.executable, "-m", "chainrule_cli", *TREE_SOLVE], "ours"),
        lambda: timed([sys.executable, "-c", TREE_BARE], "theirs"),
        repeats,
    )
    ours_cpu, theirs_cpu = (statistics.median(cpu[k][1:]) for k in ("ours", "theirs"))
    tree = build_tree("z = x^2*y + sin(y)", ["x = s*t", "y = s + t^2"], "s")
    judge = TreeJudge(tree, {"s": 1, "t": 2})
    answers = [
        "2x y t + x^2 + cos y",
        "s^2 t^2 + 2s t^2 (s + t^2) + cos(s + t^2)",
        "∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s",
        "44 + cos(5)",
        "2x y t",
        "2x y s + x^2 + cos y",
    ]
    judge.check(answers[0])  # the first verdict imports the float library
    times: list[float] = []
    for _ in range(max(3, repeats)):
        for answer in answers:
            start = time.perf_counter()
            judge.check(answer)
            times.append(time.perf_counter() - start)
    report = tree_differential(TREES if full else 100, SEED)
    return {
        "tree_solve_s": ours,
        "tree_bare_sympy_s": theirs,
        "tree_solve_ratio": ours / theirs,
        "tree_solve_cpu_s": ours_cpu,
        "tree_bare_sympy_cpu_s": theirs_cpu,
        "tree_solve_cpu_ratio": ours_cpu / theirs_cpu,
        "tree_verdict_median_ms": statistics.median(times) * 1000,
        "tree_verdict_p95_ms": sorted(times)[int(0.95 * (len(times) - 1))] * 1000,
        "tree_differential": report.as_dict(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="compile every module at every start (as PYTHONDONTWRITEBYTECODE does)",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--only",
        help="run one step (startup, solve, first, check, quiz, bank, validate, load, hostile, "
        "verdicts, backprop, tree) and merge its figures into the existing results file",
    )
    args = parser.parse_args()
    repeats = 5 if args.quick else 15
    use_bytecode(not args.no_bytecode)
    # A data directory of its own: nothing proven or read before, and the user's left alone.
    home = tempfile.mkdtemp(prefix="chainrule-bench-home-")
    os.environ["CHAINRULE_HOME"] = ENV["CHAINRULE_HOME"] = home
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "python": sys.version.split()[0],
        "repeats": repeats,
        "bytecode": "none" if args.no_bytecode else "cached",
    }
    for name, step in (
        ("startup", lambda: bench_startup(repeats)),
        ("solve", lambda: bench_solve(repeats)),
        ("first", lambda: bench_first(repeats)),
        ("check", bench_check),
        ("quiz", lambda: bench_quiz(max(3, repeats // 3))),
        ("bank", bench_bank),
        ("validate", lambda: bench_validate(max(3, repeats // 3))),
        ("load", lambda: bench_load(repeats)),
        ("hostile", bench_hostile),
        ("verdicts", bench_verdicts),
        ("backprop", lambda: bench_backprop(repeats)),
        ("tree", lambda: bench_tree(repeats, full=not args.quick)),
    ):
        if args.only and name != args.only:
            continue
        print(f"running {name} …", file=sys.stderr)
        results.update(step())
    if args.only:
        out = Path(args.out)
        merged = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        merged.update(results)
        Path(args.out).write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
        print(
            json.dumps(
                {k: results[k] for k in results if k not in ("python", "repeats", "bytecode")},
                indent=2,
            )
        )
        return
    rows = [
        (
            "chainrule --help / minimal typer app --help",
            f"{results['help_ratio']:.2f}×",
            f"{results['help_s'] * 1000:.0f} ms vs {results['minimal_typer_help_s'] * 1000:.0f} ms",
        ),
        (
            "static TAB completion (bash, beyond starting bash)",
            f"{results['static_tab_ms']:.1f} ms",
            "no Python started",
        ),
        (
            "solve (3x+1)^2 --at 1 / bare sympy diff",
            f"{results['solve_ratio']:.2f}×",
            f"{results['solve_s'] * 1000:.0f} ms vs {results['bare_sympy_diff_s'] * 1000:.0f} ms"
            f" (CPU {results['solve_cpu_ratio']:.2f}×)",
        ),
        (
            "quiz: first problem on screen / --help",
            f"{results['quiz_first_ratio']:.2f}×",
            f"{results['quiz_first_s'] * 1000:.0f} ms vs {results['quiz_first_help_s'] * 1000:.0f} ms"
            f" (first quiz ever: {results['quiz_first_cold_s'] * 1000:.0f} ms)",
        ),
        (
            f"answer check, {results['pairs']} pairs (median / p95 / worst)",
            f"{results['check_median_ms']:.1f} / {results['check_p95_ms']:.1f} / {results['check_worst_ms']:.1f} ms",
            f"with checker set-up: {results['check_with_setup_median_ms']:.1f} / {results['check_with_setup_p95_ms']:.1f} ms",
        ),
        (
            "quiz: time per answered problem (20 vs 1)",
            f"{results['quiz_per_problem_ms']:.0f} ms",
            f"{results['quiz_20_s']:.2f} s vs {results['quiz_1_s']:.2f} s",
        ),
        (
            "bank validate (shipped bank)",
            f"{results['bank_problems_per_s']:.0f} problems/s",
            f"{results['bank_problems']} problems in {results['bank_validate_s']:.2f} s",
        ),
        (
            f"bank validate, {results['validate_problems']} generated problems, proven before",
            f"{results['validate_warm_per_s']:.0f} problems/s",
            f"{results['validate_warm_s']:.2f} s, start-up {results['validate_startup_s']:.2f} s",
        ),
        (
            f"bank validate, {results['validate_problems']} generated problems, nothing proven",
            f"{results['validate_cold_per_s']:.0f} problems/s",
            f"{results['validate_cold_s']:.1f} s on {results['validate_cores']} cores",
        ),
        (
            f"generate {results['validate_problems']} problems (each one validated)",
            f"{results['generate_per_s']:.0f} problems/s",
            f"{results['generate_s']:.1f} s",
        ),
        (
            f"load a bank near the 5 MB cap ({results['load_problems']:,} problems)",
            f"{results['load_speedup']:.1f}× faster",
            f"{results['load_s']:.2f} s vs {results['load_pyyaml_s']:.2f} s with PyYAML's loader",
        ),
        (
            "slowest hostile input (solve, whole process)",
            f"{results['hostile_worst_s']:.2f} s",
            str(results["hostile_worst_input"]),
        ),
        (
            f"backprop EXPR ({results['backprop']['nodes']} nodes) / chainrule --help",
            f"{results['backprop']['ratio']:.2f}×",
            f"practice verdict {results['backprop']['verdict_median_ms']:.1f} ms (median); "
            f"SymPy imported: {results['backprop']['sympy_imported']}",
        ),
        (
            "solve --where (tree) / bare sympy script",
            f"{results['tree_solve_ratio']:.2f}×",
            f"{results['tree_solve_s'] * 1000:.0f} ms vs {results['tree_bare_sympy_s'] * 1000:.0f} ms"
            f" (CPU {results['tree_solve_cpu_ratio']:.2f}×)",
        ),
        (
            "tree verdict, in process (median / p95)",
            f"{results['tree_verdict_median_ms']:.1f} / {results['tree_verdict_p95_ms']:.1f} ms",
            "judge built once",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\nchainrule benchmarks, {results['date']}, Python {results['python']}\n")
    for label, value, detail in rows:
        print(f"  {label:<{width}}  {value:>22}   {detail}")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
