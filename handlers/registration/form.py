"""The unit-certification form (单位认证), declared once (handlers.forms): what the page shows, what the server
checks and what the JSON schema says. The business registry may prefill it (GET /api/v1/certification/registry)."""

from __future__ import annotations

from handlers.files.policy import PURPOSES
from handlers.forms.declaration import Context, Field, FileRule, Form
from handlers.organisation import credit_code as cc
from handlers.reference.regions import Regions

LICENCE_PURPOSE = "licence"
_LICENCES = PURPOSES[LICENCE_PURPOSE]


def _credit_code(value: str, context: Context) -> str:
    """GB 32100: length, characters, the mod-31 check character and the issuing region (characters 3–8)."""
    return cc.parse(value, (context.regions or Regions.load()).exists)


CERTIFICATION = Form(
    "unit_certification",
    "单位认证",
    ("POST", "/api/v1/certification"),
    (
        Field("name", "text", "单位名称", help="与营业执照上的名称一致", required=True, max_length=128),
        Field(
            "credit_code",
            "text",
            cc.LABEL,
            help="18位，见营业执照；认证通过后不能修改",
            required=True,
            rule=_credit_code,
        ),
        Field(
            "legal_representative",
            "text",
            "法定代表人",
            help="认证通过后修改须重新认证",
            required=True,
            max_length=64,
        ),
        Field(
            "licence_file_id",
            "file",
            "营业执照",
            help="营业执照扫描件或照片",
            required=True,
            file=FileRule(LICENCE_PURPOSE, tuple(f".{k}" for k in _LICENCES.kinds), _LICENCES.max_bytes),
            upload=("POST", "/api/v1/certification/licence"),
        ),
    ),
    field_in_error=True,
)
