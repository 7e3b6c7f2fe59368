"""Numbers written as text, the one definition of what kamrules reads as one: a plain decimal
number (`12`, `0.45`, `.5`, `1e5`) and a percentage (`45%`, `12.5 %`). The account facts, the
rules' operands and the parameters all read them this way; never `nan`, `inf` or `1_000`."""

from __future__ import annotations

import re
from typing import Final

DIGITS: Final = r"(?:\d+(?:\.\d*)?|\.\d+)"  # what float() reads before an exponent or a % sign
NUMBER: Final = re.compile(rf"^[-+]?{DIGITS}(?:[eE][-+]?\d+)?$")
PERCENT: Final = re.compile(rf"^([-+]?{DIGITS})\s*%$")
