"""Bylaws files are stored and downloaded under names we make, never the applicant's."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groups import services
from groups.models import Group
from tests.conftest import sign_in
from tests.groups.factories import PDF_BYTES
from tests.groups.test_apply_pages import FORM, hidden_inputs

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("../../x.html", PDF_BYTES, ".pdf"),
        ("a.pdf.html", PDF_BYTES, ".pdf"),
        ("<script>.pdf", PDF_BYTES, ".pdf"),
        ("kaisoku.pdf", PNG_BYTES, ".png"),
        ("evil.svg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, ".jpg"),
    ],
)
def test_stored_name_comes_from_the_content_not_the_file_name(client, name, content, extension):
    data = {**FORM, "bylaws": SimpleUploadedFile(name, content), "step": "confirm"}
    confirm = client.post("/groups/apply/", data)
    assert confirm.status_code == 200
    response = client.post(
        "/groups/apply/", {**hidden_inputs(confirm.content.decode()), "step": "submit"}
    )
    assert response.status_code == 302
    stored = Group.objects.get().bylaws.name
    assert re.fullmatch(rf"bylaws/[0-9a-f]{{32}}{re.escape(extension)}", stored), stored


def test_the_service_names_a_pending_upload_by_its_sniffed_type():
    upload = services.bylaws_upload_store(file=SimpleUploadedFile("x.pdf.exe", PDF_BYTES))
    assert re.fullmatch(r"bylaws/[0-9a-f]{32}\.pdf", upload.file.name)
    assert "exe" not in upload.file.name


def test_staff_download_uses_our_file_name(client, ward_user):
    data = {**FORM, "bylaws": SimpleUploadedFile("<b>a.pdf.html", PDF_BYTES), "step": "confirm"}
    confirm = client.post("/groups/apply/", data)
    client.post("/groups/apply/", {**hidden_inputs(confirm.content.decode()), "step": "submit"})
    group = Group.objects.get()
    sign_in(client, ward_user)
    response = client.get(f"/groups/bylaws/{group.pk}/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f"_{group.pk}.pdf" in disposition
    assert "html" not in disposition and "<b>" not in disposition
