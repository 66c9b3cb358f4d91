"""Files on an item (issue 4): the deputies' material on a draft, the lead unit's reply letter for the coming
reply; size, type and content checks; who may see and download them (classified items included); the pages
and the API. Files go to a temporary private storage, so the tests leave none behind."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.functional import empty
from rest_framework.test import APIClient

from shared_apps.registry.models import Deputy
from tenant_apps.suggestions import attachments, services
from tenant_apps.suggestions.attachments import attachment_add, attachment_remove, clean_name, reply_letter_present
from tenant_apps.suggestions.models import Attachment, Status, Suggestion, SuggestionEvent, private_storage
from tests.support.suggestions import World, snapshot
from tests.support.web import host_of

# World: Yang leads the items; Zhao (delegation staff) drafts for him in some tests; the education bureau (Liu)
# leads the handling, the court (Kong) joins; Hu staffs a unit the item is not assigned to; Zhang is office
# staff, Li the administrator; Sun a journalist; Zhou and Ma administer other congresses; Wu has no role.
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def office_zip(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


def upload(name: str = "调研报告.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """A temporary private storage for each test (the lazy storage of Attachment.file is pointed at it)."""
    root = tmp_path / "private"
    settings.PRIVATE_STORAGE_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    private_storage._wrapped = empty
    yield root
    private_storage._wrapped = empty


def stored(root) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def everything(pk: int) -> tuple:
    """snapshot() plus the item's attachments."""
    return snapshot(pk), list(Attachment.objects.filter(suggestion_id=pk).values_list("pk", "kind", "name"))


def refused(item, call, exc=PermissionDenied, root=None):
    before = everything(item.pk)
    files = stored(root) if root else None
    with pytest.raises(exc) as raised:
        call()
    assert everything(item.pk) == before
    if root:
        assert stored(root) == files
    return raised


def add(world: World, item, persona: str, kind: str = "material", file=None) -> Attachment:
    return attachment_add(access=world.as_(persona), suggestion=item, kind=kind, uploaded_file=file or upload())


def drafted_by_zhao(world: World) -> Suggestion:
    return services.suggestion_draft_create(
        access=world.as_("zhao"),
        data={"title": "关于增设青岩公交线路的建议", "body": "镇区到区中心的公交班次太少，群众出行不便。"},
        lead_deputy_id=Deputy.objects.get(user=world.users["yang"]).pk,
    )


def classify(item: Suggestion) -> None:
    # The confidentiality setting is another feature's service; the test only needs the field set.
    Suggestion.objects.filter(pk=item.pk).update(confidentiality="classified")
    item.refresh_from_db()


def signed_in(world: World, persona: str | None, subdomain: str = "huaxi", api: bool = False):
    client = (APIClient if api else Client)(HTTP_HOST=host_of(subdomain))
    if persona:
        client.force_login(world.users[persona])
    return client


# -- material on a draft ---------------------------------------------------------------------------------


def test_the_drafting_deputy_adds_material_to_a_draft(world, private_root):
    with world.huaxi:
        item = world.draft()
        attachment = add(world, item, "yang")
        attachment.refresh_from_db()
        assert (attachment.kind, attachment.name, attachment.size) == ("material", "调研报告.pdf", len(PDF))
        assert (attachment.content_type, attachment.reply_round) == ("application/pdf", 0)
        # SECURITY: stored under a random name in the private storage, never the uploader's name.
        assert attachment.file.name.startswith("suggestions/") and "调研报告" not in attachment.file.name
        assert (private_root / attachment.file.name).read_bytes() == PDF
        event = SuggestionEvent.objects.filter(suggestion=item).latest("id")
        assert (event.action, event.data["attachment"], event.data["name"]) == (
            "attachment_add",
            attachment.pk,
            "调研报告.pdf",
        )


