"""Made-up people: a name, a resident ID number and a household registration for each applicant."""

from __future__ import annotations

import random

from simulation.identities import birth_date, national_id
from simulation.scenario import Person

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程龙吴罗杨陆"
_GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红梅飞鹏辉健俊帆雪琳婷欣怡浩宇晨阳思雨"
_PROVINCE = {"Guangzhou": "Guangdong", "Huadu": "Guangdong"}


def make_person(rng: random.Random, home_region: str, cohort_year: int) -> Person:
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
    born = birth_date(rng, cohort_year)
    province = _PROVINCE.get(home_region, "Guizhou")
    return Person(
        name=rng.choice(_SURNAMES) + given,
        national_id=national_id(rng, home_region, born),
        household_registration=f"{home_region}, {province}",
    )
