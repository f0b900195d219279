"""The downloadable import template: the data sheet first (what the import reads), then 填写说明.

No sample row in the data sheet: a forgotten example would be imported as a real expert.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from handlers.experts.expert_import.columns import (
    COLUMNS,
    FIELDS_SHEET_NAME,
    GUIDE_SHEET_NAME,
    SHEET_NAME,
    Column,
)
from handlers.reference.tech_fields import TechFields

TEMPLATE_FILENAME = "专家导入模板.xlsx"
MAX_IMPORT_ROWS = 5000  # also enforced by the import
# Validations cover this many rows: Excel stores a range, so the file stays small.
_VALIDATED_ROWS = MAX_IMPORT_ROWS + 1
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
TEXT_FORMAT = "@"  # so Excel keeps a mobile number as typed instead of turning it into 1.38E+10

RULES: tuple[str, ...] = (
    "1. 请在「专家信息」工作表中填写，第一行为表头，请勿修改或删除表头；列的顺序可以调整。",
    "2. 带 * 的列为必填项：姓名、手机号。",
    "3. 手机号为11位中国大陆手机号码，可带 +86 前缀或空格、短横线，导入时会自动去除。",
    "4. 同一手机号即同一位专家：表内同一手机号只能出现一次，重复的行不会导入。",
    "5. 已在本机构专家库中的手机号会被跳过，不会修改已有的专家信息；重复上传同一文件不会产生重复专家。",
    "6. 该手机号已是其他机构的专家时，导入后为本机构新增维护关系，专家本人的资料保持不变。",
    "7. 科研成果、技术方案：每项填写名称（不超过200个字），多项用换行（Alt+Enter）或分号分隔。",
    "8. 空行会被忽略；单次最多导入5000行，文件不超过5 MB，仅支持 .xlsx 格式。",
    "9. 导入后可下载「错误行」文件：其中只包含未导入的行，最后一列为错误原因；修改后可直接重新上传。",
    f"10. 研究领域：填写「{FIELDS_SHEET_NAME}」工作表中的领域名称或代码，最多10个；所在地区：填写行政区划代码或"
    "完整名称（如：浙江省杭州市西湖区），同名地区（如两个「西湖区」）须写完整名称。",
)


def build_template() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEET_NAME
    write_header(sheet, COLUMNS)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).comment = Comment(column.note, "科转")
        validation = _validation(column)
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{_VALIDATED_ROWS}")
    _guide(workbook.create_sheet(GUIDE_SHEET_NAME))
    _fields(workbook.create_sheet(FIELDS_SHEET_NAME))
    return save(workbook)


def write_header(sheet: Worksheet, columns: tuple[Column, ...]) -> None:
    """The header row, widths, text format for every column, and the header frozen while scrolling."""
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.title)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        dimension.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _validation(column: Column) -> DataValidation | None:
    """A length check with a prompt; Excel shows it while typing, the import checks again anyway."""
    if column.field == "mobile":
        return DataValidation(
            type="textLength",
            operator="between",
            formula1="11",
            formula2="14",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="手机号有误",
            error="请输入11位手机号码",
            showInputMessage=True,
            promptTitle=column.header,
            prompt=column.note[:255],
        )
    if column.max_len is None or column.field in ("research_results", "technical_solutions"):
        return None  # list columns: the limit is per item, which a cell rule cannot express
    return DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(column.max_len),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"{column.header}过长",
        error=f"{column.header}不能超过{column.max_len}个字",
        showInputMessage=True,
        promptTitle=column.header,
        prompt=column.note[:255],
    )


def _guide(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 100
    sheet.cell(row=1, column=1, value="专家信息导入填写说明").font = Font(bold=True, size=14)
    row = 2
    for rule in RULES:
        sheet.cell(row=row, column=1, value=rule).alignment = Alignment(wrap_text=True)
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="各列说明").font = HEADER_FONT
    for column in COLUMNS:
        row += 1
        sheet.cell(row=row, column=1, value=f"{column.title}：{column.note}")
    row += 2
    sheet.cell(row=row, column=1, value="填写示例（请勿复制到「专家信息」工作表之外的位置）").font = HEADER_FONT
    example = (
        "张三",
        "13812345678",
        "浙江大学",
        "教授",
        "长期从事新材料研究。",
        "石墨烯改性涂料\n高强度复合材料",
        "",
        "新材料",
        "浙江省杭州市西湖区",
    )
    for index, (column, value) in enumerate(zip(COLUMNS, example, strict=True), start=1):
        sheet.cell(row=row + 1, column=index, value=column.title).font = HEADER_FONT
        sheet.cell(row=row + 2, column=index, value=value)


def _fields(sheet: Worksheet) -> None:
    """The technical-field taxonomy: what the 研究领域 column takes, by name or by code."""
    for index, (title, width) in enumerate((("代码", 12), ("名称", 36), ("所属领域", 60)), start=1):
        sheet.cell(row=1, column=index, value=title).font = HEADER_FONT
        sheet.column_dimensions[get_column_letter(index)].width = width
    taxonomy = TechFields.load()
    for row, field in enumerate(taxonomy, start=2):
        sheet.cell(row=row, column=1, value=field.code).number_format = TEXT_FORMAT
        sheet.cell(row=row, column=2, value=field.name)
        sheet.cell(row=row, column=3, value=taxonomy.path(field.code))
    sheet.freeze_panes = "A2"
