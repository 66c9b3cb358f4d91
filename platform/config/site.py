"""What every page of every host shares: the web app manifest and the official footer (ICP filing, website
identifier, public security filing, organiser)."""

import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _

from tenants.models import Congress, Tier

# The colours of platform/static/css/site.css (--red, --bg).
THEME_COLOUR = "#b3121a"
BACKGROUND_COLOUR = "#f6f7f9"
ICP_URL = "https://beian.miit.gov.cn/"
PSB_URL = "https://beian.mps.gov.cn/"
PSB_QUERY_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"

CONGRESS_SUFFIX = "人民代表大会"
# One administrative division of a place name: 贵州省, 贵阳市, 花溪区, 青岩镇, 黔南布依族苗族自治州 …
DIVISION = re.compile(r"[^省市州盟区县旗镇乡]+[省市州盟区县旗镇乡]")


def place_of(congress: Congress) -> str:
    """The place a congress is named after: 贵阳市花溪区人民代表大会 → 贵阳市花溪区."""
    return congress.name.removesuffix(CONGRESS_SUFFIX)


def short_name_of(congress: Congress) -> str:
    """A home-screen label: the last division of the place and 人大 (花溪区人大, 青岩镇人大); the whole place when
    its divisions cannot be told apart (济南市市中区人大)."""
    place = place_of(congress)
    divisions = DIVISION.findall(place)
    last = divisions[-1] if divisions and "".join(divisions) == place else place
    return f"{last}人大"


def organiser_of(congress: Congress) -> str:
    """Who runs a congress's site, as the footer of a government website names it: the standing committee's
    general office (办公厅) in a province, its office (办公室) in a city or county; a township congress has no
    standing committee, so its presidium (主席团)."""
    place = place_of(congress)
    if congress.tier == Tier.TOWNSHIP:
        return f"{place}人大主席团"
    if congress.tier == Tier.PROVINCE:
        return f"{place}人大常委会办公厅"
    return f"{place}人大常委会办公室"


def manifest(request: HttpRequest) -> HttpResponse:
    """/manifest.webmanifest on every host: the congress's own name on its host, the platform's on the root."""
    congress: Congress | None = getattr(request, "congress", None)
    if congress is not None:
        name, short_name = congress.name, short_name_of(congress)
    else:
        name, short_name = _("人大代表服务云平台"), _("人大云平台")
    body = {
        "name": name,
        "short_name": short_name,
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ]
        + [{"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "max-age=3600"
    return response


@dataclass(frozen=True)
class Footer:
    organiser: str
    icp_record: str
    gov_code: str
    psb_record: str

    @property
    def icp_url(self) -> str:
        return ICP_URL

    @property
    def psb_url(self) -> str:
        """The record's own page when it carries its number (贵公网安备52011102000123号), else the search."""
        code = re.sub(r"\D", "", self.psb_record)
        return PSB_QUERY_URL.format(code=code) if code else PSB_URL


def site_footer(request: HttpRequest) -> dict[str, Footer]:
    """Context processor: `site_footer`, the filings from the settings and the organiser of this host (the
    congress's office on its host, SITE_ORGANISER on the root domain)."""
    congress: Congress | None = getattr(request, "congress", None)
    organiser = organiser_of(congress) if congress is not None else settings.SITE_ORGANISER
    return {
        "site_footer": Footer(
            organiser=organiser,
            icp_record=settings.SITE_ICP_RECORD,
            gov_code=settings.SITE_GOV_CODE,
            psb_record=settings.SITE_PSB_RECORD,
        )
    }
