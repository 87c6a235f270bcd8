"""The kinds of problem, in one place (no imports: the CLI reads it at start-up)."""

#: The chapter's six chain-rule problem types.
CHAIN_TYPES = ("power", "exponential", "trig", "root", "log", "quadratic-inside")
#: Plus ``applied``: rates along a chain of quantities (a balloon's volume → radius → time).
TYPES = (*CHAIN_TYPES, "applied")
