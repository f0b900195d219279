"""The staff form, declared once (handlers.forms): an institution admin adds a staff member to a centre."""

from __future__ import annotations

from handlers.forms.declaration import Field, Form

STAFF = Form(
    "staff",
    "添加技转人员",
    ("POST", "/api/v1/centres/{centre_id}/staff"),
    (
        Field("name", "text", "姓名", required=True, max_length=64),
        Field(
            "mobile",
            "mobile",
            "手机号",
            help="用于登录和接收通知",
            required=True,
            messages={"required": ("invalid_mobile", "请输入正确的手机号码")},
        ),
        Field("position", "text", "职位", required=True, max_length=64),
        Field("centre_admin", "boolean", "设为中心管理员", help="中心管理员负责本中心的对接人员调整"),
    ),
)
