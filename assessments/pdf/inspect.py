"""Read back what a PDF of ours contains, without a PDF library: for tests.

``pdf_fonts(data)`` lists every font dictionary with whether its program is
embedded (a /FontDescriptor with /FontFile, /FontFile2 or /FontFile3; a Type0
font through its descendant). ``pdf_text(data)`` extracts the text shown by the
page content streams, decoded through each font's /ToUnicode CMap (reportlab
writes one for every TrueType subset), one line per text positioning operator.

It understands the PDFs reportlab writes (uncompressed cross-reference table,
Flate or ASCII85 streams); it is not a general PDF parser.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass

_OBJ_START = re.compile(rb"(\d+)\s+0\s+obj\b")
_STREAM_START = re.compile(rb"\bstream\r?\n")
_REF = re.compile(rb"/([^\s/<>\[\]()]+)\s+(\d+)\s+0\s+R")


@dataclass
class PdfFont:
    resource: str
    base_font: str
    subtype: str
    embedded: bool


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary text, decoded stream or None).

    Streams are cut by their /Length, so binary data (a font program) that
    happens to contain "endobj" does not end the object early.
    """
    objects = {}
    position = 0
    while True:
        match = _OBJ_START.search(data, position)
        if match is None:
            break
        start = match.end()
        stream = _STREAM_START.search(data, start)
        end = data.find(b"endobj", start)
        if stream is not None and (end == -1 or stream.start() < end):
            head = data[start : stream.start()]
            length = re.search(rb"/Length\s+(\d+)(\s+0\s+R)?", head)
            if length and not length.group(2):
                raw = data[stream.end() : stream.end() + int(length.group(1))]
            else:
                stop = data.find(b"endstream", stream.end())
                raw = data[stream.end() : stop].rstrip(b"\r\n")
            end = data.find(b"endobj", stream.end() + len(raw))
            objects[int(match.group(1))] = (head, _decode_stream(head, raw))
        else:
            objects[int(match.group(1))] = (data[start:end], None)
        position = end + len(b"endobj") if end != -1 else len(data)
    return objects


def _decode_stream(head: bytes, raw: bytes) -> bytes:
    filters = re.findall(rb"/(FlateDecode|ASCII85Decode|ASCIIHexDecode)", head)
    for name in filters:
        if name == b"ASCII85Decode":
            text = raw.strip().removeprefix(b"<~").removesuffix(b"~>")
            raw = base64.a85decode(re.sub(rb"\s", b"", text))
        elif name == b"ASCIIHexDecode":
            raw = bytes.fromhex(raw.strip().rstrip(b">").decode())
        else:
            raw = zlib.decompress(raw)
    return raw


def _name(head: bytes, key: bytes) -> str:
    match = re.search(rb"/" + key + rb"\s*/([^\s/<>\[\]]+)", head)
    return match.group(1).decode("latin-1") if match else ""


