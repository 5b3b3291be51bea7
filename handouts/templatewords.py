"""Template mistakes in an admin's words, at the template's own line.

Jinja says "'dict object' has no attribute 'titel'" and "Jinja was looking for
the following tags"; the XML parser says "mismatched tag" at a line of markup
the admin never sees. Here they become "article.titel: there is no 'titel';
the article has: title, summary, ...", "the {% for %} on line 12 is never
closed; add {% endfor %}", and "</bullets> on line 30 closes <section>, ...".
"""

from __future__ import annotations

import re
from typing import Any

_NAME = r"[A-Za-z_][A-Za-z_0-9]*"
_BLOCK = re.compile(r"{%-?\s*(\w+)(.*?)-?%}", re.S)
_OPENERS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw", "trans"}
_MIDDLES = {"else": {"for", "if"}, "elif": {"if"}}


def _spoken(value: Any) -> str:
    if isinstance(value, dict):
        return "group of keys"
    if isinstance(value, (list, tuple)):
        return "list"
    return "text" if isinstance(value, str) else "value"


def _resolve(path: str, context: dict[str, Any], source: str, depth: int = 0) -> Any:
    """The value a dotted name in the template stands for: a context name, or
    a loop variable's first item (``section`` in ``{% for section in
    article.sections %}``)."""
    parts = re.findall(rf"{_NAME}|\[\d+\]", path)
    if not parts or depth > 5:
        return None
    head, rest = parts[0], parts[1:]
    if head in context:
        value = context[head]
    else:
        loop = re.search(rf"{{%-?\s*for\s+{head}\s+in\s+([\w.\[\]]+)", source)
        if not loop:
            return None
        items = _resolve(loop.group(1), context, source, depth + 1)
        value = items[0] if isinstance(items, (list, tuple)) and items else None
    for part in rest:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, (list, tuple)) and part.startswith("["):
            index = int(part[1:-1])
            value = value[index] if index < len(value) else None
        else:
            return None
    return value


def undefined(message: str, line_text: str, source: str, context: dict[str, Any]) -> str:
    """Jinja's UndefinedError message in words: what was asked for, and what
    there is."""
    missing = re.search(r"has no attribute '([^']+)'", message)
    element = re.search(r"has no element (\S+)", message)
    if missing:
        name = missing.group(1)
        written = re.search(rf"((?:{_NAME})(?:\.{_NAME}|\[\d+\])*)\s*(?:\.|\[['\"]){re.escape(name)}",
                            line_text)
        owner = written.group(1) if written else None
        value = _resolve(owner, context, source) if owner else None
        said = f"{owner}.{name}: " if owner else ""
        if isinstance(value, dict):
            keys = ", ".join(k for k in value if not str(k).startswith("_"))
            noun = owner.split(".")[-1] if owner else "it"
            return f"{said}there is no '{name}'; the {noun} has: {keys}"
        return f"{said}there is no '{name}' here"
    if element:
        index = element.group(1)
        written = re.search(rf"((?:{_NAME})(?:\.{_NAME})*)\[{re.escape(index)}\]", line_text)
        owner = written.group(1) if written else None
        value = _resolve(owner, context, source) if owner else None
        count = f"; it has {len(value)} item{'s' if len(value) != 1 else ''} (the first is [0])" \
            if isinstance(value, (list, tuple)) else ""
        return f"{owner + '[' + index + ']: ' if owner else ''}there is no item {index}{count}"
    unknown = re.search(r"'([^']+)' is undefined", message)
    if unknown:
        names = ", ".join(sorted(context))
        return f"there is no '{unknown.group(1)}'; a handout template can use: {names}"
    return "a name in this line has no value here"


def sandbox(message: str) -> str:
    """The sandbox's refusal in words."""
    unsafe = re.search(r"access to attribute '([^']+)'", message)
    if unsafe:
        return (f"templates cannot read '{unsafe.group(1)}' (names that start with _ and "
                "methods of the data are private)")
    return message


