"""Practice: choosing problems, generating new ones, the quiz session (its hint
outline, guided walk and rounds), drills, review and the lesson.

May import ``bank``, ``progress``, ``maths`` and everything below; knows no terminal.
"""
