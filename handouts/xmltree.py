"""Handout markup as a plain tree: the one expat reader under both
``markup.parse`` (which lays it out) and ``canonical.parse`` (which reads its
words for review, ``list`` and the page without loading the renderer).

It keeps each element's line and its parent's tag (for error messages at the
template's line), joins adjacent text, and refuses DOCTYPE and entity
declarations (no entity expansion from a template).
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Callable

#: Raised for markup that is not well formed.
ExpatError = xml.parsers.expat.ExpatError


class Refused(ValueError):
    """Markup with a DOCTYPE or entity declaration."""


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list["Node | str"] = field(default_factory=list)
    parent: str = ""

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def elements(self) -> list["Node"]:
        return [c for c in self.children if isinstance(c, Node)]


def parse(text: str, on_open: Callable[[str, str, int], None] | None = None) -> list[Node]:
    """The top-level elements of ``text``. ``on_open(tag, parent_tag, depth)``
    is called before each element is added (it may raise to stop).
    Raises ``ExpatError`` for broken markup and ``Refused`` for declarations."""
    holder = Node("#document", {}, 0)
    stack = [holder]
    parser = xml.parsers.expat.ParserCreate()

    def start(tag, attrs):
        if on_open is not None:
            on_open(tag, stack[-1].tag, len(stack))
        node = Node(tag, dict(attrs), parser.CurrentLineNumber, parent=stack[-1].tag)
        stack[-1].children.append(node)
        stack.append(node)

    def chars(data):
        children = stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    def refuse(*args):
        raise Refused("DOCTYPE and entity declarations are not allowed in handout markup")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = refuse
    parser.Parse(text, True)
    return holder.elements()
