"""Demo demands in several states, seeded through the use cases: 张三 (钱塘分中心) records them, 李强 decides
through the review engine (so his DingTalk shows the cards and to-dos), 张三 registers the project of one
(已完成), 刘经理 posts one to the pool, and 李强 publishes one to all institutions (已公开)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.demands.close_demand import CloseDemand, close_demand
from handlers.demands.fields import DemandFields
from handlers.demands.review_hooks import DemandReviewHooks
from handlers.demands.submit_demand import SubmitDemand, submit_demand
from handlers.demands.submit_pool_demand import SubmitPoolDemand, submit_pool_demand
from handlers.projects.fields import ProjectFields
from handlers.projects.register_project import RegisterProject, register_project
from handlers.projects.upload_project_file import UploadProjectFile, upload_project_file
from handlers.publications.publish_demand import PublishDemand, publish_demand
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from handlers.reviews.subjects import SubjectHooks
from sandbox.demo import DemoContext, demo_seed
from sandbox.documents import make_pdf
from store.models.demands import Demand
from store.models.organisation import Account
from store.models.organisation_people import Enterprise

BASE = DemandFields(
    title="",
    tech_fields=("0101",),
    description="",
    region_code="330114",
    expected_result="",
    fee_ratio_bp=800,
    budget_fen=30_000_000,
    deadline=date(2027, 12, 31),
)
DEMANDS = [  # (enterprise, title, description, expected result, what happens)
    (
        "杭州钱塘半导体装备有限公司",
        "晶圆清洗设备国产化控制软件",
        "现有清洗设备控制软件依赖进口，需要国产替代方案。",
        "完成控制软件国产化并通过产线验证",
        "approve",
    ),
    (
        "杭州钱塘半导体装备有限公司",
        "刻蚀腔体温度场仿真优化",
        "腔体温度均匀性不足，影响良率。",
        "温差控制在±1℃以内",
        "pending",
    ),
    ("杭州新远材料有限公司", "高强铝合金薄壁件成形工艺", "薄壁件成形开裂率高。", "开裂率降到1%以下", "return"),
    (
        "杭州新远材料有限公司",
        "废旧电池回收材料再利用",
        "希望寻找回收材料再利用的技术路线。",
        "形成可行的技术路线",
        "reject",
    ),
    ("杭州云栖智能传感科技有限公司", "MEMS传感器低温漂补偿算法", "传感器在低温下漂移明显。", "温漂降低50%", "draft"),
    (
        "杭州云栖智能传感科技有限公司",
        "传感器外壳注塑模具改进",
        "外壳注塑件尺寸不稳定。",
        "尺寸公差满足图纸要求",
        "close",
    ),
    (
        "杭州钱塘半导体装备有限公司",
        "晶圆传输机械手定位精度提升",
        "机械手重复定位精度不足，影响传片良率。",
        "重复定位精度达到±0.05mm",
        "complete",
    ),
    (
        "杭州新远材料有限公司",
        "碳纤维复合材料低成本成型工艺",
        "本机构对接后未找到合适团队，需要其他机构协助。",
        "成型成本降低30%",
        "publish",
    ),  # 已公开 to all institutions, 10 % fee
]


async def _account(ctx: DemoContext, mobile: str) -> int | None:
    async with ctx.uow() as uow:
        return await uow.session.scalar(select(Account.id).where(Account.mobile == mobile))


async def _register_project(ctx: DemoContext, staff: int, demand_id: int) -> None:
    """张三 registers the project the docking led to: the demand becomes 已完成 and he earns 5 points."""
    if ctx.files is None:
        return  # a context without file storage cannot keep the contract
    contract = await upload_project_file(
        UploadProjectFile(staff, "技术开发合同.pdf", make_pdf("contract")), ctx.uow(), ctx.files
    )
    today = ctx.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    fields = ProjectFields(
        "晶圆传输机械手高精度定位技术开发",
        "development",
        48_000_000,
        today,
        "周教授",
        ("陈工", "林博士"),
        "浙江大学",
        "university",
        "commissioned",
        contract.id,
    )
    await register_project(RegisterProject(staff, demand_id, fields), ctx.uow(), ctx.demands)


@demo_seed("demands", order=10)
async def seed_demands(ctx: DemoContext) -> None:
    async with ctx.uow() as uow:
        if await uow.session.scalar(select(Demand.id).limit(1)) is not None:
            return  # seeded before, in this database
        enterprises = dict((await uow.session.execute(select(Enterprise.name, Enterprise.id))).all())
    staff, admin, contact = [await _account(ctx, m) for m in ("13800000004", "13800000002", "13800000007")]
    if staff is None or admin is None:
        return
    # The demo decides demand reviews only.
    subjects: dict[str, SubjectHooks] = {"demand": DemandReviewHooks(ctx.demands)}
    for enterprise, title, description, expected, outcome in DEMANDS:
        fields = replace(BASE, title=title, description=description, expected_result=expected)
        draft = outcome in ("draft", "close")
        submitted = await submit_demand(
            SubmitDemand(staff, enterprises[enterprise], fields, draft), ctx.uow(), ctx.demands
        )
        if outcome == "close":
            await close_demand(CloseDemand(staff, submitted.demand_id, "企业已自行解决"), ctx.uow())
        if submitted.review_id is None or outcome == "pending":
            continue
        decision = {
            "approve": Decision.APPROVE,
            "complete": Decision.APPROVE,
            "publish": Decision.APPROVE,
            "return": Decision.RETURN,
            "reject": Decision.REJECT,
        }[outcome]
        reason = {"return": "请补充现有工艺参数和预算依据", "reject": "该需求不属于本机构服务领域"}.get(outcome, "")
        async with ctx.uow() as uow:
            await decide_review(
                DecideReview(submitted.review_id, 0, decision, reason, account_id=admin), uow, subjects=subjects
            )
            await uow.commit()
        if outcome == "complete":
            await _register_project(ctx, staff, submitted.demand_id)
        if outcome == "publish":
            await publish_demand(PublishDemand(admin, submitted.demand_id, "all", 1000), ctx.uow(), ctx.demands)
    if contact is not None:
        await submit_pool_demand(
            SubmitPoolDemand(
                contact,
                replace(
                    BASE,
                    title="新能源电池壳体轻量化材料",
                    description="寻求电池壳体减重20%的材料与工艺方案。",
                    expected_result="壳体减重20%且通过安全测试",
                    region_code="330106",
                ),
            ),
            ctx.uow(),
            ctx.demands,
        )
