"""The technology-manager import template, for institution admins: the form's columns (handlers.forms.sheet), with
a 填写说明 sheet. No sample row in the data sheet: a forgotten example would be imported as a real manager."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from handlers.errors import Forbidden
from handlers.forms.sheet import HEADER_FONT, save, write_columns
from handlers.organisation.actors import load_actor
from handlers.registration.manager_form import MANAGER_ENTRY, MAX_SEGMENTS, SHEET_NAME
from handlers.registration.manager_import_rows import COLUMNS, MAX_IMPORT_ROWS
from store.models.organisation import Role
from store.uow import UnitOfWork

TEMPLATE_FILENAME = "技术经理人导入模板.xlsx"
RULES: tuple[str, ...] = (
    f"1. 请在「{SHEET_NAME}」工作表中填写，每行一位技术经理人；第一行为表头，请勿修改；列的顺序可以调整。",
    "2. 带 * 的列为必填项；选择项请填写下拉列表中的文字（如：男、中级、国内）。",
    "3. 职称须中级及以上；身份证号为18位，同一身份证号即同一位经理人，表内不可重复。",
    f"4. 技术转移工作经历最多{MAX_SEGMENTS}段（工作经历1～{MAX_SEGMENTS}），按顺序填写，累计须满一年。",
    "5. 典型服务项目至少1个（典型项目1），内容不超过1000字；落地区为国内时填写省份，为国外时填写国家。",
    "6. 近5年奖励情况最多5条，一条一行（Alt+Enter）或用分号分隔；没有可不填。",
    "7. 导入成功的经理人绑定本机构，直接提交市级审核；经理人可用联系电话登录查看审核进度。",
    "8. 本机构已有的经理人（按身份证号）会被跳过；重复上传同一文件不会产生重复的经理人。",
    f"9. 单次最多导入{MAX_IMPORT_ROWS}行，仅支持 .xlsx；未导入的行可下载「错误行」文件，修改后直接重新上传。",
)


@dataclass(frozen=True)
class ManagerTemplate:
    filename: str
    content: bytes


async def get_manager_template(actor_id: int, uow: UnitOfWork) -> ManagerTemplate:
    async with uow:
        actor = await load_actor(uow, actor_id)
    if not actor.institutions(Role.INSTITUTION_ADMIN):
        raise Forbidden("只有技术转移机构的管理员可以导入技术经理人")
    return ManagerTemplate(TEMPLATE_FILENAME, build_manager_template())


def build_manager_template() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEET_NAME
    write_columns(sheet, MANAGER_ENTRY)
    guide = workbook.create_sheet("填写说明")
    guide.column_dimensions["A"].width = 100
    guide.cell(row=1, column=1, value="技术经理人信息导入填写说明").font = Font(bold=True, size=14)
    row = 1
    for rule in RULES:
        row += 1
        guide.cell(row=row, column=1, value=rule).alignment = Alignment(wrap_text=True)
    row += 2
    guide.cell(row=row, column=1, value="各列说明").font = HEADER_FONT
    for column in COLUMNS:
        row += 1
        guide.cell(row=row, column=1, value=f"{column.title}：{column.note}")
    return save(workbook)
