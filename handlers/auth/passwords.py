"""Password hashing with scrypt (stdlib) and the password rule; comparisons are constant-time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from handlers.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128
# n=2**14, r=8, p=1: the interactive-login parameters scrypt's author recommends (16 MiB, tens of ms).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class PasswordHash:
    password_hash: str
    salt: str
    kdf: str


def hash_password(password: str) -> PasswordHash:
    salt = secrets.token_hex(16)
    kdf = f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}"
    return PasswordHash(_derive(password, salt, kdf), salt, kdf)


def verify_password(password: str, password_hash: str, salt: str, kdf: str) -> bool:
    return hmac.compare_digest(_derive(password, salt, kdf), password_hash)


def burn_time(password: str) -> None:
    """Hash for nothing, so an unknown number takes as long as a wrong password."""
    hash_password(password)


def _derive(password: str, salt: str, kdf: str) -> str:
    name, n, r, p = kdf.split(":")
    if name != "scrypt":
        raise ValueError(f"unknown kdf {name}")
    digest = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), maxmem=64 * 1024 * 1024, dklen=32
    )
    return digest.hex()


def new_password(value: str) -> str:
    """The rule for a password a person chooses (or an admin sets): 8+ characters, letters and digits."""
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        raise InvalidInput(f"密码长度应为{MIN_LENGTH}到{MAX_LENGTH}位", code="weak_password")
    if not (_LETTER.search(value) and _DIGIT.search(value)):
        raise InvalidInput("密码须同时包含字母和数字", code="weak_password")
    return value
