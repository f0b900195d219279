"""The sandbox SMS account; sandbox mode wires our side with the same credentials."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxSmsAccount:
    access_key_id: str = "LTAIsandboxKezhuan"
    access_key_secret: str = "sandbox-sms-access-key-secret"
    sign_name: str = "科转"
    receipt_token: str = "sandbox-receipts"


SANDBOX_SMS = SandboxSmsAccount()
