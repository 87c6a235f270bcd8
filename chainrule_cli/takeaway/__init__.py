"""Practice beyond the terminal: Anki decks and printable worksheets.

* ``notation``: SymPy expressions as a small tree of boxes (rows, fractions,
  powers, roots);
* ``markup``: the boxes written out as LaTeX (worksheets, Anki's MathJax) or
  as MathML (HTML worksheets).
* ``worked``: a problem, its question and its worked solution as lines of text
  and math, built from the same ``Solution`` that ``solve`` prints.
* ``worksheet``: those lines as Markdown, LaTeX or HTML.
* ``anki``: those lines as the notes of an Anki package (genanki).

Nothing here knows the terminal; the commands are in ``cli/takeaway.py``.
"""
