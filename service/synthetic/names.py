"""Names and codes the generator draws from: regions, departments, 功能分类 and 经济分类.

Real codes and names where the national classification has them; where a large document
needs more rows than the real list holds, valid-looking codes with plainly derived names.
"""

from __future__ import annotations

import random

# (city, 6-digit admin code prefix of the city) and the districts under it
CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("洛阳市", "4103", ("城乡一体化示范区", "老城区", "西工区", "涧西区", "洛龙区", "偃师区")),
    ("郑州市", "4101", ("金水区", "中原区", "二七区", "管城回族区", "惠济区", "上街区")),
    ("开封市", "4102", ("龙亭区", "顺河回族区", "鼓楼区", "禹王台区", "祥符区", "尉氏县")),
    ("平顶山市", "4104", ("新华区", "卫东区", "石龙区", "湛河区", "宝丰县", "叶县")),
    ("安阳市", "4105", ("文峰区", "北关区", "殷都区", "龙安区", "安阳县", "汤阴县")),
    ("新乡市", "4107", ("红旗区", "卫滨区", "凤泉区", "牧野区", "新乡县", "获嘉县")),
    ("焦作市", "4108", ("解放区", "中站区", "马村区", "山阳区", "修武县", "博爱县")),
    ("许昌市", "4110", ("魏都区", "建安区", "鄢陵县", "襄城县", "禹州市", "长葛市")),
    ("南阳市", "4113", ("宛城区", "卧龙区", "南召县", "方城县", "西峡县", "镇平县")),
    ("信阳市", "4115", ("浉河区", "平桥区", "罗山县", "光山县", "新县", "商城县")),
)

# department name, short form used in the text, functional classes of its own work
DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("政务服务中心", ("201",)),
    ("财政局", ("201",)),
    ("发展和改革委员会", ("201",)),
    ("统计局", ("201",)),
    ("审计局", ("201",)),
    ("教育局", ("205", "201")),
    ("科学技术局", ("206",)),
    ("文化广电和旅游局", ("207",)),
    ("民政局", ("208", "229")),
    ("人力资源和社会保障局", ("208",)),
    ("退役军人事务局", ("208",)),
    ("卫生健康委员会", ("210",)),
    ("生态环境分局", ("211",)),
    ("住房和城乡建设局", ("212", "221")),
    ("城市管理局", ("212",)),
    ("农业农村局", ("213",)),
    ("水利局", ("213",)),
    ("交通运输局", ("214",)),
    ("自然资源局", ("220",)),
    ("应急管理局", ("224",)),
)

# 功能分类: class → (class name, {款: (款 name, {项: 项 name})}); 项 01/02/03/50/99 are generic
FUNCTIONAL: dict[str, tuple[str, dict[str, str]]] = {
    "201": (
        "一般公共服务支出",
        {
            "03": "政府办公厅（室）及相关机构事务",
            "04": "发展与改革事务",
            "05": "统计信息事务",
            "06": "财政事务",
            "08": "审计事务",
            "11": "纪检监察事务",
            "26": "档案事务",
            "29": "群众团体事务",
            "31": "党委办公厅（室）及相关机构事务",
            "32": "组织事务",
        },
    ),
    "204": ("公共安全支出", {"02": "公安", "06": "司法"}),
    "205": (
        "教育支出",
        {"01": "教育管理事务", "02": "普通教育", "03": "职业教育", "08": "进修及培训"},
    ),
    "206": (
        "科学技术支出",
        {"01": "科学技术管理事务", "04": "技术研究与开发", "07": "科学技术普及"},
    ),
    "207": ("文化旅游体育与传媒支出", {"01": "文化和旅游", "08": "广播电视"}),
    "208": (
        "社会保障和就业支出",
        {
            "01": "人力资源和社会保障管理事务",
            "02": "民政管理事务",
            "05": "行政事业单位养老支出",
            "08": "抚恤",
            "10": "社会福利",
            "28": "退役军人管理事务",
        },
    ),
    "210": (
        "卫生健康支出",
        {
            "01": "卫生健康管理事务",
            "04": "公共卫生",
            "07": "计划生育事务",
            "11": "行政事业单位医疗",
        },
    ),
    "211": ("节能环保支出", {"01": "环境保护管理事务", "03": "污染防治"}),
    "212": (
        "城乡社区支出",
        {"01": "城乡社区管理事务", "03": "城乡社区公共设施", "05": "城乡社区环境卫生"},
    ),
    "213": ("农林水支出", {"01": "农业农村", "03": "水利", "07": "农村综合改革"}),
    "214": ("交通运输支出", {"01": "公路水路运输"}),
    "220": ("自然资源海洋气象等支出", {"01": "自然资源事务"}),
    "221": ("住房保障支出", {"01": "保障性安居工程支出", "02": "住房改革支出"}),
    "224": ("灾害防治及应急管理支出", {"01": "应急管理事务", "06": "自然灾害防治"}),
}
GENERIC_ITEMS = {"01": "行政运行", "02": "一般行政管理事务", "03": "机关服务", "50": "事业运行"}
# items every department has: pensions, medical insurance, housing fund (basic spending only)
STANDARD_ITEMS: tuple[tuple[str, str], ...] = (
    ("2080505", "机关事业单位基本养老保险缴费支出"),
    ("2080506", "机关事业单位职业年金缴费支出"),
    ("2101101", "行政单位医疗"),
    ("2101199", "其他行政事业单位医疗支出"),
    ("2210201", "住房公积金"),
)
# 政府性基金 功能分类 (never used for 一般公共预算 rows)
FUND_ITEMS: tuple[tuple[str, str], ...] = (
    ("2120801", "征地和拆迁补偿支出"),
    ("2120802", "土地开发支出"),
    ("2120803", "城市建设支出"),
    ("2120804", "农村基础设施建设支出"),
    ("2120899", "其他国有土地使用权出让收入安排的支出"),
    ("2296002", "用于社会福利的彩票公益金支出"),
    ("2296003", "用于体育事业的彩票公益金支出"),
    ("2296004", "用于教育事业的彩票公益金支出"),
    ("2296008", "用于残疾人事业的彩票公益金支出"),
    ("2082201", "移民补助"),
    ("2082202", "基础设施建设和经济发展"),
    ("2136601", "大中型水库库区基金支出"),
    ("2070701", "资助国产影片放映"),
)
FUND_SUBCLASS_NAMES = {
    "21208": "国有土地使用权出让",
    "22960": "彩票公益金",
    "20822": "大中型水库移民后期扶持基金",
}

