"""A demo province: Guizhou with two cities, three counties and seven townships (real names, plausible codes)."""

DEMO_PASSWORD = "Demo@2026"

# (tier, parent code, division code, name, subdomain)
CONGRESSES = [
    ("province", None, "520000000000", "贵州省人民代表大会", "guizhou"),
    ("city", "520000000000", "520100000000", "贵阳市人民代表大会", "guiyang"),
    ("city", "520000000000", "520300000000", "遵义市人民代表大会", "zunyi"),
    ("county", "520100000000", "520102000000", "贵阳市南明区人民代表大会", "nanming"),
    ("county", "520100000000", "520111000000", "贵阳市花溪区人民代表大会", "huaxi"),
    ("county", "520300000000", "520302000000", "遵义市红花岗区人民代表大会", "honghuagang"),
    ("township", "520111000000", "520111101000", "花溪区青岩镇人民代表大会", "qingyan"),
    ("township", "520111000000", "520111102000", "花溪区石板镇人民代表大会", "shiban"),
    ("township", "520111000000", "520111105000", "花溪区燕楼镇人民代表大会", "yanlou"),
    ("township", "520102000000", "520102200000", "南明区云关乡人民代表大会", "yunguan"),
    ("township", "520102000000", "520102201000", "南明区小碧布依族苗族乡人民代表大会", "xiaobi"),
    ("township", "520302000000", "520302103000", "红花岗区深溪镇人民代表大会", "shenxi"),
    ("township", "520302000000", "520302104000", "红花岗区金鼎山镇人民代表大会", "jindingshan"),
]

# (email, name, [(congress code, role), ...]) — one user per role; the deputy sits at county and township tier.
USERS = [
    ("platform.admin@example.org", "省平台管理员 王敏", [("520000000000", "platform_admin")]),
    ("huaxi.admin@example.org", "花溪区人大平台管理员 李强", [("520111000000", "congress_admin")]),
    ("huaxi.office@example.org", "花溪区人大办公室 张丽", [("520111000000", "office_staff")]),
    ("huaxi.unit@example.org", "花溪区住建局 刘洋", [("520111000000", "handling_unit_staff")]),
    ("huaxi.gov@example.org", "花溪区人民政府办公室 陈静", [("520111000000", "state_organ_staff")]),
    ("guiyang.delegation@example.org", "贵阳市代表团工作人员 赵磊", [("520100000000", "delegation_staff")]),
    ("guiyang.office@example.org", "贵阳市人大常委会办公厅 吴涛", [("520100000000", "office_staff")]),
    ("journalist@example.org", "贵阳日报记者 孙悦", [("520100000000", "journalist")]),
    ("qingyan.office@example.org", "青岩镇人大办公室 周敏", [("520111101000", "office_staff")]),
    ("deputy.yang@example.org", "杨秀英代表", [("520111000000", "deputy"), ("520111101000", "deputy")]),
    # The officers kept apart from the system administrator (三员分立).
    ("platform.security@example.org", "省平台安全管理员 钱伟", [("520000000000", "security_admin")]),
    ("platform.audit@example.org", "省平台审计管理员 沈燕", [("520000000000", "audit_admin")]),
    ("huaxi.security@example.org", "花溪区人大安全管理员 唐宁", [("520111000000", "security_admin")]),
    ("huaxi.audit@example.org", "花溪区人大审计管理员 韩梅", [("520111000000", "audit_admin")]),
]

PROFILES = {
    "520111000000": {
        "introduction": "花溪区人民代表大会常务委员会是区人民代表大会的常设机关，对区人民代表大会负责并报告工作。",
        "address": "贵阳市花溪区清溪路1号",
        "postcode": "550025",
        "phone": "0851-83851234",
        "reception_hours": "工作日 9:00–12:00，14:00–17:30",
    },
    "520111101000": {
        "introduction": "青岩镇人民代表大会主席团负责镇人大闭会期间的代表联络和日常工作。",
        "address": "贵阳市花溪区青岩镇思潜路",
        "postcode": "550027",
        "phone": "0851-83201234",
        "reception_hours": "每月15日 代表接待日",
    },
}

# Open terms: division code → (term number, start date).
TERMS = {
    "520000000000": (14, "2023-01-13"),
    "520100000000": (15, "2021-12-28"),
    "520300000000": (5, "2021-12-27"),
    "520102000000": (19, "2021-12-20"),
    "520111000000": (19, "2021-12-20"),
    "520302000000": (5, "2021-12-22"),
    "520111101000": (19, "2021-11-30"),
    "520111102000": (19, "2021-11-30"),
    "520111105000": (19, "2021-11-30"),
    "520102200000": (19, "2021-11-29"),
    "520102201000": (19, "2021-11-29"),
    "520302103000": (5, "2021-11-26"),
    "520302104000": (5, "2021-11-26"),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林罗吴龙石"
GIVEN = ["建国", "秀英", "志强", "丽华", "国平", "晓燕", "德明", "玉兰", "永红", "海燕", "正勇", "春梅", "光荣", "文静"]
ETHNICITIES = ["汉族", "苗族", "布依族", "侗族", "土家族", "彝族"]
OCCUPATIONS = [
    ("农民", "青岩镇龙井村村民"),
    ("教师", "花溪区第一中学教师"),
    ("医生", "花溪区人民医院主治医师"),
    ("企业职工", "贵州茶业有限公司技术员"),
    ("村干部", "石板镇合朋村党支部书记"),
    ("个体工商户", "个体工商户"),
]
DEPUTIES_PER_CONGRESS = 8

# The demo deputy with an account: seats at county, township and city tier.
DEMO_DEPUTY = {
    "email": "deputy.yang@example.org",
    "name": "杨秀英",
    "id_number": "52011119750312002X",
    "mobile": "13885012345",
    "seats": ["520111000000", "520111101000", "520100000000"],
}
