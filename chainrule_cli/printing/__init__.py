"""Printing maths for people: one line of text, the problem as written, the notes on how an
input was read.

May import ``reading`` and the base modules; nothing above it.
"""
