"""Sign-in: password credentials, bearer sessions, one-time SMS codes and platform identity bindings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

ID = BigInteger().with_variant(Integer, "sqlite")


class SessionKind(StrEnum):
    MICRO_APP = "micro_app"  # DingTalk workbench micro-app
    MINI_PROGRAM = "mini_program"  # WeChat mini-program
    WEB = "web"


class SmsPurpose(StrEnum):
    LOGIN = "login"
    RESET = "reset"
    CHANGE_MOBILE = "change_mobile"  # sent to the new number of a signed-in person
    REGISTER = "register"  # self-registration (seed 000): any number; one that has an account signs in


class PasswordCredential(Base):
    """One password per account. Only the scrypt hash, its salt and parameters are kept, so the
    parameters can be raised later without breaking older hashes."""

    __tablename__ = "password_credentials"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(128))
    salt: Mapped[str] = mapped_column(String(64))
    kdf: Mapped[str] = mapped_column(String(64))  # e.g. "scrypt:16384:8:1"
    # Set when an admin chose the password: the person must pick their own at first sign-in.
    must_change: Mapped[bool] = mapped_column(Boolean)
    failed_attempts: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class AuthSession(Base):
    """A bearer session. Only the SHA-256 of the token is stored: a database leak gives no usable token.

    A mini-program session without an account is pending: it carries the openid for the binding flow.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[SessionKind] = mapped_column(String(16))
    openid: Mapped[str | None] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SmsCode(Base):
    """A one-time SMS code, stored salted and hashed; `used_at` is set when it is spent or burnt."""

    __tablename__ = "sms_codes"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    mobile: Mapped[str] = mapped_column(String(11), index=True)
    purpose: Mapped[SmsPurpose] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    salt: Mapped[str] = mapped_column(String(32))
    wrong_attempts: Mapped[int] = mapped_column(Integer)
    # The signed-in account that asked (a mobile-change code goes to a number no account holds yet).
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class DingTalkBinding(Base):
    """An account's DingTalk userid in our corporation (免登 resolves an authCode to it)."""

    __tablename__ = "dingtalk_bindings"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    userid: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


class MiniProgramBinding(Base):
    """An account's openid (and unionid, when the mini-program is tied to an Open Platform account)."""

    __tablename__ = "mini_program_bindings"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
