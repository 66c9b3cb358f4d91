from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "tenant_apps.showcase"
    label = "showcase"
    verbose_name = "Deputies' showcase and achievements"

    def ready(self) -> None:
        from shared_apps.exchange.kinds import UP, TransferKind, register_kind
        from tenant_apps.showcase import delivery, exchange, selectors
        from tenants.modules import MenuEntry, Module, News, register

        register_kind(
            TransferKind(exchange.STORY_KIND, "履职成绩推荐", "Achievement story", UP, delivery.deliver_story)
        )
        register_kind(
            TransferKind(exchange.WITHDRAWAL_KIND, "履职成绩撤下", "Story withdrawn", UP, delivery.deliver_withdrawal)
        )

        def news(limit: int) -> list[News]:
            from django.urls import reverse

            return [
                News(s.title, reverse("showcase:story", kwargs={"pk": s.pk}), s.published_at, "showcase")
                for s in selectors.public_stories()[:limit]
            ]

        register(
            Module(
                key="showcase",
                label_zh="代表风采",
                label_en="Deputies' showcase",
                urls="tenant_apps.showcase.urls",
                api_urls="tenant_apps.showcase.api_urls",
                menu=(MenuEntry("代表风采", "Deputies' showcase", "showcase:index", group="public"),),
                description_zh="每位代表的风采页（简介、选区、联络站、公开的履职记录、建议和述职）和履职成绩的编写、代表审阅、发布与上级选登。",
                description_en="Each deputy's public page (profile, constituency, station, published duties, "
                "suggestions and reports) and achievement stories: written, reviewed by the deputies, published, "
                "featured above.",
                news=news,
            )
        )
