"""Who the office calls back about an appeal: the contact's phone checked and written one way,
the e-mail checked, and both as a reader outside the office and the handling unit is shown them
(`138****5678`). Plain Python, no I/O; who is shown what is the permission table's read rule
(`access.shown_contact`), which uses the masks here.

The phone is read by Google's libphonenumber (`phonenumbers`), whose numbering plan for China
knows which prefixes are mobile and which area codes exist; a regex would pass 12345678901 and
refuse a valid fixed line of a county without a three-digit area code. A number is written the
way a Chinese clerk dials it: a mobile as its 11 digits, a fixed line as 0, the area code, a
hyphen and the subscriber's number.
"""
from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType

from services.tickets.appeals.exceptions import InvalidEmail, InvalidPhone

PHONE_LIMIT = 40
EMAIL_LIMIT = 254  # RFC 5321's longest path
# A contact is a mobile or a fixed line; 400 numbers, pagers and the like are no one to call back.
CALLABLE = {PhoneNumberType.MOBILE: "mobile", PhoneNumberType.FIXED_LINE: "fixed_line",
            PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line"}
# One local part, one @, a domain of dot-separated labels ending in letters: the structure an
# address must have to be delivered at all. Whether the mailbox exists only a mail can tell.
EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
                   r"[A-Za-z]{2,63}")


def phone(value, field: str = "contact_phone") -> str:
    """The number as the ledger writes it (13812345678, 0797-8123456), or a refusal naming
    `field`."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidPhone(value, "empty", field=field)
    if len(value) > PHONE_LIMIT:
        raise InvalidPhone(value[:PHONE_LIMIT] + "…", f"longer than {PHONE_LIMIT} characters",
                           field=field)
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidPhone(value, "not a phone number", field=field) from None
    if phonenumbers.region_code_for_number(number) != "CN":
        raise InvalidPhone(value, "not a number in China", field=field)
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(value, "no such number in China's numbering plan", field=field)
    kind = CALLABLE.get(phonenumbers.number_type(number))
    if kind is None:
        raise InvalidPhone(value, "neither a mobile nor a fixed line", field=field)
    digits = phonenumbers.national_significant_number(number)
    if kind == "mobile":
        return digits
    area = phonenumbers.length_of_geographical_area_code(number)
    return f"0{digits[:area]}-{digits[area:]}" if area else f"0{digits}"


def email(value, field: str = "contact_email") -> str:
    """The address trimmed, its domain in lower case, or a refusal naming `field`."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidEmail(value, "empty", field=field)
    value = value.strip()
    if len(value) > EMAIL_LIMIT:
        raise InvalidEmail(value[:40] + "…", f"longer than {EMAIL_LIMIT} characters", field=field)
    if not EMAIL.fullmatch(value):
        raise InvalidEmail(value, "it needs one name, an @ and a domain such as example.cn",
                           field=field)
    local, _, domain = value.rpartition("@")
    if local.startswith(".") or local.endswith(".") or ".." in local or len(local) > 64:
        raise InvalidEmail(value, "the part before the @ is not a mailbox name", field=field)
    return f"{local}@{domain.lower()}"


def masked_phone(number: str | None) -> str | None:
    """The first three and last four digits, the rest starred: 13812345678 → 138****5678."""
    if not number:
        return number
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def masked_email(address: str | None) -> str | None:
    """The first character of the mailbox and its domain: zhang.san@example.cn → z***@example.cn."""
    if not address:
        return address
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"
