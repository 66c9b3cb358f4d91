"""Resident identity numbers (GB 11643-1999) and mainland mobile numbers: validation, normalisation, masking."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    """Return the normalised 18-character ID number, or raise ValidationError saying what is wrong."""
    number = normalise_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(_("身份证号码必须是18位（最后一位可以是X）。"), code="format")
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="birth_date") from None
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位错误。"), code="check_digit")
    return number


def birth_date_from_id(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_from_id(number: str) -> str:
    return "male" if int(number[16]) % 2 else "female"


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    return digits.removeprefix("+86")


def validate_mobile(value: str) -> str:
    number = normalise_mobile(value)
    if not _MOBILE.fullmatch(number):
        raise ValidationError(_("手机号码必须是11位中国大陆手机号。"), code="mobile")
    return number


def mask_id_number(number: str) -> str:
    return f"{number[:4]}{'*' * 10}{number[-4:]}" if number else ""


def mask_mobile(number: str) -> str:
    return f"{number[:3]}****{number[-4:]}" if number else ""
