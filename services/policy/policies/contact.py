"""The consultation contact (咨询联系方式) every policy carries: the unit, person, phone and e-mail
that answer for it. notice 二(一)3: 按照"谁出台、谁宣讲、谁解释"的要求 … 明确咨询单位、联系人、联系电话
和电子邮箱.

Phone numbers are the mainland's: a mobile (11 digits, 1[3-9]…, an optional +86 before it), a
landline with its area code (010, 02x, or a four-digit 0xxx code; an optional extension), or a
400/800 service number. No phone library is installed, so the formats are written out below;
each number is kept in one spelling (13907971234, 0797-8123456, 0797-8123456-801, 400-123-4567).
Plain Python, no I/O.
"""
from __future__ import annotations

import re

from kernel import checks
from kernel.errors import FieldRequired
from services.policy.policies.exceptions import InvalidEmail, InvalidPhone

PERSON_LIMIT = 50
PHONE_LIMIT = 40
EMAIL_LIMIT = 254
FIELDS = ("unit", "person", "phone", "email")

_SEPARATORS = re.compile(r"[\s\-()（）]+")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
# Three-digit area codes (010 Beijing, 02x) have eight-digit numbers; four-digit ones seven or
# eight. A local number never starts with 0 or 1.
_LANDLINE = re.compile(r"0(?:(?P<short>10|2\d)(?P<short_local>[2-9]\d{7})"
                       r"|(?P<long>[3-9]\d{2})(?P<long_local>[2-9]\d{6,7}))")
_SERVICE = re.compile(r"([48]00)(\d{3})(\d{4})")
_EXTENSION = re.compile(r"^(?P<number>.*?)(?:\s*(?:转|ext\.?|x|-)\s*(?P<ext>\d{1,6}))?$",
                        re.IGNORECASE)
_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})")


def phone(value, field: str = "contact.phone") -> str:
    """A mainland phone number in its one spelling; `InvalidPhone` naming the field otherwise."""
    raw = checks.text(field, value, PHONE_LIMIT)
    digits = _SEPARATORS.sub("", raw)
    mobile = _MOBILE.fullmatch(digits)
    if mobile:
        return mobile.group(1)
    service = _SERVICE.fullmatch(digits)
    if service:
        return "-".join(service.groups())
    landline = _landline(raw)
    if landline:
        return landline
    raise InvalidPhone(value=value, field=field)


def _landline(raw: str) -> str | None:
    # The extension is split off first, where a separator may stand before it ("-801", "转801");
    # the rest must be an area code and a local number, in any spacing.
    for text, ext in _landline_readings(raw):
        digits = _SEPARATORS.sub("", text)
        if digits.startswith("+86"):
            digits = "0" + digits[3:]
        elif digits.startswith("86") and not digits.startswith("860"):
            digits = "0" + digits[2:]
        if not digits.startswith("0"):
            continue
        match = _LANDLINE.fullmatch(digits)
        if not match:
            continue
        area = match.group("short") or match.group("long")
        local = match.group("short_local") or match.group("long_local")
        return f"0{area}-{local}" + (f"-{ext}" if ext else "")
    return None


def _landline_readings(raw: str):
    yield raw, None
    split = _EXTENSION.fullmatch(raw.strip())
    if split and split.group("ext"):
        yield split.group("number"), split.group("ext")


def email(value, field: str = "contact.email") -> str:
    """An e-mail address, its domain in lower case; `InvalidEmail` naming the field otherwise."""
    raw = checks.text(field, value, EMAIL_LIMIT)
    match = _EMAIL.fullmatch(raw)
    if not match or len(match.group("local")) > 64:
        raise InvalidEmail(value=value, field=field)
    return f"{match.group('local')}@{match.group('domain').lower()}"


def contact(value, field: str = "contact") -> dict:
    """The four parts of a consultation contact, each required and checked."""
    if not isinstance(value, dict):
        raise FieldRequired(field, "a dict of unit, person, phone and email")
    checks.only_fields(value, FIELDS, "a consultation contact")
    return {
        "unit": checks.text(f"{field}.unit", value.get("unit"), checks.NAME_LIMIT),
        "person": checks.text(f"{field}.person", value.get("person"), PERSON_LIMIT),
        "phone": phone(value.get("phone"), f"{field}.phone"),
        "email": email(value.get("email"), f"{field}.email"),
    }
