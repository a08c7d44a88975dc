# Chinese prose: ruff counts each CJK character as two columns.
# ruff: noqa: E501
"""The demo case library (案例库): four anonymised cases of community work.

Written for this project. The people and places are invented (张某, 李某); the
articles they cite are real and are looked up in the imported law texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from cms.models import CasePage

LIBRARY_TITLE = "案例库"
LIBRARY_SLUG = "cases"
LIBRARY_INTRO = (
    "<p>社区工作中的真实类型案例，人物和地点均已匿名处理。每个案例包括基本案情、"
    "处理过程、结果、点评和相关法条，可在课程中引用，也可在例会上组织讨论。</p>"
)


@dataclass(frozen=True)
class CaseSpec:
    slug: str
    title: str
    kind: str
    summary: str
    background: str
    process: str
    outcome: str
    commentary: str
    # (law short title, article number)
    related: tuple[tuple[str, int], ...]


MEDIATION_LAW = "人民调解法"
PERSONAL_INFORMATION_LAW = "个人信息保护法"
RESIDENTS_LAW = "城市居民委员会组织法"

WATER_LEAK = CaseSpec(
    slug="water-leak-between-neighbours",
    title="楼上漏水引发的邻里纠纷",
    kind=CasePage.Kind.NEIGHBOUR,
    summary=(
        "楼上卫生间防水层老化，楼下天花板多次渗水。双方各执一词，经社区人民调解委员会"
        "现场查看、邀请物业检测后达成调解协议。"
    ),
    background=(
        "<p>某小区 5 楼住户李某家的卫生间天花板和墙面连续两个月渗水，墙皮脱落、吊顶发霉。"
        "李某多次上楼敲门，6 楼住户张某认为自家没有漏水，“可能是楼上楼下公共管道的问题”，"
        "拒绝让人进屋查看。双方在楼道里发生争吵，李某在业主群里指名道姓地指责张某，矛盾升级。</p>"
    ),
    process=(
        "<p>李某向社区人民调解委员会申请调解。调解员先分别上门听取双方意见（背对背），"
        "了解到张某担心一旦认定漏水就要承担“砸开重做”的全部费用。征得双方同意后，"
        "调解员邀请物业维修人员进行闭水试验，确认渗水来自张某家卫生间防水层老化，"
        "与公共管道无关。</p>"
        "<p>随后组织面对面调解：调解员讲解了相邻关系中“不得损害相邻方”的基本要求，"
        "也肯定了张某愿意配合检测的态度；请李某在业主群里撤回过激言论。"
        "双方就维修方式和损失分担进行了协商。</p>"
    ),
    outcome=(
        "<p>双方达成书面调解协议：张某在 15 日内请有资质的师傅重做防水层，"
        "维修期间李某配合进入其家中查看；李某吊顶和墙面的修复费用 2400 元由张某承担。"
        "一个月后回访，维修完成，渗水停止，两家关系恢复正常。</p>"
    ),
    commentary=(
        "<p>漏水纠纷的关键是先查明原因。调解员没有急于评理，而是借助物业的专业检测把"
        "“有没有漏”这个事实问题先解决，再处理“怎么赔”的利益问题。背对背了解顾虑、"
        "面对面协商方案，是邻里纠纷中常用而有效的做法。协议写明期限和金额，便于履行和回访。</p>"
    ),
    related=(
        (MEDIATION_LAW, 17),
        (MEDIATION_LAW, 20),
        (MEDIATION_LAW, 22),
        (MEDIATION_LAW, 28),
    ),
)

FAMILY_SUPPORT = CaseSpec(
    slug="family-support-dispute",
    title="三个子女推诿赡养母亲的家庭纠纷",
    kind=CasePage.Kind.FAMILY,
    summary=(
        "八十岁的王某独居，三个子女因“谁出钱、谁照顾”互相推诿。社区调解员邀请亲属参与，"
        "分清法律义务与家庭分工，促成赡养协议并申请司法确认。"
    ),
    background=(
        "<p>王某今年 80 岁，老伴去世后独居，患有高血压，每月养老金约 1800 元。"
        "长子认为自己早年已经出钱给母亲装修房子，二女儿认为“房子以后归大哥，照顾也该大哥管”，"
        "小儿子在外地工作，表示“出钱可以，但没法回来”。网格员走访时发现老人家中冰箱几乎是空的，"
        "老人说“不想给孩子添麻烦”，随后报告社区。</p>"
    ),
    process=(
        "<p>社区人民调解委员会主动介入，先征得王某同意，尊重她本人的意愿：希望继续住在自己家里，"
        "每周能见到孩子。调解员分别与三个子女电话和当面沟通，并邀请在子女中有威望的舅舅参与调解。</p>"
        "<p>调解中，调解员讲解了民法典和老年人权益保障法的相关规定：成年子女对父母负有赡养义务，"
        "赡养包括经济上供养、生活上照料和精神上慰藉，不因分家、继承房产或在外地工作而免除。"
        "在此基础上，引导子女从“谁吃亏”转到“妈妈需要什么”，按各自条件分工。</p>"
    ),
    outcome=(
        "<p>三方达成书面赡养协议：每人每月支付赡养费 600 元，由二女儿代管并每月在家庭群里公布账目；"
        "长子和二女儿每周轮流上门两次，小儿子每周视频通话、每年回来探望不少于两次。"
        "双方共同向人民法院申请了司法确认。社区将王某列入独居老人定期探访名单。</p>"
    ),
    commentary=(
        "<p>赡养纠纷往往夹杂着多年的家庭旧账。调解员把老人的意愿放在首位，邀请亲属参与，"
        "先讲清法律义务的底线，再按各自条件协商分工，避免“平均主义”引发新的不满。"
        "对履行有顾虑的协议，告知当事人可以申请司法确认，增强协议的执行力。</p>"
    ),
    related=(
        (MEDIATION_LAW, 20),
        (MEDIATION_LAW, 21),
        (MEDIATION_LAW, 31),
        (MEDIATION_LAW, 33),
    ),
)

PROPERTY_FEE = CaseSpec(
    slug="property-fee-dispute",
    title="业主以服务差为由拒交物业费的纠纷",
    kind=CasePage.Kind.PROPERTY,
    summary=(
        "一栋楼十几户业主因电梯频繁故障集体拒交物业费，物业公司准备起诉。"
        "社区组织业主、业委会和物业三方协商，以整改清单换来补缴承诺。"
    ),
    background=(
        "<p>某老旧小区 3 号楼电梯半年内停运 6 次，最长一次 4 天，楼内多位老人无法下楼。"
        "以赵某为代表的 14 户业主认为物业“只收钱不办事”，停交物业费已近一年。"
        "物业公司表示电梯维修需要动用专项维修资金，自己无权决定，并准备向法院起诉欠费业主。"
        "双方在小区门口张贴告示互相指责。</p>"
    ),
    process=(
        "<p>社区居委会发现后，由人民调解委员会牵头，召集业主代表、业主委员会和物业公司三方座谈。"
        "调解员先让业主充分表达不满，再请物业逐项说明电梯故障原因、维保记录和维修资金申请进度。</p>"
        "<p>调解员向双方说明：物业服务人已按约定提供服务的，业主不能以未接受服务为由拒交物业费；"
        "但物业服务确有不到位的，业主可以要求整改，也可以依法主张相应责任。"
        "业委会当场同意启动专项维修资金的表决程序，社区协助做好表决的组织和公示。</p>"
    ),
    outcome=(
        "<p>三方签订协议：物业公司在两个月内完成电梯主要部件更换，每月在单元门口公示维保记录；"
        "业主在电梯修复验收后一个月内补缴欠费，物业公司减免欠费期间的滞纳金并撤回起诉打算。"
        "三个月后回访，电梯运行正常，14 户中 13 户已补缴，另 1 户因家庭困难约定分期缴纳。</p>"
    ),
    commentary=(
        "<p>物业费纠纷表面是钱的问题，实质是服务质量和信任问题。居委会不替任何一方表态，"
        "而是把“交费”和“整改”放到同一张协议里，让双方都看到对方的行动。"
        "涉及专项维修资金的，要引导业委会依法依规组织表决。若调解不成，应告知双方诉讼等其他途径。</p>"
    ),
    related=(
        (RESIDENTS_LAW, 3),
        (MEDIATION_LAW, 17),
        (MEDIATION_LAW, 22),
        (MEDIATION_LAW, 26),
    ),
)

SURVEY_PRIVACY = CaseSpec(
    slug="personal-information-in-door-to-door-survey",
    title="入户调查表格被发到业主群之后",
    kind=CasePage.Kind.SERVICE,
    summary=(
        "网格员在高龄老人需求摸底中把含身份证号、病史的表格发进了两百多人的业主群。"
        "社区当即撤回、报告、逐户说明，并整改了入户采集的流程。"
    ),
    background=(
        "<p>社区开展高龄老人服务需求摸底，网格员孙某入户登记老人姓名、身份证号、住址、"
        "联系电话、慢性病情况和子女联系方式。为了“让楼长帮忙核对”，孙某把汇总表直接发到了"
        "有两百多人的业主群。半小时后，一位老人的女儿看到表格里母亲的病史，打电话到社区投诉，"
        "担心信息被推销保健品的人利用。</p>"
    ),
    process=(
        "<p>社区书记接到投诉后立即要求孙某撤回消息，并请群主提醒群成员删除已下载的文件；"
        "当天向街道报告了事件经过和可能涉及的人数。随后社区逐户上门或电话向 37 位老人及家属说明情况、"
        "当面道歉，告知如接到可疑推销电话可随时联系社区。</p>"
        "<p>社区对入户采集流程进行复盘：入户前向居民说明采集目的和用途；只采集服务需要的项目，"
        "病史改为“是否需要就医协助”的勾选项；纸质表格当天交回专人锁柜保管，"
        "电子表格加密存放在单位电脑，不再通过任何聊天群传递。</p>"
    ),
    outcome=(
        "<p>事件未造成进一步的信息扩散。社区制定了《入户信息采集工作规范》，组织全体网格员学习"
        "个人信息保护法，孙某在例会上作了检讨。投诉的家属对处理表示理解。</p>"
    ),
    commentary=(
        "<p>健康信息属于敏感个人信息，一旦泄露，容易使老人成为诈骗和推销的目标。"
        "社区在协助政府收集信息时，同样要遵守“目的明确、最小必要、告知同意、安全保管”的要求。"
        "出现泄露时，第一时间止损、报告、告知当事人，比事后解释更重要。</p>"
    ),
    related=(
        (PERSONAL_INFORMATION_LAW, 6),
        (PERSONAL_INFORMATION_LAW, 17),
        (PERSONAL_INFORMATION_LAW, 28),
        (PERSONAL_INFORMATION_LAW, 51),
        (PERSONAL_INFORMATION_LAW, 57),
    ),
)

CASES = [WATER_LEAK, FAMILY_SUPPORT, PROPERTY_FEE, SURVEY_PRIVACY]
