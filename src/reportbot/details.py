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
        import phonenumbers

        try:
            return phonenumbers.is_valid_number(phonenumbers.parse(_POSTE.sub("ext.", text), "CA"))
        except phonenumbers.NumberParseException:
            return False
    raise ValueError(f"no such format: {fmt!r}")
