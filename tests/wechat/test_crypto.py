"""Our signatures and safe-mode envelope agree with the documented vectors, wechatpy and WeRoBot."""

from __future__ import annotations

import pytest
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import check_signature as wechatpy_check_signature
from werobot.crypto import MessageCrypt

from bot.wechat.crypto import (
    DecryptError,
    MessageCrypto,
    SignatureError,
    XmlError,
    check_signature,
    parse_xml,
    signature,
)
from tests.wechat.pushes import AES_KEY, APP_ID, OLD_AES_KEY, TOKEN, independent_encrypt, safe_push, sign, text_xml

PLAIN = text_xml("o-user", "你好 <world> & ]]> done", at=1714036504, msg_id=1234567890123456)


def test_official_signature_vectors() -> None:
    assert signature("AAAAA", "1714036504", "1514711492") == "f464b24fc39322e44b38aa78f5edd27bd1441696"
    assert check_signature("AAAAA", "f464b24fc39322e44b38aa78f5edd27bd1441696", "1714036504", "1514711492")
    assert check_signature("AAAAA", "899cf89e464efb63f54ddac96b0a0a235f53aa78", "1714037059", "486452656")
    assert not check_signature("AAAAA", "899cf89e464efb63f54ddac96b0a0a235f53aa79", "1714037059", "486452656")
    assert not check_signature("AAAAA", "非十六进制", "1714037059", "486452656")
    wechatpy_check_signature("AAAAA", "899cf89e464efb63f54ddac96b0a0a235f53aa78", "1714037059", "486452656")


def test_wechatpy_envelope_opens_with_ours_and_ours_with_wechatpy() -> None:
    theirs = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    ours = MessageCrypto(TOKEN, [AES_KEY], APP_ID)
    envelope = theirs.encrypt_message(PLAIN, "nonce1", "1714036504")
    fields = parse_xml(envelope)
    opened = ours.open(envelope.encode(), fields["MsgSignature"], "1714036504", "nonce1")
    assert opened.xml == PLAIN and opened.key_index == 0
    sealed = ours.seal(PLAIN, "1714036599", "nonce2")
    assert theirs.decrypt_message(sealed, parse_xml(sealed)["MsgSignature"], "1714036599", "nonce2") == PLAIN


def test_werobot_envelope_opens_with_ours_and_ours_with_werobot() -> None:
    theirs = MessageCrypt(TOKEN, AES_KEY, APP_ID)
    ours = MessageCrypto(TOKEN, [AES_KEY], APP_ID)
    envelope = theirs.encrypt_message(PLAIN, "1714036504", "n0nce")
    opened = ours.open(envelope.encode(), parse_xml(envelope)["MsgSignature"], "1714036504", "n0nce")
    assert opened.xml == PLAIN
    sealed = parse_xml(ours.seal(PLAIN, "1714036504", "n0nce"))
    assert theirs.decrypt_message("1714036504", "n0nce", sealed["MsgSignature"], sealed["Encrypt"]).decode() == PLAIN


def test_previous_key_opens_and_reply_uses_it() -> None:
    ours = MessageCrypto(TOKEN, [AES_KEY, OLD_AES_KEY], APP_ID)
    push = safe_push(PLAIN, key=OLD_AES_KEY)
    opened = ours.open(push.body.encode(), push.params["msg_signature"], push.params["timestamp"], push.params["nonce"])
    assert opened.key_index == 1
    sealed = parse_xml(ours.seal("<xml/>", "1", "2", key_index=opened.key_index))
    assert (
        MessageCrypt(TOKEN, OLD_AES_KEY, APP_ID).decrypt_message("1", "2", sealed["MsgSignature"], sealed["Encrypt"])
        == b"<xml/>"
    )


def test_wrong_signature_other_app_and_unknown_key_are_refused() -> None:
    ours = MessageCrypto(TOKEN, [AES_KEY], APP_ID)
    push = safe_push(PLAIN)
    with pytest.raises(SignatureError):
        ours.open(push.body.encode(), "0" * 40, push.params["timestamp"], push.params["nonce"])
    for encrypted in (independent_encrypt(PLAIN, app_id="wxother"), independent_encrypt(PLAIN, key=OLD_AES_KEY)):
        forged = safe_push(PLAIN, encrypted=encrypted)
        with pytest.raises(DecryptError):
            ours.open(
                forged.body.encode(), forged.params["msg_signature"], forged.params["timestamp"], forged.params["nonce"]
            )
    assert sign("a", "b") == signature("b", "a")


def test_xml_with_a_dtd_is_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>'
    with pytest.raises(XmlError):
        parse_xml(bomb)
    with pytest.raises(XmlError):
        parse_xml(b"<xml><unclosed></xml>")
