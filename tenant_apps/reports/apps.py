from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tenant_apps.reports"
    label = "reports"
    verbose_name = "Online duty reports and public scoring"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from shared_apps.exchange.services import inbox_kind_register
        from tenant_apps.reports import inbox, records
        from tenants.modules import MenuEntry, Module, register

        inbox_kind_register(inbox.KIND, gettext_lazy("网上述职：待您撰写的述职报告"))
        inbox_kind_register(inbox.OFFICE_KIND, gettext_lazy("网上述职：待审核的评分和留言"))
        register(
            Module(
                key="reports",
                label_zh="网上述职",
                label_en="Duty reports",
                urls="tenant_apps.reports.urls",
                api_urls="tenant_apps.reports.api_urls",
                menu=(MenuEntry("网上述职", "Duty reports", "reports:index", group="public"),),
                description_zh="代表向选民网上述职，群众凭短信验证码评议打分（满意、基本满意、不满意），截止后公布结果并记入履职档案。",
                description_en="Deputies report online to their constituents; the public scores each report once per "
                "mobile number (SMS code); results are published after the round closes and enter the ledger.",
                rebuild_read_models=records.rebuild,
            )
        )
