"""Lesson media served with HTTP ranges, so that phones can seek in a video."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Collection, CollectionViewRestriction

from tests.factories.courses import document

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 4  # 1024 bytes, each position recognisable


@pytest.fixture
def clip(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return document(title="调解演示", content=CONTENT, name="clip.mp4")


def stream_url(doc) -> str:
    return f"/media/{doc.pk}/stream/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_range_request_gets_206_with_exactly_those_bytes(client_for, clip):
    response = client_for("worker").get(stream_url(clip), HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206
    assert body(response) == CONTENT[:100]
    assert response["Content-Range"] == "bytes 0-99/1024"
    assert response["Content-Length"] == "100"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"


def test_it_streams_the_file_rather_than_loading_it(client_for, clip):
    response = client_for("worker").get(stream_url(clip))

    assert response.streaming
    assert response.status_code == 200
    assert body(response) == CONTENT
    assert response["Content-Length"] == "1024"
    assert response["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=1000-", 1000, 1023),
        ("bytes=-24", 1000, 1023),
        ("bytes=512-99999", 512, 1023),
        ("bytes=7-7", 7, 7),
    ],
)
def test_open_suffix_and_overlong_ranges_are_answered(
    client_for, clip, header, first, last
):
    response = client_for("worker").get(stream_url(clip), HTTP_RANGE=header)

    assert response.status_code == 206
    assert body(response) == CONTENT[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/1024"


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_gets_416(client_for, clip, header):
    response = client_for("worker").get(stream_url(clip), HTTP_RANGE=header)

    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1024"


@pytest.mark.parametrize("header", ["items=0-10", "bytes=5-2", "bytes=0-1,5-9"])
def test_a_range_it_does_not_serve_gets_the_whole_file(client_for, clip, header):
    response = client_for("worker").get(stream_url(clip), HTTP_RANGE=header)

    assert response.status_code == 200
    assert body(response) == CONTENT


def test_a_head_request_gets_the_headers_only(client_for, clip):
    response = client_for("worker").head(stream_url(clip), HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206
    assert response["Content-Length"] == "100"
    assert response.content == b""


def test_anonymous_visitors_are_sent_to_sign_in(client, clip):
    response = client.get(stream_url(clip), HTTP_RANGE="bytes=0-99")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_missing_document_is_not_found(client_for, clip):
    response = client_for("worker").get(f"/media/{clip.pk + 1000}/stream/")

    assert response.status_code == 404


def test_a_collection_closed_to_the_worker_is_forbidden(client_for, clip):
    private = Collection.get_first_root_node().add_child(name="内部资料")
    clip.collection = private
    clip.save()
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="内部"))

    response = client_for("worker").get(stream_url(clip))

    assert response.status_code == 403


def test_posting_is_not_allowed(client_for, clip):
    response = client_for("worker").post(stream_url(clip))

    assert response.status_code == 405