def test_the_delegation_staff_who_drafted_it_add_material(world):
    with world.huaxi:
        item = drafted_by_zhao(world)
        docx = add(world, item, "zhao", file=upload("附件.docx", office_zip("word/document.xml")))
        assert docx.content_type.endswith("wordprocessingml.document")
        assert add(world, item, "yang", file=upload("照片.PNG", PNG)).content_type == "image/png"


@pytest.mark.parametrize("persona", ["zhao", "zhang", "li", "liu", "sun", "chen"])
def test_material_is_refused_to_everyone_else(world, persona, private_root):
    with world.huaxi:
        item = world.draft()  # Yang's own draft: Zhao did not draft it
        refused(item, lambda: add(world, item, persona), root=private_root)
    assert stored(private_root) == []


def test_material_only_while_a_draft(world, private_root):
    with world.huaxi:
        item = world.drive(Status.SUBMITTED)
        raised = refused(item, lambda: add(world, item, "yang"), ValidationError, private_root)
        assert "status" in raised.value.message_dict
    assert stored(private_root) == []


def test_removing_material_deletes_the_file_after_commit(world, private_root, django_capture_on_commit_callbacks):
    with world.huaxi:
        item = world.draft()
        attachment = add(world, item, "yang")
        for persona in ("zhang", "zhao", "liu"):
            refused(item, lambda p=persona: attachment_remove(access=world.as_(p), attachment=attachment))
        assert stored(private_root) == [attachment.file.name.rsplit("/", 1)[1]]
        with django_capture_on_commit_callbacks(execute=True):
            attachment_remove(access=world.as_("yang"), attachment=attachment)
        assert not Attachment.objects.filter(suggestion=item).exists()
        event = SuggestionEvent.objects.filter(suggestion=item).latest("id")
        assert (event.action, event.data["attachment"]) == ("attachment_remove", attachment.pk)
    assert stored(private_root) == []


def test_material_of_a_submitted_item_stays(world):
    with world.huaxi:
        item = world.draft()
        attachment = add(world, item, "yang")
        item = world.act(item, "yang", "submit")
        refused(item, lambda: attachment_remove(access=world.as_("yang"), attachment=attachment), ValidationError)


# -- reply letters ----------------------------------------------------------------------------------------


def test_the_lead_unit_adds_a_reply_letter_for_the_coming_reply(world):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        assert not reply_letter_present(item, 1)
        letter = add(world, item, "liu", "reply_letter", upload("答复函.pdf"))
        assert letter.reply_round == 1 and reply_letter_present(item, 1) and not reply_letter_present(item, 2)
        item = world.act(item, "liu", "reply")
        assert item.reply_round == 1
        # The reply is given: its letter can no longer be removed, and no letter is added until re-handling.
        raised = refused(item, lambda: attachment_remove(access=world.as_("liu"), attachment=letter), ValidationError)
        assert "status" in raised.value.message_dict
        item = world.act(item, "yang", "evaluate", result="unsatisfied")
        assert item.status == Status.REHANDLING
        raised = refused(item, lambda: attachment_remove(access=world.as_("liu"), attachment=letter), ValidationError)
        assert "attachment" in raised.value.message_dict
        second = add(world, item, "liu", "reply_letter", upload("再次答复函.pdf"))
        assert second.reply_round == 2 and reply_letter_present(item, 2)
        attachment_remove(access=world.as_("liu"), attachment=second)
        assert not reply_letter_present(item, 2) and reply_letter_present(item, 1)


def test_a_reply_given_without_its_letter_may_still_get_it(world):
    """Where the congress does not require the letter first, the lead unit adds it after replying, once."""
    huaxi = world.huaxi
    saved = huaxi.preferences
    huaxi.preferences = {**saved, "reply.letter_required": False}
    try:
        with huaxi:
            item = world.drive(Status.ASSIGNED)
            item = services.suggestion_transition(
                access=world.as_("liu"), suggestion=item, action="reply", **world.input_for("reply")
            )
            assert item.status == Status.REPLIED and not reply_letter_present(item, 1)
            refused(item, lambda: add(world, item, "kong", "reply_letter", upload("答复函.pdf")))
            late = add(world, item, "liu", "reply_letter", upload("答复函.pdf"))
            assert late.reply_round == 1 and reply_letter_present(item, 1)
            refused(item, lambda: add(world, item, "liu", "reply_letter", upload("又一份答复函.pdf")), ValidationError)
    finally:
        huaxi.preferences = saved


