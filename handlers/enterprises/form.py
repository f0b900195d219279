"""The enterprise forms, declared once (handlers.forms): adding one by its registered name (looked up in the
business registry), and entering one by hand (未核验) when no registry knows it."""

from __future__ import annotations

from handlers.forms.declaration import Context, Field, Form
from handlers.organisation import credit_code as cc
from handlers.reference.regions import Regions

_FULL_NAME = Field("full_name", "text", "企业全称", required=True, max_length=128)


def _credit_code(value: str, context: Context) -> str:
    """GB 32100: form, check character and the issuing region (characters 3–8)."""
    return cc.parse(value, (context.regions or Regions.load()).exists)


ENTERPRISE = Form(
    "enterprise",
    "添加企业",
    ("POST", "/api/v1/institutions/{institution_id}/enterprises"),
    (Field("full_name", "text", "企业全称", help="填写营业执照上的企业全称", required=True, max_length=128),),
    field_in_error=True,
)

ENTERPRISE_ENTRY = Form(
    "enterprise_entry",
    "手工录入企业",
    ("POST", "/api/v1/institutions/{institution_id}/enterprises/manual"),
    (
        _FULL_NAME,
        Field(
            "credit_code",
            "text",
            cc.LABEL,
            help="18位，见营业执照",
            required=True,
            rule=_credit_code,  # length, characters, check character and region: each with its own code
        ),
        Field(
            "region_code",
            "region",
            "所在地区",
            required=True,
            choices_source="/api/v1/regions",
            messages={"required_choice": ("invalid_region", "请选择正确的行政区划")},
        ),
        Field("address", "text", "企业地址", required=True, max_length=255),
        Field("legal_representative", "text", "法定代表人", required=True, max_length=64),
    ),
    field_in_error=True,
)
