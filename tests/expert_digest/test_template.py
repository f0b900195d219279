"""The digest's template data: every value fits its keyword's type (a thing within 20 characters on one line,
the count a bare number), so WeChat does not refuse it with 47003."""

from __future__ import annotations

from datetime import date

from cards.expert_digest import digest_template


def _data(title: str, count: int) -> dict[str, str]:
    payload = digest_template(
        template_id="T",
        first_title=title,
        count=count,
        business_date=date(2026, 3, 10),
        miniapp_app_id="wx-mini",
        page="pages/expert/digest/index",
        digest_id=7,
    )
    assert payload["miniprogram"] == {"appid": "wx-mini", "pagepath": "pages/expert/digest/index?digest=7"}
    return {key: value["value"] for key, value in payload["data"].items()}


def test_a_short_single_title_is_shown_as_it_is() -> None:
    assert _data("芯片封装测试软件", 1) == {"thing1": "芯片封装测试软件", "number2": "1", "date3": "2026年03月10日"}


def test_a_long_title_is_cut_to_twenty_characters_with_the_count_hint() -> None:
    title = "面向新能源汽车动力电池的高安全性固态电解质材料制备工艺联合攻关"
    several = _data(title, 12)["thing1"]
    assert len(several) == 20 and several.endswith("…等") and several.startswith("面向新能源汽车")
    single = _data(title, 1)["thing1"]
    assert len(single) == 20 and single.endswith("…")
    assert _data("第一行\n第二行", 1)["thing1"] == "第一行 第二行"
