"""A printable worksheet: numbered problems with room to work, then an answer key on a new page.

Three formats from the same items (``worked.Item``):

* ``md``: Markdown with ``$…$`` math (LaTeX inside), for notes and converters;
* ``tex``: a complete LaTeX document for a plain ``pdflatex``, with amsmath only;
* ``html``: one self-contained page, math in MathML (no scripts, no network),
  black on white, the answer key after a page break when printed.

The same items give the same bytes: nothing depends on the date, the machine
or the order of a dictionary.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from chainrule_cli.takeaway.markup import latex_text, to_latex, to_mathml
from chainrule_cli.takeaway.worked import Block, Item, Line, Node, Part

FORMATS = ("md", "tex", "html")
DEFAULT_TITLE = "Chain rule practice"
INSTRUCTIONS = (
    "Find each derivative, or the slope where a point is given. Show the chain: "
    "the outer derivative with the inner function kept as it is, times the inner derivative."
)


def render(
    items: Sequence[Item], fmt: str, title: str = DEFAULT_TITLE, seed: int | None = None
) -> str:
    """The worksheet for ``items`` in ``fmt`` (md, tex or html)."""
    writers: dict[str, Callable[[Sequence[Item], str, str], str]] = {
        "md": markdown,
        "tex": latex,
        "html": html_page,
    }
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}: choose from {', '.join(FORMATS)}")
    meta = f"{len(items)} problem{'s' if len(items) != 1 else ''}"
    if seed is not None:
        meta += f", seed {seed}"
    return writers[fmt](items, title, meta)


# -- Markdown -----------------------------------------------------------------------------------

#: Markdown's own characters in words, escaped (CommonMark lets any of them take a backslash).
MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>$#|&~"})


def _md_parts(parts: Sequence[Part]) -> str:
    return "".join(
        p.translate(MD_SPECIAL) if isinstance(p, str) else f"${to_latex(p)}$" for p in parts
    )


def _md_line(line: Line) -> str:
    if not line.label:
        return _md_parts(line.parts)
    return f"*{line.label.translate(MD_SPECIAL)}:* {_md_parts(line.parts)}"


def markdown(items: Sequence[Item], title: str, meta: str) -> str:
    out = [
        f"# {title.translate(MD_SPECIAL)}",
        "",
        "Name: ______________________  Date: ____________",
    ]
    out += ["", INSTRUCTIONS, ""]
    for number, item in enumerate(items, 1):
        out.append(f"{number}. {_md_parts(_question(item))}")
        out += ["", "   &nbsp;", "", "   &nbsp;", "", "   &nbsp;", ""]
    out += [
        '<div style="page-break-before: always"></div>',
        "",
        "## Answer key",
        "",
        f"*{meta}*",
        "",
    ]
    for number, item in enumerate(items, 1):
        out.append(f"{number}. {_md_parts(_key_head(item))}")
        out.append("")
        if item.tree is not None:
            out += ["   - *The tree, the variable differentiated by boxed*"]
            out += _md_tree(item.tree, "     ")
        for block in item.blocks:
            indent = "   "
            if block.title:
                out.append(f"   - *{_md_parts(block.title)}*")
                indent = "     "
            out += [f"{indent}- {_md_line(line)}" for line in block.lines]
        if item.note:
            out += ["", f"   *Note:* {item.note.translate(MD_SPECIAL)}"]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_tree(node: Node, indent: str) -> list[str]:
    """The tree as a nested list: each variable with the label of the edge that reaches it."""
    name = f"${to_latex(node.name)}$"
    if node.marked:
        name = f"$\\boxed{{{to_latex(node.name)}}}$"
    edge = f"${to_latex(node.edge)}$ → " if node.edge is not None else ""
    out = [f"{indent}- {edge}{name}"]
    for child in node.children:
        out += _md_tree(child, indent + "  ")
    return out


# -- LaTeX --------------------------------------------------------------------------------------

LATEX_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
% A4 and US Letter both fit: 15 cm of text, centred.
\setlength{\textwidth}{15cm}
\setlength{\oddsidemargin}{\dimexpr(\paperwidth-\textwidth)/2-1in\relax}
\setlength{\evensidemargin}{\oddsidemargin}
\setlength{\topmargin}{-1cm}
\setlength{\textheight}{22cm}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\setlength{\emergencystretch}{3em}
\renewcommand{\labelitemi}{\(\bullet\)}
\renewcommand{\labelitemii}{\(\circ\)}
\pagestyle{plain}
"""


