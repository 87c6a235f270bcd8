"""The chain rule on graphs: chains of layers, tree diagrams, computation graphs.

Above ``maths``: may import ``maths`` (the single-variable engine and the verdict
machinery a tree reuses), ``printing``, ``reading`` and the base modules.
"""
