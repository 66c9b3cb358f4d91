"""The demo's daily work, built through the services as the people would do it (see seed_demo._work)."""

from django.db import transaction
from django_tenants.utils import schema_context

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.registry.models import Deputy
from tenant_apps.liaison.services import messages as liaison
from tenant_apps.liaison.services import stations
from tenant_apps.liaison.services.submission import message_submit
from tenant_apps.notices.services import notice_send
from tenant_apps.suggestions import services as suggestions
from tenant_apps.units import services as units
from tenant_apps.units.models import HandlingUnit
from tenants.models import Congress

SUGGESTIONS = [
    ("关于增设青岩古镇旅游接驳车的建议", "节假日古镇周边交通拥堵，建议增设接驳车并优化停车场布局。", "交通"),
    ("关于改善花溪河水质的建议", "花溪河部分河段雨后浑浊，建议加强上游污水管网建设。", "生态环境"),
    ("关于增加农村学校寄宿床位的建议", "部分乡镇学校寄宿需求大，建议增加床位并配备生活老师。", "教育"),
]
MESSAGES = [
    ("problem", "青岩镇北街路灯坏了三盏，晚上出行不便，希望尽快修复。", "王先生", "13985112233"),
    ("opinion", "建议在镇卫生院增设周末儿科门诊。", "李女士", "13985114455"),
    ("problem", "青岩古镇周末停车难，游客车辆占道，希望规划建设停车场。", "赵先生", "13985116677"),
]


def _access(user, congress) -> Access:
    return Access(user=user, congress=congress, roles=roles_for(user, congress))


# One transaction: a failure half-way leaves nothing, so a re-run's "units exist" check never skips unfinished work.
@transaction.atomic
def seed_work(users) -> str:
    huaxi = Congress.objects.get(subdomain="huaxi")
    qingyan = Congress.objects.get(subdomain="qingyan")
    office, unit_user = users["huaxi.office@example.org"], users["huaxi.unit@example.org"]
    yang_user = users["deputy.yang@example.org"]
    yang = Deputy.objects.get(user=yang_user)
    with schema_context(huaxi.schema_name):
        if HandlingUnit.objects.exists():
            return "daily work: already there"
        office_here = _access(office, huaxi)
        housing = units.unit_create(access=office_here, data={"name": "花溪区住房和城乡建设局"})
        units.unit_create(access=office_here, data={"name": "花溪区教育局"})
        transport = units.unit_create(access=office_here, data={"name": "花溪区交通运输局"})
        units.staff_add(access=office_here, unit=housing, email=unit_user.email, is_contact=True)
        yang_here = _access(yang_user, huaxi)
        items = []
        for title, body, category in SUGGESTIONS:
            item = suggestions.suggestion_draft_create(
                access=yang_here, data={"title": title, "body": body, "category": category}
            )
            items.append(suggestions.suggestion_transition(access=yang_here, suggestion=item, action="submit"))
        accepted = suggestions.suggestion_transition(access=office_here, suggestion=items[0], action="accept")
        suggestions.suggestion_transition(
            access=office_here,
            suggestion=accepted,
            action="assign",
            units=[{"unit": housing.pk, "role": "lead"}, {"unit": transport.pk, "role": "joint"}],
        )
        suggestions.suggestion_transition(access=office_here, suggestion=items[1], action="accept")
        notice_send(
            access=office_here,
            title="关于开展代表进站履职活动的通知",
            body="请各镇人大组织代表每月至少进站接待群众一次，并及时答复群众留言。",
        )
    with schema_context(qingyan.schema_name):
        zhou = _access(users["qingyan.office@example.org"], qingyan)
        station = stations.station_create(
            access=zhou,
            data={
                "name": "青岩镇代表联络站",
                "code": "qingyan",
                "address": "贵阳市花溪区青岩镇思潜路12号",
                "reception_days": "每月15日上午",
                "contact_name": "镇人大办",
                "contact_phone": "0851-83201234",
            },
        )
        stations.station_deputies_set(
            access=zhou, station=station, deputies=[{"deputy": yang.pk, "duty_note": "每月15日"}]
        )
        sent = [
            message_submit(
                congress=qingyan,
                station=station,
                data={"category": category, "text": text, "sender_name": name, "mobile": mobile},
                photos=[],
                # 192.0.2.0/24 is reserved for documentation (RFC 5737): no real address is recorded.
                client_address=f"192.0.2.{n + 10}",
            )
            for n, (category, text, name, mobile) in enumerate(MESSAGES)
        ]
        liaison.message_transition(
            access=_access(yang_user, qingyan),
            message=sent[0],
            action="reply",
            reply_text="已联系镇村镇建设办，本周内修复。",
            public_reply_text="北街路灯已安排本周内修复。",
        )
        # Beyond the township's powers: escalated to Huaxi, whose office finds it waiting to be accepted.
        liaison.message_transition(
            access=_access(yang_user, qingyan),
            message=sent[2],
            action="escalate",
            note="停车场规划属区级事权，请区人大协调。",
        )
    codes = ", ".join(m.tracking_code for m in sent)
    return (
        "daily work: 3 units, 3 suggestions, a notice, "
        f"a station with 3 messages, one escalated to Huaxi (tracking codes {codes})"
    )
