"""Errors raised by the analytics engine."""


class EngineError(ValueError):
    """Bad input to the analytics engine.

    The message is written for a person (an analyst or an operator), names the offending
    argument and, where possible, says what would work instead.
    """
