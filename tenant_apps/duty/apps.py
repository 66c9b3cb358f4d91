from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "tenant_apps.duty"
    label = "duty"
    verbose_name = "Duty activities and records"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from shared_apps.exchange.kinds import DOWN, TransferKind, register_kind
        from shared_apps.exchange.services import inbox_kind_register
        from shared_apps.memberships.models import Role
        from tenant_apps.duty import delivery, exchange, inbox, records, specs
        from tenants.modules import MenuEntry, Module, register

        inbox_kind_register(inbox.KIND, gettext_lazy("履职活动：待您答复的邀请和退回的履职登记"))
        inbox_kind_register(inbox.OFFICE_KIND, gettext_lazy("履职活动：待审批的请假和待确认的履职登记"))
        register_kind(
            TransferKind(exchange.ACTIVITY_KIND, "履职活动邀请", "Duty activity", DOWN, delivery.deliver_activity)
        )
        register_kind(
            TransferKind(exchange.UPDATE_KIND, "履职活动结果", "Duty activity outcome", DOWN, delivery.deliver_update)
        )
        specs.register()
        office = frozenset({Role.OFFICE_STAFF.value, Role.CONGRESS_ADMIN.value})
        register(
            Module(
                key="duty",
                label_zh="代表履职",
                label_en="Deputies' duties",
                urls="tenant_apps.duty.urls",
                api_urls="tenant_apps.duty.api_urls",
                menu=(
                    MenuEntry("履职活动", "Duty activities", "duty:index", group="deputies"),
                    MenuEntry(
                        "我的履职", "My duties", "duty:mine", roles=frozenset({Role.DEPUTY.value}), group="deputies"
                    ),
                    MenuEntry("履职管理", "Duty management", "duty:office", roles=office, group="deputies"),
                ),
                description_zh="履职活动的组织、邀请、请假、扫码签到和纪要；代表履职登记；自动生成的履职档案和年度履职账单。",
                description_en="Duty activities (invitations, leave, QR sign-in, minutes), duties reported by "
                "deputies, and the duty record and yearly ledger the platform keeps for every deputy.",
                rebuild_read_models=records.rebuild,
            )
        )
