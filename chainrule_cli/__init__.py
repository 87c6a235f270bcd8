"""chainrule: learn and practise the chain rule of calculus in a terminal.

The package is split so that the math core (parsing, rules, checking, bank,
session, store) knows nothing of the terminal; ``render`` owns every rich
renderable and ``cli`` is a thin typer layer over both.
"""

import time

__version__ = "0.2.0"

#: When the command started (the package is the first thing its entry point
#: imports): the 3-second budget of a command counts from here, start-up included.
STARTED = time.monotonic()
