"""Serve a stored file with HTTP range requests, streaming it from storage.

Phones seek in a video by asking for byte ranges; without 206 answers they
cannot jump ahead, and some (iOS Safari) refuse to play at all. The file is
read in chunks from whatever storage holds it (local disk, S3), never loaded
into memory whole, so a 500 MB lecture costs the server 64 KB per request.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK_SIZE = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class RangeNotSatisfiableError(Exception):
    pass


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) byte asked for, or None to send the whole file.

    Several ranges at once, or a header that is not a byte range, are ignored
    (RFC 9110 allows serving the whole file instead). A range that starts past
    the end raises RangeNotSatisfiableError (answered with 416).
    """
    if not header or "," in header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # "bytes=-500": the last 500 bytes
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiableError
        return max(0, size - length), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiableError
    end = int(last) if last else size - 1
    return start, min(end, size - 1)


def _chunks(storage, name: str, start: int, length: int) -> Iterator[bytes]:
    with storage.open(name, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def ranged_file_response(request, field_file, *, filename: str = "") -> HttpResponse:
    """A 200, 206 or 416 response for the file, honouring the Range header."""
    storage, name = field_file.storage, field_file.name
    size = storage.size(name)
    filename = filename or name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    header = None if "if-range" in request.headers else request.headers.get("range")
    try:
        wanted = byte_range(header, size)
    except RangeNotSatisfiableError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted if wanted is not None else (0, size - 1)
    length = max(0, end - start + 1)
    if request.method == "HEAD" or length == 0:
        response = HttpResponse(status=206 if wanted else 200)
    else:
        response = StreamingHttpResponse(
            _chunks(storage, name, start, length), status=206 if wanted else 200
        )
    if wanted is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Type"] = content_type
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
