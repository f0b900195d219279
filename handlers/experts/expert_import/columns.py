"""The spreadsheet's columns, shared by the template, the reader and the error file.

They follow what add_expert accepts; labels and limits are add_expert's, so a row passes here exactly
when the same values would pass the form.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.organisation.validation import INTRODUCTION_MAX

SHEET_NAME = "专家信息"
GUIDE_SHEET_NAME = "填写说明"
FIELDS_SHEET_NAME = "技术领域"  # the taxonomy, for the 研究领域 column
ERROR_HEADER = "错误原因"
REQUIRED_MARK = "*"


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # without the required mark
    required: bool
    max_len: int | None  # characters, per item for list columns
    width: int
    note: str  # shown as the header's comment and in 填写说明

    @property
    def title(self) -> str:
        """The header as the template writes it: required columns end with *."""
        return f"{self.header}{REQUIRED_MARK}" if self.required else self.header


WORK_SEPARATORS = "\n；;"
_MANY = "多项用换行（Alt+Enter）或分号分隔"

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, 64, 12, "必填，不超过64个字"),
    Column("mobile", "手机号", True, None, 16, "必填，11位中国大陆手机号码；同一手机号即同一位专家，表内不可重复"),
    Column("employer", "工作单位", False, 128, 28, "选填，不超过128个字"),
    Column("title", "职称", False, 64, 12, "选填，如：教授、研究员、高级工程师，不超过64个字"),
    Column("introduction", "个人简介", False, INTRODUCTION_MAX, 40, f"选填，不超过{INTRODUCTION_MAX}个字"),
    Column("research_results", "科研成果", False, 200, 30, f"选填，每项填写成果名称（不超过200个字），{_MANY}"),
    Column("technical_solutions", "技术方案", False, 200, 30, f"选填，每项填写方案名称（不超过200个字），{_MANY}"),
    Column(
        "research_fields",
        "研究领域",
        False,
        None,
        30,
        f"选填，填写「{FIELDS_SHEET_NAME}」工作表中的领域名称或代码，最多10个，{_MANY}；专家推送按研究领域推荐专家",
    ),
    Column("region", "所在地区", False, None, 24, "选填，行政区划代码或完整名称，如：330106 或 浙江省杭州市西湖区"),
)
BY_HEADER = {c.header: c for c in COLUMNS}


def header_key(value: object) -> str:
    """A header cell as a column name: spaces and the required mark (half or full width) dropped."""
    text = "" if value is None else str(value)
    return "".join(text.split()).rstrip("*＊")