# 部门经济分类 → (name, 政府经济分类 code, name)
ECONOMIC: dict[str, tuple[str, str, str]] = {
    "30101": ("基本工资", "50101", "工资奖金津补贴"),
    "30102": ("津贴补贴", "50101", "工资奖金津补贴"),
    "30103": ("奖金", "50101", "工资奖金津补贴"),
    "30106": ("伙食补助费", "50199", "其他工资福利支出"),
    "30107": ("绩效工资", "50501", "工资福利支出"),
    "30108": ("机关事业单位基本养老保险缴费", "50102", "社会保障缴费"),
    "30109": ("职业年金缴费", "50102", "社会保障缴费"),
    "30110": ("职工基本医疗保险缴费", "50102", "社会保障缴费"),
    "30111": ("公务员医疗补助缴费", "50102", "社会保障缴费"),
    "30112": ("其他社会保障缴费", "50102", "社会保障缴费"),
    "30113": ("住房公积金", "50103", "住房公积金"),
    "30114": ("医疗费", "50199", "其他工资福利支出"),
    "30199": ("其他工资福利支出", "50199", "其他工资福利支出"),
    "30201": ("办公费", "50201", "办公经费"),
    "30202": ("印刷费", "50201", "办公经费"),
    "30203": ("咨询费", "50205", "委托业务费"),
    "30205": ("水费", "50201", "办公经费"),
    "30206": ("电费", "50201", "办公经费"),
    "30207": ("邮电费", "50201", "办公经费"),
    "30209": ("物业管理费", "50201", "办公经费"),
    "30211": ("差旅费", "50201", "办公经费"),
    "30213": ("维修（护）费", "50209", "维修（护）费"),
    "30214": ("租赁费", "50201", "办公经费"),
    "30215": ("会议费", "50202", "会议费"),
    "30216": ("培训费", "50203", "培训费"),
    "30217": ("公务接待费", "50206", "公务接待费"),
    "30218": ("专用材料费", "50204", "专用材料购置费"),
    "30226": ("劳务费", "50205", "委托业务费"),
    "30227": ("委托业务费", "50205", "委托业务费"),
    "30228": ("工会经费", "50201", "办公经费"),
    "30229": ("福利费", "50201", "办公经费"),
    "30231": ("公务用车运行维护费", "50208", "公务用车运行维护费"),
    "30239": ("其他交通费用", "50201", "办公经费"),
    "30299": ("其他商品和服务支出", "50299", "其他商品和服务支出"),
    "30301": ("离休费", "50905", "离退休费"),
    "30302": ("退休费", "50905", "离退休费"),
    "30305": ("生活补助", "50901", "社会福利和救助"),
    "30307": ("医疗费补助", "50901", "社会福利和救助"),
    "30309": ("奖励金", "50999", "其他对个人和家庭补助"),
    "30399": ("其他对个人和家庭的补助", "50999", "其他对个人和家庭补助"),
    "31002": ("办公设备购置", "50306", "设备购置"),
    "31003": ("专用设备购置", "50306", "设备购置"),
    "31007": ("信息网络及软件购置更新", "50306", "设备购置"),
    "31099": ("其他资本性支出", "50399", "其他资本性支出"),
}
ECONOMIC_CLASS_DEFAULTS = {
    "301": ("工资福利", "50199", "其他工资福利支出"),
    "302": ("商品和服务", "50299", "其他商品和服务支出"),
    "303": ("对个人和家庭补助", "50999", "其他对个人和家庭补助"),
    "310": ("资本性", "50399", "其他资本性支出"),
}
OPERATING_CATEGORIES = {"30228": "工会经费", "30229": "职工福利费", "30231": "公务用车运行维护费"}

