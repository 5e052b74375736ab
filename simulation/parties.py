"""The organisations named by the seed articles, and the generated members of the large alliances."""

from __future__ import annotations

from datetime import date, timedelta

from simulation.builder import ScenarioBuilder

GOVERNMENT = {
    "gov.gz_hrss": ("Guangzhou Human Resources and Social Security Bureau", "Guangzhou"),
    "gov.gz_ftu": ("Guangzhou Federation of Trade Unions", "Guangzhou"),
    "gov.bijie_hrss": ("Bijie Human Resources and Social Security Bureau", "Bijie"),
    "gov.anshun_hrss": ("Anshun Human Resources and Social Security Bureau", "Anshun"),
    "gov.qiannan_hrss": ("Qiannan Human Resources and Social Security Bureau", "Qiannan"),
    "gov.huadu_hrss": ("Huadu District Human Resources and Social Security Bureau", "Huadu"),
    "gov.guian": ("Guian New Area Management Committee", "Guiyang"),
    "gov.gd_education": ("Department of Education of Guangdong Province", "Guangzhou"),
}
SCHOOLS = {
    "sch.bijie": ("Bijie Vocational and Technical College", "Bijie"),
    "sch.anshun_ethnic": ("Anshun Ethnic Secondary Vocational School", "Anshun"),
    "sch.anshun_vtc": ("Anshun Vocational and Technical College", "Anshun"),
    "sch.qiannan": ("Qiannan Polytechnic for Nationalities", "Qiannan"),
    "sch.duyun": ("Duyun Secondary Vocational School", "Qiannan"),
    "sch.gz_preschool": ("Guangzhou Preschool Teacher Training School", "Guangzhou"),
    "sch.gz_light_industry_guizhou": ("Guizhou Light Industry Technical College", "Guiyang"),
    "sch.gz_electronic": ("Guizhou College of Electronic Science and Technology", "Guiyang"),
    "sch.gz_technician": ("Guangzhou Technician College", "Huadu"),
    "sch.gz_light_industry": ("Guangzhou Light Industry Technician College", "Huadu"),
    "sch.gz_electromechanical": ("Guangzhou Electromechanical Technician College", "Huadu"),
    "sch.gz_public_utility": ("Guangzhou Public Utility Technician College", "Huadu"),
    "sch.gz_communications": ("Guangzhou Communications Technician Institute", "Huadu"),
    "sch.gd_communication": ("Guangdong Communication Polytechnic", "Guangzhou"),
}
# The 18 Guangzhou enterprises of seed 000: (name, state-owned).
GUANGZHOU_ENTERPRISES = {
    "ent.xinwanda": ("Xinwanda Electronics Co., Ltd.", False),
    "ent.lingnan_cuisine": ("Guangzhou Lingnan Cuisine Group Co., Ltd.", True),
    "ent.liwan_dimsum": ("Guangzhou Liwan Dim Sum Catering Co., Ltd.", False),
    "ent.baiyun_home": ("Guangzhou Baiyun Home Services Co., Ltd.", False),
    "ent.haizhu_care": ("Guangzhou Haizhu Elderly Care Services Co., Ltd.", False),
    "ent.rail_transit": ("Guangzhou Rail Transit Operations Co., Ltd.", True),
    "ent.pearl_power": ("Pearl River Power Equipment Co., Ltd.", True),
    "ent.nansha_ships": ("Guangzhou Nansha Shipbuilding Co., Ltd.", True),
    "ent.huangpu_precision": ("Guangzhou Huangpu Precision Machinery Co., Ltd.", False),
    "ent.auto_parts": ("Guangzhou Auto Parts Manufacturing Co., Ltd.", False),
    "ent.zengcheng_nev": ("Guangzhou Zengcheng New Energy Vehicle Co., Ltd.", False),
    "ent.tianhe_logistics": ("Guangzhou Tianhe Smart Logistics Co., Ltd.", False),
    "ent.devzone_semi": ("Guangzhou Development Zone Semiconductor Co., Ltd.", False),
    "ent.yuexiu_hotels": ("Guangzhou Yuexiu Hotel Management Co., Ltd.", True),
    "ent.airport_ground": ("Guangzhou Baiyun Airport Ground Services Co., Ltd.", True),
    "ent.panyu_jewellery": ("Guangzhou Panyu Jewellery Crafts Co., Ltd.", False),
    "ent.huadu_leather": ("Guangzhou Huadu Leather Goods Co., Ltd.", False),
    "ent.conghua_agritech": ("Guangzhou Conghua Agricultural Technology Co., Ltd.", False),
}
OTHER_ENTERPRISES = {
    "ent.chinasoft": ("Chinasoft International Education and Technology Group", "Guiyang", False),
    "ent.guizhou_big_data": ("Guizhou Big Data Group Co., Ltd.", "Guiyang", True),
    "ent.apower": ("Apower Electronics Co., Ltd.", "Huadu", False),
    "ent.marelli": ("Marelli Auto Parts (Guangzhou) Co., Ltd.", "Huadu", False),
}
# Employers outside every partnership, where some graduates find work.
EMPLOYERS = {
    "emp.gd_rail": ("Guangdong Provincial Rail Construction Group Co., Ltd.", "Guangzhou", True),
    "emp.gz_power": ("Southern Grid Guangzhou Power Supply Co., Ltd.", "Guangzhou", True),
    "emp.bijie_power": ("Guizhou Bijie Coal Power Co., Ltd.", "Bijie", True),
    "emp.anshun_aviation": ("Guizhou Anshun Aviation Industry Co., Ltd.", "Anshun", True),
    "emp.qiannan_water": ("Qiannan Water Investment Group Co., Ltd.", "Qiannan", True),
    "emp.guizhou_highway": ("Guizhou Highway Group Co., Ltd.", "Guiyang", True),
    "emp.bijie_catering": ("Bijie Hongtai Catering Co., Ltd.", "Bijie", False),
    "emp.anshun_textile": ("Anshun Tunbao Textile Co., Ltd.", "Anshun", False),
    "emp.duyun_tea": ("Duyun Maojian Tea Co., Ltd.", "Qiannan", False),
    "emp.shenzhen_electronics": ("Shenzhen Pengcheng Electronics Co., Ltd.", "Guangdong", False),
    "emp.foshan_appliances": ("Foshan Shunde Home Appliances Co., Ltd.", "Guangdong", False),
    "emp.zunyi_packaging": ("Zunyi Liquor Packaging Co., Ltd.", "Zunyi", False),
}


