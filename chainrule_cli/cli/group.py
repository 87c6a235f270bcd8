"""The app's command group: command-line mistakes in the tool's own style, plain help.

Typer shows a usage error in a box, with the usage line above it. Here each
one is a line ``error: …`` and a line ``try 'chainrule quiz --help'`` on
stderr, exit status 2, in the words the tool's own errors use. Without
arguments (``chainrule``, ``chainrule bank``) the help goes to stdout and the
exit status is 0. The commands' list in the help is never cut with "...".
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
import typer.core

# typer (≥ 0.26) carries its own copy of click: its parts come from there.
from typer._click.core import Context
from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.formatting import HelpFormatter
from typer._click.parser import _OptionParser, _ParsingState

#: Every command's context: -h as well as --help.
CONTEXT = {"help_option_names": ["-h", "--help"]}


#: Stands in for "-" while help text is wrapped: a placeholder that is not a hyphen.
_HYPHEN = "\u2011"


class PlainHelpFormatter(HelpFormatter):
    """click's help formatter, but a line never breaks at a hyphen: option values
    such as check-with-numbers and quadratic-inside stay whole."""

    def write_text(self, text: str) -> None:
        super().write_text(text.replace("-", _HYPHEN))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(a, b.replace("-", _HYPHEN)) for a, b in rows], *args, **kwargs)

    def getvalue(self) -> str:
        return super().getvalue().replace(_HYPHEN, "-")


class PlainContext(Context):
    formatter_class = PlainHelpFormatter


class ExactOptionParser(_OptionParser):
    """click's option parser, but a word is an option only when it is exactly one.

    click reads ``-5 sech(x)`` as the short options ``-5``, ``-s``, …, ``-h``
    bundled together, and the ``-h`` in it prints the help with exit status 0:
    a script would take that for "correct". Here, a word that starts with ``-``
    is an option only when it is one of the command's options as typed
    (``-h``, ``--help``, ``--at``, ``--at=1``, ``-o``, ``-ofile``). Any other is
    maths in a command that reads maths (``-2x sinh(x)``, ``-theta``) and a
    usage error (exit status 2) elsewhere. Options are never bundled.
    """

    def _process_opts(self, arg: str, state: _ParsingState) -> None:
        if self._is_option(arg):
            super()._process_opts(arg, state)
        elif self.ignore_unknown_options and not option_like(arg):
            state.largs.append(arg)  # a command that reads maths: this is maths
        else:
            from difflib import get_close_matches

            name = arg.split("=", 1)[0] if arg.startswith("--") else arg
            possibilities = get_close_matches(name, self._long_opt)
            raise NoSuchOption(name, possibilities=possibilities, ctx=self.ctx)

    def _is_option(self, arg: str) -> bool:
        """``--at``, ``--at=1``, ``-h``, or a short option that takes a value with it (``-ofile``)."""
        if arg in self._long_opt or arg in self._short_opt:
            return True
        if arg.startswith("--"):
            option = self._long_opt.get(arg.split("=", 1)[0])
            return option is not None and option.takes_value
        option = self._short_opt.get(arg[:2])
        return option is not None and option.takes_value


def option_like(word: str) -> bool:
    """``--fast``, ``--no-cache=1``: a word maths cannot be, so a mistyped option."""
    name = word.split("=", 1)[0]
    return name.startswith("--") and name[2:].replace("-", "").isalpha()


class ExactOptions:
    """A command or group whose parser takes only exact options (``ExactOptionParser``)."""

    def make_parser(self, ctx: Context) -> _OptionParser:
        parser = ExactOptionParser(ctx)
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            param.add_to_parser(parser, ctx)
        return parser


class ChainruleGroup(ExactOptions, typer.core.TyperGroup):
    """The app's command group: command-line mistakes in the tool's own style.

    Typer shows usage errors in a box on stderr; here each one is a line
    ``error: …`` and a line ``try 'chainrule quiz --help'``, exit status 2.
    Without arguments (``chainrule``, ``chainrule bank``) the help is printed
    on stdout and the exit status is 0.
    """

    context_class = PlainContext

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        try:
            status = super().main(argv, prog_name, complete_var, False, **extra)
        except NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help())
            sys.exit(0)
        except UsageError as exc:
            usage_error(exc, argv, self.command_path(argv, prog_name or self.name or ""))
            sys.exit(2)
        except ClickException as exc:
            from chainrule_cli import render

            render.error(_sentence(exc.format_message()))
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)

    def command_path(self, argv: Sequence[str], prog: str) -> str:
        """``chainrule bank list``: the command the words on the line name."""
        path: list[str] = [prog]
        group: Any = self
        for word in argv:
            if word.startswith("-"):
                continue
            command = group.commands.get(word) if isinstance(group, typer.core.TyperGroup) else None
            if command is None:
                break
            path.append(word)
            group = command
        return " ".join(path)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands with the first sentence of their help, wrapped, never cut with "..."."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, _first_sentence(command.short_help or command.help or "")))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class ChainruleCommand(ExactOptions, typer.core.TyperCommand):
    """A command whose help names its arguments plainly: ``EXPRESSION``, never
    ``{expression}`` or ``EXPRESSION <str>``."""

    context_class = PlainContext

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_name(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), getattr(param, "help", None) or ""))
            else:
                record = param.get_help_record(ctx)
                if record is not None:
                    options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def _argument_name(param: Any) -> str:
    """EXPRESSION, [PATH]...: the metavar as declared, or the name in capitals."""
    if param.metavar:
        return str(param.metavar)
    name = (param.name or "").upper()
    name = name if param.required else f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


def use_plain_help(app: typer.Typer) -> None:
    """Every command of ``app`` (and of its sub-apps) made a ``ChainruleCommand``."""
    for info in app.registered_commands:
        if info.cls in (None, typer.core.TyperCommand):
            info.cls = ChainruleCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            use_plain_help(group.typer_instance)


def _first_sentence(text: str) -> str:
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    return paragraph.split(". ")[0].rstrip(".") + "."


def usage_error(exc: UsageError, argv: Sequence[str], path: str) -> None:
    """``error: …`` and ``try 'chainrule quiz --help'`` for the command in question."""
    from chainrule_cli import render

    render.error(usage_message(exc, argv))
    command = exc.ctx.command_path if exc.ctx is not None else path
    render.line(f"try '{command} --help'", stderr=True)


def usage_message(exc: UsageError, argv: Sequence[str]) -> str:
    """The message for a command-line mistake, in the words the tool's own errors use."""
    if isinstance(exc, NoSuchOption):
        message = f"no such option: {exc.option_name}"
        if exc.possibilities:
            message += f" (did you mean {' or '.join(sorted(exc.possibilities))}?)"
        return message
    if isinstance(exc, MissingParameter) and exc.param is not None:
        name = exc.param.metavar or (exc.param.name or "").upper()
        if exc.param.param_type_name == "argument":
            return f"missing argument {name}"
        return f"missing option {exc.param.opts[0]}"
    if isinstance(exc, BadParameter) and exc.param is not None and exc.message.startswith("Input "):
        return _bad_value(exc, argv)
    message = _sentence(exc.format_message())
    needs = re.fullmatch(r"option '(.+)' requires an argument", message)
    if needs:
        return f"{needs.group(1)} needs a value"
    extra = re.fullmatch(r"got unexpected extra argument(?:s|\(s\))? \((.*)\)", message)
    if extra:
        return f"unexpected extra argument: {extra.group(1)} (quote an expression with spaces)"
    return message


def _bad_value(exc: BadParameter, argv: Sequence[str]) -> str:
    """typer's "Input should be a valid integer" as "--count takes a whole number, not 'x'"."""
    param = exc.param
    assert param is not None
    name = param.opts[0] if param.param_type_name == "option" else param.metavar or param.name
    value = _typed(argv, list(param.opts) + list(getattr(param, "secondary_opts", [])))
    shown = f", not {value!r}" if value is not None else ""
    if "integer" in exc.message:
        return f"{name} takes a whole number{shown}"
    if "number" in exc.message:
        return f"{name} takes a number{shown}"
    return f"{name}: {_sentence(exc.message)}{shown}"


def _typed(argv: Sequence[str], names: list[str]) -> str | None:
    """The value typed after the last of ``names`` (``--count x`` or ``--count=x``)."""
    found = None
    for index, word in enumerate(argv):
        for name in names:
            if word == name and index + 1 < len(argv):
                found = argv[index + 1]
            elif word.startswith(name + "="):
                found = word[len(name) + 1 :]
    return found


def _sentence(message: str) -> str:
    """click's "No such command 'x'." as "no such command 'x'"."""
    message = message.strip().rstrip(".")
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        message = message[0].lower() + message[1:]
    return message
