"""The kinds of problem, in one place (no imports: the CLI reads it at start-up)."""

#: The chapter's six chain-rule problem types.
CHAIN_TYPES = ("power", "exponential", "trig", "root", "log", "quadratic-inside")
#: The types of one variable: the chain types plus ``applied`` (rates along a chain of
#: quantities: a balloon's volume → radius → time).
ONE_VARIABLE_TYPES = (*CHAIN_TYPES, "applied")
#: The chain rule on a graph (issue #26): a tree diagram in several variables, implicit
#: differentiation (y = y(x)), and backprop on a computation graph. Their bank schema is
#: ``function``, ``where`` (a mapping), ``wrt`` and ``at`` (a mapping), not ``expression``.
GRAPH_TYPES = ("multivariable", "implicit", "backprop")
TYPES = (*ONE_VARIABLE_TYPES, *GRAPH_TYPES)
#: The types ``chainrule generate`` can make (``practice.generate``).
GENERATED_TYPES = (*ONE_VARIABLE_TYPES, *GRAPH_TYPES)
