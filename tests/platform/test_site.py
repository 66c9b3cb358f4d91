"""What every page of every host shares (issue 11): the web app manifest, the official footer (filings and
organiser), and the character counters' script with the maxlength it counts.

Stage: the root domain, Huaxi (county), Qingyan (township) and Guizhou (province)."""

import json

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.db import models
from PIL import Image

from config.site import organiser_of, short_name_of
from tenants.models import Congress, Tier

ICP = "黔ICP备12345678号-1"
GOV_CODE = "5201000001"
PSB = "贵公网安备52011102000123号"


# -- the manifest -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subdomain", "name", "short_name"),
    [(None, "人大代表服务云平台", "人大云平台"), ("huaxi", "贵阳市花溪区人民代表大会", "花溪区人大")],
)
def test_the_manifest_names_the_host(client_for, subdomain, name, short_name):
    response = client_for(None, subdomain).get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == name
    assert manifest["short_name"] == short_name
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#b3121a"
    pngs = {icon["sizes"]: icon["src"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert set(pngs) == {"192x192", "512x512"}
    for src in pngs.values():
        assert finders.find(src.removeprefix("/static/")), src


def test_the_icons_are_the_sizes_they_claim():
    for size in (192, 512):
        with Image.open(finders.find(f"icons/icon-{size}.png")) as image:
            assert image.size == (size, size)


@pytest.mark.parametrize("subdomain", [None, "huaxi"])
def test_every_page_links_the_manifest_the_theme_colour_and_the_script(client_for, subdomain):
    html = client_for(None, subdomain).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#b3121a">' in html
    assert "js/site.js" in html and 'data-text-count="已输入 {n} / {max} 字"' in html
    assert finders.find("js/site.js")


@pytest.mark.parametrize(
    ("name", "short_name"),
    [
        ("贵州省人民代表大会", "贵州省人大"),
        ("贵阳市花溪区人民代表大会", "花溪区人大"),
        ("花溪区青岩镇人民代表大会", "青岩镇人大"),
        ("黔南布依族苗族自治州人民代表大会", "黔南布依族苗族自治州人大"),
        ("花溪区马铃布依族苗族乡人民代表大会", "马铃布依族苗族乡人大"),
        # 市中区 cannot be told from 济南市 + 市 + 中区: the whole place, rather than a wrong part of it.
        ("济南市市中区人民代表大会", "济南市市中区人大"),
    ],
)
def test_short_names(name, short_name):
    assert short_name_of(Congress(name=name)) == short_name


# -- the footer -------------------------------------------------------------------------------------------------


@pytest.fixture
def filings(settings):
    settings.SITE_ICP_RECORD = ICP
    settings.SITE_GOV_CODE = GOV_CODE
    settings.SITE_PSB_RECORD = PSB
    return settings


def footer_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<footer") : html.index("</footer>")]


@pytest.mark.parametrize("subdomain", [None, "huaxi"])
def test_the_footer_shows_the_filings_that_are_set(client_for, filings, subdomain):
    footer = footer_of(client_for(None, subdomain).get("/"))
    assert f'<a href="https://beian.miit.gov.cn/">{ICP}</a>' in footer
    assert f"网站标识码：{GOV_CODE}" in footer
    assert f'<a href="https://beian.mps.gov.cn/#/query/webSearch?code=52011102000123">{PSB}</a>' in footer


def test_the_footer_leaves_out_the_filings_that_are_not_set(client_for, settings):
    settings.SITE_ICP_RECORD = ICP
    settings.SITE_GOV_CODE = ""
    settings.SITE_PSB_RECORD = ""
    footer = footer_of(client_for(None, "huaxi").get("/"))
    assert ICP in footer
    assert "网站标识码" not in footer and "beian.mps.gov.cn" not in footer
    settings.SITE_ICP_RECORD = ""
    footer = footer_of(client_for(None, "huaxi").get("/"))
    assert "beian" not in footer and 'class="filings"' not in footer


@pytest.mark.parametrize(
    ("subdomain", "organiser"),
    [
        ("huaxi", "贵阳市花溪区人大常委会办公室"),
        ("qingyan", "花溪区青岩镇人大主席团"),
        ("guizhou", "贵州省人大常委会办公厅"),
    ],
)
def test_a_congress_host_names_its_organiser(client_for, subdomain, organiser):
    assert f"主办：{organiser}" in footer_of(client_for(None, subdomain).get("/"))


def test_the_root_domain_names_its_organiser_only_when_set(client_for, settings):
    settings.SITE_ORGANISER = ""
    assert "主办" not in footer_of(client_for(None).get("/"))
    settings.SITE_ORGANISER = "贵州省人大常委会办公厅"
    assert "主办：贵州省人大常委会办公厅" in footer_of(client_for(None).get("/"))


def test_organiser_by_tier():
    assert organiser_of(Congress(name="贵阳市人民代表大会", tier=Tier.CITY)) == "贵阳市人大常委会办公室"


# -- maxlength, which the counters count ------------------------------------------------------------------------


def test_the_public_message_form_renders_its_maxlength(client_for):
    html = client_for(None, "huaxi").get("/liaison/s/online/message/").content.decode()
    assert 'maxlength="2000"' in html


def test_text_fields_with_a_max_length_render_maxlength():
    """A model TextField with max_length becomes a textarea that says so, as a CharField's input does."""
    assert 'maxlength="500"' in str(models.TextField(max_length=500).formfield().widget.render("body", ""))
    assert 'maxlength="40"' in forms.CharField(max_length=40, widget=forms.Textarea).widget.render("x", "", {})
