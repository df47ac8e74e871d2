"""Phone numbers compared as one number however they were typed.

"+44 7700 900123", "07700 900123", "07700900123" and "(+44) 7700-900-123" are the same
telephone line; the duplicate check at registration (patients.duplicates) must see that. A
number is brought to E.164 ("+447700900123") by Google's libphonenumber (the ``phonenumbers``
package), reading a number typed without its country code as a number of ``region`` (the
deployment's ``PHONE_REGION``). A number it cannot parse, or of a length no number of that
country has, falls back to its digits, so it still matches the same digits typed otherwise.

No Django import: the region is passed in.
"""

from __future__ import annotations

import re

import phonenumbers

# Fewer digits than this say too little to call two patients the same ("0", "112").
PHONE_MIN_DIGITS = 6


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def normalise_phone(phone: str, region: str) -> str:
    """``phone`` in E.164 when it reads as a possible number (national numbers read in
    ``region``, an ISO 3166 code such as "GB"), else its digits; "" for no number."""
    if not phone.strip():
        return ""
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return digits(phone)
    if not phonenumbers.is_possible_number(number):
        return digits(phone)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_region(code: str) -> bool:
    """Whether ``code`` is a region libphonenumber knows (ISO 3166 alpha-2, e.g. "GB")."""
    return code in phonenumbers.SUPPORTED_REGIONS


def comparable(key: str) -> bool:
    """Whether a normalised number has enough digits to call two patients the same."""
    return len(digits(key)) >= PHONE_MIN_DIGITS
