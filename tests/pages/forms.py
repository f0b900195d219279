"""Served-form fixtures in the contract's JSON (GET /api/v1/forms/{name}, /work/wt/FORMS_CONTRACT.md) for the
browser tests that need a form the API does not declare (the renderer's probe): the page is answered with it by
Playwright's `page.route`. Every declared form reaches the real endpoint. Labels are seed 004's (§五)."""

from __future__ import annotations

import json
from typing import Any

MB = 1024 * 1024


def field(name: str, type_: str, label: str, **rest: Any) -> dict[str, Any]:
    """One field with every key of the contract (unset ones null), as the endpoint sends them."""
    return {
        "name": name,
        "type": type_,
        "label": label,
        "help": None,
        "required": False,
        "min_length": None,
        "max_length": None,
        "minimum": None,
        "maximum": None,
        "unit": None,
        "scale": 1,
        "max_items": None,
        "min_items": None,
        "choices": None,
        "choices_source": None,
        "file": None,
        "upload": None,
        "section": None,
        "when": None,
        "fields": None,
        **rest,
    }


def form(name: str, title: str, path: str, fields: list[dict[str, Any]], *, draft: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "title": title,
        "version": "0" * 64,
        "submit": {"method": "POST", "path": path},
        "draft": draft,
        "fields": fields,
        "rules": [],
        "json_schema": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"},
    }