@pytest.mark.parametrize("persona", ["kong", "hu", "zhang", "li", "yang", "zhao"])
def test_reply_letters_are_refused_to_all_but_the_lead_unit(world, persona, private_root):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        refused(item, lambda: add(world, item, persona, "reply_letter"), root=private_root)
    assert stored(private_root) == []


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.REPLIED, Status.CLOSED])
def test_reply_letters_only_while_handled(world, status):
    with world.huaxi:
        item = world.drive(status)
        refused(item, lambda: add(world, item, "liu", "reply_letter"), (PermissionDenied, ValidationError))


def test_an_unknown_kind_is_refused(world):
    with world.huaxi:
        item = world.draft()
        raised = refused(item, lambda: add(world, item, "yang", "photo"), ValidationError)
        assert "kind" in raised.value.message_dict


# -- the file itself ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("程序.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("无扩展名", PDF, "不支持的文件类型"),
        ("报告.pdf", PNG, "文件内容与扩展名（.pdf）不符"),
        ("照片.jpg", PDF, "文件内容与扩展名（.jpg）不符"),
        ("报告.docx", office_zip("xl/workbook.xml"), "文件内容与扩展名（.docx）不符"),
        ("报表.xlsx", b"PK\x03\x04 not really a zip", "文件内容与扩展名（.xlsx）不符"),
        ("公文.ofd", office_zip("word/document.xml"), "文件内容与扩展名（.ofd）不符"),
        ("旧文档.doc", PDF, "文件内容与扩展名（.doc）不符"),
        ("空.pdf", b"", "文件是空的"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error(world, private_root, name, content, message):
    with world.huaxi:
        item = world.draft()
        raised = refused(item, lambda: add(world, item, "yang", file=upload(name, content)), ValidationError)
        assert message in " ".join(raised.value.message_dict["file"])
    assert stored(private_root) == []


def test_size_and_count_limits(world, private_root, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", len(PDF) - 1)
    with world.huaxi:
        item = world.draft()
        raised = refused(item, lambda: add(world, item, "yang"), ValidationError)
        assert "文件不能超过" in raised.value.message_dict["file"][0]
        monkeypatch.setattr(attachments, "MAX_BYTES", len(PDF))
        monkeypatch.setattr(attachments, "MAX_FILES_PER_ITEM", 2)
        add(world, item, "yang")
        add(world, item, "yang")
        raised = refused(item, lambda: add(world, item, "yang"), ValidationError, private_root)
        assert "最多2个附件" in raised.value.message_dict["file"][0]
    assert len(stored(private_root)) == 2


def test_other_office_formats_are_accepted(world):
    with world.huaxi:
        item = world.draft()
        for name, content in [
            ("表.xlsx", office_zip("xl/workbook.xml")),
            ("公文.ofd", office_zip("OFD.xml")),
            ("旧.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32),
            ("照片.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
        ]:
            assert add(world, item, "yang", file=upload(name, content)).name == name


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/pass<wd>.pdf", "pass_wd_.pdf"),
        ("C:\\Users\\杨\\调研报告.pdf", "调研报告.pdf"),
        ("报告\u202egpj.pdf", "报告gpj.pdf"),  # a right-to-left override would disguise the extension
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ],
)
def test_file_names_are_sanitised(raw, clean):
    assert clean_name(raw) == clean


# -- seeing and downloading ----------------------------------------------------------------------------------


def test_download_streams_the_file_under_its_name_to_those_who_see_the_item(world):
    with world.huaxi:
        item = world.draft()
        attachment = add(world, item, "yang")
        item = world.act(world.act(world.act(item, "yang", "submit"), "zhang", "accept"), "zhang", "assign")
    url = f"/suggestions/{item.pk}/attachments/{attachment.pk}/"
    for persona in ("yang", "zhang", "li", "liu", "kong", "chen"):  # Chen: the state organs follow assigned items
        response = signed_in(world, persona).get(url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''%E8%B0%83%E7%A0%94%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    # Hu's unit is not assigned; Sun has no part; Ma and Zhou belong to other congresses; Wu to none.
    for persona in ("hu", "sun", "ma", "zhou", "wu"):
        assert signed_in(world, persona).get(url).status_code == 404, persona
    assert signed_in(world, None).get(url).status_code == 302  # sign in first
    assert signed_in(world, "yang").get(f"/suggestions/{item.pk}/attachments/{attachment.pk + 999}/").status_code == 404
    # Yang is a deputy in Qingyan too: the same path there is another congress's (missing) item.
    assert signed_in(world, "yang", "qingyan").get(url).status_code == 404


def test_classified_files_are_shown_only_to_the_office_deputies_and_units(world):
    with world.huaxi:
        item = drafted_by_zhao(world)
        attachment = add(world, item, "zhao")
        item = world.act(world.act(world.act(item, "zhao", "submit"), "zhang", "accept"), "zhang", "assign")
    url = f"/suggestions/{item.pk}/attachments/{attachment.pk}/"
    api_url = f"/api/v1/suggestions/{item.pk}/attachments/"
    assert signed_in(world, "zhao").get(url).status_code == 200  # not classified: the drafter sees it
    with world.huaxi:
        classify(item)
    assert signed_in(world, "zhao").get(url).status_code == 404
    assert signed_in(world, "zhao", api=True).get(api_url).json() == []
    assert signed_in(world, "zhao", api=True).get(api_url + f"{attachment.pk}/").status_code == 404
    assert "调研报告.pdf" not in signed_in(world, "zhao").get(f"/suggestions/{item.pk}/").content.decode()
    for persona in ("zhang", "yang", "liu", "kong"):
        assert signed_in(world, persona).get(url).status_code == 200, persona
        assert [a["id"] for a in signed_in(world, persona, api=True).get(api_url).json()] == [attachment.pk]
    with world.huaxi:
        draft = drafted_by_zhao(world)
        classify(draft)
        raised = refused(draft, lambda: add(world, draft, "zhao"))
        assert "涉密" in str(raised.value)
        assert add(world, draft, "yang").kind == "material"


# -- the pages ---------------------------------------------------------------------------------------------------


def test_the_page_uploads_lists_and_removes(world, private_root, django_capture_on_commit_callbacks):
    with world.huaxi:
        item = world.draft()
    page_url = f"/suggestions/{item.pk}/"
    yang = signed_in(world, "yang")
    page = yang.get(page_url).content.decode()
    assert f'action="/suggestions/{item.pk}/attachments/"' in page and 'enctype="multipart/form-data"' in page
    response = yang.post(f"/suggestions/{item.pk}/attachments/", {"kind": "material", "file": upload()})
    assert response.status_code == 302
    with world.huaxi:
        attachment = Attachment.objects.get(suggestion=item)
    page = yang.get(page_url).content.decode()
    assert "调研报告.pdf" in page and f"/suggestions/{item.pk}/attachments/{attachment.pk}/remove/" in page
    # A bad file: the page says why, nothing is stored.
    with world.huaxi:
        before = everything(item.pk)
    response = yang.post(
        f"/suggestions/{item.pk}/attachments/", {"kind": "material", "file": upload("a.pdf", PNG)}, follow=True
    )
    assert "文件内容与扩展名（.pdf）不符" in response.content.decode()
    with world.huaxi:
        assert everything(item.pk) == before
    assert len(stored(private_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert yang.post(f"/suggestions/{item.pk}/attachments/{attachment.pk}/remove/").status_code == 302
    with world.huaxi:
        assert not Attachment.objects.filter(suggestion=item).exists()
    assert stored(private_root) == []


def test_the_pages_refuse_other_personas(world, private_root):
    with world.huaxi:
        item = world.draft()
        attachment = add(world, item, "yang")
        before = everything(item.pk)
    add_url = f"/suggestions/{item.pk}/attachments/"
    remove_url = f"/suggestions/{item.pk}/attachments/{attachment.pk}/remove/"
    for persona, code in [("ma", 403), ("wu", 403), ("zhou", 403), ("zhang", 404), ("liu", 404), (None, 302)]:
        client = signed_in(world, persona)
        assert client.post(add_url, {"kind": "material", "file": upload()}).status_code == code, persona
        assert client.post(remove_url).status_code == code, persona
    # Other congresses' members and Wu have no role here (403); the office and units do not see a draft (404).
    with world.huaxi:
        assert everything(item.pk) == before
    assert len(stored(private_root)) == 1


def test_the_lead_unit_is_warned_while_no_reply_letter_is_uploaded(world):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
    warning = "尚未上传本次答复的答复函"
    liu = signed_in(world, "liu")
    assert warning in liu.get(f"/suggestions/{item.pk}/").content.decode()
    assert warning not in signed_in(world, "kong").get(f"/suggestions/{item.pk}/").content.decode()
    response = liu.post(f"/suggestions/{item.pk}/attachments/", {"kind": "reply_letter", "file": upload("答复函.pdf")})
    assert response.status_code == 302
    page = liu.get(f"/suggestions/{item.pk}/").content.decode()
    assert warning not in page and "答复函.pdf" in page


# -- the API ---------------------------------------------------------------------------------------------------


def test_attachments_through_the_api(world, private_root, django_capture_on_commit_callbacks):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
    url = f"/api/v1/suggestions/{item.pk}/attachments/"

    def post(persona, kind="reply_letter", file=None):
        return signed_in(world, persona, api=True).post(
            url, {"kind": kind, "file": file or upload("答复函.pdf")}, format="multipart"
        )

    with world.huaxi:
        before = everything(item.pk)
    assert post("kong").status_code == 403  # a joint unit sees the item but does not reply
    assert post("hu").status_code == 404  # cannot see it
    for persona in ("ma", "wu", "zhou"):
        assert post(persona).status_code == 403, persona
    assert post(None).status_code in (401, 403)
    bad = post("liu", file=upload("答复函.pdf", PNG))
    assert bad.status_code == 400 and "不符" in bad.json()["file"][0]
    assert post("liu", kind="photo").status_code == 400
    with world.huaxi:
        assert everything(item.pk) == before
    assert stored(private_root) == []

    created = post("liu")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["name"], body["reply_round"]) == ("reply_letter", "答复函.pdf", 1)
    assert body["url"] == url + f"{body['id']}/"
    listed = signed_in(world, "yang", api=True).get(url).json()
    assert [a["id"] for a in listed] == [body["id"]]
    download = signed_in(world, "yang", api=True).get(body["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment;" in download["Content-Disposition"]
    # A client asking for the file's own type gets it; a refusal stays JSON.
    assert signed_in(world, "yang", api=True).get(body["url"], HTTP_ACCEPT="application/pdf").status_code == 200
    missing = signed_in(world, "yang", api=True).get(url + "999999/", HTTP_ACCEPT="application/pdf")
    assert missing.status_code == 404 and missing.json()["detail"]
    for persona in ("ma", "wu"):
        assert signed_in(world, persona, api=True).get(body["url"]).status_code == 403
        assert signed_in(world, persona, api=True).get(url).status_code == 403
    assert signed_in(world, "hu", api=True).get(body["url"]).status_code == 404
    assert signed_in(world, "kong", api=True).delete(body["url"]).status_code == 403
    assert signed_in(world, "yang", api=True).delete(body["url"]).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in(world, "liu", api=True).delete(body["url"]).status_code == 204
    assert signed_in(world, "liu", api=True).get(url).json() == []
    assert stored(private_root) == []
