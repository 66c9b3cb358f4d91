"""The stories' transition table, run by the one workflow core: the office drafts and sends a story to the
deputies it names; each agrees, or asks for changes with a reason (back to draft); once all agreed the office
publishes it, which offers it to the congress above through the exchange; published, it can be withdrawn with a
reason. A copy received from below is featured or declined (with a reason) by this congress's office."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.showcase import exchange, notices
from tenant_apps.showcase.models import Story, StoryEvent, StoryStatus
from tenant_apps.showcase.permissions import awaits_agreement, can_manage_stories, relation
from tenants.workflow import NO_ONE, Notify, Refusals, Transition, Workflow

S = StoryStatus


def _office_own(who, story) -> bool:
    return can_manage_stories(who) and not story.is_received


def _office_received(who, story) -> bool:
    return can_manage_stories(who) and story.is_received


def _send(step) -> str:
    if not step.obj.deputies.exists():
        raise ValidationError({"deputies": [_("请先选择这篇成绩涉及的代表。")]})
    step.obj.deputies.update(agreed_at=None)
    return S.REVIEW


def _agree(step) -> str:
    step.obj.deputies.filter(deputy_id=step.who.deputy_id).update(agreed_at=step.now)
    waiting = step.obj.deputies.filter(agreed_at__isnull=True).exists()
    return S.REVIEW if waiting else S.APPROVED


def _ask_changes(step) -> str:
    return S.DRAFT


def _publish(step) -> str:
    step.set(published_at=step.now)
    exchange.offer_up(step)
    return S.PUBLISHED


def _withdraw(step) -> str:
    exchange.withdraw_up(step)
    return S.WITHDRAWN


def _withdrawn_below(step) -> str:
    """Final: a story its own congress withdrew can no longer be featured here."""
    return S.WITHDRAWN


def _feature(step) -> str:
    step.set(published_at=step.now)
    return S.FEATURED


def _decline(step) -> str:
    return S.DECLINED


TRANSITIONS = {
    "send_for_review": Transition(
        gettext_lazy("请代表审阅"),
        frozenset({S.DRAFT}),
        (S.REVIEW,),
        _office_own,
        _send,
        notify=Notify(notices.named_deputies, "showcase_review", gettext_lazy("请审阅关于您的履职成绩：%(title)s")),
    ),
    "agree": Transition(
        gettext_lazy("同意发布"),
        frozenset({S.REVIEW}),
        (S.REVIEW, S.APPROVED),
        awaits_agreement,
        _agree,
        notify=Notify(notices.office_when_all_agreed, "showcase_approved", gettext_lazy("代表已同意发布：%(title)s")),
    ),
    "ask_changes": Transition(
        gettext_lazy("提出修改意见"),
        frozenset({S.REVIEW}),
        (S.DRAFT,),
        awaits_agreement,
        _ask_changes,
        note_required=True,
        notify=Notify(notices.office, "showcase_changes", gettext_lazy("代表对履职成绩提出修改意见：%(title)s")),
    ),
    "publish": Transition(
        gettext_lazy("发布"),
        frozenset({S.APPROVED}),
        (S.PUBLISHED,),
        _office_own,
        _publish,
        notify=Notify(
            notices.named_deputies, "showcase_published", gettext_lazy("履职成绩已发布：%(title)s"), immediate=False
        ),
    ),
    "withdraw": Transition(
        gettext_lazy("撤下"),
        frozenset({S.PUBLISHED}),
        (S.WITHDRAWN,),
        _office_own,
        _withdraw,
        note_required=True,
        notify=Notify(notices.named_deputies, "showcase_withdrawn", gettext_lazy("履职成绩已撤下：%(title)s")),
    ),
    "feature": Transition(
        gettext_lazy("选登"),
        frozenset({S.OFFERED, S.DECLINED}),
        (S.FEATURED,),
        _office_received,
        _feature,
        notify=Notify(
            notices.named_deputies,
            "showcase_featured",
            gettext_lazy("上级人大选登了履职成绩：%(title)s"),
            immediate=False,
        ),
    ),
    "decline": Transition(
        gettext_lazy("不选登"),
        frozenset({S.OFFERED, S.FEATURED}),
        (S.DECLINED,),
        _office_received,
        _decline,
        note_required=True,
        # Not choosing a story from below asks nothing of anyone; the copy's history keeps the reason.
        notify=NO_ONE,
    ),
    # The system's step on a received copy when the congress below withdraws its story (delivery.py).
    "source_withdrew": Transition(
        gettext_lazy("下级人大已撤下"),
        frozenset({S.OFFERED, S.FEATURED, S.DECLINED}),
        (S.WITHDRAWN,),
        lambda who, story: who.access.user is None and story.is_received,
        _withdrawn_below,
        notify=Notify(notices.office, "showcase_source_withdrew", gettext_lazy("下级人大撤下了履职成绩：%(title)s")),
    ),
}

STORIES = Workflow(
    name="showcase.stories",
    model=Story,
    event_model=StoryEvent,
    transitions=TRANSITIONS,
    refusals=Refusals(
        elsewhere=gettext_lazy("只能在本级人大处理本级的履职成绩。"),
        wrong_status=gettext_lazy("履职成绩%(status)s，不能%(action)s。"),
        forbidden=gettext_lazy("您无权%(action)s。"),
        not_applicable=gettext_lazy("这篇履职成绩不能%(action)s。"),
    ),
    relation=relation,
    deliver=notices.deliver,
    event_labels={
        "created": gettext_lazy("起草"),
        "updated": gettext_lazy("修改"),
        "received": gettext_lazy("收到下级推荐"),
        "photo_added": gettext_lazy("上传照片"),
    },
)
