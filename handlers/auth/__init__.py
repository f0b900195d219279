"""Sign-in and sessions: passwords, SMS codes, DingTalk 免登, mini-program login, bearer tokens; and the accounts
behind them: the operator's first system admin, a person's own mobile change, an admin's starting password and
mobile correction."""