def add_named_parties(b: ScenarioBuilder) -> None:
    for key, (name, locality) in GOVERNMENT.items():
        b.party(key, name, "government", locality)
    for key, (name, locality) in SCHOOLS.items():
        b.party(key, name, "school", locality)
    for key, (name, state_owned) in GUANGZHOU_ENTERPRISES.items():
        b.party(key, name, "enterprise", "Guangzhou", state_owned=state_owned)
    for table in (OTHER_ENTERPRISES, EMPLOYERS):
        for key, (name, locality, state_owned) in table.items():
            b.party(key, name, "enterprise", locality, state_owned=state_owned)


_PLACES = (
    "Guangzhou",
    "Shenzhen",
    "Foshan",
    "Dongguan",
    "Zhuhai",
    "Shantou",
    "Zhanjiang",
    "Jiangmen",
    "Huizhou",
    "Maoming",
    "Zhaoqing",
    "Qingyuan",
    "Shaoguan",
    "Meizhou",
    "Yangjiang",
    "Heyuan",
    "Chaozhou",
    "Jieyang",
    "Yunfu",
    "Shanwei",
    "Zhongshan",
)
_SCHOOL_KINDS = ("Polytechnic", "Vocational and Technical College", "Technician College", "Secondary Vocational School")
_OVERSEAS = (
    "University of California, Davis",
    "Railway Transport College (Georgia)",
    "Saimaa University of Applied Sciences (Finland)",
    "Centennial College (Canada)",
    "Politeknik Negeri Jakarta (Indonesia)",
    "Rajamangala University of Technology (Thailand)",
    "Lao-German Technical College (Laos)",
    "Thai-Nichi Institute of Technology (Thailand)",
    "Bandung State Polytechnic (Indonesia)",
    "Georgian Technical University",
)


def alliance_members(
    b: ScenarioBuilder, alliance: str, counts: dict[str, int], locality: str, first: date, last: date
) -> None:
    """Adds `counts[role]` generated parties and joins them to the alliance between `first` and `last`."""
    total = sum(counts.values())
    step = (last - first) / max(1, total - 1)
    n = 0
    for role, count in counts.items():
        for i in range(count):
            key = f"{alliance}.{role}{i + 1:02d}"
            place = _PLACES[i % len(_PLACES)]
            name = {
                "school": f"{place} {_SCHOOL_KINDS[(i // len(_PLACES)) % len(_SCHOOL_KINDS)]}",
                "enterprise": f"{place} Industrial Cooperation Co., Ltd. No. {i + 1}",
                "association": f"{locality} Vocational Education Association No. {i + 1}",
                "overseas": _OVERSEAS[i % len(_OVERSEAS)],
                "government": f"{locality} Government Department No. {i + 1}",
                "research_institute": f"{locality} Research Institute of Applied Technology No. {i + 1}",
            }[role]
            if role == "school" and i >= len(_PLACES) * len(_SCHOOL_KINDS):
                name += f" Campus {i + 1}"
            b.party(key, name, role, locality)
            b.join(alliance, key, first + timedelta(days=round(step.days * n)))
            n += 1
