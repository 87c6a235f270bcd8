"""Real streams, real special files, real encodings: every command ends cleanly.

Each test runs ``python -m chainrule_cli`` in a subprocess the way a shell
would start it (through tests/screens.py's ``launch``, so a machine busy with
other tests cannot cut its time limits short): stdout on /dev/full or closed, stdin closed, a FIFO or
/dev/zero as a bank, an ASCII or latin-1 terminal, a bank full of markup and
escape sequences. Nothing may hang, grow without bound, print a traceback or
obey a control sequence that came from data.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chainrule_cli.render import make_console, table
from tests.screens import launch

MEMORY_CAP = 1536 * 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent


def _capped(*also: Callable[[], None]) -> Callable[[], None]:
    """A preexec_fn: cap the address space at 1.5 GB, then run ``also``."""

    def setup() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        for step in also:
            step()

    return setup


def chainrule(
    *args: str,
    stdin: object = subprocess.DEVNULL,
    input: str | None = None,
    stdout: object = subprocess.PIPE,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """Run the CLI as a shell would, with a memory cap and a time limit."""
    full_env = {**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})}
    return subprocess.run(
        launch(*args),
        input=None if input is None else input.encode(),
        stdin=None if input is not None else stdin,  # type: ignore[arg-type]
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        env=full_env,
        cwd=ROOT,
        preexec_fn=_capped(*([preexec] if preexec else [])),
        timeout=timeout,
        check=False,
    )


def errors_of(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    return text


# -- special files as banks --------------------------------------------------------------------
@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "bank.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("bank", "list", "--bank"), id="bank-list"),
        pytest.param(("bank", "validate"), id="bank-validate"),
        pytest.param(("quiz", "--bank"), id="quiz"),
    ],
)
def test_a_fifo_as_a_bank_is_refused_without_blocking(fifo: Path, command: tuple[str, ...]) -> None:
    """Nobody writes to the FIFO: the command must refuse it at once, not wait for a writer."""
    proc = chainrule(*command, str(fifo), timeout=30)
    assert proc.returncode == 2
    assert f"error: {fifo} is a named pipe (FIFO): a bank must be a regular file" in errors_of(proc)


@pytest.mark.parametrize(
    ("device", "command"),
    [
        pytest.param("/dev/zero", ("bank", "validate"), id="zero-validate"),
        pytest.param("/dev/urandom", ("quiz", "--bank"), id="urandom-quiz"),
        pytest.param("/dev/zero", ("bank", "list", "--bank"), id="zero-list"),
    ],
)
def test_devices_as_banks_are_refused_without_reading(
    device: str, command: tuple[str, ...]
) -> None:
    """/dev/zero and /dev/urandom are never read: refused at once, under a 1.5 GB cap."""
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    proc = chainrule(*command, device, timeout=30)
    assert proc.returncode == 2
    assert f"{device} is a character device" in errors_of(proc)


def test_special_files_in_a_bank_folder_are_skipped_with_a_note(tmp_path: Path) -> None:
    """A FIFO named like a bank inside a folder is reported and skipped; the real bank loads."""
    (tmp_path / "good.yaml").write_text(
        "problems:\n  - {id: g, type: trig, expression: 'sin(3x)'}\n", encoding="utf-8"
    )
    os.mkfifo(tmp_path / "pipe.yaml")
    proc = chainrule("bank", "validate", str(tmp_path), timeout=30)
    assert proc.returncode == 1
    assert "pipe.yaml: a named pipe (FIFO), not a bank file: skipped" in errors_of(proc)
    assert "The 1 problem is valid. 1 issue with the bank files themselves." in " ".join(
        proc.stdout.decode().split()
    )


def test_a_bank_over_the_size_cap_is_refused_quickly(tmp_path: Path) -> None:
    """A 50 MB bank is refused by its size, without being parsed."""
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    proc = chainrule("bank", "validate", str(path), timeout=30)
    assert proc.returncode == 1
    assert "too large (50.0 MB or more; a bank is at most 5 MB)" in errors_of(proc)


@pytest.fixture
def locked_folder() -> Iterator[Path]:
    """A folder nobody may enter (mode 000), in a place everyone may reach."""
    with tempfile.TemporaryDirectory() as name:
        outer = Path(name)
        outer.chmod(0o755)
        locked = outer / "locked"
        locked.mkdir()
        (locked / "bank.yaml").write_text("problems: []\n", encoding="utf-8")
        locked.chmod(0o000)
        try:
            yield locked
        finally:
            locked.chmod(0o700)


def _without_root_powers() -> list[str]:
    """A command prefix under which folder permissions apply, even to root.

    Root passes any permission check through two capabilities; ``setpriv``
    drops them from the bounding set, so the run sees mode 000 as a normal user does.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("bank", "list", "--bank", "{bank}"), id="list-file-inside"),
        pytest.param(("bank", "validate", "{bank}"), id="validate-file-inside"),
        pytest.param(("quiz", "--bank", "{folder}"), id="quiz-folder"),
    ],
)
def test_an_unsearchable_folder_is_a_clean_error(
    locked_folder: Path, args: tuple[str, ...]
) -> None:
    """A bank in (or as) a folder we may not enter: one line naming it, exit 2."""
    filled = [a.format(bank=locked_folder / "bank.yaml", folder=locked_folder) for a in args]
    proc = subprocess.run(
        [*_without_root_powers(), *launch(*filled)],
        capture_output=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        cwd=ROOT,
        preexec_fn=_capped(),
        timeout=60,
        check=False,
    )
    errors = errors_of(proc)
    assert proc.returncode == 2
    assert "permission denied" in errors or "is not readable" in errors, errors


