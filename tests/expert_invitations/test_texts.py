"""What the expert reads: SMS parameters within Aliyun's limits, the bind link WeChat can open."""

from __future__ import annotations

from cards.expert_invitation import SMS_VARIABLE_MAX, bind_message, bind_page_path, invitation_sms_params


def test_sms_parameters_stay_within_the_provider_variable_limit() -> None:
    params = invitation_sms_params("欧阳" * 20, "浙江省某某大学技术转移中心" * 5, "AbCdEfGhIjKlMnOp")
    assert set(params) == {"name", "institution", "code"}  # none of Aliyun's reserved names (id, mobile …)
    assert all(1 <= len(v) <= SMS_VARIABLE_MAX for v in params.values())
    assert params["code"] == "AbCdEfGhIjKlMnOp"


def test_the_bind_message_links_the_mini_program_page_with_escaped_attributes() -> None:
    text = bind_message(
        mini_app_id="wxmini",
        page_path=bind_page_path("/pages/bind/index", "a-b_c"),
        fallback_url="https://kz.example.cn/?a=1&b=2",
        institution_name="浙大技转中心",
    )
    assert 'data-miniprogram-appid="wxmini"' in text
    assert 'data-miniprogram-path="pages/bind/index?invitation=a-b_c"' in text
    assert 'href="https://kz.example.cn/?a=1&amp;b=2"' in text and ">前往绑定信息</a>" in text
    assert "浙大技转中心" in text
