"""The registration numbers and notices follow; the composition root fills them from settings (handlers read
no settings)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date

# The pieces a number format may use: {year} (4 digits), {region} (the 6-digit region code the counter counts
# for), {seq} (the counter, with a width such as {seq:04d}).
NUMBER_FIELDS = frozenset({"year", "region", "seq"})


@dataclass(frozen=True)
class NumberFormat:
    """A registration-number format for the years and regions it names: `year` None for every year,
    `region_prefix` "" for every region (a 2-digit province, a 4-digit city or a 6-digit district)."""

    pattern: str
    year: int | None
    region_prefix: str

    def __post_init__(self) -> None:
        check_pattern(self.pattern)
        if not (self.region_prefix == "" or (self.region_prefix.isdigit() and len(self.region_prefix) in (2, 4, 6))):
            raise ValueError(f"region_prefix {self.region_prefix!r}: 2, 4 or 6 digits, or empty for every region")

    def applies(self, year: int, region_code: str) -> bool:
        return (self.year is None or self.year == year) and region_code.startswith(self.region_prefix)

    @property
    def specificity(self) -> tuple[int, int]:
        """A rule for one year beats one for every year; then the longer region prefix wins."""
        return (self.year is not None, len(self.region_prefix))


def check_pattern(pattern: str) -> None:
    names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    if "seq" not in names or not names <= NUMBER_FIELDS:
        raise ValueError(f"number format {pattern!r}: needs {{seq}} and may use only {sorted(NUMBER_FIELDS)}")
    pattern.format(year=2026, region="110000", seq=1)  # a wrong width spec fails here, at start-up


@dataclass(frozen=True)
class RegistrationPolicy:
    """The defaults live in bot.settings.RegistrationSettings only; bot.bootstrap.registration_policy builds this."""

    # The format for a year and region without a rule of its own.
    number_format: str
    number_formats: tuple[NumberFormat, ...]
    # The micro-app's certification page; the certification id is appended (the review card's 查看详情).
    certification_page: str
    # ${name}, ${status} and ${reason}: what an applicant hears of the platform's decision.
    sms_decision_template: str
    timezone: str
    # The micro-app's technology-manager page; the record id is appended (the review card's 查看详情).
    manager_page: str = ""
    # The micro-app's institution-registration page; the registration id is appended (the card's 查看详情).
    institution_page: str = ""
    # The annual update window (年度更新), "MM-DD" to "MM-DD" inclusive each year; empty: not open.
    update_opens: str = ""
    update_closes: str = ""
    # 审核结果通知 (cards.template_messages.REVIEW_RESULT): the decision told on WeChat to an applicant who follows
    # the official account; empty: SMS only.
    wechat_decision_template: str = ""
    # The city bureau reviewing (and seeing) the technology managers who register without an institution.
    individual_region: str = "110100"

    def __post_init__(self) -> None:
        check_pattern(self.number_format)
        if bool(self.update_opens) != bool(self.update_closes):
            raise ValueError("the update window needs both update_opens and update_closes (MM-DD)")
        for day in (self.update_opens, self.update_closes):
            if day:
                date.fromisoformat(f"2024-{day}")  # a wrong day fails here, at start-up (2024: 02-29 is a day)

    def update_window_open(self, today: date) -> bool:
        return bool(self.update_opens) and self.update_opens <= today.strftime("%m-%d") <= self.update_closes

    def format_for(self, year: int, region_code: str) -> str:
        rules = [rule for rule in self.number_formats if rule.applies(year, region_code)]
        return max(rules, key=lambda rule: rule.specificity).pattern if rules else self.number_format

    def registration_number(self, year: int, region_code: str, seq: int) -> str:
        return self.format_for(year, region_code).format(year=year, region=region_code, seq=seq)
