"""An in-memory business registry (工商登记) for tests and the demo: thirteen fictional Zhejiang companies.

The names are invented; every credit code is well formed (GB 32100 check character and a GB 11714
organisation-code check digit), so the same validation runs as against a real registry.
"""

from __future__ import annotations

from datetime import date

from handlers.enterprises.ports import RegistryRecord


def _record(
    name: str, code: str, person: str, capital_wan: int, address: str, region: str, established: date
) -> RegistryRecord:
    # Registered capital is quoted in 万元; the port speaks integer fen.
    return RegistryRecord(name, code, person, capital_wan * 10_000 * 100, address, region, established)


RECORDS: tuple[RegistryRecord, ...] = (
    _record(
        "杭州云栖智能传感科技有限公司",
        "91330106MAPBRNYT66",
        "陈立明",
        1000,
        "浙江省杭州市西湖区转塘街道云栖小镇12号",
        "330106",
        date(2016, 5, 18),
    ),
    _record(
        "杭州西溪新材料有限公司",
        "91330106MAXG0TEQ2A",
        "王海燕",
        500,
        "浙江省杭州市西湖区文三路90号",
        "330106",
        date(2012, 3, 2),
    ),
    _record(
        "杭州之江生物医药研究有限公司",
        "91330106MAL1W53B34",
        "李建国",
        3000,
        "浙江省杭州市西湖区之江路398号",
        "330106",
        date(2019, 11, 11),
    ),
    _record(
        "杭州钱塘半导体装备有限公司",
        "91330114MA7CH3J7XG",
        "张伟",
        8000,
        "浙江省杭州市钱塘区下沙街道6号大街452号",
        "330114",
        date(2018, 7, 25),
    ),
    _record(
        "杭州下沙精密机械制造有限公司",
        "91330114MA6D85XU25",
        "赵晓东",
        1200,
        "浙江省杭州市钱塘区白杨街道21号大街600号",
        "330114",
        date(2010, 9, 9),
    ),
    _record(
        "杭州临平数控技术有限公司",
        "91330113MA5QR24K1H",
        "孙红梅",
        800,
        "浙江省杭州市临平区南苑街道世纪大道1号",
        "330113",
        date(2015, 4, 20),
    ),
    _record(
        "杭州运河纺织新材料有限公司",
        "91330113MA440U069F",
        "周志强",
        2000,
        "浙江省杭州市临平区塘栖镇运河路88号",
        "330113",
        date(2009, 12, 1),
    ),
    _record(
        "宁波海曙智能家电有限公司",
        "91330203MAY5U59AX0",
        "吴丽华",
        1500,
        "浙江省宁波市海曙区中山西路1000号",
        "330203",
        date(2014, 6, 6),
    ),
    _record(
        "宁波三江港口物流科技有限公司",
        "91330203MAHWML6532",
        "郑国平",
        600,
        "浙江省宁波市海曙区望春工业园区198号",
        "330203",
        date(2020, 8, 15),
    ),
    _record(
        "杭州城西数字科技集团有限公司",
        "91330100MAN6YYWC4W",
        "冯建平",
        10000,
        "浙江省杭州市余杭塘路518号",
        "330100",
        date(2017, 1, 10),
    ),
    _record(
        "杭州紫金港环境工程有限公司",
        "91330106MABD5X487M",
        "何静",
        300,
        "浙江省杭州市西湖区三墩镇紫金港路21号",
        "330106",
        date(2021, 3, 30),
    ),
    _record(
        "杭州新远材料有限公司",
        "91330106MA2H7XY350",
        "刘远",
        2000,
        "浙江省杭州市西湖区西园八路2号",
        "330106",
        date(2014, 6, 16),
    ),
    _record(
        "杭州江东新能源科技有限公司",
        "91330114MA9TKJ0K4M",
        "许文杰",
        5000,
        "浙江省杭州市钱塘区江东大道3899号",
        "330114",
        date(2022, 10, 8),
    ),
)


class SandboxBusinessRegistry:
    """Looks up by exact full name, as the real registry search does; `add` extends it for a test.

    The in-process registry of tests and the demo seed; the running sandbox answers over HTTP as 企查查 does
    (sandbox/qichacha.py) so the real adapter is what a demo exercises.
    """

    provider = "sandbox"

    def __init__(self, records: tuple[RegistryRecord, ...] = RECORDS) -> None:
        self._by_name = {r.name: r for r in records}
        self.lookups: list[str] = []

    def add(self, record: RegistryRecord) -> None:
        self._by_name[record.name] = record

    async def lookup(self, full_name: str) -> RegistryRecord | None:
        self.lookups.append(full_name)
        return self._by_name.get(full_name.strip())
