"""The ambiguity notes of a reading, in words: what the input was read as, and "did you mean …?"."""

from __future__ import annotations

from chainrule_cli.printing.layout import SUPERSCRIPT
from chainrule_cli.printing.mathtext import show
from chainrule_cli.reading.ambiguity import Reading, typed
from chainrule_cli.reading.parsing import symbol
from chainrule_cli.reading.syntax import Div, Mul, Neg, Node, Num, Pow, to_sympy


def _scientific(meant: Node) -> tuple[str, str]:
    """10⁻⁹ or 2.5×10³ as a book prints it, and as it is typed: 10^-9, 2.5*10^3."""
    mantissa, ten = "", meant
    if isinstance(meant, Mul) and isinstance(meant.factors[0], Num):
        mantissa, ten = meant.factors[0].text, meant.factors[1]
    power = ten.exponent if isinstance(ten, Pow) else None
    if isinstance(power, Neg) and isinstance(power.operand, Num):
        exponent = f"-{power.operand.text}"
    else:
        exponent = power.text if isinstance(power, Num) else ""
    shown = f"10{exponent.translate(SUPERSCRIPT)}"
    if mantissa:
        return f"{mantissa}×{shown}", f"{mantissa}*10^{exponent}"
    return shown, f"10^{exponent}"


def notes(reading: Reading, unicode: bool = True) -> list[str]:
    """One line per ambiguity: what it was read as, and "did you mean …?"."""
    x = symbol(reading.variable)

    def m(node: Node) -> str:
        return show(to_sympy(node, x, evaluate=False), unicode=unicode, ordered=False)

    out: list[str] = []
    for item in reading.ambiguities:
        if item.code == "log_is_natural":
            line = (
                f"read as {m(item.read)}: log is the natural log; "
                "for base 10 write log10(…) or log_10(…)"
            )
        elif item.code == "scientific_notation" and item.meant is not None:
            shown, typed_as = _scientific(item.meant)
            meant = f"for {shown} write {typed_as}" if unicode else f"did you mean {typed_as}?"
            line = f"read as {m(item.read)}, with e the number e; {meant}"
        elif item.code == "log_digits":
            line = f"read as {m(item.read)}; for a base, write it as log_2(…)"
        elif item.code == "bare_argument_power" and item.meant is not None:
            line = f"read as {m(item.read)}; for {m(item.meant)} write the power on the name, as in sin^2 x"
        elif item.code == "power_one" and item.meant is not None:
            line = f"the power 1 does nothing: {typed(reading, item.read)} = {m(item.meant)}"
        elif item.code == "power_zero":
            line = f"the power 0 makes it 1: {typed(reading, item.read)} = 1"
        elif item.code == "exponent_then_fraction" and isinstance(item.read, Div):
            read = (
                f"({typed(reading, item.read.numerator)})/{typed(reading, item.read.denominator)}"
            )
            line = f"read as {read}; did you mean {m(item.meant or item.read)}?"
        elif item.meant is not None:
            line = f"read as {m(item.read)}; did you mean {m(item.meant)}?"
        else:
            line = f"read as {m(item.read)}"
        if line not in out:
            out.append(line)
    return out
