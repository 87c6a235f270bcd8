"""Practice: choosing problems, generating new ones, the quiz session, drills,
review and the lesson.

May import ``bank``, ``progress``, ``maths`` and everything below; knows no terminal.
"""
