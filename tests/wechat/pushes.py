"""Signed (and optionally encrypted) WeChat pushes built independently of bot.wechat.crypto."""

from __future__ import annotations

import base64
import hashlib
import os
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from handlers.clock import ManualClock

TOKEN = "testtoken123"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
OLD_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx1234567890abcdef"
GH_ID = "gh_test"
# The moment the `clock` fixture starts at: pushes are signed "now", as the webhook's window requires.
NOW = int(ManualClock().now().timestamp())


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def independent_encrypt(xml: str, *, key: str = AES_KEY, app_id: str = APP_ID) -> str:
    """The documented scheme, written out again here so the webhook is not tested against itself."""
    raw_key = base64.b64decode(key + "=")
    body = xml.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    enc = Cipher(algorithms.AES(raw_key), modes.CBC(raw_key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def event_xml(openid: str, event: str, *, at: int, **extra: str) -> str:
    fields = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in extra.items())
    return (
        f"<xml><ToUserName><![CDATA[{GH_ID}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{at}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
        f"{fields}</xml>"
    )


def text_xml(openid: str, content: str, *, at: int, msg_id: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{GH_ID}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{at}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


@dataclass(frozen=True)
class Push:
    params: dict[str, str]
    body: str


def safe_push(
    xml: str,
    *,
    key: str = AES_KEY,
    token: str = TOKEN,
    timestamp: str = str(NOW),
    nonce: str = "1514711492",
    encrypted: str | None = None,
) -> Push:
    encrypted = encrypted or independent_encrypt(xml, key=key)
    params = {
        "signature": sign(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": "o-any",
        "encrypt_type": "aes",
        "msg_signature": sign(token, timestamp, nonce, encrypted),
    }
    body = f"<xml><ToUserName><![CDATA[{GH_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    return Push(params, body)


def plain_push(xml: str, *, token: str = TOKEN, timestamp: str = str(NOW), nonce: str = "1514711492") -> Push:
    return Push({"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}, xml)