def _tex_parts(parts: Sequence[Part]) -> str:
    return "".join(latex_text(p) if isinstance(p, str) else f"\\({to_latex(p)}\\)" for p in parts)


def _tex_line(line: Line) -> str:
    label = f"\\emph{{{latex_text(line.label)}:}} " if line.label else ""
    return f"\\item {label}{_tex_parts(line.parts)}"


def latex(items: Sequence[Item], title: str, meta: str) -> str:
    out = [LATEX_PREAMBLE.rstrip("\n")]
    if any(item.tree is not None for item in items):
        out.append(r"\usepackage{forest}")
    out += [r"\begin{document}", ""]
    out.append(rf"\section*{{{latex_text(title)}}}")
    out.append(r"Name: \rule{7cm}{0.4pt}\hfill Date: \rule{3.5cm}{0.4pt}")
    out += ["", r"\medskip", latex_text(INSTRUCTIONS), "", r"\begin{enumerate}"]
    for item in items:
        out.append(rf"\item {_tex_parts(_question(item))}")
        out.append(r"\vspace{4.2cm}")
    out += [r"\end{enumerate}", "", r"\clearpage", r"\section*{Answer key}"]
    out += [rf"\emph{{{latex_text(meta)}}}", "", r"\begin{enumerate}"]
    for item in items:
        out.append(rf"\item {_tex_parts(_key_head(item))}")
        if item.tree is not None:
            out += ["", r"\begin{forest}", _forest(item.tree), r"\end{forest}", ""]
        out.append(r"\begin{itemize}\setlength{\itemsep}{1pt}")
        for block in item.blocks:
            out += _tex_block(block)
        if item.note:
            out.append(rf"\item \emph{{Note:}} {latex_text(item.note)}")
        out.append(r"\end{itemize}")
        out.append(r"\medskip")
    out += [r"\end{enumerate}", "", r"\end{document}"]
    return "\n".join(out) + "\n"


def _forest(node: Node) -> str:
    """The tree in ``forest``'s bracket syntax: each edge labelled with its derivative,
    the leaves that are the variable differentiated by boxed."""
    options = ""
    if node.edge is not None:
        options += (
            ", edge label={node[midway, fill=white, font=\\scriptsize]"
            f"{{\\({to_latex(node.edge)}\\)}}}}"
        )
    if node.marked:
        options += ", draw"
    kids = " ".join(_forest(child) for child in node.children)
    return f"[{{\\({to_latex(node.name)}\\)}}{options}{' ' + kids if kids else ''}]"


def _tex_block(block: Block) -> list[str]:
    if not block.title:
        return [_tex_line(line) for line in block.lines]
    out = [rf"\item {_tex_parts(block.title)}", r"\begin{itemize}\setlength{\itemsep}{0pt}"]
    out += [_tex_line(line) for line in block.lines]
    out.append(r"\end{itemize}")
    return out


# -- HTML ---------------------------------------------------------------------------------------

