from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "tenant_apps.notices"
    label = "notices"
    verbose_name = "Notices between congresses"

    def ready(self) -> None:
        from shared_apps.exchange.kinds import DOWN, TransferKind, register_kind
        from shared_apps.memberships.models import Role
        from tenant_apps.notices import delivery
        from tenants.modules import MenuEntry, Module, register

        office = frozenset({Role.OFFICE_STAFF.value, Role.CONGRESS_ADMIN.value})
        register(
            Module(
                key="notices",
                label_zh="上下级通知",
                label_en="Notices",
                urls="tenant_apps.notices.urls",
                api_urls="tenant_apps.notices.api_urls",
                menu=(MenuEntry("上下级通知", "Notices", "notices:index", roles=office, group="handling"),),
                description_zh="上级人大向下级人大下发通知，下级人大签收；送达情况双方可见。",
                description_en="Notices sent down to the congresses below, acknowledged by them; both ends see "
                "the delivery status.",
            )
        )
        # DOWN: the exchange refuses a notice to any congress that is not below its sender.
        register_kind(TransferKind("notice", "通知", "Notice", DOWN, delivery.deliver_notice))
