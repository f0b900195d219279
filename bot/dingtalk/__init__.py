"""The DingTalk channel: our OpenAPI client, relay adapters, the Stream runner and the card-action router."""