CSS = """\
@page { margin: 16mm 18mm; }
html { color: #000; background: #fff; }
body { font: 12pt/1.5 "Latin Modern Roman", "STIX Two Text", "Libertinus Serif", Georgia,
       "Times New Roman", serif; max-width: 44em; margin: 0 auto; padding: 1.5em; }
math { font-family: "Latin Modern Math", "STIX Two Math", "Libertinus Math",
       "Cambria Math", math; font-size: 1.1em; }
h1 { font-size: 1.6em; margin: 0 0 0.4em; }
h2 { font-size: 1.3em; margin: 0 0 0.4em; }
.name { display: flex; gap: 1em; margin: 0 0 1em; }
.name span { flex: 1; border-bottom: 1px solid #000; }
.name span.short { flex: 0.5; }
ol.problems > li { margin: 0 0 0.5em; padding-left: 0.3em; }
.work { height: 8.5em; }
ol.problems > li, ul.steps li { break-inside: avoid; page-break-inside: avoid; }
ol.answers > li > p { break-after: avoid; page-break-after: avoid; }
.key { break-before: page; page-break-before: always; }
.meta { font-style: italic; margin: 0 0 1em; }
ol.answers > li { margin: 0 0 1em; }
ol.answers p { margin: 0 0 0.2em; }
ul.steps { margin: 0; padding-left: 1.2em; }
ul.steps ul { padding-left: 1.5em; }
.label { font-style: italic; }
@media screen { .key { border-top: 2px solid #000; margin-top: 2em; padding-top: 1em; } }
"""


#: For a worksheet with tree diagrams only (the other pages stay as they were).
TREE_CSS = """\
ul.tree, ul.tree ul { list-style: none; margin: 0.2em 0; padding-left: 1.4em; }
ul.tree li { border-left: 1px solid #888; padding-left: 0.5em; }
ul.tree strong { outline: 1px solid #000; padding: 0 0.2em; }
"""


def _html_parts(parts: Sequence[Part]) -> str:
    return "".join(
        html.escape(p, quote=False) if isinstance(p, str) else to_mathml(p) for p in parts
    )


def _html_line(line: Line) -> str:
    label = f'<span class="label">{html.escape(line.label)}:</span> ' if line.label else ""
    return f"<li>{label}{_html_parts(line.parts)}</li>"


def html_page(items: Sequence[Item], title: str, meta: str) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>\n{CSS}{TREE_CSS if any(i.tree is not None for i in items) else ''}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(title)}</h1>",
        '<p class="name">Name:&nbsp;<span></span> Date:&nbsp;<span class="short"></span></p>',
        f"<p>{html.escape(INSTRUCTIONS)}</p>",
        '<ol class="problems">',
    ]
    for item in items:
        out.append(f'<li><p>{_html_parts(_question(item))}</p><div class="work"></div></li>')
    out += ["</ol>", '<section class="key">', "<h2>Answer key</h2>"]
    out += [f'<p class="meta">{html.escape(meta)}</p>', '<ol class="answers">']
    for item in items:
        out.append(f"<li><p>{_html_parts(_key_head(item))}</p>")
        if item.tree is not None:
            out.append(f'<ul class="tree">{_html_tree(item.tree)}</ul>')
        out.append('<ul class="steps">')
        for block in item.blocks:
            if block.title:
                out.append(f"<li>{_html_parts(block.title)}<ul>")
                out += [_html_line(line) for line in block.lines]
                out.append("</ul></li>")
            else:
                out += [_html_line(line) for line in block.lines]
        if item.note:
            out.append(f'<li><span class="label">Note:</span> {html.escape(item.note)}</li>')
        out.append("</ul></li>")
    out += ["</ol>", "</section>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_tree(node: Node) -> str:
    """The tree as nested lists: each variable after the label of the edge that reaches it."""
    name = to_mathml(node.name)
    if node.marked:
        name = f"<strong>{name}</strong>"
    edge = f"{to_mathml(node.edge)} &#x2192; " if node.edge is not None else ""
    kids = "".join(_html_tree(child) for child in node.children)
    return f"<li>{edge}{name}{f'<ul>{kids}</ul>' if kids else ''}</li>"


# -- shared -------------------------------------------------------------------------------------


def _question(item: Item) -> tuple[Part, ...]:
    """The problem as asked: "y = sin(x²). Find dy/dx." or a rates question."""
    if item.problem.applied:
        return (*item.prompt, *((" ", *item.task) if item.task else ()))
    return (*item.prompt, ". ", *item.task)


def _key_head(item: Item) -> tuple[Part, ...]:
    """The first line of an answer: the function (for a chain problem) and the answer."""
    if item.problem.applied:
        return item.answer
    return (*item.prompt, ": ", *item.answer)
