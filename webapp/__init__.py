"""The pages people use on their phones: the DingTalk workbench micro-app and the experts' pages.

Static files only (a small Vue 3 + Vant client over /api/v1, libraries vendored in `webapp/vendor`): the pages keep
no secret and decide nothing. `webapp.web` serves them; docs/pages.md describes them.
"""
