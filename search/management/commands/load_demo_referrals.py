"""The demo hall's referral list: things residents ask for that a 街道 service hall does not do."""

from django.core.management.base import BaseCommand

from search.models import Referral

DEMO_REFERRALS = [
    {
        "title": "住房公积金提取",
        "keywords": ["公积金", "提取公积金", "取公积金", "公积金提取", "公积金账户"],
        "where": "市住房公积金管理中心",
        "address": "市民服务中心三楼 公积金窗口（人民路 88 号）",
        "phone": "12329",
        "hours": "周一至周五 9:00—17:00",
        "note": "也可在“市住房公积金”微信公众号或手机公积金 App 办理提取。",
        "url": "",
    },
    {
        "title": "住房公积金贷款",
        "keywords": ["公积金贷款", "公积金贷", "公积金买房"],
        "where": "市住房公积金管理中心 贷款部",
        "address": "市民服务中心三楼 公积金窗口（人民路 88 号）",
        "phone": "12329",
        "hours": "周一至周五 9:00—17:00",
        "note": "先向承办银行咨询额度，再带购房合同到公积金中心申请。",
        "url": "",
    },
    {
        "title": "港澳通行证、护照办理",
        "keywords": ["护照", "港澳通行证", "往来港澳", "台湾通行证", "出国", "签注"],
        "where": "区公安分局出入境管理大队",
        "address": "建设路 21 号 区公安分局一楼出入境大厅",
        "phone": "0571-8888 1100",
        "hours": "周一至周六 8:30—17:00（法定节假日除外）",
        "note": "带本人身份证，全国通办；签注也可在出入境自助机办理。",
        "url": "",
    },
    {
        "title": "机动车驾驶证换证、补证",
        "keywords": ["驾驶证", "驾照", "换驾照", "驾照到期", "驾驶证换证", "行驶证"],
        "where": "市公安局交警支队车辆管理所",
        "address": "城东路 300 号 车管所业务大厅",
        "phone": "12123",
        "hours": "周一至周日 8:30—17:00",
        "note": "期满换证可在“交管12123”App 网上办理，照片和体检可在医院或照相馆完成。",
        "url": "",
    },
    {
        "title": "不动产登记（房产证）",
        "keywords": ["不动产登记", "不动产权证", "房产证", "过户", "房产过户", "抵押登记"],
        "where": "区不动产登记中心",
        "address": "解放路 56 号 区政务服务中心二楼",
        "phone": "0571-8888 2200",
        "hours": "周一至周五 9:00—12:00，13:30—17:00",
        "note": "买卖过户须买卖双方同时到场，税费在同一大厅缴纳。",
        "url": "",
    },
    {
        "title": "个人所得税",
        "keywords": ["个人所得税", "个税", "退税", "个税汇算", "专项附加扣除"],
        "where": "区税务局办税服务厅",
        "address": "解放路 56 号 区政务服务中心一楼",
        "phone": "12366",
        "hours": "周一至周五 9:00—17:00",
        "note": "年度汇算和专项附加扣除多在“个人所得税”App 自行办理。",
        "url": "",
    },
    {
        "title": "结婚登记、离婚登记",
        "keywords": ["结婚登记", "结婚证", "领证", "离婚登记", "离婚证", "补办结婚证"],
        "where": "区民政局婚姻登记处",
        "address": "文化路 12 号 区民政局一楼",
        "phone": "0571-8888 3300",
        "hours": "周一至周五 9:00—17:00（节假日按公告）",
        "note": "双方带身份证、户口簿和近期 2 寸双人合影，可在“浙里办”预约。",
        "url": "",
    },
    {
        "title": "公证（委托书、继承、学历）",
        "keywords": ["公证", "公证书", "委托公证", "继承公证", "学历公证"],
        "where": "区公证处",
        "address": "文化路 30 号 区公证处一楼",
        "phone": "0571-8888 4400",
        "hours": "周一至周五 8:30—17:00",
        "note": "带身份证和要公证的原件；出国用的公证书另需翻译件。",
        "url": "",
    },
    {
        "title": "医疗纠纷调解",
        "keywords": ["医疗纠纷", "医疗事故", "医患纠纷"],
        "where": "区医疗纠纷人民调解委员会",
        "address": "健康路 8 号 区卫健局三楼",
        "phone": "0571-8888 5500",
        "hours": "周一至周五 9:00—17:00",
        "note": "调解不收费；也可向医院医务科投诉。",
        "url": "",
    },
    {
        "title": "劳动仲裁、拖欠工资",
        "keywords": ["劳动仲裁", "拖欠工资", "讨薪", "欠薪", "劳动纠纷"],
        "where": "区劳动人事争议仲裁院",
        "address": "人民路 120 号 区人力社保局二楼",
        "phone": "12333",
        "hours": "周一至周五 9:00—17:00",
        "note": "带身份证、劳动合同或工资条等证明劳动关系的材料。",
        "url": "",
    },
    {
        "title": "车辆违章处理",
        "keywords": ["违章", "交通违法", "罚单", "扣分"],
        "where": "市公安局交警支队违法处理窗口",
        "address": "城东路 300 号 车管所一楼",
        "phone": "12123",
        "hours": "周一至周日 8:30—17:00",
        "note": "多数违法可在“交管12123”App 处理并缴款。",
        "url": "",
    },
]


class Command(BaseCommand):
    help = "载入演示用的转介清单（本中心不办、要去别处办的事项）；已有的按事项名称更新。"

    def handle(self, *args: object, **options: object) -> None:
        created = 0
        for entry in DEMO_REFERRALS:
            fields = {key: value for key, value in entry.items() if key != "title"}
            _, made = Referral.objects.update_or_create(title=entry["title"], defaults=fields)
            created += made
        total = len(DEMO_REFERRALS)
        self.stdout.write(f"转介清单：{total} 条（新增 {created} 条，更新 {total - created} 条）。")
