"""Form fields shared by every app."""

from django import forms
from django.core.exceptions import ValidationError

BIGINT_MAX = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id too large for the database column is an invalid choice, not a crash.

    (SQLite raises OverflowError while running ``pk__in`` with such a number.)
    """

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            for item in value:
                text = str(item).strip()
                if text.lstrip("-").isdigit() and abs(int(text)) > BIGINT_MAX:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                    )
        return super().clean(value)
