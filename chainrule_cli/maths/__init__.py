"""The mathematics of one chain: the rule tree, its explanation, values at a point,
the typical mistakes and the verdict on an answer.

May import ``printing``, ``reading`` and the base modules; knows no terminal.
"""
