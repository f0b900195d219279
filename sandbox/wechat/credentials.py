"""The credentials of the sandbox official account; sandbox mode wires our side with the same ones."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxAccount:
    app_id: str = "wx5a7d0e1bsandbox"
    app_secret: str = "sandbox-app-secret-0123456789abcd"
    token: str = "kezhuansandboxtoken"
    encoding_aes_key: str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    gh_id: str = "gh_kezhuan_sandbox"
    mini_app_id: str = "wx5a7d0e1bminiapp"
    mini_app_secret: str = "sandbox-mini-secret-0123456789ab"


SANDBOX_ACCOUNT = SandboxAccount()