PROJECT_TOPICS: tuple[str, ...] = (
    "信息化系统运行维护",
    "业务培训",
    "专项督查",
    "宣传教育",
    "档案数字化",
    "便民服务热线",
    "安全生产检查",
    "政策研究",
    "数据资源共享平台建设",
    "办公场所维修改造",
    "应急物资储备",
    "基层服务站点运营",
    "第三方评估服务",
    "志愿服务活动",
    "公共设施维护",
    "专项调查",
    "标准化建设",
    "网络安全等级保护",
    "法律顾问服务",
    "综合考评",
)
CAP_NAMES = ("总成本", "项目成本", "经费支出", "成本控制", "专项经费")
OUTPUTS: tuple[tuple[str, str], ...] = (
    ("完成事项数量", "≥{n}个"),
    ("服务天数", "365天"),
    ("覆盖率", "≥95%"),
    ("完成及时率", "≥98%"),
    ("支付时间", "12个月"),
    ("验收合格率", "100%"),
    ("培训人次", "≥{n}人次"),
    ("处理时间", "≤24小时"),
)
BENEFITS: tuple[tuple[str, str], ...] = (
    ("服务效能", "明显提升"),
    ("群众办事便利度", "提升"),
    ("保障工作正常运转", "顺利"),
    ("工作积极性", "明显"),
    ("问题整改", "及时"),
)
SATISFACTION = ("服务对象满意度", "群众满意度", "工作人员满意度", "社会公众满意度")
REASONS = {
    "增加": ("人员增加、工资福利相应增加", "新增专项业务经费", "基本养老保险缴费基数调整"),
    "减少": ("落实厉行节约要求、压减一般性支出", "部分项目已完成、相应经费减少"),
}


def functional_name(code: str) -> str:
    """A name for a 7-digit code: real where known, otherwise derived from its 款."""
    for known, name in STANDARD_ITEMS + FUND_ITEMS:
        if known == code:
            return name
    class_name, subclasses = FUNCTIONAL.get(code[:3], ("其他支出", {}))
    subclass = subclasses.get(code[3:5]) or FUND_SUBCLASS_NAMES.get(code[:5]) or class_name
    item = code[5:]
    if item in GENERIC_ITEMS:
        return GENERIC_ITEMS[item]
    if item == "99":
        return f"其他{subclass.removesuffix('事务').removesuffix('支出')}支出"
    return f"{subclass}专项业务{item}"


def economic_entry(code: str) -> tuple[str, str, str]:
    """(name, 政府经济分类 code, name) for a 5-digit 部门经济分类 code."""
    if code in ECONOMIC:
        return ECONOMIC[code]
    label, gov, gov_name = ECONOMIC_CLASS_DEFAULTS[code[:3]]
    return f"其他{label}明细{code[3:]}", gov, gov_name


def economic_codes(rng: random.Random, count: int) -> list[str]:
    """`count` distinct 5-digit codes: real ones first, at least one 301 and one 302."""
    real = sorted(ECONOMIC)
    must = ["30101", "30201"]
    rest = [code for code in real if code not in must]
    rng.shuffle(rest)
    chosen = must + rest[: max(0, count - len(must))]
    spare = [
        f"{cls}{sub:02d}"
        for cls in ("301", "302", "303", "310")
        for sub in range(1, 99)
        if f"{cls}{sub:02d}" not in ECONOMIC
    ]
    rng.shuffle(spare)
    chosen += spare[: max(0, count - len(chosen))]
    return sorted(chosen[:count])


def functional_codes(rng: random.Random, count: int, own_classes: tuple[str, ...]) -> list[str]:
    """`count` distinct 一般公共预算 item codes, the department's own classes first."""
    codes = [code for code, _ in STANDARD_ITEMS]
    rng.shuffle(codes)
    codes = codes[: max(1, min(len(codes), count // 3))]
    pool: list[str] = []
    for cls in (c for c in own_classes if c in FUNCTIONAL):
        for sub in FUNCTIONAL[cls][1]:
            pool += [f"{cls}{sub}{item}" for item in ("01", "02", "03", "50", "99")]
    rng.shuffle(pool)
    others = [
        f"{cls}{sub}{item}"
        for cls, (_, subs) in FUNCTIONAL.items()
        for sub in subs
        for item in ("01", "02", "99")
    ]
    rng.shuffle(others)
    synthetic = [
        f"{cls}{sub:02d}{item:02d}"
        for cls in sorted(FUNCTIONAL)
        for sub in range(40, 60)
        for item in range(4, 20)
    ]
    rng.shuffle(synthetic)
    for code in pool + others + synthetic:
        if len(codes) >= count:
            break
        if code not in codes and code[:5] not in ("20805", "21011", "22102"):
            codes.append(code)
    return sorted(codes)


def fund_codes(rng: random.Random, count: int) -> list[str]:
    """`count` distinct 政府性基金 item codes."""
    codes = [code for code, _ in FUND_ITEMS]
    rng.shuffle(codes)
    extra = [f"21208{item:02d}" for item in range(5, 99) if f"21208{item:02d}" not in codes]
    return sorted((codes + extra)[:count])
