"""Exit codes, in one place, so scripts can rely on them."""

from enum import IntEnum


class ExitCode(IntEnum):
    """What ``chainrule`` returns to the shell."""

    OK = 0
    #: A wrong answer (``check``) or an invalid bank (``bank validate``).
    WRONG = 1
    #: Bad usage or invalid input: a malformed expression, an unknown option.
    USAGE = 2