# -- full and closed streams --------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("solve", "sin(x^2)", "--at", "1"), id="solve"),
        pytest.param(("check", "sin(x^2)", "2x cos(x^2)"), id="check"),
        pytest.param(("bank", "list"), id="bank-list"),
        pytest.param(("stats",), id="stats"),
        pytest.param(("generate", "--count", "2", "--seed", "1"), id="generate"),
        pytest.param(("--help",), id="help"),
    ],
)
def test_stdout_on_a_full_device_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    """> /dev/full: the write fails, and the user gets one line on stderr and status 2."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "wb") as full:
        proc = chainrule(*args, stdout=full)
    assert proc.returncode == 2
    lines = errors_of(proc).strip().splitlines()
    assert lines[-1] == "error: cannot write the output: No space left on device"


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        pytest.param("BrokenPipeError(32, 'Broken pipe')", 1, "", id="reader-went-away"),
        pytest.param(
            "OSError(28, 'No space left on device')",
            2,
            "error: cannot write the output: No space left on device\n",
            id="disk-full",
        ),
        pytest.param(
            "OSError(5, 'Input/output error')",
            2,
            "error: cannot write the output: Input/output error\n",
            id="device-error",
        ),
    ],
)
def test_output_errors_map_to_one_line_and_a_status(error: str, status: int, message: str) -> None:
    """Whatever write fails inside a command: a quiet 1 for a closed pipe, else one line and 2.

    (Some sandboxes never report a closed pipe, so the failure is raised from the command.)
    """
    code = (
        "import chainrule_cli.cli as cli\n"
        f"def failing(**kwargs): raise {error}\n"
        "cli.application = lambda command=None: failing\n"
        "cli.main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60, check=False
    )
    assert proc.returncode == status
    assert proc.stderr.decode() == message


def _close_stdout() -> None:
    os.close(1)


def _close_stdin() -> None:
    os.close(0)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("solve", "sin(x^2)"), id="solve"),
        pytest.param(("bank", "list"), id="bank-list"),
        pytest.param(("--version",), id="version"),
    ],
)
def test_closed_stdout_is_not_success(args: tuple[str, ...]) -> None:
    """>&-: nothing can be shown, so the command says so on stderr and exits 2, never 0."""
    proc = chainrule(*args, stdout=subprocess.DEVNULL, preexec=_close_stdout)
    assert proc.returncode == 2
    assert "error: standard output is closed" in errors_of(proc)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("quiz", "--count", "1", "--seed", "3"), id="quiz"),
        pytest.param(("learn",), id="learn"),
    ],
)
def test_closed_stdin_reads_as_the_end_of_input(args: tuple[str, ...]) -> None:
    """<&-: the interactive commands see no input and end normally, with no AttributeError."""
    proc = chainrule(*args, preexec=_close_stdin)
    errors = errors_of(proc)
    assert "AttributeError" not in errors
    assert proc.returncode == 0, errors


def test_count_out_of_range_is_a_usage_error() -> None:
    """An absurd --count is refused by its range, not by a crash."""
    proc = chainrule("quiz", "--count", "99999999999999999999999")
    assert proc.returncode == 2
    assert "1000" in errors_of(proc)


# -- encodings -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def practised_home() -> Iterator[str]:
    """A data folder with a few answers in it, so stats and history have something to show."""
    home = tempfile.mkdtemp()
    proc = chainrule(
        "quiz",
        "--count",
        "3",
        "--seed",
        "2",
        input="x\nh\nh\ns\ncos(x)\ns\n1\n1\n1\n",
        env={"CHAINRULE_HOME": home},
    )
    assert proc.returncode == 0, proc.stderr.decode()
    yield home
    shutil.rmtree(home, ignore_errors=True)


ENCODED_COMMANDS = [
    pytest.param(("stats",), "", id="stats"),
    pytest.param(("history",), "", id="history"),
    pytest.param(("backprop",), "", id="backprop"),
    pytest.param(("learn",), "\n\n\nq\n", id="learn"),
    pytest.param(("plot", "sin(x^2)", "--at", "1"), "", id="plot"),
    pytest.param(("bank", "list", "--type", "applied"), "", id="bank-list"),
    pytest.param(
        ("generate", "--count", "2", "--seed", "1", "--type", "applied"), "", id="generate"
    ),
    pytest.param(("quiz", "--count", "1", "--seed", "1"), "h\nh\nh\nh\nh\nh\nh\nh\nh\n", id="quiz"),
    pytest.param(("solve", "sin(x^2)", "--at", "1"), "", id="solve"),
]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(("args", "answers"), ENCODED_COMMANDS)
def test_narrow_encodings_get_ascii_not_errors(
    practised_home: str, encoding: str, args: tuple[str, ...], answers: str
) -> None:
    """PYTHONIOENCODING=ascii or latin-1: every command finishes, in ASCII, with nothing lost to '?'."""
    proc = chainrule(
        *args,
        input=answers,
        env={"PYTHONIOENCODING": encoding, "CHAINRULE_HOME": practised_home},
    )
    errors = errors_of(proc)
    assert "UnicodeEncodeError" not in errors
    assert proc.returncode == 0, errors
    out = proc.stdout.decode(encoding)
    assert out.strip()
    assert "??" not in out  # a run of characters the encoding could not carry


def test_generated_ascii_bank_reads_back_the_same(tmp_path: Path) -> None:
    """generate on an ASCII output writes YAML escapes, which load as the same text."""
    proc = chainrule(
        "generate", "--type", "applied", "--count", "2", "--seed", "5",
        env={"PYTHONIOENCODING": "ascii"},
    )  # fmt: skip
    assert proc.returncode == 0
    ascii_file = tmp_path / "ascii.yaml"
    ascii_file.write_bytes(proc.stdout)
    utf8 = chainrule("generate", "--type", "applied", "--count", "2", "--seed", "5")
    utf8_file = tmp_path / "utf8.yaml"
    utf8_file.write_bytes(utf8.stdout)
    from chainrule_cli.bank.load import load

    assert load([ascii_file]).problems == load([utf8_file]).problems


# -- markup and escape sequences from data ---------------------------------------------------------
HOSTILE_BANK = r"""problems:
  - id: "[/]"
    type: trig
    expression: "sin(3x)"
    note: "[bold]Keep[/bold] the inner function."
  - id: "[link=http://e.x]a[/link]"
    type: applied
    question: "[red]How fast[/red] does the volume grow when r = 5 cm?"
    expression: "4/3 pi r^3"
    variable: r
    at: 5
    rate: 2
    unit: "cm^3/s"
    chain: [V, r, t]
  - id: "esc\e]0;title\a"
    type: trig
    expression: "sin(2x)"
    question: "\e]0;pwned\a"
    note: "\e[2J\e[31mcleared\e[0m"
    unit: "cm\e[5m"
    chain: ["V\e]8;;http://evil.example\e\\", r, t]
