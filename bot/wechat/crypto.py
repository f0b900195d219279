"""WeChat official-account signatures, safe-mode AES and the small XML dialect of pushes and replies.

Pure functions on the hot path; tests cross-check them against wechatpy and WeRoBot.
Scheme: AES-256-CBC, key = b64decode(EncodingAESKey + "="), IV = key[:16], plaintext
random(16) ‖ uint32_be(len(xml)) ‖ xml ‖ appid, PKCS#7 padded to 32-byte blocks.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import NamedTuple
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_BLOCK = 32


class SignatureError(Exception):
    """The push was not signed with our token: refuse it."""


class DecryptError(Exception):
    """The ciphertext does not open with any of our keys, or names another app."""


class XmlError(Exception):
    """Not the XML a WeChat push carries."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def check_signature(token: str, given: str, timestamp: str, nonce: str) -> bool:
    # Constant-time: wechatpy's `!=` would leak how much of the digest matched.
    return hmac.compare_digest(signature(token, timestamp, nonce).encode(), given.lower().encode())


def aes_key(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 characters of base64 (32 bytes)")
    return key


def _pad(data: bytes) -> bytes:
    n = _BLOCK - len(data) % _BLOCK
    return data + bytes([n]) * n


def _unpad(data: bytes) -> bytes:
    n = data[-1] if data else 0
    if not 1 <= n <= _BLOCK or len(data) < n:
        raise DecryptError("bad padding")
    return data[:-n]


@lru_cache(maxsize=16)
def _cipher(key: bytes) -> Cipher[modes.CBC]:
    # Built once per key: the construction checks cost as much as decrypting a push.
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def encrypt(key: bytes, app_id: str, xml: str, *, random16: bytes | None = None) -> str:
    body = xml.encode()
    plain = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + app_id.encode()
    encryptor = _cipher(key).encryptor()
    return base64.b64encode(encryptor.update(_pad(plain)) + encryptor.finalize()).decode()


def decrypt(key: bytes, app_id: str, encrypted: str) -> str:
    try:
        raw = base64.b64decode(encrypted, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise DecryptError("not base64") from exc
    if not raw or len(raw) % 16:
        raise DecryptError("ciphertext is not whole AES blocks")
    decryptor = _cipher(key).decryptor()
    plain = _unpad(decryptor.update(raw) + decryptor.finalize())
    if len(plain) < 20:
        raise DecryptError("plaintext too short")
    (length,) = struct.unpack(">I", plain[16:20])
    xml, from_app = plain[20 : 20 + length], plain[20 + length :]
    if len(xml) != length or from_app.decode(errors="replace") != app_id:
        raise DecryptError("message is for another app")
    try:
        return xml.decode()
    except UnicodeDecodeError as exc:
        raise DecryptError("message is not UTF-8") from exc


def parse_xml(body: bytes | str) -> dict[str, str]:
    """The flat <xml><Field>value</Field>…</xml> of a push; nested elements keep their text only."""
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    # No DTDs at all: WeChat never sends one, and entities are the classic XML bombs.
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise XmlError("DTDs are not accepted")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise XmlError(str(exc)) from exc
    return {child.tag: (child.text or "") for child in root}


def cdata(value: str) -> str:
    # "]]>" cannot appear inside CDATA; fall back to escaped text then.
    return escape(value) if "]]>" in value else f"<![CDATA[{value}]]>"


def render_xml(fields: dict[str, str | int]) -> str:
    inner = "".join(
        f"<{name}>{value if isinstance(value, int) else cdata(value)}</{name}>" for name, value in fields.items()
    )
    return f"<xml>{inner}</xml>"


class Opened(NamedTuple):  # a NamedTuple: built for every push, and cheaper than a frozen dataclass
    xml: str
    key_index: int  # which of our keys opened it; the reply is sealed with the same one


class MessageCrypto:
    """The safe-mode envelope for one app, with the previous key accepted during a rotation."""

    def __init__(self, token: str, encoding_aes_keys: list[str], app_id: str) -> None:
        if not encoding_aes_keys:
            raise ValueError("at least one EncodingAESKey is needed")
        self.token = token
        self.keys = [aes_key(k) for k in encoding_aes_keys]
        self.app_id = app_id

    def open(self, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> Opened:
        encrypted = parse_xml(body).get("Encrypt", "")
        if not encrypted:
            raise XmlError("no <Encrypt> element")
        expected = signature(self.token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode(), msg_signature.lower().encode()):
            raise SignatureError("msg_signature does not match")
        for index, key in enumerate(self.keys):
            try:
                return Opened(decrypt(key, self.app_id, encrypted), index)
            except DecryptError:
                continue
        raise DecryptError("no key opens this message")

    def seal(self, xml: str, timestamp: str, nonce: str, *, key_index: int = 0) -> str:
        encrypted = encrypt(self.keys[key_index], self.app_id, xml)
        # render_xml's output for these four fields, in one format (base64 and hex need no CDATA fallback).
        stamp = timestamp if timestamp.isdigit() else cdata(timestamp)
        return (
            f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{signature(self.token, timestamp, nonce, encrypted)}]]></MsgSignature>"
            f"<TimeStamp>{stamp}</TimeStamp><Nonce>{cdata(nonce)}</Nonce></xml>"
        )