def _ref(head: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s*\[?\s*(\d+)\s+0\s+R", head)
    return int(match.group(1)) if match else None


def _is_font(head: bytes) -> bool:
    return re.search(rb"/Type\s*/Font\b", head) is not None


def _font_resources(objects) -> dict[str, int]:
    """Resource name (F1, F2+0) -> font object number, from every dictionary."""
    names = {}
    for head, _raw in objects.values():
        for name, num in _REF.findall(head):
            target = objects.get(int(num))
            if target and _is_font(target[0]):
                names[name.decode("latin-1")] = int(num)
    return names


def _embedded(objects, head: bytes) -> bool:
    subtype = _name(head, b"Subtype")
    if subtype == "Type0":
        descendant = _ref(head, b"DescendantFonts")
        return descendant is not None and _embedded(objects, objects[descendant][0])
    if subtype == "Type3":
        return True  # glyphs are drawn by the PDF itself
    descriptor = _ref(head, b"FontDescriptor")
    if descriptor is None or descriptor not in objects:
        return False
    return (
        re.search(rb"/FontFile[23]?\s+\d+\s+0\s+R", objects[descriptor][0]) is not None
    )


def pdf_fonts(data: bytes) -> list[PdfFont]:
    """Every font dictionary the pages use, with whether it is embedded."""
    objects = _objects(data)
    by_number = {num: name for name, num in _font_resources(objects).items()}
    fonts = []
    for num, (head, _raw) in objects.items():
        if not _is_font(head) or re.search(rb"/Type\s*/FontDescriptor", head):
            continue
        if num not in by_number:
            continue  # a descendant of a Type0 font, checked through its parent
        fonts.append(
            PdfFont(
                resource=by_number[num],
                base_font=_name(head, b"BaseFont"),
                subtype=_name(head, b"Subtype"),
                embedded=_embedded(objects, head),
            )
        )
    return fonts


def _hex_code(text: bytes) -> int:
    return int(text, 16)


def _utf16(text: bytes) -> str:
    return bytes.fromhex(text.decode()).decode("utf-16-be")


def _cmap(stream: bytes) -> tuple[dict[int, str], int]:
    """ToUnicode CMap -> ({code: text}, code width in bytes)."""
    mapping: dict[int, str] = {}
    width = 1
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            width = max(width, len(src) // 2)
            mapping[_hex_code(src)] = _utf16(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])",
            block,
        ):
            width = max(width, len(lo) // 2)
            start, end = _hex_code(lo), _hex_code(hi)
            if dst.startswith(b"["):
                for offset, item in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", dst)):
                    mapping[start + offset] = _utf16(item)
            else:
                first = _utf16(dst[1:-1])
                for offset in range(end - start + 1):
                    mapping[start + offset] = first[:-1] + chr(ord(first[-1]) + offset)
    return mapping, width


_TOKEN = re.compile(
    rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)"  # literal string (one nesting)
    rb"|<[0-9A-Fa-f\s]*>"  # hex string
    rb"|/[^\s/<>\[\]()]+"  # name
    rb"|\[|\]"
    rb"|[-+]?\d*\.?\d+"
    rb"|[A-Za-z'\"*]+",
    re.S,
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(token: bytes) -> bytes:
    body = token[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
        elif nxt.isdigit():
            digits = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4]).group(0)
            out.append(int(digits, 8) & 0xFF)
            i += 1 + len(digits)
        elif nxt in (b"\n", b"\r"):
            i += 2
        else:
            out += nxt
            i += 2
    return bytes(out)


def _string_bytes(token: bytes) -> bytes:
    if token.startswith(b"("):
        return _literal(token)
    hexdigits = re.sub(rb"\s", b"", token[1:-1])
    if len(hexdigits) % 2:
        hexdigits += b"0"
    return bytes.fromhex(hexdigits.decode())


def pdf_text(data: bytes) -> str:
    """The text the pages show, decoded to Unicode; a line per positioning."""
    objects = _objects(data)
    resources = _font_resources(objects)
    cmaps: dict[str, tuple[dict[int, str], int]] = {}
    for name, num in resources.items():
        head = objects[num][0]
        to_unicode = _ref(head, b"ToUnicode")
        if to_unicode is not None and objects[to_unicode][1] is not None:
            cmaps[name] = _cmap(objects[to_unicode][1])
    contents = set()
    for head, _raw in objects.values():
        if re.search(rb"/Type\s*/Page\b", head):
            for num in re.findall(
                rb"(\d+)\s+0\s+R",
                (re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+0\s+R)", head) or [b""])[0],
            ):
                contents.add(int(num))
    lines: list[str] = []
    current: list[str] = []
    for num in sorted(contents):
        stream = objects[num][1] or b""
        font = None
        operands: list[bytes] = []
        for token in _TOKEN.findall(stream):
            if token[:1] in (b"(", b"<", b"/", b"[", b"]") or re.match(
                rb"[-+]?\d*\.?\d+$", token
            ):
                operands.append(token)
                continue
            op = token
            if op == b"Tf" and len(operands) >= 2:
                font = operands[-2][1:].decode("latin-1")
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                mapping, width = cmaps.get(font, ({}, 1))
                for operand in operands:
                    if operand[:1] not in (b"(", b"<"):
                        continue
                    raw = _string_bytes(operand)
                    for i in range(0, len(raw), width):
                        code = int.from_bytes(raw[i : i + width], "big")
                        current.append(
                            mapping.get(code, chr(code) if not mapping else "")
                        )
            elif op in (b"Td", b"TD", b"T*", b"Tm", b"ET") and current:
                lines.append("".join(current))
                current = []
            operands = []
    if current:
        lines.append("".join(current))
    return "\n".join(lines)
