"""Outlook .msg files for the tests, written byte by byte.

No library at hand writes .msg files, so this module holds a small writer of Compound File Binary
files (MS-CFB version 3: 512-byte sectors, one FAT, a directory of 128-byte entries, and the mini
stream with its MiniFAT for the streams under 4,096 bytes) and, on top of it, the layout of an
Outlook message (MS-OXMSG): property streams "__substg1.0_<tag>", the fixed-length properties in
"__properties_version1.0", recipients, attachments and embedded messages in their own storages.
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1


# --------------------------------------------------------------------------- compound file
@dataclass
class Stream:
    name: str
    data: bytes


@dataclass
class Storage:
    name: str
    children: list[Stream | Storage] = field(default_factory=list)


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)  # entry ids
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def compound_file(root: Storage) -> bytes:
    """The bytes of a CFB file holding `root`'s streams and storages."""
    entries: list[_Entry] = [_Entry("Root Entry", ROOT)]
    _flatten(root, 0, entries)
    for entry in entries:
        if entry.children:
            entry.child = _sibling_tree(entries, entry.children)

    # small streams go to the mini stream, in 64-byte mini sectors chained by the MiniFAT
    mini_stream = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != STREAM or not entry.data:
            continue
        entry.size = len(entry.data)
        if entry.size >= MINI_CUTOFF:
            big.append(entry)
            continue
        first = len(minifat)
        count = -(-entry.size // MINI_SECTOR)
        minifat.extend(range(first + 1, first + count))
        minifat.append(ENDOFCHAIN)
        entry.start = first
        mini_stream += entry.data.ljust(count * MINI_SECTOR, b"\0")

    directory = b"".join(_entry_bytes(e) for e in entries)
    directory += _empty_entry() * (-len(entries) % 4)
    minifat_bytes = b"".join(struct.pack("<I", x) for x in minifat)
    minifat_bytes += struct.pack("<I", FREESECT) * (-len(minifat) % (SECTOR // 4))

    # sectors: FAT, directory, MiniFAT, mini stream, then each large stream
    chains: list[bytes] = [directory, minifat_bytes, bytes(mini_stream), *(e.data for e in big)]
    counts = [-(-len(c) // SECTOR) for c in chains]
    fat_count = 1
    while fat_count * (SECTOR // 4) < fat_count + sum(counts):
        fat_count += 1
    if fat_count > 109:
        raise ValueError("too large for a compound file without DIFAT sectors")
    fat = [FATSECT] * fat_count
    starts = []
    for count in counts:
        starts.append(len(fat) if count else ENDOFCHAIN)
        fat.extend(range(len(fat) + 1, len(fat) + count))
        if count:
            fat.append(ENDOFCHAIN)
    fat += [FREESECT] * (fat_count * (SECTOR // 4) - len(fat))
    dir_start, minifat_start, mini_start, *big_starts = starts
    entries[0].start, entries[0].size = (mini_start, len(mini_stream)) if mini_stream else (ENDOFCHAIN, 0)
    for entry, start in zip(big, big_starts, strict=True):
        entry.start = start
    directory = b"".join(_entry_bytes(e) for e in entries) + _empty_entry() * (-len(entries) % 4)

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, fat_count, dir_start, 0, MINI_CUTOFF, minifat_start if minifat else ENDOFCHAIN,
        counts[1], ENDOFCHAIN, 0,
    )
    difat = list(range(fat_count)) + [FREESECT] * (109 - fat_count)
    header += struct.pack("<109I", *difat)
    body = b"".join(struct.pack("<I", x) for x in fat)
    for chunk in (directory, minifat_bytes, bytes(mini_stream), *(e.data for e in big)):
        body += chunk.ljust(-(-len(chunk) // SECTOR) * SECTOR, b"\0")
    return header + body


def _flatten(storage: Storage, entry_id: int, entries: list[_Entry]) -> None:
    for child in storage.children:
        child_id = len(entries)
        if isinstance(child, Stream):
            entries.append(_Entry(child.name, STREAM, data=child.data))
        else:
            entries.append(_Entry(child.name, STORAGE, start=0))  # a storage has no sectors
            _flatten(child, child_id, entries)
        entries[entry_id].children.append(child_id)


def _sibling_tree(entries: list[_Entry], ids: list[int]) -> int:
    """A storage's children as a red-black tree ordered as MS-CFB says: shorter names first, then
    by upper-case name. Built balanced; the nodes of an incomplete last level are red."""
    ordered = sorted(ids, key=lambda i: (len(entries[i].name), entries[i].name.upper()))
    depth_of: dict[int, int] = {}

    def build(items: list[int], depth: int) -> int:
        if not items:
            return NOSTREAM
        middle = len(items) // 2
        node = items[middle]
        depth_of[node] = depth
        entries[node].left = build(items[:middle], depth + 1)
        entries[node].right = build(items[middle + 1 :], depth + 1)
        return node

    top = build(ordered, 0)
    deepest = max(depth_of.values())
    full = len(ordered) == 2 ** (deepest + 1) - 1
    for node, depth in depth_of.items():
        entries[node].color = RED if depth == deepest and not full and deepest > 0 else BLACK
    return top


def _entry_bytes(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"name too long for a directory entry: {entry.name}")
    return struct.pack(
        "<64sHBBIII16sIQQIII",
        name, len(name) + 2, entry.kind, entry.color, entry.left, entry.right, entry.child,
        b"\0" * 16, 0, 0, 0, entry.start, entry.size, 0,
    )


def _empty_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIII", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0, 0)


# --------------------------------------------------------------------------- Outlook message
PT_LONG, PT_BOOLEAN, PT_SYSTIME, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x0003, 0x000B, 0x0040, 0x001F, 0x0102, 0x000D
ATTACH_BY_VALUE, ATTACH_EMBEDDED_MSG = 1, 5
TO, CC = 1, 2


@dataclass
class MsgAttachment:
    filename: str
    data: bytes = b""
    mime: str = "application/octet-stream"
    embedded: MsgMessage | None = None  # an Outlook message attached to the message


@dataclass
class MsgMessage:
    subject: str
    sender_name: str = "Jean Martin"
    sender_email: str = "j.martin@martin-elec.fr"
    to: list[tuple[str, str]] = field(default_factory=lambda: [("Service commandes", "commandes@distrib.fr")])
    cc: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""
    html: str | None = None
    sent: dt.datetime = dt.datetime(2026, 11, 9, 8, 15, tzinfo=dt.UTC)
    message_id: str = "<20261109081500.4242@martin-elec.fr>"
    attachments: list[MsgAttachment] = field(default_factory=list)


def outlook_message(message: MsgMessage) -> bytes:
    """The bytes of an .msg file as Outlook saves a received e-mail."""
    root = _message_storage(message, "", embedded=False)
    # named properties: the mapping storage Outlook always writes, here with no named property
    root.children.append(
        Storage("__nameid_version1.0", [Stream(f"__substg1.0_{n:04X}0102", b"") for n in (2, 3, 4)])
    )
    return compound_file(root)


def _message_storage(message: MsgMessage, name: str, embedded: bool) -> Storage:
    storage = Storage(name)
    strings = {
        0x001A: "IPM.Note",
        0x0037: message.subject,
        0x0C1A: message.sender_name,
        0x0C1F: message.sender_email,
        0x5D01: message.sender_email,
        0x0E04: "; ".join(n for n, _ in message.to),
        0x0E03: "; ".join(n for n, _ in message.cc),
        0x1035: message.message_id,
    }
    if message.body:
        strings[0x1000] = message.body
    for prop_id, value in strings.items():
        if value:
            storage.children.append(_string_stream(prop_id, value))
    fixed = [
        (0x340D, PT_LONG, 0x00040000),  # store support mask: strings are Unicode
        (0x0E07, PT_LONG, 0x1),  # message flags: read, sent
        (0x0039, PT_SYSTIME, _filetime(message.sent)),  # client submit time
        (0x0E06, PT_SYSTIME, _filetime(message.sent)),  # delivery time
    ]
    variable: list[tuple[int, int, str | bytes]] = [(0x001A, PT_UNICODE, "IPM.Note")]
    if message.html is not None:
        html = message.html.encode("utf-8")
        storage.children.append(Stream("__substg1.0_10130102", html))
        variable.append((0x1013, PT_BINARY, html))
    recipients = [(name_, address, TO) for name_, address in message.to]
    recipients += [(name_, address, CC) for name_, address in message.cc]
    for index, (display, address, kind) in enumerate(recipients):
        storage.children.append(_recipient(index, display, address, kind))
    for index, attachment in enumerate(message.attachments):
        storage.children.append(_attachment(index, attachment))
    header = struct.pack(
        "<8sIIII", b"\0" * 8, len(recipients), len(message.attachments), len(recipients), len(message.attachments)
    )
    if not embedded:
        header += b"\0" * 8  # a top-level message's header is 32 bytes, an embedded one's 24
    storage.children.append(Stream("__properties_version1.0", header + _properties(fixed, variable)))
    return storage


def _recipient(index: int, display: str, address: str, kind: int) -> Storage:
    streams = [
        _string_stream(0x3001, display),
        _string_stream(0x3003, address),
        _string_stream(0x39FE, address),
        _string_stream(0x3002, "SMTP"),
    ]
    props = _properties([(0x0C15, PT_LONG, kind), (0x3000, PT_LONG, index)], [])
    return Storage(f"__recip_version1.0_#{index:08X}", [*streams, Stream("__properties_version1.0", b"\0" * 8 + props)])


def _attachment(index: int, attachment: MsgAttachment) -> Storage:
    storage = Storage(f"__attach_version1.0_#{index:08X}")
    storage.children.append(_string_stream(0x3707, attachment.filename))  # long file name
    storage.children.append(_string_stream(0x3001, attachment.filename))  # display name
    if attachment.embedded is not None:
        method = ATTACH_EMBEDDED_MSG
        inner = _message_storage(attachment.embedded, "__substg1.0_3701000D", embedded=True)
        storage.children.append(inner)
        variable: list[tuple[int, int, str | bytes]] = [(0x3701, PT_OBJECT, b"")]
    else:
        method = ATTACH_BY_VALUE
        storage.children.append(Stream("__substg1.0_37010102", attachment.data))
        storage.children.append(_string_stream(0x370E, attachment.mime))
        variable = [(0x3701, PT_BINARY, attachment.data)]
    fixed = [(0x3705, PT_LONG, method), (0x0E21, PT_LONG, index), (0x0E20, PT_LONG, len(attachment.data))]
    storage.children.append(Stream("__properties_version1.0", b"\0" * 8 + _properties(fixed, variable)))
    return storage


def _string_stream(prop_id: int, value: str) -> Stream:
    return Stream(f"__substg1.0_{prop_id:04X}{PT_UNICODE:04X}", value.encode("utf-16-le"))


def _properties(fixed: list[tuple[int, int, int]], variable: list[tuple[int, int, str | bytes]]) -> bytes:
    """16-byte entries: tag, flags (readable, writable), then the value, or the size of a stream."""
    out = b""
    for prop_id, prop_type, value in fixed:
        pack = "<Q" if prop_type == PT_SYSTIME else "<I"
        out += struct.pack("<II", prop_id << 16 | prop_type, 6) + struct.pack(pack, value).ljust(8, b"\0")
    for prop_id, prop_type, data in variable:
        size = len(data.encode("utf-16-le")) + 2 if isinstance(data, str) else len(data)
        if prop_type == PT_OBJECT:
            size = 0xFFFFFFFF
        out += struct.pack("<IIII", prop_id << 16 | prop_type, 6, size, 0)
    return out


def _filetime(moment: dt.datetime) -> int:
    """100-nanosecond intervals since 1601-01-01 UTC."""
    return int((moment - dt.datetime(1601, 1, 1, tzinfo=dt.UTC)).total_seconds() * 10_000_000)
