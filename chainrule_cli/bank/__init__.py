"""Problem banks: YAML read safely, each problem validated, proofs and reads cached.

May import ``progress`` (for the data folder), ``maths`` and everything below.
"""
