"""Liaison: Qingyan's desk (a station with Yang on duty and Xu as its staff, a unit staffed by Qian, Gao a
deputy not on the station; Huaxi the tier above), who may take each action on its messages and a valid input
for it, the paths to every status, and the worker's digest sweep."""

import datetime
import itertools

from django.contrib.auth import get_user_model

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.memberships.services import membership_grant
from shared_apps.notifications.models import Notification
from shared_apps.registry.models import Deputy
from shared_apps.registry.selectors import term_current
from tenant_apps.liaison import tasks
from tenant_apps.liaison.models import MessageStatus, PublicMessage, Station
from tenant_apps.liaison.services import stations, submission
from tenant_apps.liaison.services.messages import message_transition
from tenant_apps.units import services as units
from tests.support.jobs import run_queued_jobs
from tests.support.registry import seated_deputy

S = MessageStatus
YANG_MOBILE = "13885012345"  # tests/support/personas.py
_numbers = itertools.count(1)


class Desk:
    """Qingyan's station and people, built through the services as its office would."""

    def __init__(self, users, congresses):
        self.users = users  # the fixture's own dict: client_for / api_for then know Xu, Gao and Qian too
        self.qingyan, self.huaxi = congresses["qingyan"], congresses["huaxi"]
        self.congresses = congresses
        user_model = get_user_model()
        xu = user_model.objects.create_user(email="xu@example.org", name="xu")
        membership_grant(actor=None, user=xu, congress=self.qingyan, role="state_organ_staff")
        gao = seated_deputy(71, term_current(self.qingyan), "gao@example.org")
        self.users.update(xu=xu, gao=gao.user)
        self.yang_deputy = Deputy.objects.get(user=self.users["yang"])
        zhou = self.as_("zhou")
        with self.qingyan:
            self.station = stations.station_create(access=zhou, data={"name": "青岩镇代表联络站", "code": "qy-1"})
            stations.station_deputies_set(access=zhou, station=self.station, deputies=[{"deputy": self.yang_deputy.pk}])
            stations.station_staff_set(access=zhou, station=self.station, users=[xu.pk])
            self.unit = units.unit_create(access=zhou, data={"name": "青岩镇综合执法队"})
            units.staff_add(access=zhou, unit=self.unit, email="qian@example.org")
        self.users["qian"] = user_model.objects.get(email="qian@example.org")
        li = self.as_("li", self.huaxi)
        with self.huaxi:
            self.huaxi_unit = units.unit_create(access=li, data={"name": "花溪区交通运输局"})
            units.staff_add(access=li, unit=self.huaxi_unit, email="liu@example.org")
            self.huaxi_online = Station.objects.get(code="online")

    def as_(self, persona: str, congress=None) -> Access:
        congress = congress or self.qingyan
        user = self.users[persona]
        return Access(user=user, congress=congress, roles=roles_for(user, congress))

    def send(self, *, congress=None, deputy=None, text="", address="", mobile="", photos=()):
        """A message from the public through the submission service (what the station's QR page calls): to the
        named deputy, else to Qingyan's station, else to the congress's online station."""
        congress = congress or self.qingyan
        n = next(_numbers)
        with congress:
            station = None
            if deputy is None:
                station = self.station if congress == self.qingyan else Station.objects.get(code="online")
            message = submission.message_submit(
                congress=congress,
                station=station,
                deputy=deputy,
                data={
                    "category": "problem",
                    "text": text or f"青岩古镇停车难，第{n}次反映，请代表关注。",
                    "sender_name": "张三",
                    "mobile": mobile or f"1398501{n:04d}",
                },
                photos=list(photos),
                client_address=address or f"10.1.{n // 200}.{n % 200 + 1}",
            )
            announced = Notification.objects.filter(title__contains=message.tracking_code).exists()
            # The submission service announces new messages itself; held ones wait for review, unannounced.
            assert message.status == S.NEW or not announced
        return message

    def act(self, message, persona: str, action: str, congress=None, **data) -> PublicMessage:
        congress = congress or self.qingyan
        data = {**INPUT[action](self), **data}
        with congress:
            return message_transition(access=self.as_(persona, congress), message=message, action=action, **data)

    def drive(self, status: str) -> PublicMessage:
        """A fresh message at the station, brought to `status` through the services."""
        if status in (S.HELD, S.DISCARDED):
            first = self.send(address="10.9.9.9", mobile="13985099999", text="同一条留言")
            held = self.send(address="10.9.9.9", mobile="13985099999", text="同一条留言")
            assert first.status == S.NEW and held.status == S.HELD
            if status == S.DISCARDED:
                with self.qingyan:
                    submission.message_discard(access=self.as_("zhou"), message=held, reason="重复提交")
            return fresh(self.qingyan, held)
        message = self.send()
        for action in PATHS[status]:
            message = self.act(message, ACTOR[action], action)
        return fresh(self.qingyan, message)


def fresh(congress, message) -> PublicMessage:
    with congress:
        return PublicMessage.objects.get(pk=message.pk)


# The persona of Qingyan who may take each action, and a valid input for it.
ACTOR = {
    "reply": "yang",
    "approve_public": "zhou",
    "forward": "yang",
    "to_suggestion": "yang",
    "escalate": "yang",
    "close": "yang",
    "reopen": "zhou",
    "accept": "zhou",
    "return": "zhou",
}
INPUT = {
    "reply": lambda d: {"reply_text": "已请镇交管办在周末增派人员疏导。", "public_reply_text": "已安排周末疏导。"},
    "approve_public": lambda d: {"public_reply_text": "已安排周末疏导交通。"},
    "forward": lambda d: {"unit": d.unit.pk},
    "to_suggestion": lambda d: {},
    "escalate": lambda d: {"note": "停车场规划属区级事权，请区人大协调。"},
    "close": lambda d: {"note": "已现场答复，留言人表示认可。"},
    "reopen": lambda d: {"note": "留言人再次反映。"},
    "accept": lambda d: {},
    "return": lambda d: {"note": "属镇级事权，请镇人大办理。"},
}
PATHS = {
    S.NEW: [],
    S.REPLIED: ["reply"],
    S.FORWARDED: ["forward"],
    S.SUGGESTION: ["to_suggestion"],
    S.ESCALATED: ["reply", "escalate"],
    S.CLOSED: ["reply", "close"],
}


def sweep(day: datetime.date) -> None:
    noon = datetime.datetime.combine(day, datetime.time(4, 0), tzinfo=datetime.UTC)
    tasks.sweep_digests(timestamp=int(noon.timestamp()))
    run_queued_jobs("liaison.send_digests")
    run_queued_jobs("liaison.send_digest_message")
