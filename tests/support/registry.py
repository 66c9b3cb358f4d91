"""Registry helpers: the platform administrator's access, deputies with a seat made through the services, and
roster files (代表名册) built in memory with openpyxl."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from shared_apps.memberships.permissions import Access
from shared_apps.registry import services as registry
from shared_apps.registry.identifiers import id_check_digit
from shared_apps.registry.models import Deputy
from shared_apps.registry.roster_columns import COLUMNS

ROOT = Access(user=None, congress=None, is_platform_admin=True)


def seated_deputy(n: int, congress_key_term, email: str | None = None) -> Deputy:
    """A new deputy with a serving seat in the term (and an account, given `email`), through the services."""
    first17 = f"52011119800101{n:03d}"
    deputy, _created = registry.deputy_register(
        actor=None, data={"name": f"代表{n}", "id_number": first17 + id_check_digit(first17)}
    )
    if email:
        deputy.user = get_user_model().objects.create_user(email=email, name=f"代表{n}")
        deputy.save(update_fields=["user"])
    registry.seat_add(access=ROOT, deputy=deputy, term=congress_key_term, starts_on=congress_key_term.starts_on)
    return deputy


# --- roster files ---------------------------------------------------------------------------------------

HEADERS = [c.header for c in COLUMNS]
PLACES = ["花溪第一选区", "花溪第二选区", "花溪第三选区", "花溪第四选区", "花溪第五选区"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def person_id(n: int) -> str:
    """A valid, unique resident ID for person n (region 520113, unused by the persona deputies)."""
    first17 = f"520113{datetime.date(1950, 1, 1) + datetime.timedelta(days=n):%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def person(n: int, **changes) -> dict:
    """Roster row of person n, keyed by the template's headers."""
    row = {
        "姓名": f"代表{n:04d}",
        "身份证号码": person_id(n),
        "手机号码": f"139{n:08d}",
        "民族": "汉族",
        "党派": "群众",
        "职业": "教师",
        "工作单位及职务": f"花溪第{n}小学教师",
        "选区": PLACES[n % len(PLACES)],
    }
    row.update(changes)
    return row


def people(start: int, count: int) -> list[dict]:
    return [person(n) for n in range(start, start + count)]


def xlsx(rows: list[dict], headers: list[str] | None = None, above: list[list] = ()) -> bytes:
    """An .xlsx roster: `above` rows, the header row, then each row's value for each header (a trailing * of a
    header is not part of the row's key)."""
    workbook = Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(line)
    headers = headers or HEADERS
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h.rstrip("*")) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)
