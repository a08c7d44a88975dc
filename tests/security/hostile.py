"""Builders of hostile files and a streaming multipart POST for tests/security."""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
SQL_LIKE = ["' OR 1=1 --", "%' ;DROP TABLE people_workerprofile; --"]
MB = 1024 * 1024

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
ROW = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAA</t></is></c></row>'
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)


def zip_bomb_xlsx(*, unpacked_mb: int = 1100) -> bytes:
    """A few MB of .xlsx whose sheet XML inflates to ``unpacked_mb`` MiB.

    Compressing a gigabyte takes seconds, so one MiB of rows is deflated once
    with a full flush (which resets the compressor: every copy of the block is
    the same bytes) and the block repeated. The ZIP is written by hand: the
    sizes stay under 4 GiB, so no ZIP64 is needed.
    """
    chunk = ROW * (MB // len(ROW))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(SHEET_HEAD) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(b"</sheetData></worksheet>") + compressor.flush()
    crc = zlib.crc32(SHEET_HEAD)
    for _ in range(unpacked_mb):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(b"</sheetData></worksheet>", crc)
    sheet = (
        head + block * unpacked_mb + tail,
        len(SHEET_HEAD) + len(chunk) * unpacked_mb + len(b"</sheetData></worksheet>"),
        crc & 0xFFFFFFFF,
    )
    types = (zlib.compress(CONTENT_TYPES)[2:-4], len(CONTENT_TYPES))
    members = [
        ("[Content_Types].xml", types[0], types[1], zlib.crc32(CONTENT_TYPES)),
        ("xl/worksheets/sheet1.xml", *sheet),
    ]
    return _zip(members)


def _zip(members) -> bytes:
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, size, crc in members:
        encoded = name.encode()
        offset = out.tell()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out.write(b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", *fields) + encoded)
        out.write(data)
        fields = (20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        central.write(
            b"PK\x01\x02"
            + struct.pack("<HHHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, 0, offset)
            + encoded
        )
    start = out.tell()
    out.write(central.getvalue())
    count = len(members)
    out.write(
        b"PK\x05\x06"
        + struct.pack("<HHHHIIH", 0, 0, count, count, len(central.getvalue()), start, 0)
    )
    return out.getvalue()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="truefalse"><name><text>&lol9;</text></name>
<questiontext format="html"><text>&lol9;</text></questiontext></question></quiz>
"""

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10" onload="alert(1)"><script>alert(1)</script>'
    b'<rect width="10" height="10"/></svg>'
)
HTML_AS_IMAGE = b"<html><body><script>alert(1)</script></body></html>"


# --- A 100 MB upload, streamed from a sparse file ----------------------------


class _Chain(io.RawIOBase):
    """Bytes, then a file, then bytes: a request body never held in memory."""

    def __init__(self, head: bytes, path: str, tail: bytes):
        self.parts = [io.BytesIO(head), open(path, "rb"), io.BytesIO(tail)]  # noqa: SIM115

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self.parts:
            n = self.parts[0].readinto(buffer)
            if n:
                return n
            self.parts.pop(0).close()
        return 0


def sparse_file(size: int) -> str:
    """A file of ``size`` zero bytes that takes no disk space until read."""
    handle, path = tempfile.mkstemp(prefix="lianxin-big-", suffix=".png")
    os.ftruncate(handle, size)
    os.close(handle)
    return path


def streamed_post(
    client: Client, path: str, *, fields: dict, file_field: str, size: int
) -> tuple[int, str]:
    """POST a multipart form with a ``size``-byte file through the WSGI handler.

    The test client would build the whole body in memory; this streams it
    from a sparse file, so a 100 MB upload costs no memory in the test either.
    """
    boundary = "lianxinBoundary7MA4YWxkTrZu0gW"
    head = io.BytesIO()
    for name, value in fields.items():
        head.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n".encode()
        )
    head.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="big.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    big = sparse_file(size)
    csrf = "a" * 32
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT_LANGUAGE": "en",
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        "HTTP_X_CSRFTOKEN": csrf,
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(len(head.getvalue()) + size + len(tail)),
        "wsgi.input": io.BufferedReader(_Chain(head.getvalue(), big, tail)),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    status = []
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = WSGIHandler()(environ, lambda s, headers, *a: status.append(s))
        body = b"".join(result)
        result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        os.unlink(big)
    return int(status[0].split()[0]), body.decode()


def media_files() -> Iterator[str]:
    """Every file under MEDIA_ROOT, relative to it."""
    root = str(settings.MEDIA_ROOT)
    for folder, _dirs, files in os.walk(root):
        for name in files:
            yield os.path.relpath(os.path.join(folder, name), root)
