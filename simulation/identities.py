"""Well-formed identifiers: unified social credit codes (GB 32100-2015) and resident ID numbers (GB 11643-1999)."""

from __future__ import annotations

import random
from datetime import date, timedelta

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Administrative division codes of the localities the scenarios use.
DIVISIONS: dict[str, str] = {
    "Guangzhou": "440106",
    "Huadu": "440114",
    "Guiyang": "520102",
    "Bijie": "520502",
    "Anshun": "520402",
    "Qiannan": "522701",
    "Zunyi": "520302",
    "Liupanshui": "520201",
}


def _organisation_code(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(8))
    remainder = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    if check == "X":  # X is not in the credit-code alphabet; draw again so the code stays valid
        return _organisation_code(rng)
    return body + check


def credit_code_check(first17: str) -> str:
    total = sum(_USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def credit_code(rng: random.Random, locality: str, kind: str = "91") -> str:
    """`kind`: registering authority and entity type (91 a company, 51 a social organisation, 12 an institution)."""
    first17 = kind + DIVISIONS.get(locality, "440106") + _organisation_code(rng)
    return first17 + credit_code_check(first17)


def is_valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(c not in _USCC_CHARSET for c in code):
        return False
    return credit_code_check(code[:17]) == code[17]


def national_id_check(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def national_id(rng: random.Random, locality: str, born: date) -> str:
    first17 = DIVISIONS.get(locality, "520502") + born.strftime("%Y%m%d") + f"{rng.randrange(1, 1000):03d}"
    return first17 + national_id_check(first17)


def is_valid_national_id(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return national_id_check(number[:17]) == number[17]


def birth_date(rng: random.Random, cohort_year: int) -> date:
    """Students of ordered classes are 15 to 22 when their class starts."""
    age_days = rng.randrange(15 * 365, 22 * 365)
    return date(cohort_year, 9, 1) - timedelta(days=age_days)
