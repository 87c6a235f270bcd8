"""chainrule backprop on the command line: no SymPy, the drawing, ASCII, the lab and --compare."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from chainrule_cli.cli import app

runner = CliRunner()
CS231N = ["backprop", "f = (x + y)*z", "--at", "x=-2,y=5,z=-4"]


def test_backprop_expr_imports_no_sympy() -> None:
    """`backprop EXPR` runs without importing SymPy (the engine is plain Python)."""
    code = (
        "import sys, runpy\n"
        "sys.argv = ['chainrule', 'backprop', 'f = sigmoid(w0*x0 + w1*x1 + w2)*max(x0, x1) + w0',"
        " '--at', 'w0=2,x0=-1,w1=-3,x1=-2,w2=-3', '--paths']\n"
        "try:\n    runpy.run_module('chainrule_cli', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        "print('SYMPY' if 'sympy' in sys.modules else 'CLEAN', file=sys.stderr)\n"
    )
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.stderr.strip().endswith("CLEAN"), done.stderr
    assert "Gradient check" in done.stdout


def test_drawing_shows_each_node_once_with_fan_out() -> None:
    """The graph drawing has every node once with value|grad, and a fork feeds two nodes."""
    result = runner.invoke(app, ["backprop", "e = (a + b)*(b + 1)", "--at", "a=2,b=1"])
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("The graph"))
    drawing = "\n".join(lines[start + 1 : start + 4])
    assert drawing.count("[b 1|5] → c, d") == 1
    for box in ("[a 2|2]", "[c 3|2]", "[d 2|3]", "[e 6|1]"):
        assert drawing.count(box) == 1
    assert all(len(line) <= 80 for line in lines)


def test_twelve_nodes_drawn_in_80_columns() -> None:
    """The bench's 12-node graph is drawn within 80 columns, each node once."""
    expr = "f = sigmoid(w0*x0 + w1*x1 + w2)*max(x0, x1) + w0"
    result = runner.invoke(app, ["backprop", expr, "--at", "w0=2,x0=-1,w1=-3,x1=-2,w2=-3"])
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("The graph"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Gradient check"))
    drawing = lines[start + 1 : end]
    assert all(len(line) <= 80 for line in drawing)
    assert sum(line.count("[") for line in drawing) == 12
    assert "[w0 2|1.2] → a, f" in "\n".join(drawing)


def test_large_graph_says_table_only() -> None:
    """Past twelve nodes the drawing is left out, and the screen says so."""
    expr = "f = sigmoid(w0*x0 + w1*x1 + w2)*max(x0, x1) - relu(w0 - w1)"
    result = runner.invoke(app, ["backprop", expr, "--at", "w0=2,x0=-1,w1=-3,x1=-2,w2=-3"])
    assert result.exit_code == 0
    assert "too many to draw at this width, so the table stands alone" in " ".join(
        result.stdout.split()
    )


def test_ascii_terminal() -> None:
    """With CHAINRULE_ASCII the whole screen is ASCII."""
    result = runner.invoke(app, [*CS231N, "--paths"], env={"CHAINRULE_ASCII": "1"})
    assert result.exit_code == 0
    assert result.stdout.isascii()
    assert "df/dx += df/da * da/dx = -4 * 1 = -4" in result.stdout


def test_backward_pass_shows_forks_added() -> None:
    """At a fork both contributions are shown and added with +=."""
    result = runner.invoke(app, ["backprop", "e = (a + b)*(b + 1)", "--at", "a=2,b=1"])
    out = result.stdout
    assert "∂e/∂b += ∂e/∂d × ∂d/∂b = 3 × 1 = 3" in out
    assert "∂e/∂b += ∂e/∂c × ∂c/∂b = 2 × 1 = 2   (a fork: 2 contributions, total 5)" in out
    assert "3×1 + 2×1 = 5" in out  # the table's gradient cell: both, added


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["backprop", "f = x*y"], "give the inputs' values with --at", id="no-at"),
        pytest.param(["backprop", "--at", "x=1"], "need an expression", id="at-without-expr"),
        pytest.param(
            ["backprop", "f = x*y", "--at", "x=1,y=2", "--layers", "3"],
            "deep-chain lab",
            id="mixed",
        ),
    ],
)
def test_option_mistakes(args: list[str], message: str) -> None:
    """Options that do not go together are refused in one line with exit status 2."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_lab_is_unchanged_and_compare_reads_it_off() -> None:
    """The deep-chain lab still runs as before; --compare draws four series and reads them off."""
    lab = runner.invoke(app, ["backprop", "--layers", "10", "--activation", "sigmoid"])
    assert lab.exit_code == 0
    assert "The product of 10 factors vanishes" in lab.stdout
    compared = runner.invoke(app, ["backprop", "--layers", "10", "--compare"])
    assert compared.exit_code == 0
    for label in ("sigmoid", "tanh", "relu", "sigmoid + skip"):
        assert f"After 10 {label} layers the gradient is" in compared.stdout
    assert "After 10 sigmoid layers the gradient is 2×10⁻⁷ of what it was." in compared.stdout


@pytest.mark.parametrize(
    ("expression", "at", "ascii", "title", "node"),
    [
        ("L = (w*x + b - y)^2", "w=-1,x=2,b=1,y=1", False, "L = (w·x + b − y)²", "c² = 4"),
        ("L = (w*x + b - y)^2", "w=-1,x=2,b=1,y=1", True, "L = (w*x + b - y)^2", "c^2 = 4"),
        (
            "f = sigmoid(w0*x0 + w1*x1 + w2)",
            "w0=2,x0=-1,w1=-3,x1=-2,w2=-3",
            False,
            "f = σ(w0·x0 + w1·x1 + w2)",
            "σ(c)",
        ),
        ("f = relu(x - 2y)/2", "x=3,y=1", False, "f = relu(x − 2y)/2", "relu("),
    ],
)
def test_the_function_and_its_nodes_are_shown_as_read(
    expression: str,
    at: str,
    ascii: bool,
    title: str,
    node: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The title line prints the function through the one printer (·, −, ², σ), as every
    other screen does, and a node's power is c², not c^2; ASCII spells them back."""
    if ascii:
        monkeypatch.setenv("CHAINRULE_ASCII", "1")
    result = runner.invoke(app, ["backprop", expression, "--at", at])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(f"{title}   at ")
    assert node in result.stdout


def test_the_op_column_in_ascii_is_a_star_not_the_letter_x() -> None:
    """In ASCII × is spelled *, never x, which may be a variable's name in the same row."""
    result = runner.invoke(app, CS231N, env={"CHAINRULE_ASCII": "1"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "| a, z " in line)
    assert "| *     | a, z " in row
