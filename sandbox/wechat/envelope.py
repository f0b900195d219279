"""The platform side of safe mode, written independently of bot/wechat/crypto.py: the sandbox signs
and encrypts the pushes it sends, and opens the replies it gets back."""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import xml.etree.ElementTree as ET

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def sha1_sorted(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


class Envelope:
    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        self.token = token
        self.key = base64.b64decode(encoding_aes_key + "=")
        self.app_id = app_id

    def encrypt(self, xml: str) -> str:
        body = xml.encode()
        plain = os.urandom(16) + struct.pack(">I", len(body)) + body + self.app_id.encode()
        pad = 32 - len(plain) % 32
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
        plain = plain[: -plain[-1]]
        (length,) = struct.unpack(">I", plain[16:20])
        if plain[20 + length :].decode() != self.app_id:
            raise ValueError("reply sealed for another app")
        return plain[20 : 20 + length].decode()

    def push(self, xml: str, timestamp: str, nonce: str) -> tuple[dict[str, str], str]:
        """Query parameters and body of a safe-mode push, as WeChat sends them."""
        encrypted = self.encrypt(xml)
        params = {
            "signature": sha1_sorted(self.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": sha1_sorted(self.token, timestamp, nonce, encrypted),
        }
        body = f"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        return params, body

    def open_reply(self, body: str) -> dict[str, str] | None:
        """The fields of a reply, checking its signature; None for `success` or an empty answer."""
        if not body.strip() or body.strip() == "success":
            return None
        fields = {child.tag: child.text or "" for child in ET.fromstring(body)}
        if "Encrypt" in fields:
            expected = sha1_sorted(self.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
            if expected != fields.get("MsgSignature"):
                raise ValueError("reply signature does not match")
            fields = {child.tag: child.text or "" for child in ET.fromstring(self.decrypt(fields["Encrypt"]))}
        return fields


def event_xml(gh_id: str, openid: str, at: int, msg_type: str, **fields: str) -> str:
    inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items() if k != "MsgId")
    msg_id = f"<MsgId>{fields['MsgId']}</MsgId>" if "MsgId" in fields else ""
    return (
        f"<xml><ToUserName><![CDATA[{gh_id}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{at}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{inner}{msg_id}</xml>"
    )
