"""The chain rule on graphs: chains of layers, tree diagrams, computation graphs.

A sibling of ``maths``: may import ``printing``, ``reading`` and the base modules.
"""
