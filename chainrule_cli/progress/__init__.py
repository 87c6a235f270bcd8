"""Progress that lasts: the SQLite store, its records, answers kept aside, statistics.

May import only the base modules; knows nothing of maths, banks or the terminal.
"""
