from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "tenant_apps.suggestions"
    label = "suggestions"
    verbose_name = "Motions and suggestions"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from shared_apps.exchange.services import inbox_kind_register
        from shared_apps.memberships.models import Role
        from tenant_apps.suggestions import inbox, publication, settings_specs
        from tenants.modules import MenuEntry, Module, register

        inbox_kind_register(inbox.KIND, gettext_lazy("议案建议：待您附议或评价"))
        inbox_kind_register(inbox.OFFICE_KIND, gettext_lazy("议案建议：待审查、交办或审批延期"))
        inbox_kind_register(inbox.UNIT_KIND, gettext_lazy("议案建议：待本单位答复或提出会办意见"))

        office = frozenset({Role.OFFICE_STAFF.value, Role.CONGRESS_ADMIN.value})
        organs = frozenset({Role.STATE_ORGAN_STAFF.value})
        roles = frozenset(
            {
                Role.DEPUTY.value,
                Role.OFFICE_STAFF.value,
                Role.CONGRESS_ADMIN.value,
                Role.HANDLING_UNIT_STAFF.value,
                Role.DELEGATION_STAFF.value,
                Role.STATE_ORGAN_STAFF.value,
            }
        )
        commitment_roles = office | {Role.HANDLING_UNIT_STAFF.value, Role.DEPUTY.value}
        settings_specs.register()
        register(
            Module(
                key="suggestions",
                label_zh="议案建议",
                label_en="Motions and suggestions",
                urls="tenant_apps.suggestions.urls",
                api_urls="tenant_apps.suggestions.api_urls",
                menu=(
                    MenuEntry(
                        "议案建议", "Motions and suggestions", "suggestions:index", roles=roles, group="handling"
                    ),
                    MenuEntry("办理公开", "Published suggestions", "suggestions:public_index"),
                    # In the office's menu; members reach the published copy by link once the office publishes it.
                    MenuEntry(
                        "办理进度通报", "Progress bulletin", "suggestions:bulletin", roles=office, group="figures"
                    ),
                    MenuEntry(
                        "办理情况总览",
                        "Handling overview",
                        "suggestions:overview",
                        roles=office | organs,
                        group="figures",
                    ),
                    MenuEntry(
                        "重点督办建议", "Key suggestions", "suggestions:key_list", roles=office, group="handling"
                    ),
                    MenuEntry(
                        "承诺事项跟踪",
                        "Commitments",
                        "suggestions:commitments",
                        roles=commitment_roles,
                        group="handling",
                    ),
                    MenuEntry(
                        "专门委员会", "Special committees", "suggestions:committees", roles=office, group="deputies"
                    ),
                ),
                description_zh="代表议案和建议的提出、审查、交办、办理、答复、评价和重新办理的全过程。",
                description_en="Deputies' motions and suggestions from drafting through review, assignment, "
                "handling, reply and evaluation to re-handling and closing.",
                rebuild_read_models=inbox.rebuild,
                news=publication.news,
            )
        )
