"""Printing maths for people: one printer, from the parser's tree or from SymPy, to every target.

``nodes`` (syntax tree, no SymPy) and ``sympy_nodes`` build one tree; ``layout`` turns it into
``boxes`` by the same-form rules; ``text``, ``latex`` and ``mathml`` write the boxes out.
``mathtext`` and ``written`` are the entry points; ``notes`` words how an input was read.
May import ``reading`` and the base modules only.
"""
