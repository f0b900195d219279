"""Sign-in and sessions: passwords, SMS codes, DingTalk 免登, mini-program login, bearer tokens."""