def syntax(message: str, lineno: int | None, source: str) -> tuple[int | None, str]:
    """A Jinja syntax error as (template line, words): a block tag left open
    or closed twice is found by balancing the template's own tags."""
    blocks = any(w in message for w in ("end of template", "unknown tag", "looking for",
                                        "closed", "nesting"))
    stack: list[tuple[str, int]] = []
    for found in _BLOCK.finditer(source if blocks else ""):
        tag = found.group(1)
        line = source.count("\n", 0, found.start()) + 1
        if tag == "set" and "=" not in found.group(2):
            tag = "setblock"
        if tag in _OPENERS or tag == "setblock":
            stack.append(("set" if tag == "setblock" else tag, line))
        elif tag in _MIDDLES:
            if not stack or stack[-1][0] not in _MIDDLES[tag]:
                return line, f"{{% {tag} %}} here belongs to no {{% if %}}; remove it or add the {{% if %}}"
        elif tag.startswith("end"):
            opener = tag[3:]
            if not stack:
                return line, (f"{{% {tag} %}} here closes nothing (closed twice?); remove it")
            if stack[-1][0] != opener:
                open_tag, open_line = stack[-1]
                if any(t == opener for t, _ in stack):
                    return open_line, (f"the {{% {open_tag} %}} on line {open_line} is never closed; "
                                       f"add {{% end{open_tag} %}} before the {{% {tag} %}} on line {line}")
                return line, (f"{{% {tag} %}} here closes nothing (closed twice?); the open block is "
                              f"the {{% {open_tag} %}} on line {open_line}")
            stack.pop()
    if stack:
        open_tag, open_line = stack[-1]
        return open_line, f"the {{% {open_tag} %}} on line {open_line} is never closed; add {{% end{open_tag} %}}"
    if "filter named" in message or "test named" in message:
        name = re.search(r"named '([^']+)'", message)
        return lineno, (f"there is no filter '{name.group(1) if name else '?'}'; check its "
                        "spelling (docs/markup.md lists the filters)")
    if "Expected an expression" in message:
        return lineno, ("a {% ... %} or {{ ... }} here is missing its expression (an if "
                        "needs a condition); this is not valid template syntax")
    return lineno, ("this line's {% ... %} or {{ ... }} is not valid template syntax; check "
                    "its spelling, brackets and names")


#: A marker put at the start of each template line to find, in the markup the
#: template made, the template line that made it (an XML processing
#: instruction, so the marked markup breaks where the real one does).
MARK = "<?line {}?>"
_MARK = re.compile(r"<\?line (\d+)\?>")


def marked_source(source: str) -> str:
    """The template with a marker at the start of every line that is not
    inside a Jinja tag or an XML tag (where a marker would change the code)."""
    inside = [False] * (source.count("\n") + 2)
    for found in re.finditer(r"{#.*?#}|{%.*?%}|{{.*?}}|<[^>]*>", source, re.S):
        first = source.count("\n", 0, found.start()) + 1
        last = first + found.group().count("\n")
        for number in range(first + 1, last + 1):
            inside[number] = True
    out = []
    for number, line in enumerate(source.split("\n"), 1):
        stripped = line.lstrip()
        if inside[number] or stripped.startswith(("{%", "{#")):
            out.append(line)
        else:
            out.append(MARK.format(number) + line)
    return "\n".join(out)


def template_line(marked: str, line: int, column: int = 0) -> int | None:
    """The template line that made the markup at (``line``, ``column``) of the
    marked output: the last marker before it."""
    starts = [0]
    for found in re.finditer("\n", marked):
        starts.append(found.end())
    if not 0 < line <= len(starts):
        return None
    end = starts[line - 1] + max(0, column) + 1
    last = None
    for found in _MARK.finditer(marked, 0, end):
        last = int(found.group(1))
    return last


def unmark(marked: str) -> str:
    return _MARK.sub("", marked)


def broken_markup(marked: str) -> tuple[int | None, str] | None:
    """Where (template line) and why the marked markup is not well-formed:
    a tag closed that is not the open one, a tag never closed, markup after
    the handout's end, a stray ``<`` or ``&``. None when it parses."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    stack: list[tuple[str, int | None]] = []

    def here() -> int | None:
        return template_line(marked, parser.CurrentLineNumber, parser.CurrentColumnNumber)

    parser.StartElementHandler = lambda tag, attrs: stack.append((tag, here()))
    parser.EndElementHandler = lambda tag: stack.pop() if stack else None
    try:
        parser.Parse(marked, True)
    except xml.parsers.expat.ExpatError as exc:
        line = template_line(marked, exc.lineno, exc.offset)
        code = xml.parsers.expat.ErrorString(exc.code)
        if "mismatched" in code:
            closing = re.match(r"(?:</)?\s*([\w-]+)", _at(marked, exc.lineno, exc.offset))
            name = closing.group(1) if closing else "?"
            tag, opened = stack[-1] if stack else ("?", None)
            if any(t == name for t, _ in stack):
                return opened, (f"<{tag}> opened on line {opened} is never closed; add </{tag}> "
                                f"before the </{name}> on line {line}")
            return line, (f"</{name}> here closes nothing (closed twice, or its <{name}> is "
                          f"missing); the open tag is <{tag}> from line {opened}")
        if "no element found" in code or "unclosed token" in code:
            if stack:
                tag, opened = stack[-1]
                return opened, f"<{tag}> opened on line {opened} is never closed; add </{tag}>"
            return line, "the template made no markup; it needs one <handout> ... </handout>"
        if "junk after" in code:
            return line, ("markup after </handout>: everything must be inside "
                          "<handout> ... </handout>")
        if "invalid token" in code or "not well-formed" in code:
            return line, ("a < or & here is not a tag: write a tag as <name>...</name>, and "
                          "text comes from {{ ... }} (which escapes it)")
        return line, "the markup this line makes is broken; check its tags open and close in order"
    return None


def _at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line - 1][column:] if 0 < line <= len(lines) else ""
