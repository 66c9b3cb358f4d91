"""The cast. Two congresses of different tiers (Huaxi county, Qingyan township under it) are the main stage;
Honghuagang (a county in another city) supplies a member of another congress; Wu is an outsider.

| persona | roles |
|---|---|
| wang | platform_admin (province) |
| li | congress_admin of Huaxi |
| zhang | office_staff of Huaxi |
| liu | handling_unit_staff of Huaxi |
| chen | state_organ_staff of Huaxi |
| zhao | delegation_staff of Huaxi |
| sun | journalist of Huaxi |
| yang | deputy of Huaxi and of Qingyan (two tiers) |
| zhou | congress_admin of Qingyan |
| ma | congress_admin of Honghuagang (another congress entirely) |
| wu | no membership anywhere |
| shen | audit_admin of the province (the platform's audit administrator) |
| han | audit_admin of Huaxi |
| pan | security_admin of the province (the platform's security administrator) |
| tang | security_admin of Huaxi |
"""

CONGRESSES = [
    # key, tier, parent key, code, name, subdomain
    ("guizhou", "province", None, "520000000000", "贵州省人民代表大会", "guizhou"),
    ("guiyang", "city", "guizhou", "520100000000", "贵阳市人民代表大会", "guiyang"),
    ("huaxi", "county", "guiyang", "520111000000", "贵阳市花溪区人民代表大会", "huaxi"),
    ("qingyan", "township", "huaxi", "520111101000", "花溪区青岩镇人民代表大会", "qingyan"),
    ("zunyi", "city", "guizhou", "520300000000", "遵义市人民代表大会", "zunyi"),
    ("honghuagang", "county", "zunyi", "520302000000", "遵义市红花岗区人民代表大会", "honghuagang"),
]

PERSONAS = {
    "wang": [("guizhou", "platform_admin")],
    "li": [("huaxi", "congress_admin")],
    "zhang": [("huaxi", "office_staff")],
    "liu": [("huaxi", "handling_unit_staff")],
    "chen": [("huaxi", "state_organ_staff")],
    "zhao": [("huaxi", "delegation_staff")],
    "sun": [("huaxi", "journalist")],
    "yang": [("huaxi", "deputy"), ("qingyan", "deputy")],
    "zhou": [("qingyan", "congress_admin")],
    "ma": [("honghuagang", "congress_admin")],
    "wu": [],
    "shen": [("guizhou", "audit_admin")],
    "han": [("huaxi", "audit_admin")],
    "pan": [("guizhou", "security_admin")],
    "tang": [("huaxi", "security_admin")],
}

PASSWORD = "Persona-pass-2026"

# Registry: every congress has an open term; Yang (a persona with an account) sits at three tiers.
TERMS = {"guizhou": 14, "guiyang": 15, "huaxi": 19, "qingyan": 19, "zunyi": 15, "honghuagang": 19}

# key, name, valid resident ID number, mobile, persona (account) or None, seats [(congress key, constituency)]
DEPUTIES = [
    (
        "yang",
        "杨秀英",
        "52011119750312002X",
        "13885012345",
        "yang",
        [("qingyan", "青岩镇第三选区"), ("huaxi", "青岩镇选区"), ("guiyang", "花溪区")],
    ),
    ("luo", "罗国华", "520111196811230015", "13985067890", None, [("huaxi", "石板镇选区")]),
    ("tian", "田芳", "520302198002140048", "13708512222", None, [("honghuagang", "深溪镇选区")]),
]
