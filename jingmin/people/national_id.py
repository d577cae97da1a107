"""Taiwan national ID numbers (身分證統一編號) and resident certificate numbers (居留證統一證號).

Formats accepted, all ten characters with the same weighted checksum:

* national ID: a letter, 1 or 2 (sex), eight digits — ``A123456789``;
* resident certificate, new format (from 2021): a letter, 8 or 9, eight digits — ``A800000014``;
* resident certificate, old format (before 2021): two letters (the second A–D), eight digits; the
  second letter's code stands in for the sex digit (its last digit counts) — ``AA00000009``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LETTERS = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18,
    "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27,
    "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip
WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
PATTERN = re.compile(r"^[A-Z]([12]|[89]|[A-D])\d{8}$")


def normalise(value):
    return (value or "").strip().upper().replace(" ", "")


def kind(value):
    """'citizen', 'resident-new', 'resident-old' or None (format only, not the checksum)."""
    value = normalise(value)
    m = PATTERN.match(value)
    if not m:
        return None
    second = m.group(1)
    if second in "12":
        return "citizen"
    if second in "89":
        return "resident-new"
    return "resident-old"


def checksum_ok(value):
    value = normalise(value)
    if not PATTERN.match(value):
        return False
    code = LETTERS[value[0]]
    second = value[1]
    d1 = LETTERS[second] % 10 if second.isalpha() else int(second)
    digits = [code // 10, code % 10, d1, *[int(c) for c in value[2:]]]
    return sum(w * d for w, d in zip(WEIGHTS, digits, strict=True)) % 10 == 0


def check_digit(prefix9):
    """The check digit completing a 9-character prefix (for generating fictitious demo numbers)."""
    for d in range(10):
        if checksum_ok(prefix9 + str(d)):
            return str(d)
    raise ValueError(prefix9)


def validate(value):
    """Normalised value or ValidationError with a reason."""
    value = normalise(value)
    if not PATTERN.match(value):
        raise ValidationError(
            _(
                "Not a valid ID number: one letter then 1, 2, 8 or 9 and eight digits, "
                "or an old resident certificate number (two letters and eight digits)."
            ),
            code="format",
        )
    if not checksum_ok(value):
        raise ValidationError(_("The ID number's check digit is wrong."), code="checksum")
    return value


def mask(value):
    """A12****789: the first three and last three characters."""
    value = normalise(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 6) + value[-3:]
