"""The demo media files (cms/demo/media/) as Wagtail documents and images.

The files are committed (see media/SOURCE.md for how they were made), so
seeding never downloads or renders anything.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from django.core.files import File
from django.core.files.images import ImageFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike

MEDIA_DIR = Path(__file__).resolve().parent / "media"

VIDEO = ("办公电脑安全五件事（演示视频）", "office-security-habits.mp4")
POSTER = ("办公电脑安全五件事（视频封面）", "office-security-habits-poster.png")
TEMPLATES = ("通知、请示、报告模板", "official-writing-templates.txt")


def document_ensure(*, title: str, filename: str):
    """The document titled `title`, holding the shipped file `filename`.

    Returns (document, changed). A document whose stored file is missing or
    differs from the shipped one gets the shipped file again.
    """
    return _file_ensure(get_document_model(), title, filename, File)


def image_ensure(*, title: str, filename: str):
    """The image titled `title`, holding the shipped file `filename`."""
    return _file_ensure(get_image_model(), title, filename, ImageFile)


def _file_ensure(model, title: str, filename: str, wrapper):
    data = (MEDIA_DIR / filename).read_bytes()
    digest = hash_filelike(BytesIO(data))
    obj = model.objects.filter(title=title).order_by("pk").first()
    if (
        obj is not None
        and obj.file_hash == digest
        and obj.file.name
        and obj.file.storage.exists(obj.file.name)
    ):
        return obj, False
    if obj is None:
        obj = model(title=title)
    storage = obj.file.storage
    stored_name = obj.file.field.generate_filename(obj, filename)
    if storage.exists(stored_name) and _hash(storage, stored_name) == digest:
        # The same file is already in storage (a database made again, or a test
        # run that was rolled back): use it rather than pile up copies.
        obj.file = stored_name
    else:
        # A File that is not yet stored is written to storage on save().
        obj.file = wrapper(BytesIO(data), name=filename)
    obj.file_size = len(data)
    obj.file_hash = digest
    obj.save()
    return obj, True


def _hash(storage, name: str) -> str:
    with storage.open(name, "rb") as f:
        return hash_filelike(f)
