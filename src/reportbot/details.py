"""Whether a text answer looks like what its box holds (the flow's ``format``): an e-mail address, a phone number.

Syntax only, and never a look-up: email-validator checks the address's form
without asking the network whether its domain exists (``check_deliverability=False``),
and phonenumbers reads a number against the metadata it ships, as a Canadian
number unless it starts with + and a country code. Each library is imported at
the first answer it judges, not at start-up.
"""

from __future__ import annotations

import re
from functools import lru_cache

# phonenumbers reads "ext.", "x" or "#" before an extension, not the French "poste".
_POSTE = re.compile(r"\bposte\b", re.IGNORECASE)

@lru_cache(maxsize=64)
def looks_right(fmt: str, text: str) -> bool:
    """Whether ``text`` has the form of a ``fmt`` ("email", "phone")."""
    if fmt == "email":
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            return False
        return True
    if fmt == "phone":
        return _phones_look_right(_POSTE.sub("ext.", text))
    raise ValueError(f"no such format: {fmt!r}")


def _phones_look_right(text: str) -> bool:
    """One valid number; or several (CYFSA 1.1 asks for "phone numbers"), each valid, with no other digits."""
    import phonenumbers

    try:
        if phonenumbers.is_valid_number(phonenumbers.parse(text, "CA")):
            return True
    except phonenumbers.NumberParseException:
        pass
    rest, found = text, False
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, "CA"))):  # valid numbers only
        rest, found = rest[: match.start] + rest[match.end :], True
    return found and not any(ch.isdigit() for ch in rest)
