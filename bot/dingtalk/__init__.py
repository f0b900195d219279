"""The DingTalk channel: our OpenAPI client, relay adapters, the Stream runner and the card-action router.

Configured by KEZHUAN_DINGTALK__CLIENT_ID / __CLIENT_SECRET (the internal app's AppKey/AppSecret),
__AGENT_ID (work notices), __ROBOT_CODE (defaults to the AppKey) and the base URLs __API_BASE_URL /
__OAPI_BASE_URL. Without a client id DingTalk stays unwired, except in sandbox mode, which always talks
to the sandbox DingTalk at {base_url}/sandbox/dingtalk. The `stream` role holds the Stream connection
and adds the `dingtalk_stream` readiness check.
"""
