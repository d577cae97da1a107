"""Message templates with ``{placeholders}``.

A placeholder is ``{name}`` with a lowercase identifier; ``{{`` and ``}}`` write literal braces.
:func:`render` fills every placeholder or refuses with the list of missing ones, so a notice never
goes out with ``{date}`` still in it.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([a-z][a-z0-9_]*)\}")


def placeholders(text):
    """The placeholder names in ``text``, in order of first appearance."""
    seen = []
    for m in PLACEHOLDER.finditer(text or ""):
        name = m.group(1)
        if name and name not in seen:
            seen.append(name)
    return seen


def render(text, values, field="text"):
    """Fill ``text``'s placeholders from ``values``; ValidationError naming the missing ones."""
    values = {k: str(v) for k, v in (values or {}).items() if v is not None and str(v).strip()}
    missing = [name for name in placeholders(text) if name not in values]
    if missing:
        raise ValidationError(
            {
                field: _("Fill in the placeholders: %(names)s.")
                % {"names": ", ".join(f"{{{n}}}" for n in missing)}
            }
        )

    def substitute(m):
        if m.group(0) == "{{":
            return "{"
        if m.group(0) == "}}":
            return "}"
        return values[m.group(1)]

    return PLACEHOLDER.sub(substitute, text or "")


def default_values(unit):
    """Values every template may use without asking: the sending unit's name."""
    return {"station": unit.name if unit is not None else ""}
