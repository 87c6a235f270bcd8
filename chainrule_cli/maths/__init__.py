"""The mathematics of one chain: the rule tree (``rules``) and its analysis, exact values at
a point, the explanation, the typical mistakes, equivalence, diagnosis and the verdict on an
answer (``checking``; rates problems in ``applied``), and the whole solution.

May import ``printing``, ``reading`` and the base modules; knows no terminal.
"""
