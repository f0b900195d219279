"""The enterprise forms, declared once (handlers.forms): adding one by its registered name (looked up in the
business registry), and entering one by hand (未核验) when no registry knows it."""

from __future__ import annotations

import dataclasses

from handlers.forms.declaration import Context, Field, Form
from handlers.organisation import credit_code as cc
from handlers.organisation import validation as v
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

# The institution that entered an enterprise corrects it while 未核验: the manual entry's fields, each checked as on
# entry when sent; one left out or null keeps its value.
ENTERPRISE_EDIT = dataclasses.replace(
    ENTERPRISE_ENTRY,
    name="enterprise_edit",
    title="修改企业信息",
    submit=("PATCH", "/api/v1/enterprises/{enterprise_id}"),
    fields=tuple(dataclasses.replace(f, nullable=True) for f in ENTERPRISE_ENTRY.fields),
    partial=True,
)


def _phone(value: str, _context: Context) -> str:
    """A mobile, or a landline with its area code."""
    return v.phone(value)


ENTERPRISE_CONTACT = Form(
    "enterprise_contact",
    "添加联系人",
    ("POST", "/api/v1/enterprises/{enterprise_id}/contacts"),
    (
        Field("name", "text", "联系人姓名", required=True, max_length=64),
        Field("position", "text", "职务", required=True, max_length=64),
        Field(
            "phone",
            "text",
            "联系电话",
            help="手机号码或带区号的固定电话",
            required=True,
            messages={"required": ("invalid_phone", "请输入正确的联系电话（手机号码或带区号的固定电话）")},
            rule=_phone,
        ),
    ),
)
