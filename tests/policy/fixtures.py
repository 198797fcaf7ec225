"""A realistic register of enterprise-benefit policies (惠企政策) for the tests that need many: the
compendium's documents, the policy service, the gateway and the browser tests read it, never
change it.

Modelled on the notice's own list: the State Council's plan to cut the real economy's costs
(国发〔2016〕48号), the province's measures (赣府发〔2016〕28号), the city's master measures
《关于降低企业成本优化发展环境的若干政策措施》(赣市府发〔2016〕10号) with the departments' detailed
rules under it, and the counties' own (南康、章贡、赣县、瑞金、龙南、信丰、赣州经开区). Every level
(`Level`) and every cost category (`CostCategory`) is present. Beside the 35 policies in force are
two drafts, one repealed and one expired policy: the compendium and the portal must never show
them.

- `policy_fields()`: the 35 policies in force, each a dict of `Policy.draft` keyword arguments
  (minus the id, `at`, `actor` and `existing`), the consultation contact included; what a test
  passes to the service's `draft_policy`.
- `draft_fields()`, `repealed_fields()`, `expired_fields()`: the ones never shown.
- `published_snapshots(at)`: the whole register run through the domain (draft, publish, one
  amendment, a repeal, an expiry) as `Policy.snapshot()`s, ready for `compendium.build_edition`.

Plain Python, no I/O. Every date of the story falls on or before `STORY_ENDS`.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kernel.actor import SYSTEM, Actor
from services.policy.policies.domain import Policy

OFFICE_TIME = ZoneInfo("Asia/Shanghai")
OFFICE = Actor("fixture-clerk", "office")
# The last moment the story below records anything; an edition is built at or after it.
STORY_ENDS = dt.datetime(2017, 5, 31, 18, tzinfo=OFFICE_TIME)
# The moment the tests build their edition by default: the notice's portal deadline has passed.
EDITION_AT = dt.datetime(2017, 6, 1, 10, tzinfo=OFFICE_TIME)

MASTER_TITLE = "关于降低企业成本优化发展环境的若干政策措施"
MASTER_NUMBER = "赣市府发〔2016〕10号"
# The one policy amended in the story, and what the amendment changes.
AMENDED_NUMBER = "赣市金发〔2016〕12号"
AMENDMENT = {
    "summary": "市财政安排应急转贷资金规模由2亿元增至5亿元，单笔转贷期限最长30天，"
               "转贷费率由日万分之三降至日万分之一点五。",
    "full_text": "第一条 为帮助企业按期续贷、降低过桥融资成本，市财政安排企业应急转贷资金5亿元。\n"
                 "第二条 符合条件的中小微企业可申请转贷资金，单笔转贷期限最长30天。\n"
                 "第三条 转贷资金占用费按日万分之一点五收取，逾期不还的按日万分之五收取。\n"
                 "第四条 本办法由市金融办负责解释。",
}
AMENDMENT_REASON = "资金规模扩大，费率下调"


def _contact(unit: str, person: str, phone: str, email: str) -> dict:
    return {"unit": unit, "person": person, "phone": phone, "email": email}


def _text(*clauses: str) -> str:
    numerals = "一二三四五六七八九十"
    return "\n".join(f"第{numerals[i]}条 {clause}" for i, clause in enumerate(clauses))


def _policy(issuing_unit, level, cost_category, title, document_number, issued_by,
            effective_from, effective_until, summary, clauses, contact, criteria=None) -> dict:
    return {
        "issuing_unit": issuing_unit, "title": title, "document_number": document_number,
        "level": level, "cost_category": cost_category, "summary": summary,
        "effective_from": effective_from, "effective_until": effective_until,
        "full_text": _text(*clauses), "issued_by": issued_by, "criteria": criteria,
        "contact": contact,
    }


# -- the policies in force -------------------------------------------------------------------

_IN_FORCE = (
    # 国家级
    _policy("development_reform", "national", "comprehensive",
            "国务院关于印发降低实体经济企业成本工作方案的通知", "国发〔2016〕48号", "国务院",
            "2016-08-08", None,
            "从税费负担、融资成本、制度性交易成本、人工成本、用能用地成本、物流成本等方面，"
            "部署降低实体经济企业成本，力争经过1至2年努力，降成本取得初步成效。",
            ["降低企业税费负担，全面推开营改增试点，清理规范涉企收费。",
             "降低企业融资成本，保持流动性合理充裕，创新信贷产品和服务方式。",
             "降低制度性交易成本，深化“放管服”改革，提高政府服务效率。",
             "降低人工成本，合理调整最低工资标准，阶段性降低社会保险费率。"],
            _contact("市发改委", "钟志刚", "0797-8212301", "gzfgw_jcb@ganzhou.gov.cn")),
    _policy("tax_bureau", "national", "tax_and_fees",
            "财政部 国家税务总局关于全面推开营业税改征增值税试点的通知", "财税〔2016〕36号",
            "财政部、国家税务总局", "2016-05-01", None,
            "自2016年5月1日起，在全国范围内全面推开营业税改征增值税试点，建筑业、房地产业、"
            "金融业、生活服务业等全部营业税纳税人纳入试点范围，由缴纳营业税改为缴纳增值税。",
            ["在中华人民共和国境内销售服务、无形资产或者不动产的单位和个人，为增值税纳税人。",
             "纳税人分为一般纳税人和小规模纳税人，小规模纳税人适用简易计税方法。",
             "试点纳税人应按照规定进行增值税纳税申报，原营业税优惠政策予以延续。"],
            _contact("市国税局政策法规科", "刘建华", "0797-8172366", "gs_zcfgk@ganzhou.gov.cn")),
    _policy("tax_bureau", "national", "tax_and_fees",
            "财政部 国家税务总局关于扩大小型微利企业所得税优惠政策范围的通知", "财税〔2017〕43号",
            "财政部、国家税务总局", "2017-01-01", None,
            "年应纳税所得额低于50万元（含50万元）的小型微利企业，其所得减按50%计入应纳税所得额，"
            "按20%的税率缴纳企业所得税。",
            ["自2017年1月1日起，小型微利企业年应纳税所得额上限由30万元提高至50万元。",
             "符合条件的小型微利企业，无论采取查账征收还是核定征收方式，均可享受本优惠政策。"],
            _contact("市地税局所得税科", "邱晓燕", "0797-8172455", "ds_sdsk@ganzhou.gov.cn"),
            {"sizes": ["small", "micro"]}),
    _policy("finance_office", "national", "financing",
            "中国人民银行 工业和信息化部 银监会 证监会 保监会关于金融支持制造强国建设的指导意见",
            "银发〔2017〕58号", "中国人民银行等五部门", "2017-03-16", None,
            "引导金融机构加大对制造业重点领域的信贷支持，发展产业链金融，拓宽制造业企业直接融资渠道，"
            "对有市场、有效益但暂时困难的企业不盲目抽贷、压贷。",
            ["金融机构应合理确定制造业企业贷款期限和还款方式，降低企业续贷成本。",
             "支持符合条件的制造业企业发行债券、上市融资，扩大直接融资规模。",
             "完善制造业融资担保体系，发挥政府性融资担保机构增信作用。"],
            _contact("人民银行赣州市中心支行", "黄丽萍", "0797-8206612", "rhgzzx@ganzhou.gov.cn"),
            {"industries": ["manufacturing", "electronics", "rare_earth", "furniture"]}),
    _policy("hrss_bureau", "national", "labour",
            "人力资源社会保障部 财政部关于阶段性降低社会保险费率的通知", "人社部发〔2016〕36号",
            "人力资源社会保障部、财政部", "2016-05-01", None,
            "企业职工基本养老保险单位缴费比例超过20%的省份降至20%；失业保险总费率阶段性降至"
            "1%至1.5%，降低费率的期限暂按两年执行。",
            ["企业职工基本养老保险单位缴费比例超过20%的省（区、市），将单位缴费比例降至20%。",
             "失业保险总费率在2015年已降低1个百分点基础上可以阶段性降至1%至1.5%。",
             "各地要确保各项社会保险待遇按时足额支付。"],
            _contact("市人社局社会保险科", "谢春梅", "0797-8991123", "rsj_sbk@ganzhou.gov.cn")),
    _policy("development_reform", "national", "land_and_energy",
            "国家发展改革委关于降低燃煤发电上网电价和一般工商业用电价格的通知",
            "发改价格〔2015〕3105号", "国家发展改革委", "2016-01-01", None,
            "降低燃煤发电上网电价，同幅度降低一般工商业销售电价，减轻工商企业用电负担。",
            ["全国燃煤发电上网电价平均每千瓦时降低约3分钱。",
             "一般工商业销售电价平均每千瓦时降低约3分钱，降价空间用于支持工商企业降低用电成本。"],
            _contact("市发改委价格管理科", "罗文斌", "0797-8212345", "gzfgw_jgk@ganzhou.gov.cn")),
    _policy("transport_bureau", "national", "logistics",
            "国务院办公厅关于转发国家发展改革委物流业降本增效专项行动方案（2016—2018年）的通知",
            "国办发〔2016〕69号", "国务院办公厅", "2016-09-13", None,
            "深化物流领域“放管服”改革，规范公路收费和执法行为，推进物流设施互联互通和信息化，"
            "降低物流企业税费和通关成本。",
            ["规范公路货运执法行为，严禁乱收费、乱罚款。",
             "完善城市配送车辆通行管理，优化货车通行证办理流程。",
             "推动物流信息平台互联互通，发展多式联运和甩挂运输。"],
            _contact("市交通运输局运输科", "温志强", "0797-8228176", "jtj_ysk@ganzhou.gov.cn")),
    _policy("science_bureau", "national", "technology",
            "国务院关于印发实施《中华人民共和国促进科技成果转化法》若干规定的通知",
            "国发〔2016〕16号", "国务院", "2016-02-26", None,
            "鼓励研究开发机构、高等院校通过转让、许可或作价投资等方式向企业转移科技成果，"
            "支持企业与高校院所共建研发平台，加快科技成果产业化。",
            ["研究开发机构、高等院校可以自主决定转让、许可或者作价投资科技成果。",
             "以技术转让或许可方式转化职务科技成果的，应从净收入中提取不低于50%的比例用于奖励。",
             "鼓励企业与研究开发机构、高等院校共建新型研发机构和产业技术创新联盟。"],
            _contact("市科技局成果科", "陈小勇", "0797-8996102", "kjj_cgk@ganzhou.gov.cn")),
    # 省级
    _policy("development_reform", "provincial", "comprehensive",
            "江西省人民政府关于印发降低企业成本优化发展环境若干政策措施的通知",
            "赣府发〔2016〕28号",
            "江西省人民政府", "2016-07-15", None,
            "从降低税费负担、融资成本、制度性交易成本、人工成本、用能用地成本、物流成本六个方面"
            "提出80条政策措施，力争全年为企业减负600亿元以上。",
            ["严格落实国家各项税收优惠政策，省定涉企行政事业性收费一律按标准下限执行。",
             "降低企业融资成本，扩大“财园信贷通”“惠农信贷通”规模。",
             "降低企业用电成本，扩大电力直接交易范围和规模。",
             "各市、县（区）要结合实际制定具体实施细则，确保政策落地见效。"],
            _contact("市发改委经济运行科", "钟志刚", "0797-8212301", "gzfgw_jcb@ganzhou.gov.cn")),
    _policy("finance_bureau", "provincial", "tax_and_fees",
            "江西省财政厅关于清理规范涉企收费进一步减轻企业负担的通知", "赣财综〔2016〕30号",
            "江西省财政厅", "2016-08-01", None,
            "取消、停征和免征一批行政事业性收费和政府性基金，全面公布涉企收费目录清单，"
            "清单之外一律不得收费。",
            ["取消或停征省定涉企行政事业性收费18项。",
             "各地不得擅自设立涉企收费项目，不得擅自提高收费标准、扩大收费范围。",
             "涉企收费目录清单实行动态管理，在各级政府网站公开。"],
            _contact("市财政局综合科", "李明", "0797-8123456", "czj_zhk@ganzhou.gov.cn")),
    _policy("finance_office", "provincial", "financing",
            "江西省人民政府办公厅关于进一步扩大“财园信贷通”融资规模的通知", "赣府厅字〔2016〕88号",
            "江西省人民政府办公厅", "2016-06-20", None,
            "扩大“财园信贷通”融资规模，由财政资金作为风险补偿金，合作银行按不低于8倍放大，"
            "为园区中小微企业提供贷款，贷款利率上浮不超过基准利率30%。",
            ["财政风险补偿金与合作银行贷款按1:8比例放大。",
             "单户企业贷款额度原则上不超过1000万元，期限一般为一年。",
             "合作银行贷款利率上浮幅度不超过同期贷款基准利率的30%，不得收取其他费用。"],
            _contact("市金融办银行保险科", "赖志明", "0797-8999023", "jrb_yhk@ganzhou.gov.cn"),
            {"sizes": ["medium", "small", "micro"]}),
    _policy("hrss_bureau", "provincial", "labour",
            "江西省人力资源和社会保障厅关于阶段性降低社会保险费率的实施意见",
            "赣人社发〔2016〕21号",
            "江西省人力资源和社会保障厅", "2016-05-01", None,
            "企业职工基本养老保险单位缴费比例由20%执行；失业保险总费率降至1.5%；"
            "工伤保险平均费率降低0.25个百分点。",
            ["失业保险总费率由2%降至1.5%，其中单位费率降至1%。",
             "对符合条件的企业实施稳岗补贴，按上年度实际缴纳失业保险费的50%给予补贴。"],
            _contact("市社保局征缴科", "曾小红", "0797-8991186", "sbj_zjk@ganzhou.gov.cn")),
    _policy("development_reform", "provincial", "land_and_energy",
            "江西省发展改革委关于扩大电力直接交易降低企业用电成本的通知",
            "赣发改能源〔2016〕1006号", "江西省发展改革委", "2016-09-01", None,
            "扩大电力直接交易范围，年用电量500万千瓦时以上的工业企业均可参与直接交易，"
            "降低企业用电成本。",
            ["年用电量500万千瓦时以上的工业企业可自愿参与电力直接交易。",
             "交易电价由发电企业与用电企业自主协商确定。"],
            _contact("市发改委能源科", "刘海平", "0797-8212399", "gzfgw_nyk@ganzhou.gov.cn"),
            {"industries": ["manufacturing", "rare_earth"], "above_designated_size": True}),
    _policy("transport_bureau", "provincial", "logistics",
            "江西省人民政府办公厅关于降低企业物流成本的实施意见", "赣府厅发〔2016〕45号",
            "江西省人民政府办公厅", "2016-10-01", None,
            "对省内高速公路通行的标准集装箱运输车辆通行费给予优惠，推进物流园区建设，"
            "发展多式联运，降低企业物流成本。",
            ["对在省内高速公路通行的国际标准集装箱运输车辆实行通行费八五折优惠。",
             "支持赣州国际陆港等物流节点开通铁海联运班列。"],
            _contact("市交通运输局物流科", "叶国华", "0797-8228199", "jtj_wlk@ganzhou.gov.cn")),
    _policy("science_bureau", "provincial", "technology",
            "江西省科学技术厅关于实施科技创新券制度的通知", "赣科发计字〔2017〕20号",
            "江西省科学技术厅", "2017-03-01", None,
            "向科技型中小企业发放科技创新券，用于购买检验检测、研究开发、技术转移等科技服务，"
            "每家企业每年最高可获10万元。",
            ["科技创新券采取“企业申领、平台服务、政府兑付”的方式运行。",
             "每家企业每年申领科技创新券额度最高不超过10万元。"],
            _contact("市科技局计划科", "刘芳", "0797-8996118", "kjj_jhk@ganzhou.gov.cn"),
            {"sizes": ["small", "micro"]}),
    _policy("commerce_bureau", "provincial", "market",
            "江西省商务厅关于支持企业开拓国内外市场的若干措施", "赣商务财字〔2017〕9号",
            "江西省商务厅", "2017-02-15", None,
            "支持企业参加境内外重点展会，对展位费给予最高70%的补助，支持企业开展境外商标注册"
            "和国际认证。",
            ["对企业参加省商务厅确定的境外重点展会，按展位费的70%给予补助。",
             "对企业开展境外商标注册、国际认证的，按实际费用的50%给予补助。"],
            _contact("市商务局外贸科", "郭建平", "0797-8218220", "swj_wmk@ganzhou.gov.cn")),
    _policy("market_regulation", "provincial", "institutional",
            "江西省人民政府关于深化商事制度改革推进“多证合一”的实施意见", "赣府发〔2017〕12号",
            "江西省人民政府", "2017-04-01", None,
            "在“五证合一”基础上整合涉企证照事项，实行“多证合一、一照一码”，"
            "企业开办时间压缩至5个工作日以内。",
            ["将涉企信息采集、记载公示类证照事项整合到营业执照上。",
             "推行企业登记全程电子化和电子营业执照，企业开办时间压缩至5个工作日以内。"],
            _contact("市工商局注册分局", "王海燕", "0797-8231051", "gsj_zcfj@ganzhou.gov.cn")),
    # 市级
    _policy("office", "municipal", "comprehensive", MASTER_TITLE, MASTER_NUMBER,
            "赣州市人民政府", "2016-09-01", None,
            "从降低税费负担、融资成本、用工成本、用地用能成本、物流成本和制度性交易成本六个方面"
            "出台50条措施，全市年度为企业减负100亿元以上，并建立政策落实督查考核机制。",
            ["全面落实国家和省各项减税降费政策，市定涉企行政事业性收费一律取消。",
             "设立企业应急转贷资金和融资风险缓释基金，降低企业融资成本。",
             "降低企业用地成本，工业用地可采取弹性年期出让、先租后让等方式供应。",
             "各县（市、区）和市直各责任单位要在1个月内制定出台具体实施细则。",
             "本措施由市降低企业成本优化发展环境专项行动领导小组办公室负责解释。"],
            _contact("市降成本优环境专项行动领导小组办公室", "吴芳", "0797-8216005",
                     "jcbyhj@ganzhou.gov.cn")),
    _policy("finance_bureau", "municipal", "tax_and_fees",
            "赣州市涉企行政事业性收费和政府性基金目录清单", "赣市财综字〔2016〕25号",
            "赣州市财政局", "2016-10-01", None,
            "公布全市涉企行政事业性收费和政府性基金目录清单，清单之外一律不得向企业收费，"
            "市定涉企收费项目全部取消。",
            ["本清单所列收费项目以外，任何部门和单位不得向企业收取行政事业性收费。",
             "企业可通过12358价格举报电话或市财政局网站举报违规收费行为。"],
            _contact("市财政局综合科", "李明", "0797-8123456", "czj_zhk@ganzhou.gov.cn")),
    _policy("finance_office", "municipal", "financing",
            "赣州市企业应急转贷资金管理办法", AMENDED_NUMBER, "赣州市金融工作办公室",
            "2016-10-15", None,
            "市财政安排应急转贷资金2亿元，为贷款到期、续贷有困难的中小微企业提供短期转贷服务，"
            "转贷费率按日万分之三收取。",
            ["为帮助企业按期续贷、降低过桥融资成本，市财政安排企业应急转贷资金2亿元。",
             "符合条件的中小微企业可申请转贷资金，单笔转贷期限最长15天。",
             "转贷资金占用费按日万分之三收取。",
             "本办法由市金融办负责解释。"],
            _contact("市金融办资本市场科", "赵磊", "13907971234", "jrb_zbk@ganzhou.gov.cn"),
            {"sizes": ["medium", "small", "micro"]}),
    _policy("finance_office", "municipal", "financing",
            "赣州市小微企业融资风险缓释基金管理暂行办法", "赣市府办字〔2016〕150号",
            "赣州市人民政府办公厅", "2016-11-01", None,
            "设立小微企业融资风险缓释基金，对合作银行向小微企业发放的贷款损失给予一定比例补偿，"
            "引导银行降低贷款门槛。",
            ["风险缓释基金首期规模1亿元，由市县两级财政共同出资。",
             "合作银行发生的贷款本金损失，由风险缓释基金承担50%。"],
            _contact("市金融办银行保险科", "赖志明", "0797-8999023", "jrb_yhk@ganzhou.gov.cn"),
            {"sizes": ["small", "micro"]}),
    _policy("hrss_bureau", "municipal", "labour",
            "赣州市降低企业用工成本实施细则",
            "赣市人社字〔2016〕80号", "赣州市人力资源和社会保障局",
            "2016-10-01", None,
            "落实阶段性降低社会保险费率政策，对不裁员或少裁员的企业给予稳岗补贴，"
            "对企业新招用就业困难人员给予社会保险补贴。",
            ["依法参加失业保险并足额缴费、上年度未裁员或裁员率低于统筹地区登记失业率的企业，"
             "按上年度实际缴纳失业保险费的50%给予稳岗补贴。",
             "企业新招用就业困难人员并缴纳社会保险费的，给予最长3年的社会保险补贴。",
             "企业开展新录用人员岗前技能培训的，按规定给予职业培训补贴。"],
            _contact("市人社局就业促进科", "黄敏", "0797-8991150", "rsj_jyk@ganzhou.gov.cn"),
            {"tiers": ["average", "difficult"]}),
    _policy("land_bureau", "municipal", "land_and_energy",
            "赣州市工业用地弹性出让和先租后让实施细则", "赣市国土资发〔2016〕20号",
            "赣州市国土资源局", "2016-11-15", None,
            "工业用地可按不超过20年弹性年期出让，或先租后让、租让结合，降低企业一次性用地成本。",
            ["工业用地出让年期可根据产业类型在20年以内弹性确定。",
             "采取先租后让方式的，租赁期满经评估达到约定条件的，可依法办理出让手续。",
             "出让底价不得低于国家规定的工业用地出让最低价标准。"],
            _contact("市国土资源局利用科", "孙涛", "0797-8213390", "gtj_lyk@ganzhou.gov.cn"),
            {"industries": ["manufacturing", "furniture", "electronics"]}),
    _policy("transport_bureau", "municipal", "logistics",
            "赣州市降低企业物流成本实施细则", "赣市交发〔2016〕15号", "赣州市交通运输局",
            "2016-11-01", None,
            "对赣州国际陆港铁海联运班列给予运费补贴，规范城市配送车辆通行管理，"
            "降低企业物流成本。",
            ["对经赣州国际陆港发运的铁海联运集装箱，每标箱给予500元运费补贴。",
             "为城市配送车辆核发通行证，在规定时段和路段优先通行。"],
            _contact("市交通运输局物流科", "叶国华", "0797-8228199", "jtj_wlk@ganzhou.gov.cn")),
    _policy("examination_bureau", "municipal", "institutional",
            "赣州市企业投资项目并联审批实施办法", "赣市府办发〔2016〕30号", "赣州市人民政府办公厅",
            "2016-12-01", None,
            "企业投资项目实行“一窗受理、并联审批、限时办结”，审批时限压缩至法定时限的一半以内，"
            "中介服务收费一律按下限执行。",
            ["企业投资项目审批实行一窗受理、内部流转、并联审批、限时办结。",
             "各审批部门应在法定时限的一半以内办结审批事项。",
             "审批涉及的中介服务收费一律按标准下限执行。"],
            _contact("市行政审批局综合科", "钟丽", "0797-8217660", "xzspj_zhk@ganzhou.gov.cn")),
    _policy("science_bureau", "municipal", "technology",
            "赣州市支持企业技术创新若干措施", "赣市科字〔2017〕10号", "赣州市科学技术局",
            "2017-03-15", None,
            "对新认定的高新技术企业给予一次性奖励20万元，对企业研发投入按增量的10%给予补助，"
            "支持企业建设研发平台。",
            ["对新认定的国家高新技术企业，给予一次性奖励20万元。",
             "对企业年度研发投入比上年增加部分，按10%给予最高100万元补助。",
             "对新认定的省级以上企业技术中心、工程技术研究中心给予50万元奖励。"],
            _contact("市科技局高新科", "陈小勇", "0797-8996102", "kjj_cgk@ganzhou.gov.cn"),
            {"industries": ["electronics", "rare_earth", "manufacturing", "software"]}),
    _policy("commerce_bureau", "municipal", "market",
            "赣州市支持企业开拓市场若干措施", "赣市商务字〔2017〕6号", "赣州市商务局",
            "2017-04-01", None,
            "组织企业参加重点展会，支持本地产品进入商超和电商平台，对企业新开拓市场发生的费用"
            "给予补助。",
            ["对企业参加市商务局组织的境内重点展会，按展位费的50%给予补助。",
             "对本地企业产品进入大型连锁商超的，给予每家企业最高10万元进场费补助。",
             "支持企业入驻知名电商平台开设旗舰店。"],
            _contact("市商务局市场科", "郭建平", "0797-8218220", "swj_scjk@ganzhou.gov.cn")),
    _policy("office", "municipal", "other",
            "赣州市建立惠企政策“企业服务日”制度的通知", "赣市府办字〔2017〕40号",
            "赣州市人民政府办公厅", "2017-04-15", None,
            "每月第一个星期一为“企业服务日”，市领导和市直部门负责人深入企业宣讲政策、"
            "现场解决企业诉求。",
            ["每月第一个星期一为全市“企业服务日”。",
             "市直各责任单位在企业服务日安排负责人到挂点企业宣讲惠企政策。",
             "企业反映的问题按“一事一单”交办，限时办结并反馈。"],
            _contact("市降成本优环境专项行动领导小组办公室", "吴芳", "0797-8216005",
                     "jcbyhj@ganzhou.gov.cn")),
    # 县(市、区)级
    _policy("nankang_gov", "county", "comprehensive",
            "南康区降低家具企业成本优化发展环境的实施细则",
            "南康府发〔2016〕15号", "南康区人民政府",
            "2016-10-20", None,
            "落实市《若干政策措施》，对家具企业入驻标准厂房给予租金减免，对家具企业集中喷涂中心"
            "用电给予补贴，支持家具企业开展电商销售。",
            ["家具企业入驻标准厂房的，前三年租金减半收取。",
             "集中喷涂中心用电价格高于大工业电价的部分，由区财政给予补贴。",
             "对家具企业在电商平台年销售额超过1000万元的，给予10万元奖励。"],
            _contact("南康区工信局", "蓝俊", "0797-6623118", "nkgxj@nankang.gov.cn"),
            {"industries": ["furniture"], "counties": ["nankang"]}),
    _policy("zhanggong_gov", "county", "tax_and_fees",
            "章贡区关于进一步减轻企业税费负担的实施意见", "章府发〔2016〕20号", "章贡区人民政府",
            "2016-11-01", None,
            "区定涉企收费一律取消，对企业缴纳的城镇土地使用税在法定幅度内按下限执行，"
            "为企业开辟办税绿色通道。",
            ["取消区定涉企行政事业性收费项目。",
             "城镇土地使用税按法定税额幅度下限执行。",
             "区办税服务厅设立企业办税绿色通道，实行预约办税和延时服务。"],
            _contact("章贡区财政局", "邹小燕", "0797-8396220", "zgczj@zhanggong.gov.cn"),
            {"counties": ["zhanggong"]}),
    _policy("ganxian_gov", "county", "financing",
            "赣县区企业转贷互助资金管理办法", "赣县府字〔2017〕12号", "赣县区人民政府",
            "2017-02-01", None,
            "设立企业转贷互助资金3000万元，为区内企业提供续贷过桥服务，资金占用费按日万分之二收取。",
            ["区财政出资3000万元设立企业转贷互助资金。",
             "单户企业转贷额度最高不超过1000万元，期限不超过15天。"],
            _contact("赣县区金融办", "肖文", "0797-4423366", "gxjrb@ganxian.gov.cn"),
            {"counties": ["ganxian"]}),
    _policy("ruijin_gov", "county", "labour",
            "瑞金市降低企业用工成本的若干措施", "瑞府发〔2016〕30号", "瑞金市人民政府",
            "2016-12-01", None,
            "对企业新招用本地劳动力并稳定就业6个月以上的给予一次性奖励，建立企业用工服务平台，"
            "免费为企业提供招聘服务。",
            ["企业新招用本市户籍劳动力并稳定就业6个月以上的，每人给予500元一次性奖励。",
             "市人力资源市场免费为企业提供招聘场地和信息发布服务。"],
            _contact("瑞金市人社局", "杨春华", "0797-2523160", "rjrsj@ruijin.gov.cn"),
            {"counties": ["ruijin"]}),
    _policy("etdz_committee", "county", "land_and_energy",
            "赣州经济技术开发区工业企业标准厂房租赁补贴办法", "赣经开管字〔2016〕50号",
            "赣州经济技术开发区管委会", "2016-12-15", None,
            "对入驻区内标准厂房的工业企业给予租金补贴，前两年全额补贴，第三年补贴50%。",
            ["入驻标准厂房的工业企业，前两年租金全额补贴，第三年补贴50%。",
             "享受补贴的企业达产后年亩均税收不得低于10万元。"],
            _contact("赣州经开区经发局", "钟华", "0797-8376602", "jkqjfj@gzetdz.gov.cn"),
            {"counties": ["ganzhou_etdz"], "industries": ["manufacturing", "electronics"]}),
    _policy("longnan_gov", "county", "logistics",
            "龙南县支持物流业发展降低企业物流成本的实施意见", "龙府发〔2017〕5号", "龙南县人民政府",
            "2017-03-01", None,
            "支持龙南保税物流中心建设，对企业经保税物流中心进出口货物给予物流补贴。",
            ["对经龙南保税物流中心进出口的货物，每标箱给予300元物流补贴。",
             "支持物流企业购置新能源配送车辆，按购置价的10%给予补助。"],
            _contact("龙南县商务局", "廖新民", "0797-3532118", "lnswj@longnan.gov.cn"),
            {"counties": ["longnan"]}),
    _policy("xinfeng_gov", "county", "other",
            "信丰县惠企政策兑现“一站式”服务办法", "信府字〔2017〕8号", "信丰县人民政府",
            "2017-04-10", None,
            "在县政务服务中心设立惠企政策兑现窗口，企业申报的奖补资金实行一窗受理、"
            "限时兑现。",
            ["县政务服务中心设立惠企政策兑现窗口，统一受理企业奖补申请。",
             "符合条件的奖补资金自受理之日起15个工作日内兑现到位。"],
            _contact("信丰县政务服务中心", "赖春燕", "0797-3322108", "xfzwzx@xinfeng.gov.cn"),
            {"counties": ["xinfeng"]}),
)

# The city's detailed rules that name the master measures as theirs (二(一)1).
_UNDER_MASTER = ("赣市财综字〔2016〕25号", AMENDED_NUMBER, "赣市人社字〔2016〕80号",
                 "赣市国土资发〔2016〕20号", "赣市交发〔2016〕15号", "南康府发〔2016〕15号")

# -- never shown: drafts, a repealed and an expired policy -----------------------------------

_DRAFTS = (
    _policy("hrss_bureau", "municipal", "labour",
            "赣州市企业稳岗返还办法（征求意见稿）", "赣市人社字〔2017〕30号",
            "赣州市人力资源和社会保障局", "2017-07-01", None,
            "征求意见稿：拟将稳岗补贴比例由50%提高至60%。",
            ["稳岗补贴按企业上年度实际缴纳失业保险费的60%返还。"],
            _contact("市人社局就业促进科", "黄敏", "0797-8991150", "rsj_jyk@ganzhou.gov.cn")),
    _policy("nankang_gov", "county", "financing",
            "南康区家具企业信用贷款贴息办法（草案）",
            "南康府办字〔2017〕22号", "南康区人民政府办公室",
            "2017-06-01", None,
            "草案：对家具企业信用贷款按基准利率的30%给予贴息。",
            ["对家具企业信用贷款按同期基准利率的30%给予贴息。"],
            _contact("南康区金融办", "蓝晓", "0797-6623199", "nkjrb@nankang.gov.cn")),
)

_REPEALED = _policy(
    "office", "municipal", "tax_and_fees",
    "赣州市关于减轻企业负担的暂行规定", "赣市府发〔2015〕5号",
    "赣州市人民政府", "2015-03-01", None,
    "暂行规定：清理涉企收费，已被《若干政策措施》取代。",
    ["清理规范涉企收费项目。"],
    _contact("市财政局综合科", "李明", "0797-8123456", "czj_zhk@ganzhou.gov.cn"))
REPEAL_REASON = "已被赣市府发〔2016〕10号取代"

_EXPIRED = _policy(
    "development_reform", "provincial", "land_and_energy",
    "江西省2016年第一季度工业用电临时补贴办法", "赣发改能源〔2016〕88号", "江西省发展改革委",
    "2016-01-01", "2017-03-31",
    "2016年至2017年第一季度对工业企业用电给予临时补贴。",
    ["对工业企业用电每千瓦时补贴2分钱，补贴期至2017年3月31日止。"],
    _contact("市发改委能源科", "刘海平", "0797-8212399", "gzfgw_nyk@ganzhou.gov.cn"))


def _copy(fields: dict) -> dict:
    return {key: (dict(value) if isinstance(value, dict) else value)
            for key, value in fields.items()}


def policy_fields() -> list[dict]:
    """The 35 policies in force, each as `Policy.draft` keyword arguments with its contact."""
    return [_copy(fields) for fields in _IN_FORCE]


def draft_fields() -> list[dict]:
    """Two drafts, never published."""
    return [_copy(fields) for fields in _DRAFTS]


def repealed_fields() -> dict:
    """A policy published, then repealed (废止) by `REPEAL_REASON`."""
    return _copy(_REPEALED)


def expired_fields() -> dict:
    """A policy published, then expired (失效): its end date passed."""
    return _copy(_EXPIRED)


def absent_fields() -> list[dict]:
    """Every policy the compendium and the portal must not show."""
    return [*draft_fields(), repealed_fields(), expired_fields()]


def policy_id(number: int) -> str:
    """The id `published_snapshots` gives the n-th policy of the register (1-based)."""
    return f"fixture-policy-{number:02d}"


def _moment(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), OFFICE_TIME)


def _draft(number: int, fields: dict, at: dt.datetime, **extra) -> Policy:
    return Policy.draft(policy_id(number), **fields, **extra, at=at, actor=OFFICE)


def published_snapshots(at: dt.datetime = EDITION_AT) -> list[dict]:
    """The register run through the domain, as `Policy.snapshot()`s at `at` (on or after
    `STORY_ENDS`): 35 published (one amended, six naming the master measures), two drafts, one
    repealed, one expired."""
    if at < STORY_ENDS:
        raise ValueError(f"the fixture's story runs to {STORY_ENDS.isoformat()}; "
                         f"build at or after it, not {at.isoformat()}")
    policies: list[Policy] = []
    master_id = None
    for fields in _IN_FORCE:
        number = len(policies) + 1
        extra = {}
        if fields["document_number"] in _UNDER_MASTER:
            extra["master_policy_id"] = master_id
        policy = _draft(number, fields, _moment(fields["effective_from"], 9), **extra)
        policy.publish(at=_moment(fields["effective_from"], 10), actor=OFFICE)
        if fields["document_number"] == MASTER_NUMBER:
            master_id = policy.id
        if fields["document_number"] == AMENDED_NUMBER:
            policy.amend(reason=AMENDMENT_REASON, at=_moment("2017-05-20"), actor=OFFICE,
                         **AMENDMENT)
        policies.append(policy)
    for fields in _DRAFTS:
        policies.append(_draft(len(policies) + 1, fields, _moment("2017-05-25")))
    repealed = _draft(len(policies) + 1, _REPEALED, _moment("2015-02-20"))
    repealed.publish(at=_moment("2015-02-25"), actor=OFFICE)
    repealed.repeal(reason=REPEAL_REASON, at=_moment("2016-09-01"), actor=OFFICE)
    policies.append(repealed)
    expired = _draft(len(policies) + 1, _EXPIRED, _moment("2015-12-20"))
    expired.publish(at=_moment("2015-12-25"), actor=OFFICE)
    expired.expire(at=_moment("2017-04-01", 0), actor=SYSTEM)
    policies.append(expired)
    return [policy.snapshot() for policy in policies]
