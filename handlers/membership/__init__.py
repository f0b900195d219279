"""DingTalk membership invitations: invite, accept through the platform's contact events, revoke, resend."""