"""


@pytest.fixture
def hostile_bank(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_BANK, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "answers"),
    [
        pytest.param(("bank", "list", "--bank", "{bank}"), "", id="bank-list"),
        pytest.param(("bank", "validate", "{bank}"), "", id="bank-validate"),
        pytest.param(
            ("quiz", "--bank", "{bank}", "--no-shuffle"),
            "3cos(3x)\nh\nh\nh\nh\nh\nh\nh\nh\n",
            id="quiz-hints-and-summary",
        ),
    ],
)
@pytest.mark.parametrize("colour", ["NO_COLOR", "FORCE_COLOR"])
def test_markup_and_escapes_from_a_bank_are_shown_not_obeyed(
    hostile_bank: Path, args: tuple[str, ...], answers: str, colour: str
) -> None:
    """Ids like [/] print as written; OSC titles, links, screen clears never reach the terminal."""
    env = {"NO_COLOR": "1", "FORCE_COLOR": ""} if colour == "NO_COLOR" else {"FORCE_COLOR": "1"}
    if colour == "FORCE_COLOR":
        env["NO_COLOR"] = ""
    filled = [a.format(bank=hostile_bank) for a in args]
    proc = chainrule(*filled, input=answers, env=env)
    errors = errors_of(proc)
    assert proc.returncode == (0 if args[0] == "quiz" else 1), errors
    everything = proc.stdout + proc.stderr
    for forbidden in (b"\x1b]", b"\x07", b"\x1b[2J", b"\x1b[5m", b"\x1b\\"):
        assert forbidden not in everything, forbidden
    text = proc.stdout.decode()
    if args[:2] == ("bank", "list"):
        assert "[/]" in text and "[link=http://e.x]a[/link]" in text
    if args[0] == "quiz":
        assert "[bold]Keep[/bold] the inner function." in text  # the note, as written
        assert "[red]How fast[/red]" in text  # the question, as written
        assert "[link=http://e.x]a[/link]" in text  # the summary's "To review" table
    # The problem with escape sequences is refused, and named with them made visible.
    assert "esc\\x1b]0;title\\x07" in errors


def test_the_consoles_escape_control_characters_in_any_text() -> None:
    """The net under every view: a console made by render cannot emit a raw control character."""
    console = make_console(width=80)
    with console.capture() as captured:
        console.print("id \x1b]0;title\x07 [/] [link=http://x]y[/link] \x9b31m")
        console.print(table(["id"], [["[/]"], ["\x1b[31mred"]], unicode=False))
    out = captured.get()
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "\\x1b]0;title" in out and "[link=http://x]y[/link]" in out and "[/]" in out