def choices(pairs: dict[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs.items()]


def files(name: str, label: str, purpose: str, path: str, max_items: int, accept: list[str]) -> dict[str, Any]:
    return field(
        name,
        "files",
        label,
        max_items=max_items,
        file={"purpose": purpose, "accept": accept, "max_bytes": 10 * MB},
        upload={"method": "POST", "path": path},
    )


BASIC, DETAIL = "基本信息", "需求详情"
DOCS = [".jpg", ".png", ".pdf", ".doc", ".docx", ".xls", ".xlsx"]

DEMAND = form(
    "demand",
    "新增需求",
    "/api/v1/demands",
    [
        field(
            "enterprise_id", "choice", "需求企业", required=True, choices_source="/api/v1/enterprises", section=BASIC
        ),
        field("title", "text", "需求名称", required=True, max_length=100, section=BASIC),
        field(
            "tech_fields",
            "tech_fields",
            "技术领域",
            required=True,
            max_items=3,
            min_items=1,
            choices_source="/api/v1/tech-fields",
            section=BASIC,
        ),
        field("region_code", "region", "所在地区", required=True, choices_source="/api/v1/regions", section=BASIC),
        field("description", "textarea", "需求描述", required=True, max_length=2000, section=DETAIL),
        field("expected_result", "textarea", "预期成果", required=True, max_length=2000, section=DETAIL),
        field(
            "fee_ratio_bp",
            "percent",
            "中介服务费比例",
            required=True,
            minimum=0,
            maximum=10000,
            unit="%",
            scale=100,
            help="不低于机构设置的最低中介服务费比例",
            section=DETAIL,
        ),
        field("budget_fen", "money", "预算", minimum=0, unit="元", scale=100, section=DETAIL),
        field("deadline", "date", "期望完成日期", section=DETAIL),
        {
            **files("attachment_ids", "附件", "demand_attachment", "/api/v1/demand-attachments", 10, DOCS),
            "section": DETAIL,
        },
    ],
    draft=True,
)

FOLLOW_UP = form(
    "follow_up",
    "新增跟进",
    "/api/v1/demands/{demand_id}/follow-ups",
    [
        field(
            "kind",
            "choice",
            "跟进类型",
            required=True,
            choices=choices({"visit": "走访", "phone": "电话", "online": "线上", "other": "其他"}),
        ),
        field("occurred_at", "datetime", "跟进时间", required=True),
        field("content", "textarea", "跟进内容", required=True, max_length=2000),
        files("attachment_ids", "附件", "demand_attachment", "/api/v1/demand-attachments", 10, DOCS),
    ],
)

PROJECT_REGISTRATION = form(
    "project_registration",
    "对接成功项目登记",
    "/api/v1/demands/{demand_id}/project",
    [
        field("name", "text", "项目名称", required=True, max_length=100),
        field(
            "category",
            "choice",
            "项目类别",
            required=True,
            choices=choices(
                {
                    "development": "技术开发",
                    "transfer": "技术转让",
                    "licence": "技术许可",
                    "service": "技术服务",
                    "consulting": "技术咨询",
                    "other": "其他",
                }
            ),
        ),
        field("amount_fen", "money", "项目金额", required=True, minimum=1, unit="元", scale=100),
        field("signed_on", "date", "合同签订日期", required=True),
        field("leader", "text", "项目负责人", required=True, max_length=32),
        field("undertaking_unit", "text", "承担单位", required=True, max_length=100),
        field(
            "entity_type",
            "choice",
            "主体类型",
            required=True,
            choices=choices(
                {
                    "university": "高校",
                    "institute": "科研院所",
                    "new_rnd": "新型研发机构",
                    "enterprise": "企业",
                    "other": "其他",
                }
            ),
        ),
        field(
            "cooperation_mode",
            "choice",
            "合作方式",
            required=True,
            choices=choices(
                {
                    "commissioned": "委托开发",
                    "joint": "合作开发",
                    "transfer": "成果转让",
                    "licence": "许可实施",
                    "equity": "作价入股",
                    "joint_platform": "共建研发平台",
                    "other": "其他",
                }
            ),
        ),
        files("contract_file_id", "合同", "project_file", "/api/v1/project-files", 1, [".jpg", ".png", ".pdf"]),
    ],
)

FORMS = {f["name"]: f for f in (DEMAND, FOLLOW_UP, PROJECT_REGISTRATION)}


async def serve_forms(page: Any, forms: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Answer the page's GET /api/v1/forms/<name> with the fixtures given (by default none: every name reaches the
    real endpoint); returns the names asked for."""
    served = forms or {}
    asked: list[str] = []

    async def answer(route: Any) -> None:
        name = route.request.url.split("/api/v1/forms/", 1)[1].split("?")[0]
        asked.append(name)
        if name not in served:
            await route.continue_()
        elif name in served:
            await route.fulfill(status=200, content_type="application/json", body=json.dumps(served[name]))
        else:
            body = {"error": {"code": "form_not_found", "message": "没有这个表单", "field": None}}
            await route.fulfill(status=404, content_type="application/json", body=json.dumps(body))

    await page.route("**/api/v1/forms/*", answer)
    return asked


# A form of every kind the renderer draws that the demand form has not: a condition, a bounded multiple choice and
# a repeated group (the renderer's own test posts it to a stand-in route, never to the API).
PROBE = form(
    "demand",
    "新增需求",
    "/api/v1/probe/{id}",
    [
        field(
            "nature", "choice", "机构性质", required=True, choices=choices({"legal": "独立法人", "inner": "内设机构"})
        ),
        field(
            "parent_name", "text", "上级单位", required=True, max_length=50, when={"field": "nature", "in": ["inner"]}
        ),
        field(
            "areas",
            "multi_choice",
            "服务领域",
            max_items=2,
            choices=choices({"ai": "人工智能", "bio": "生物医药", "new_material": "新材料"}),
        ),
        field(
            "members",
            "group",
            "团队成员",
            required=True,
            min_items=1,
            max_items=2,
            fields=[field("name", "text", "姓名", required=True), field("phone", "mobile", "电话")],
        ),
        field("open", "boolean", "是否公开"),
    ],
    draft=True,
)


ENTERPRISE = form(
    "enterprise",
    "新增企业",
    "/api/v1/institutions/{institution_id}/enterprises",
    [field("full_name", "text", "企业全称", required=True, max_length=100, help="按企业全称查询工商信息")],
)
ENTERPRISE_CONTACT = form(
    "enterprise_contact",
    "添加联系人",
    "/api/v1/enterprises/{enterprise_id}/contacts",
    [
        field("name", "text", "姓名", required=True, max_length=32),
        field("position", "text", "职务", required=True, max_length=32),
        field("phone", "mobile", "联系方式", required=True),
    ],
)
FORMS.update({f["name"]: f for f in (ENTERPRISE, ENTERPRISE_CONTACT)})


FEE_PROOF = form(
    "fee_proof",
    "上传中介费凭证",
    "/api/v1/demands/{demand_id}/project/fee-proof",
    [
        files("file_id", "兑付凭证", "project_file", "/api/v1/project-files", 1, [".jpg", ".png", ".pdf"]),
        field("paid_fen", "money", "兑付金额", required=True, minimum=0, unit="元", scale=100),
        field("paid_on", "date", "兑付日期", required=True),
        field("correction", "textarea", "更正原因", max_length=200, help="更正已上传的凭证时填写"),
    ],
)
FORMS.update({f["name"]: f for f in (FEE_PROOF,)})
