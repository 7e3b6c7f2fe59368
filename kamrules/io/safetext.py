"""Text from files kamrules does not control, made harmless in the outputs people read.

An account's name, id or sector comes from a CRM export; a warning's message may quote it. Left
as they are, its characters act on whatever shows them:

* a terminal obeys escape sequences (clear the screen, move the cursor, set the window title)
  and C1 controls such as CSI (U+009B);
* U+2028, U+2029 and U+0085 are line breaks to YAML and to many editors: in a `# comment` they
  start a new line, so a name could write YAML keys into `kam plan new`'s header;
* bidirectional overrides (U+202A to U+202E, U+2066 to U+2069) reorder what is shown, so text
  reads other than it is;
* Markdown passes raw HTML (`<script>`) and links (`[x](javascript:…)`) to the browser that
  renders it; an HTML page (the portfolio report) would run it, and shows bidirectional
  overrides as they act.

Each such character is shown as its escape (`\\x1b`, `\\u2028`), visibly and reversibly; a tab
is kept. Markdown text also has a `<` that would open a tag or an autolink, and a `](` that
would make a link, backslash-escaped: they read as written, and nothing is rendered as HTML or
as a link. Data formats (JSON, CSV, the YAML of the advice) keep the values exactly: their
writers escape what their readers need.
"""

from __future__ import annotations

import html
import re

# C0 controls but the tab, DEL, C1 controls (with NEL, U+0085), the Unicode line and paragraph
# separators, and the bidirectional marks, embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_TAG_OR_AUTOLINK = re.compile(r"<(?=[A-Za-z/!?])")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """`text` with every character a terminal or an editor would act on shown as its escape."""
    return _UNSAFE.sub(_escaped, text)


def comment_text(text: str) -> str:
    """`text` for a `# comment` line of YAML: nothing in it can end the line."""
    return terminal_text(text)


def html_text(text: str) -> str:
    """`text` for an HTML page (the portfolio report): every character a terminal would act on
    shown as its escape, as `terminal_text` does (a bidirectional override would reorder what the
    page shows), then HTML-escaped."""
    return html.escape(terminal_text(text))


def markdown_text(text: str) -> str:
    """`text` for one Markdown table cell or list item: a line break is a space, `|` is escaped
    (as before), and nothing becomes a control character, HTML or a link."""
    text = terminal_text(text.replace("\n", " ")).replace("|", "\\|")
    return _TAG_OR_AUTOLINK.sub(r"\\<", text).replace("](", "\\](")
