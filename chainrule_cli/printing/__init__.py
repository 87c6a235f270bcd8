"""Printing maths for people: one line of text, the problem as written.

May import ``reading`` and the base modules; nothing above it.
"""
