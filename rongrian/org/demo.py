"""The demo organisation: a Lampang-like city municipality with a full cast of users.

Loaded by `make run` (`manage.py load_demo`); loading twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from rongrian.catalog.choices import DayCount
from rongrian.catalog.models import Category

from .choices import Role
from .models import Contractor, ExternalAgency, Organisation, Staff, Unit, User
from .services import grant_admin_access

DEMO_CODE = "LPG"
DEMO_PASSWORD = "rongrian-demo"

# (code, parent code, Thai, English, Burmese)
UNITS = [
    ("CENTRE", None, "ศูนย์รับเรื่องราวร้องทุกข์", "Complaint centre", "တိုင်ကြားစာလက်ခံဌာန"),
    ("ENG", None, "กองช่าง", "Engineering division", "အင်ဂျင်နီယာဌာနခွဲ"),
    ("ENG-ELEC", "ENG", "งานไฟฟ้าสาธารณะ", "Public lighting section", "အများသုံးမီးဌာန"),
    (
        "ENG-ROAD",
        "ENG",
        "งานสาธารณูปโภค (ถนนและท่อระบายน้ำ)",
        "Roads and drains section",
        "လမ်းနှင့်မြောင်းဌာန",
    ),
    ("ENG-PARK", "ENG", "งานสวนสาธารณะ", "Parks and trees section", "ပန်းခြံနှင့်သစ်ပင်ဌာန"),
    (
        "HEALTH",
        None,
        "กองสาธารณสุขและสิ่งแวดล้อม",
        "Public health and environment division",
        "ပြည်သူ့ကျန်းမာရေးနှင့်ပတ်ဝန်းကျင်ဌာနခွဲ",
    ),
    ("HEALTH-CLEAN", "HEALTH", "งานรักษาความสะอาด", "Cleansing section", "သန့်ရှင်းရေးဌာန"),
    (
        "HEALTH-ENV",
        "HEALTH",
        "งานควบคุมโรคและเหตุรำคาญ",
        "Disease and nuisance control section",
        "ရောဂါနှင့်နှောင့်ယှက်မှုထိန်းချုပ်ရေးဌာန",
    ),
    ("ENFORCE", None, "งานเทศกิจ", "Municipal enforcement", "စည်ပင်ဥပဒေစိုးမိုးရေး"),
]

# (code, unit, days, day count, Thai, English, Burmese, plain-language description in Thai)
# and the descriptions in English and Burmese, by code:
DESCRIPTIONS = {
    "GARBAGE": (
        "Rubbish left behind, the truck did not come, bins overflowing",
        "အမှိုက်ကျန်နေ၊ အမှိုက်ကား မလာ၊ အမှိုက်ပုံး ပြည့်လျှံ",
    ),
    "DEADANIMAL": (
        "A dead dog, cat or other animal on a road or public place",
        "လမ်း သို့မဟုတ် အများသုံးနေရာတွင် သေနေသော ခွေး၊ ကြောင် သို့မဟုတ် အခြားတိရစ္ဆာန်",
    ),
    "WATER": (
        "No tap water; asking for a water truck",
        "ပိုက်ရေ မလာ၊ ရေကား တောင်းဆို",
    ),
    "TREEFALL": (
        "A tree or branch fallen across a road or footpath",
        "လမ်း သို့မဟုတ် လူသွားလမ်းပေါ် လဲကျနေသော သစ်ပင်/သစ်ကိုင်း",
    ),
    "STREETLIGHT": (
        "Street light out or flickering, leaning lamp post",
        "လမ်းမီး မလင်း သို့မဟုတ် မှိတ်တုတ်မှိတ်တုတ်၊ မီးတိုင် စောင်း",
    ),
    "BLINKER": (
        "A warning light the municipality put at a junction or bend does not work",
        "လမ်းဆုံ သို့မဟုတ် ကွေ့တွင် စည်ပင်တပ်ဆင်ထားသော သတိပေးမီး မလင်း",
    ),
    "DRAINBLOCK": (
        "Water does not drain, blocked pipe, broken drain cover",
        "ရေ မစီး၊ ပိုက်ပိတ်၊ မြောင်းအဖုံး ကျိုး",
    ),
    "NOISE": (
        "Loud noise, bad smell, smoke or dust from a business or house",
        "လုပ်ငန်း သို့မဟုတ် အိမ်မှ ဆူညံသံ၊ အနံ့ဆိုး၊ မီးခိုး သို့မဟုတ် ဖုန်",
    ),
    "VENDOR": (
        "Stalls, signs or goods blocking the footpath or road",
        "လူသွားလမ်း သို့မဟုတ် လမ်းကို ပိတ်ဆို့နေသော ဆိုင်၊ ဆိုင်းဘုတ် သို့မဟုတ် ပစ္စည်း",
    ),
    "STRAY": (
        "Aggressive stray animals causing trouble",
        "ပြဿနာဖြစ်စေသော ရန်လိုသည့် လမ်းဘေးတိရစ္ဆာန်",
    ),
    "MOSQUITO": (
        "Many mosquitoes, dengue cases in the community",
        "ခြင်များ၊ ရပ်ကွက်တွင် သွေးလွန်တုပ်ကွေး လူနာ",
    ),
    "TREETRIM": (
        "Overgrown branches hiding signs or lights, near power lines",
        "ဆိုင်းဘုတ် သို့မဟုတ် မီးကို ကွယ်နေသော၊ ဓာတ်ကြိုးအနီး သစ်ကိုင်းများ",
    ),
    "ROAD": (
        "Potholes, cracked or sunken footpath",
        "လမ်းတွင် ချိုင့်များ၊ လူသွားလမ်း အက်ကွဲ သို့မဟုတ် နိမ့်ဆင်း",
    ),
    "DRAINNEW": (
        "Flooding because there is no drain, or a shallow drain needs dredging",
        "မြောင်းမရှိ၍ ရေဝပ်၊ သို့မဟုတ် တိမ်နေသော မြောင်းကို တူးဖော်ရန်",
    ),
    "LIGHTNEW": (
        "A dark lane with no lighting; needs a survey before installing",
        "မီးမရှိသော မှောင်သည့် လမ်းကြား၊ မတပ်ဆင်မီ စစ်တမ်းကောက်ရန် လို",
    ),
    "BUILDING": (
        "Building or extension work that may be unlawful; needs inspection",
        "တရားမဝင်နိုင်သော ဆောက်လုပ်ရေး သို့မဟုတ် တိုးချဲ့မှု၊ စစ်ဆေးရန် လို",
    ),
    "FLOOD": (
        "Water stands after every rain; needs a survey and a fix",
        "မိုးရွာတိုင်း ရေဝပ်၊ စစ်တမ်းကောက်ပြီး ပြုပြင်ရန် လို",
    ),
}
B, C = DayCount.BUSINESS, DayCount.CALENDAR
CATEGORIES = [
    (
        "GARBAGE",
        "HEALTH-CLEAN",
        1,
        C,
        "ขยะไม่ได้รับการจัดเก็บ",
        "Uncollected rubbish",
        "အမှိုက်မသိမ်းရသေး",
        "ขยะตกค้าง รถขยะไม่มาเก็บ ถังขยะเต็ม",
    ),
    (
        "DEADANIMAL",
        "HEALTH-CLEAN",
        1,
        C,
        "ซากสัตว์บนถนน",
        "Dead animal on the road",
        "လမ်းပေါ်တွင်သေနေသောတိရစ္ဆာန်",
        "ซากสุนัข แมว หรือสัตว์อื่นบนถนนหรือที่สาธารณะ",
    ),
    (
        "WATER",
        "HEALTH-CLEAN",
        1,
        C,
        "ขอรับน้ำอุปโภคบริโภค",
        "Request for water delivery",
        "ရေပို့ဆောင်ပေးရန်တောင်းဆိုချက်",
        "น้ำประปาไม่ไหล ขอรถน้ำช่วยเหลือ",
    ),
    (
        "TREEFALL",
        "ENG-PARK",
        1,
        C,
        "ต้นไม้ล้ม กิ่งไม้หักขวางทาง",
        "Fallen tree or branch",
        "သစ်ပင်/သစ်ကိုင်းလဲကျ",
        "ต้นไม้หรือกิ่งไม้หักลงมาขวางถนนหรือทางเท้า",
    ),
    (
        "STREETLIGHT",
        "ENG-ELEC",
        2,
        B,
        "ไฟฟ้าสาธารณะดับหรือชำรุด",
        "Street light out or broken",
        "လမ်းမီးပျက်",
        "ไฟถนนดับ ไฟกะพริบ เสาไฟเอียง",
    ),
    (
        "BLINKER",
        "ENG-ELEC",
        2,
        B,
        "ไฟสัญญาณกะพริบของเทศบาลชำรุด",
        "Municipal warning light broken",
        "သတိပေးမီးပျက်",
        "ไฟกะพริบเตือนทางแยกหรือทางโค้งที่เทศบาลติดตั้งไม่ทำงาน",
    ),
    (
        "DRAINBLOCK",
        "ENG-ROAD",
        3,
        B,
        "ท่อระบายน้ำอุดตัน",
        "Blocked drain",
        "ရေမြောင်းပိတ်",
        "น้ำระบายไม่ได้ ท่อตัน ฝาท่อชำรุด",
    ),
    (
        "NOISE",
        "HEALTH-ENV",
        3,
        B,
        "เหตุเดือดร้อนรำคาญ เสียง กลิ่น ควัน",
        "Noise, smell or smoke nuisance",
        "ဆူညံသံ၊ အနံ့၊ မီးခိုး နှောင့်ယှက်မှု",
        "เสียงดัง กลิ่นเหม็น ควันหรือฝุ่นจากสถานประกอบการหรือบ้านเรือน",
    ),
    (
        "VENDOR",
        "ENFORCE",
        3,
        B,
        "การค้าหรือสิ่งของกีดขวางทางเท้า",
        "Obstruction of the footpath",
        "လူသွားလမ်းပိတ်ဆို့မှု",
        "แผงลอย ป้าย หรือสิ่งของวางกีดขวางทางเท้าและถนน",
    ),
    (
        "STRAY",
        "HEALTH-ENV",
        3,
        B,
        "สุนัขหรือแมวจรจัด",
        "Stray dogs or cats",
        "လမ်းဘေးခွေး/ကြောင်",
        "สัตว์จรจัดดุร้าย สร้างความเดือดร้อน",
    ),
    (
        "MOSQUITO",
        "HEALTH-ENV",
        3,
        B,
        "ขอพ่นหมอกควันกำจัดยุง",
        "Mosquito fogging request",
        "ခြင်ဆေးဖြန်းရန်တောင်းဆိုချက်",
        "มียุงชุม มีผู้ป่วยไข้เลือดออกในชุมชน",
    ),
    (
        "TREETRIM",
        "ENG-PARK",
        3,
        B,
        "ขอตัดแต่งกิ่งไม้",
        "Tree trimming request",
        "သစ်ကိုင်းခုတ်ရန်တောင်းဆိုချက်",
        "กิ่งไม้รกบังป้ายหรือไฟ ใกล้สายไฟ",
    ),
    (
        "ROAD",
        "ENG-ROAD",
        7,
        B,
        "ถนนหรือทางเท้าชำรุด",
        "Damaged road or footpath",
        "လမ်း/လူသွားလမ်းပျက်စီး",
        "ถนนเป็นหลุมบ่อ ทางเท้าแตก ยุบตัว",
    ),
    (
        "DRAINNEW",
        "ENG-ROAD",
        7,
        B,
        "ขอวางท่อหรือขุดลอกท่อระบายน้ำ",
        "New or dredged drain request",
        "ရေမြောင်းအသစ်တောင်းဆိုချက်",
        "น้ำท่วมขังเพราะไม่มีท่อ หรือท่อตื้นเขินต้องขุดลอก",
    ),
    (
        "LIGHTNEW",
        "ENG-ELEC",
        7,
        B,
        "ขอติดตั้งไฟฟ้าสาธารณะเพิ่ม",
        "Request for a new street light",
        "လမ်းမီးအသစ်တောင်းဆိုချက်",
        "ซอยมืด ไม่มีไฟส่องสว่าง ต้องสำรวจก่อนติดตั้ง",
    ),
    (
        "BUILDING",
        "ENG",
        7,
        B,
        "อาคารหรือการก่อสร้างไม่ได้รับอนุญาต",
        "Unauthorised building work",
        "ခွင့်ပြုချက်မရှိသောဆောက်လုပ်ရေး",
        "การก่อสร้างต่อเติมที่อาจผิดกฎหมาย ต้องตรวจสอบ",
    ),
    (
        "FLOOD",
        "ENG-ROAD",
        7,
        B,
        "น้ำท่วมขังซ้ำซาก",
        "Repeated flooding",
        "ထပ်ခါထပ်ခါရေလွှမ်း",
        "น้ำท่วมขังเป็นประจำเมื่อฝนตก ต้องสำรวจแก้ไข",
    ),
]

AGENCIES = [
    (
        "การประปาส่วนภูมิภาค สาขาลำปาง",
        "Provincial Waterworks Authority, Lampang",
        "ပြည်နယ်ရေပေးဝေရေးအာဏာပိုင်",
        "1662",
        "lampang@pwa.example",
    ),
    (
        "การไฟฟ้าส่วนภูมิภาคจังหวัดลำปาง",
        "Provincial Electricity Authority, Lampang",
        "ပြည်နယ်လျှပ်စစ်အာဏာပိုင်",
        "1129",
        "lampang@pea.example",
    ),
    ("แขวงทางหลวงลำปาง", "Department of Highways, Lampang district", "အဝေးပြေးလမ်းဌာန", "1586", ""),
    ("สถานีตำรวจภูธรเมืองลำปาง", "Mueang Lampang Police Station", "ရဲစခန်း", "191", ""),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    unit: str | None = None
    contractor: bool = False


USERS = [
    DemoUser("intake", "สมใจ", "รับเรื่อง", Role.INTAKE, "CENTRE"),
    DemoUser("supervisor", "วิไล", "หัวหน้าศูนย์", Role.SUPERVISOR, "CENTRE"),
    DemoUser("head_elec", "ประเสริฐ", "ไฟสว่าง", Role.UNIT_HEAD, "ENG-ELEC"),
    DemoUser("officer_elec", "สมชาย", "ช่างไฟ", Role.OFFICER, "ENG-ELEC"),
    DemoUser("contractor_elec", "บุญมา", "ผู้รับจ้าง", Role.CONTRACTOR, "ENG-ELEC", contractor=True),
    DemoUser("head_road", "อำนาจ", "ทางดี", Role.UNIT_HEAD, "ENG-ROAD"),
    DemoUser("officer_road", "สุรชัย", "ซ่อมทาง", Role.OFFICER, "ENG-ROAD"),
    DemoUser("head_clean", "มาลี", "สะอาดดี", Role.UNIT_HEAD, "HEALTH-CLEAN"),
    DemoUser("officer_clean", "จันทร์เพ็ญ", "เก็บขยะ", Role.OFFICER, "HEALTH-CLEAN"),
    DemoUser("executive", "ธนพล", "ปลัดเทศบาล", Role.EXECUTIVE),
    DemoUser("counter", "นภา", "บริการดี", Role.COUNTER, "CENTRE"),
    DemoUser("admin", "ผู้ดูแล", "ระบบ", Role.ADMINISTRATOR),
]


def load_demo() -> tuple[Organisation, bool]:
    """Create the demo organisation unless it exists; returns it and whether it was created."""
    existing = Organisation.objects.filter(code=DEMO_CODE).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        org = Organisation.objects.create(
            code=DEMO_CODE,
            name="เทศบาลนครลำปาง (ตัวอย่าง)",
            name_en="Lampang City Municipality (demo)",
            name_my="လမ်ပန်မြို့တော်စည်ပင် (နမူနာ)",
            hotline="1132",
            email="complaints@lampang.example",
            latitude="18.288800",
            longitude="99.490800",
        )
        units: dict[str, Unit] = {}
        for code, parent, th, en, my in UNITS:
            units[code] = Unit.objects.create(
                organisation=org, code=code, parent=units.get(parent or ""),
                name=th, name_en=en, name_my=my,
            )  # fmt: skip
        for order, (code, unit, days, count, th, en, my, desc) in enumerate(CATEGORIES, start=1):
            Category.objects.create(
                organisation=org, code=code, default_unit=units[unit], target_days=days,
                day_count=count, name=th, name_en=en, name_my=my, description=desc,
                description_en=DESCRIPTIONS[code][0], description_my=DESCRIPTIONS[code][1],
                sort_order=order,
            )  # fmt: skip
        for th, en, my, hotline, email in AGENCIES:
            ExternalAgency.objects.create(
                organisation=org, name=th, name_en=en, name_my=my, hotline=hotline, email=email
            )
        firm = Contractor.objects.create(
            organisation=org, name="หจก. ลำปางไฟฟ้าบริการ (ตัวอย่าง)", phone="054000000"
        )
        password = make_password(DEMO_PASSWORD)  # hash once: argon2 is slow on purpose
        for spec in USERS:
            user = User.objects.create(
                username=spec.username,
                password=password,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@lampang.example",
                language="th",
            )
            Staff.objects.create(
                user=user,
                organisation=org,
                role=spec.role,
                unit=units[spec.unit] if spec.unit else None,
                contractor=firm if spec.contractor else None,
            )
            if spec.role == Role.ADMINISTRATOR:
                grant_admin_access(user)
    return org, True
