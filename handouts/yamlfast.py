"""libyaml's node tree for the loader, when it is sure to be PyYAML's own.

``compose(text, max_depth)`` gives the node tree that the loader's Python
composer would give (the same values once constructed, the same line marks),
parsed by libyaml in C, several times faster. It answers None -- the loader
then reads the file with its Python loader, so every refusal and every
message comes from that one path -- whenever there is any doubt:

- libyaml is missing;
- the text has a character the two readers might count or refuse
  differently (a tab, a carriage return, the other line breaks, a character
  PyYAML's reader refuses) or a line starting with ``%`` (a directive);
- a block scalar's header (``|``, ``>``) is followed at once by a comment
  (``|#``): libyaml takes it, PyYAML's scanner wants a space before the ``#``;
- an anchor, alias or tag token is in it (scanned in C only when a ``&``,
  ``*`` or ``!`` is in the text at all): the Python loader refuses those, or
  names the tag;
- libyaml refuses the text (any error), or it nests more than ``max_depth``
  levels; the text is not even handed to libyaml when its brackets and
  indents could nest it hundreds of levels.
"""

from __future__ import annotations

import re

import yaml
from yaml.reader import Reader

_C = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None

#: characters the two readers may treat differently, or refuse
_DOUBT = re.compile(r"[\t\r\x85\u2028\u2029\ufeff]")
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
_TOKEN_START = re.compile(r"[&*!]")
#: a block scalar header with its indicators, then "#" with no space between
_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")
#: libyaml composes recursively in C: keep far below where its stack could
#: end (a block level takes at least two of these indent characters, a flow
#: level a bracket)
_DEEP_INDENT = re.compile(r"^[ \-?:]{100}", re.MULTILINE)
_MANY_BRACKETS = 200


def compose(text: str, max_depth: int):
    """``(node, loader)``: the file's node tree (None for an empty stream)
    and the loader that constructs its scalars; or None when the Python
    loader must read the file."""
    if _C is None or _DOUBT.search(text) or Reader.NON_PRINTABLE.search(text):
        return None
    if "%" in text and _DIRECTIVE.search(text):
        return None
    if "#" in text and _HEADER_COMMENT.search(text):
        return None
    if text.count("[") + text.count("{") >= _MANY_BRACKETS or _DEEP_INDENT.search(text):
        return None
    if _TOKEN_START.search(text) and _has_marked_tokens(text):
        return None
    loader = _C(text)
    try:
        node = loader.get_single_node()
    except Exception:  # noqa: BLE001 - any doubt: the Python loader says what is wrong
        return None
    finally:
        loader.dispose()
    if node is not None and _too_deep(node, max_depth):
        return None
    return node, loader


def _has_marked_tokens(text: str) -> bool:
    loader = _C(text)
    try:
        while True:
            token = loader.get_token()
            if token is None:
                return False
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)):
                return True
    except Exception:  # noqa: BLE001 - libyaml refuses it: the Python loader will say why
        return True
    finally:
        loader.dispose()


def _too_deep(root, max_depth: int) -> bool:
    """Whether the Python composer would refuse the tree: it refuses a node
    composed when max_depth nodes already enclose it."""
    todo = [(root, 0)]
    while todo:
        node, depth = todo.pop()
        if depth >= max_depth:
            return True
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                todo.append((key, depth + 1))
                todo.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            todo.extend((item, depth + 1) for item in node.value)
    return False
