import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tenants.models import Congress

CSV = """code,name,subdomain
520111106000,花溪区黔陶布依族苗族乡人民代表大会,qiantao
520111107000,花溪区马铃布依族苗族乡人民代表大会,maling
520102106000,错县的乡,wrongcounty
520111108000,花溪区高坡苗族乡人民代表大会,qingyan
"""


def test_bulk_csv_provisions_good_rows_reports_bad_ones_and_is_idempotent(db, tmp_path, capsys):
    path = tmp_path / "townships.csv"
    path.write_text("\ufeff" + CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="2 row"):
        call_command("provision_townships", "--county", "520111000000", str(path))
    out = capsys.readouterr()
    assert "Created 2, resumed 0, already there 0, rejected 2" in out.out
    assert "line 4" in out.out and "division_code" in out.out
    assert "line 5" in out.out and "subdomain" in out.out
    assert set(Congress.objects.filter(parent__subdomain="huaxi").values_list("subdomain", flat=True)) == {
        "qingyan",
        "qiantao",
        "maling",
    }
    with pytest.raises(CommandError):
        call_command("provision_townships", "--county", "huaxi", str(path))
    assert "Created 0, resumed 0, already there 2, rejected 2" in capsys.readouterr().out
    assert Congress.objects.filter(parent__subdomain="huaxi").count() == 3


def test_bulk_refuses_a_file_with_duplicate_codes(db, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("520111106000,甲,jia\n520111106000,乙,yi\n", encoding="utf-8")
    with pytest.raises(CommandError, match="repeats line 1"):
        call_command("provision_townships", "--county", "huaxi", str(path))
    assert not Congress.objects.filter(subdomain__in=["jia", "yi"]).exists()


def test_bulk_needs_a_county(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("520111106000,甲,jia\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a county"):
        call_command("provision_townships", "--county", "guiyang", str(path))
