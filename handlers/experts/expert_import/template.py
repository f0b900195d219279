"""The downloadable import template: the data sheet first (what the import reads), then 填写说明.

No sample row in the data sheet: a forgotten example would be imported as a real expert.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from handlers.experts.expert_import.columns import FIELDS_SHEET_NAME, GUIDE_SHEET_NAME, SHEET_NAME
from handlers.experts.form import EXPERT
from handlers.forms.sheet import HEADER_FONT, TEXT_FORMAT, columns, save, write_columns
from handlers.reference.tech_fields import TechFields

TEMPLATE_FILENAME = "专家导入模板.xlsx"
MAX_IMPORT_ROWS = 5000  # also enforced by the import

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
    write_columns(sheet, EXPERT)  # headers, notes and cell rules from the expert form
    _guide(workbook.create_sheet(GUIDE_SHEET_NAME))
    _fields(workbook.create_sheet(FIELDS_SHEET_NAME))
    return save(workbook)


def _guide(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 100
    sheet.cell(row=1, column=1, value="专家信息导入填写说明").font = Font(bold=True, size=14)
    row = 2
    for rule in RULES:
        sheet.cell(row=row, column=1, value=rule).alignment = Alignment(wrap_text=True)
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="各列说明").font = HEADER_FONT
    for column in columns(EXPERT):
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
    for index, (column, value) in enumerate(zip(columns(EXPERT), example, strict=True), start=1):
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
