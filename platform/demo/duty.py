"""The demo's duty work, built through the services as the people would do it (see seed_demo): a year of Huaxi's
activities (attendance confirmed, leave granted, one today for the QR sign-in, one next week awaiting the demo
deputy's answer), a Guiyang inspection with township deputies invited through the exchange, duties reported and
recorded in two tiers, an achievement story, and two reporting rounds (one with published results, one open)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.registry.models import Deputy, Seat
from tenant_apps.duty import services as duty
from tenant_apps.duty.models import Activity
from tenant_apps.reports import scoring
from tenant_apps.reports import services as reports
from tenant_apps.showcase import services as showcase
from tenants.models import Congress

# (months ago, kind, title, place)
ACTIVITIES = [
    (10, "training", "新任代表履职培训", "花溪区人大会议中心"),
    (9, "inspection", "集中视察城乡供水保障工程", "花溪区水务局及石板镇水厂"),
    (7, "research", "专题调研农村养老服务", "青岩镇敬老院"),
    (6, "enforcement", "《贵州省大气污染防治条例》执法检查", "花溪区生态环境分局"),
    (5, "reception", "代表进站接待群众", "青岩镇代表联络站"),
    (4, "attend_sc", "列席区人大常委会第二十次会议", "花溪区人大常委会会议室"),
    (2, "group", "代表小组视察农贸市场改造", "花溪农贸市场"),
    (1, "review", "代表述职评议会", "青岩镇政府"),
]
SCORES = [
    ("satisfied", "杨代表经常到村里来，办实事。"),
    ("satisfied", ""),
    ("basically_satisfied", ""),
    ("unsatisfied", ""),
]


def _access(user, congress) -> Access:
    return Access(user=user, congress=congress, roles=roles_for(user, congress))


def _seated(congress) -> list[int]:
    return list(
        Seat.objects.filter(congress=congress, status="serving")
        .order_by("deputy_id")
        .values_list("deputy_id", flat=True)
    )


def _when(months_ago: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localtime() - datetime.timedelta(days=30 * months_ago)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _activity(office, *, kind, title, place, starts, hours=3, invite=(), organiser="区人大常委会代表工委"):
    made = duty.activity_create(
        access=office,
        data={
            "kind": kind,
            "title": title,
            "place": place,
            "organiser": organiser,
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=hours),
        },
    )
    duty.invite(access=office, activity=made, deputy_ids=invite)
    return duty.activity_transition(access=office, activity=made, action="publish")


@transaction.atomic
def seed_duty(users) -> str:
    huaxi = Congress.objects.get(subdomain="huaxi")
    qingyan = Congress.objects.get(subdomain="qingyan")
    guiyang = Congress.objects.get(subdomain="guiyang")
    yang_user = users["deputy.yang@example.org"]
    yang = Deputy.objects.get(user=yang_user)
    with schema_context(huaxi.schema_name):
        if Activity.objects.exists():
            return "duty work: already there"
        office = _access(users["huaxi.office@example.org"], huaxi)
        deputy_here = _access(yang_user, huaxi)
        members = _seated(huaxi)
        for n, (months, kind, title, place) in enumerate(ACTIVITIES):
            activity = _activity(office, kind=kind, title=title, place=place, starts=_when(months), invite=members)
            for invitation in activity.invitations.order_by("deputy_id"):
                if invitation.deputy_id == yang.pk and n == 3:
                    # She telephoned the office beforehand: it records the leave with her reason.
                    duty.invitation_transition(
                        access=office, invitation=invitation, action="record_leave", data={"note": "参加省人大代表培训"}
                    )
                elif (invitation.deputy_id + n) % 5:
                    duty.invitation_transition(access=office, invitation=invitation, action="confirm_attendance")
            duty.activity_transition(access=office, activity=activity, action="close")
            if n == 1:
                duty.opinion_add(access=office, activity=activity, kind="suggestion", text="建议加快老旧供水管网改造。")
                duty.opinion_add(
                    access=office, activity=activity, kind="sentiment", text="群众反映石板镇夏季停水频繁。"
                )
                duty.activity_update(
                    access=office,
                    activity=activity,
                    data={"minutes": "视察组听取了区水务局汇报，实地察看了石板镇水厂，提出三条意见。"},
                )
        now = timezone.localtime()
        _activity(
            office,
            kind="inspection",
            title="视察花溪河综合治理（今日，现场扫码签到）",
            place="花溪河十里河滩",
            starts=now - datetime.timedelta(minutes=20),
            hours=4,
            invite=members,
        )
        _activity(
            office,
            kind="research",
            title="专题调研学前教育资源配置",
            place="花溪区教育局",
            starts=_when(-0, 9) + datetime.timedelta(days=7),
            invite=members,
        )
        speech = duty.entry_report(
            access=deputy_here,
            data={
                "kind": "deliberation_speech",
                "title": "在区人代会上审议政府工作报告并发言",
                "occurred_on": (now - datetime.timedelta(days=300)).date(),
                "place": "花溪区人大会议中心",
                "text": "建议加大农村供水和养老服务投入。",
            },
        )
        duty.entry_transition(access=office, entry=speech, action="confirm", data={"public": True})
        visit = duty.entry_report(
            access=deputy_here,
            data={
                "kind": "constituent_visit",
                "title": "走访青岩村困难群众",
                "occurred_on": (now - datetime.timedelta(days=20)).date(),
            },
        )
        duty.entry_transition(
            access=office, entry=visit, action="return", data={"note": "请补充走访的人数和反映的问题。"}
        )
        _story(office, deputy_here, yang)
        _rounds(office, deputy_here, yang, huaxi)
    with schema_context(qingyan.schema_name):
        zhou = _access(users["qingyan.office@example.org"], qingyan)
        duty.entry_record(
            access=zhou,
            deputy_id=yang.pk,
            data={
                "kind": "session_attendance",
                "title": "出席青岩镇第十九届人民代表大会第五次会议",
                "occurred_on": (now - datetime.timedelta(days=250)).date(),
            },
        )
    with schema_context(guiyang.schema_name):
        city = _access(users["guiyang.office@example.org"], guiyang)
        below = [*_seated(qingyan)[:3], yang.pk]
        _activity(
            city,
            kind="inspection",
            title="市人大常委会集中视察乡村振兴（邀请区、镇代表参加）",
            place="花溪区青岩镇",
            starts=_when(-0, 14) + datetime.timedelta(days=3),
            invite=below,
            organiser="市人大常委会代表工委",
        )
    return (
        "duty work: 10 activities in Huaxi, 1 from Guiyang with township deputies, "
        "duties in two tiers, a story, 2 reporting rounds"
    )


def _story(office, deputy_here, yang) -> None:
    story = showcase.story_create(
        access=office,
        data={
            "title": "杨秀英代表：让青岩古镇的停车难不再难",
            "body": "杨秀英代表多次走访古镇商户和游客，提出增设接驳车和停车场的建议。"
            "在区人大常委会督办下，古镇周边新增停车位三百个，节假日拥堵明显缓解。",
            "deputies": [yang.pk],
        },
    )
    showcase.story_transition(access=office, story=story, action="send_for_review")
    showcase.story_transition(access=deputy_here, story=story, action="agree")
    showcase.story_transition(access=office, story=story, action="publish")


def _rounds(office, deputy_here, yang, congress) -> None:
    now = timezone.now()
    public = Access(user=None, congress=congress)
    done = reports.round_create(
        access=office,
        data={
            "title": "2026年上半年代表向选民述职",
            "opens_at": now - datetime.timedelta(days=2),
            "closes_at": now + datetime.timedelta(hours=1),
        },
    )
    reports.reporters_add(access=office, round_=done, deputy_ids=[yang.pk])
    done = reports.round_transition(access=office, round_=done, action="open")
    report = done.reports.get()
    reports.report_edit(
        access=deputy_here,
        report=report,
        data={
            "title": "杨秀英代表2026年上半年履职报告",
            "text": "上半年参加视察调研四次，提出建议三件，进站接待群众两次。",
        },
    )
    report = reports.report_transition(access=deputy_here, report=report, action="publish")
    for n, (rating, comment) in enumerate(SCORES):
        mobile = f"1390851{n:04d}"
        code = scoring.code_issue(report, mobile)
        scoring.score_submit(
            access=public,
            report=report,
            mobile=mobile,
            code=code,
            rating=rating,
            comment=comment,
            address=f"192.0.2.{n + 50}",
        )
    commented = report.scores.filter(comment_status="pending").first()
    if commented is not None:
        reports.score_transition(access=office, score=commented, action="approve")
    reports.round_transition(access=office, round_=done, action="close")
    reports.round_transition(access=office, round_=done, action="publish_results")
    current = reports.round_create(
        access=office,
        data={
            "title": "2026年度代表向选民述职",
            "opens_at": now - datetime.timedelta(hours=1),
            "closes_at": now + datetime.timedelta(days=14),
        },
    )
    reports.reporters_add(access=office, round_=current, deputy_ids=[yang.pk])
    current = reports.round_transition(access=office, round_=current, action="open")
    report = current.reports.get()
    reports.report_edit(
        access=deputy_here,
        report=report,
        data={
            "title": "杨秀英代表2026年度履职报告",
            "text": "本年度参加履职活动八次，提出建议三件，答复群众留言一件。",
            "also_in_person": True,
        },
    )
    reports.report_transition(access=deputy_here, report=report, action="publish")
