"""Reading maths as people type it: tokens, the syntax tree, size limits, the parser.

The lowest layer: it imports only the package's base modules (``errors``,
``limits``) and never imports SymPy at module level, so the first screen is fast.
"""
