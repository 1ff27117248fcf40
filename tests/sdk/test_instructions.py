"""upload_instructions (multipart PDF) and downloading the stored file."""

from __future__ import annotations

import requests
from imerit_ango.models.enums import ProjectRoles

from helpers import expect_error


def minimal_pdf(text: str) -> bytes:
    """A small but well-formed one-page PDF (with a correct xref table)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def download(url: str, key: str) -> requests.Response:
    return requests.get(url, headers={"apikey": key}, timeout=30)


def test_upload_instructions_stores_a_downloadable_pdf(hub, admin, project, tmp_path):
    content = minimal_pdf("Label every car.")
    path = tmp_path / "guidelines.pdf"
    path.write_bytes(content)

    body = admin.upload_instructions(project["_id"], str(path))
    assert body["status"] == "success"
    url = body["data"]["project"]["instructions"]
    assert isinstance(url, str) and url.startswith("http")
    assert admin.get_project(project["_id"])["data"]["project"]["instructions"] == url

    response = download(url, hub.keys["admin"])
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0].strip() == "application/pdf"
    assert response.content == content

    # Any project member may download it; outsiders may not.
    admin.add_members_to_project(project["_id"], [hub.emails["labeler"]], ProjectRoles.Labeler)
    assert download(url, hub.keys["labeler"]).content == content
    assert download(url, hub.keys["other"]).status_code == 404
    assert download(url, hub.keys["outsider"]).status_code == 404


def test_upload_instructions_replaces_the_previous_file(hub, admin, project, tmp_path):
    first, second = minimal_pdf("Version one"), minimal_pdf("Version two, longer")
    (tmp_path / "v1.pdf").write_bytes(first)
    (tmp_path / "v2.pdf").write_bytes(second)
    admin.upload_instructions(project["_id"], str(tmp_path / "v1.pdf"))
    url = admin.upload_instructions(project["_id"], str(tmp_path / "v2.pdf"))[
        "data"]["project"]["instructions"]
    assert download(url, hub.keys["admin"]).content == second


def test_upload_of_a_renamed_text_file_is_rejected(hub, admin, project, tmp_path):
    good = minimal_pdf("Keep me")
    (tmp_path / "good.pdf").write_bytes(good)
    url = admin.upload_instructions(project["_id"], str(tmp_path / "good.pdf"))[
        "data"]["project"]["instructions"]

    fake = tmp_path / "fake.pdf"
    fake.write_text("this is plain text, not a PDF\n")
    expect_error(lambda: admin.upload_instructions(project["_id"], str(fake)),
                 415, "UNSUPPORTED_MEDIA_TYPE")

    assert admin.get_project(project["_id"])["data"]["project"]["instructions"] == url
    assert download(url, hub.keys["admin"]).content == good


def test_upload_instructions_needs_manager(hub, admin, project, tmp_path):
    path = tmp_path / "lead.pdf"
    path.write_bytes(minimal_pdf("by lead"))
    admin.add_members_to_project(project["_id"], [hub.emails["lead"]], ProjectRoles.Lead)
    expect_error(lambda: hub.sdk("lead").upload_instructions(project["_id"], str(path)),
                 403, "FORBIDDEN")
    expect_error(lambda: hub.sdk("other").upload_instructions(project["_id"], str(path)),
                 404, "NOT_FOUND")
    assert admin.get_project(project["_id"])["data"]["project"]["instructions"] is None


def test_upload_keeps_bytes_of_a_large_pdf_with_an_odd_file_name(hub, admin, project, tmp_path):
    # Over the 1 MiB JSON limit, with binary bytes of every value: the upload has its own limit.
    content = minimal_pdf("big") + bytes(range(256)) * (3 * 4096)
    path = tmp_path / "Guide (v2) – ünïcode & more.pdf"
    path.write_bytes(content)
    url = admin.upload_instructions(project["_id"], str(path))["data"]["project"]["instructions"]
    response = download(url, hub.keys["admin"])
    assert response.status_code == 200
    assert len(response.content) == len(content)
    assert response.content == content
