"""Reading maths as people type it: tokens, the syntax tree, size limits, the grammar, the
ambiguity table, and ``parsing`` (``read``, ``parse``, ``parse_number``) on top of them.

The lowest layer: it imports only the package's base modules (``errors``,
``limits``) and never imports SymPy at module level, so the first screen is fast.
"""
