"""Checks of the identifiers people and organisations carry in China, and how a name is shown.

A resident identity number (GB 11643-1999) has 17 digits and an ISO 7064 MOD 11-2 check character; a unified
social credit code (GB 32100-2015) has 17 characters of a 31-letter alphabet and a MOD 31 check character.
Problems are described without echoing the value, so a national ID never reaches an error message.
"""

from __future__ import annotations

from datetime import date

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"
_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def normalised_national_id(value: str) -> str:
    return value.strip().upper()


def national_id_problem(value: str) -> str | None:
    """Why `value` is not a valid 18-character resident identity number, or None."""
    number = normalised_national_id(value)
    if len(number) != 18 or not number[:17].isdigit():
        return "a national ID has 17 digits and a check character"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "the national ID does not hold a valid birth date"
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        return "the national ID's check character does not match"
    return None


def national_id_check_character(first_17_digits: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_17_digits, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def credit_code_check_character(first_17: str) -> str:
    total = sum(_CODE_ALPHABET.index(c) * w for c, w in zip(first_17, _CODE_WEIGHTS, strict=True))
    return _CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code, or None."""
    if len(code) != 18 or any(c not in _CODE_ALPHABET for c in code):
        return f"a unified social credit code has 18 characters of {_CODE_ALPHABET}"
    if credit_code_check_character(code[:17]) != code[17]:
        return f"the check character of credit code {code} should be {credit_code_check_character(code[:17])}"
    return None


def masked_name(name: str) -> str:
    """The first character of each word, the rest starred: 王小明 -> 王**, Li Wei -> L* W**."""
    words = name.split()
    if len(words) <= 1:
        return name[:1] + "*" * max(len(name) - 1, 1)
    return " ".join(word[:1] + "*" * max(len(word) - 1, 1) for word in words)
