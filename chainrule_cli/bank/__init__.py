"""Problem banks: ``problem`` (the data), ``load`` (YAML read safely, the schema),
``check`` (one problem worked out), ``validate`` (a whole bank, over all cores with
``parallel``), and the caches of proofs and reads.

May import ``progress`` (for the data folder), ``maths`` and everything below.
"""
