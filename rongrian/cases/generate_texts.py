"""Words for generated cases: complaint texts, reasons, results, names and places.

Descriptions come from real citizens' Bangkok reports (Traffy Fondue, `--texts`) when
that file is at hand, picked by problem type so a street-light case reads like one.
The file is read where it lies and never copied into the project: it has no licence.
Without it, and for categories the file has no type for, a complaint is composed from
our own Thai sentences below: opener + problem at a place + how long + what it causes
+ what is asked, which gives thousands of distinct texts per category.
"""

from __future__ import annotations

import csv
import gzip
import random
from collections import defaultdict
from pathlib import Path

# Traffy problem types -> our demo category codes (rongrian.org.demo.CATEGORIES).
TRAFFY_TYPES: dict[str, tuple[str, ...]] = {
    "แสงสว่าง": ("STREETLIGHT", "LIGHTNEW", "BLINKER"),
    "ถนน": ("ROAD",),
    "ทางเท้า": ("ROAD", "VENDOR"),
    "น้ำท่วม": ("FLOOD", "DRAINNEW"),
    "ท่อระบายน้ำ": ("DRAINBLOCK", "DRAINNEW"),
    "ความสะอาด": ("GARBAGE",),
    "กีดขวาง": ("VENDOR",),
    "ต้นไม้": ("TREETRIM", "TREEFALL"),
    "เสียงรบกวน": ("NOISE",),
    "สัตว์จรจัด": ("STRAY",),
}
# A category draws real texts only when the file gives it at least this many.
MIN_POOL = 20
# How often a category with a pool uses it rather than our own sentences.
REAL_SHARE = 0.9


class TextSource:
    """Descriptions per category code: real texts where available, composed ones otherwise."""

    def __init__(self, pools: dict[str, list[str]] | None = None) -> None:
        self.pools = {
            code: texts for code, texts in (pools or {}).items() if len(texts) >= MIN_POOL
        }
        self.general = sorted({t for texts in self.pools.values() for t in texts})

    @classmethod
    def from_file(cls, path: Path | None, *, max_rows: int, max_chars: int) -> TextSource:
        """Read at most `max_rows` rows of the Traffy CSV (gzip); no file means templates only."""
        if path is None or not path.is_file():
            return cls()
        pools: dict[str, list[str]] = defaultdict(list)
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            try:
                types_at, comment_at = header.index("types"), header.index("comment")
            except ValueError:
                return cls()
            for i, row in enumerate(reader):
                if i >= max_rows:
                    break
                if len(row) <= max(types_at, comment_at):
                    continue
                text = row[comment_at].strip()
                # PostgreSQL text cannot hold NUL; very short texts say nothing.
                if len(text) < 8 or len(text) > max_chars or "\x00" in text:
                    continue
                codes = {c for t in row[types_at].split("|") for c in TRAFFY_TYPES.get(t, ())}
                for code in codes:
                    pools[code].append(text)
        return cls(pools)

    @property
    def has_real_texts(self) -> bool:
        return bool(self.pools)

    def description(self, rng: random.Random, code: str | None) -> str:
        pool = self.pools.get(code or "")
        if pool and rng.random() < REAL_SHARE:
            return rng.choice(pool)
        return compose(rng, code)


def compose(rng: random.Random, code: str | None) -> str:
    problems = PROBLEMS.get(code or "") or [p for ps in PROBLEMS.values() for p in ps]
    group = GROUP_OF.get(code or "", "general")
    text = (
        rng.choice(OPENERS)
        + rng.choice(problems).format(place=place(rng), shop=rng.choice(SHOPS), n=rng.randint(2, 6))
        + rng.choice(SINCE).format(n=rng.randint(2, 9))
    )
    if rng.random() < 0.7:
        text += " " + rng.choice(IMPACTS[group])
    return text + rng.choice(REQUESTS)


def place(rng: random.Random) -> str:
    return rng.choice(PLACES).format(
        street=rng.choice(STREETS),
        soi=rng.randint(1, 40),
        landmark=rng.choice(LANDMARKS),
        community=rng.choice(COMMUNITIES),
    )


def address(rng: random.Random) -> str:
    return "%d/%d ซอย %d ถนน%s" % (
        rng.randint(1, 400),
        rng.randint(1, 30),
        rng.randint(1, 40),
        rng.choice(STREETS),
    )


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


OPENERS = [
    "",
    "",
    "",
    "เรียนเจ้าหน้าที่ ",
    "สวัสดีครับ ",
    "สวัสดีค่ะ ",
    "ขอแจ้งเรื่องครับ ",
    "ขอแจ้งปัญหาค่ะ ",
    "รบกวนช่วยดูให้หน่อยครับ ",
    "แจ้งเหตุค่ะ ",
    "ชาวบ้านในชุมชนฝากแจ้งมาครับ ",
    "ขอความอนุเคราะห์ค่ะ ",
    "แจ้งซ้ำอีกครั้งครับ ",
]

PLACES = [
    "ที่ถนน{street}",
    "บริเวณซอย {soi} ถนน{street}",
    "หน้า{landmark} ถนน{street}",
    "ในชุมชน{community}",
    "ปากซอย {soi} ถนน{street}",
    "ตรงข้าม{landmark}",
    "ใกล้สี่แยกถนน{street}",
    "ข้าง{landmark}",
    "ท้ายซอย {soi} ชุมชน{community}",
    "หน้าบ้านเลขที่ {soi}/{soi} ถนน{street}",
]

STREETS = [
    "บุญวาทย์",
    "ทิพย์ช้าง",
    "ฉัตรไชย",
    "ประสานไมตรี",
    "รอบเวียง",
    "สนามบิน",
    "ป่าขาม",
    "ท่าคราวน้อย",
    "พระแก้ว",
    "สุเรนทร์",
    "ศรีชุม",
    "มิตรภาพ",
    "พหลโยธิน",
    "หน้าเมือง",
    "ศรีจันทร์",
    "ประชาสโมสร",
    "นิกรราษฎร์",
    "เจริญเมือง",
    "ราชวงศ์",
    "สุขาภิบาล 1",
]

LANDMARKS = [
    "โรงเรียนเทศบาล",
    "ตลาดสด",
    "วัด",
    "โรงพยาบาล",
    "สถานีรถไฟ",
    "ป้ายรถเมล์",
    "ร้านสะดวกซื้อ",
    "ศาลาประชาคม",
    "ปั๊มน้ำมัน",
    "สวนสาธารณะ",
    "หอนาฬิกา",
    "สถานีขนส่ง",
    "ธนาคาร",
    "ศูนย์เด็กเล็ก",
]

COMMUNITIES = [
    "บ้านเชียงราย",
    "ท่ามะโอ",
    "สบตุ๋ย",
    "หัวเวียง",
    "ป่าไม้",
    "ศรีบุญเรือง",
    "ท่าคราว",
    "กาดเก๊าจาว",
    "หลังวัด",
    "ริมน้ำ",
]

SHOPS = ["อาหาร", "คาราโอเกะ", "ซ่อมรถ", "ขายของชำ", "กาแฟ", "หมูกระทะ", "ล้างรถ"]

SINCE = [
    "",
    "",
    " มา {n} วันแล้ว",
    " ตั้งแต่เมื่อวาน",
    " ตั้งแต่สัปดาห์ที่แล้ว",
    " เป็นเดือนแล้ว",
    " หลายวันแล้ว",
    " ตั้งแต่เมื่อคืน",
]

REQUESTS = [
    "",
    "",
    " ขอให้เร่งแก้ไขด้วยครับ",
    " รบกวนช่วยดำเนินการด้วยค่ะ",
    " ขอบคุณครับ",
    " ขอให้มาตรวจสอบด่วน",
    " แจ้งไปแล้วครั้งหนึ่งแต่ยังไม่มีใครมา",
    " ฝากเจ้าหน้าที่ช่วยดูด้วยนะคะ",
]

PROBLEMS: dict[str, list[str]] = {
    "STREETLIGHT": [
        "ไฟถนน{place}ดับ {n} ดวง",
        "ไฟส่องสว่าง{place}ดับทั้งแนว",
        "หลอดไฟถนน{place}ติด ๆ ดับ ๆ",
        "ไฟกิ่ง{place}ไม่ติดตอนกลางคืน",
        "เสาไฟฟ้าสาธารณะ{place}เอียงเหมือนจะล้ม",
        "ไฟถนน{place}เปิดค้างไว้ทั้งวัน",
        "โคมไฟ{place}แตก มีสายไฟห้อยลงมา",
        "ไฟทางเดิน{place}ดับหมด",
    ],
    "BLINKER": [
        "ไฟกะพริบเตือนทางแยก{place}ไม่ทำงาน",
        "ไฟสัญญาณเตือนทางโค้ง{place}ดับ",
        "ไฟกะพริบหน้าโรงเรียน{place}ไม่กะพริบแล้ว",
        "ไฟเตือนลูกระนาด{place}ชำรุด",
    ],
    "LIGHTNEW": [
        "{place}ไม่มีไฟส่องสว่างเลย ขอติดตั้งไฟฟ้าสาธารณะเพิ่ม",
        "ทางเข้าซอย{place}เปลี่ยวมาก ขอเสาไฟเพิ่มอีก {n} ต้น",
        "ทางเดินไปป้ายรถเมล์{place}มืด ขอไฟส่องทาง",
        "ลานจอดรถ{place}ไม่มีไฟ ขอให้มาสำรวจติดตั้ง",
    ],
    "ROAD": [
        "ถนน{place}เป็นหลุมเป็นบ่อ",
        "ผิวถนน{place}ยุบตัว รถผ่านลำบาก",
        "ทางเท้า{place}แตก กระเบื้องหลุด",
        "ฝาท่อบนถนน{place}ทรุดต่ำกว่าผิวถนน",
        "หลุมบนถนน{place}ลึกมาก มีน้ำขัง",
        "ถนน{place}ขุดแล้วไม่ได้กลบให้เรียบร้อย",
        "ยางมะตอย{place}ร่อนเป็นร่องยาว",
        "ขอบทางเท้า{place}พังลงมา",
    ],
    "DRAINBLOCK": [
        "ท่อระบายน้ำ{place}อุดตัน น้ำไม่ไหล",
        "ฝาท่อระบายน้ำ{place}แตก",
        "ท่อระบายน้ำ{place}ส่งกลิ่นเหม็นมาก",
        "ตะแกรงรับน้ำ{place}มีขยะอุด",
        "รางระบายน้ำ{place}มีดินโคลนทับถม",
    ],
    "DRAINNEW": [
        "{place}ไม่มีท่อระบายน้ำ ฝนตกทีไรน้ำเข้าบ้าน",
        "ท่อระบายน้ำ{place}ตื้นเขิน ขอให้มาขุดลอก",
        "ขอวางท่อระบายน้ำเพิ่ม{place}",
        "ลำเหมือง{place}ตื้นเขิน น้ำระบายไม่ทัน",
    ],
    "FLOOD": [
        "ฝนตกนิดเดียวน้ำก็ท่วมขัง{place}",
        "น้ำท่วมขัง{place}ทุกปี ระดับน้ำสูงถึงเข่า",
        "{place}น้ำท่วมขังนานหลายชั่วโมงหลังฝนหยุด",
        "น้ำจากถนนไหลเข้าบ้าน{place}ทุกครั้งที่ฝนตก",
    ],
    "GARBAGE": [
        "ขยะ{place}ไม่มีรถมาเก็บ {n} วันแล้ว",
        "ถังขยะ{place}เต็มล้น",
        "มีคนนำขยะมาทิ้ง{place}กองใหญ่มาก",
        "รถเก็บขยะไม่ได้เข้ามาเก็บ{place}",
        "ขอถังขยะเพิ่ม{place}",
        "ขยะกองอยู่{place} สุนัขมาคุ้ยกระจาย",
        "กิ่งไม้และเศษวัสดุตกค้าง{place}ไม่มีคนมาเก็บ",
    ],
    "DEADANIMAL": [
        "มีซากสุนัขตาย{place}",
        "ซากแมวถูกรถทับ{place}",
        "พบซากสัตว์ส่งกลิ่นเหม็น{place}",
        "มีซากงูตายอยู่กลางถนน{place}",
    ],
    "WATER": [
        "น้ำประปา{place}ไม่ไหล {n} วันแล้ว ขอรถน้ำ",
        "น้ำไม่พอใช้{place} ขอรับน้ำอุปโภคบริโภค",
        "บ่อน้ำในชุมชน{place}แห้ง ขอน้ำช่วยเหลือ",
        "น้ำประปา{place}ไหลอ่อนมาก ขอรถน้ำมาเติมถัง",
    ],
    "TREEFALL": [
        "ต้นไม้ล้มขวางถนน{place}",
        "กิ่งไม้หักลงมาขวางทางเท้า{place}",
        "ต้นไม้ใหญ่{place}โค่นทับสายไฟ",
        "พายุพัดกิ่งไม้ตกลงมา{place}",
    ],
    "TREETRIM": [
        "กิ่งไม้{place}รกบังป้ายจราจร",
        "ต้นไม้{place}กิ่งพาดสายไฟ ขอให้ตัดแต่ง",
        "กิ่งไม้{place}บังไฟถนนจนมืด",
        "ต้นไม้ริมทาง{place}กิ่งยื่นลงมาต่ำ รถสูงผ่านไม่ได้",
    ],
    "NOISE": [
        "ร้าน{shop}{place}เปิดเพลงเสียงดังถึงดึก",
        "มีกลิ่นเหม็นจากร้าน{shop}{place}",
        "โรงงาน{place}ปล่อยควันดำ",
        "มีการเผาขยะ{place} ควันเข้าบ้าน",
        "งานก่อสร้าง{place}ทำเสียงดังตอนกลางคืน",
        "ฝุ่นจากการก่อสร้าง{place}ฟุ้งกระจาย",
        "เลี้ยงไก่ชน{place}ส่งเสียงและกลิ่นรบกวน",
    ],
    "VENDOR": [
        "แผงลอย{place}ตั้งขายบนทางเท้าจนคนเดินไม่ได้",
        "มีรถจอดขายของขวางทาง{place}",
        "ป้ายโฆษณาวางกีดขวางทางเท้า{place}",
        "ร้าน{shop}วางของล้ำออกมาบนทางเท้า{place}",
        "มีรถเสียจอดทิ้งไว้นาน{place}",
    ],
    "STRAY": [
        "สุนัขจรจัด{place}ดุร้าย ไล่กัดคนเดินผ่าน",
        "มีสุนัขจรจัดเป็นฝูง{place}",
        "แมวจรจัด{place}เพิ่มจำนวนมาก",
        "สุนัขจรจัด{place}เห่าหอนทั้งคืน",
    ],
    "MOSQUITO": [
        "ยุงชุมมาก{place} ขอพ่นหมอกควัน",
        "มีผู้ป่วยไข้เลือดออก{place} ขอให้มาพ่นยากำจัดยุง",
        "มีน้ำขังเป็นแหล่งเพาะพันธุ์ยุง{place}",
    ],
    "BUILDING": [
        "มีการต่อเติมอาคาร{place} ไม่ทราบว่าได้รับอนุญาตหรือไม่",
        "มีการก่อสร้าง{place}ล้ำเข้ามาในที่สาธารณะ",
        "อาคารเก่า{place}ทรุดโทรม เสี่ยงพังลงมา",
        "นั่งร้านก่อสร้าง{place}ไม่มีผ้าใบกันวัสดุตก",
    ],
}

GROUP_OF = {
    "STREETLIGHT": "light",
    "BLINKER": "light",
    "LIGHTNEW": "light",
    "ROAD": "road",
    "DRAINBLOCK": "drain",
    "DRAINNEW": "drain",
    "FLOOD": "drain",
    "GARBAGE": "waste",
    "DEADANIMAL": "waste",
    "WATER": "water",
    "TREEFALL": "tree",
    "TREETRIM": "tree",
    "NOISE": "nuisance",
    "VENDOR": "obstruction",
    "BUILDING": "obstruction",
    "STRAY": "animal",
    "MOSQUITO": "animal",
}

IMPACTS: dict[str, list[str]] = {
    "light": [
        "กลางคืนมืดมาก เกรงจะเกิดอันตราย",
        "มีคนถูกวิ่งราวเพราะมืด",
        "เด็กนักเรียนเดินกลับบ้านไม่ปลอดภัย",
        "รถจักรยานยนต์มองไม่เห็นทาง",
    ],
    "road": [
        "รถจักรยานยนต์ล้มไปแล้วหลายคัน",
        "ผู้สูงอายุเดินสะดุดบ่อย",
        "ฝนตกแล้วมองไม่เห็นหลุม",
        "รถติดเพราะต้องหลบหลุม",
    ],
    "drain": [
        "น้ำเอ่อเข้าบ้านเรือน",
        "ส่งกลิ่นเหม็นและเป็นแหล่งยุง",
        "ถนนกลายเป็นคลองเวลาฝนตก",
        "รถเล็กผ่านไม่ได้",
    ],
    "waste": [
        "ส่งกลิ่นเหม็นไปทั้งซอย",
        "มีแมลงวันและหนูเยอะ",
        "สุนัขคุ้ยขยะกระจายเต็มถนน",
        "เกรงจะเป็นแหล่งเชื้อโรค",
    ],
    "water": [
        "ไม่มีน้ำใช้ทำอาหาร",
        "ผู้สูงอายุในบ้านลำบากมาก",
        "มีเด็กเล็กในบ้านหลายคน",
    ],
    "tree": [
        "เกรงว่าจะหักลงมาโดนคน",
        "รถผ่านไม่ได้",
        "บังทัศนวิสัยตรงทางแยก",
        "ลมแรงทีไรกิ่งไม้หล่นทุกครั้ง",
    ],
    "nuisance": [
        "นอนไม่หลับ",
        "ลูกหลานป่วยเป็นภูมิแพ้",
        "เดือดร้อนกันทั้งชุมชน",
        "เคยตักเตือนแล้วแต่ไม่ดีขึ้น",
    ],
    "obstruction": [
        "คนเดินต้องลงไปเดินบนถนน",
        "รถเข็นคนพิการผ่านไม่ได้",
        "เกรงจะเกิดอุบัติเหตุ",
    ],
    "animal": [
        "เด็ก ๆ ไม่กล้าเดินผ่าน",
        "มีคนถูกกัดไปแล้ว",
        "เกรงจะเป็นพาหะนำโรค",
    ],
    "general": ["เดือดร้อนมาก", "เกรงจะเกิดอันตราย"],
}

RESULTS: dict[str, list[str]] = {
    "light": [
        "เปลี่ยนหลอดไฟใหม่เรียบร้อยแล้ว",
        "ซ่อมสายไฟและเปลี่ยนอุปกรณ์แล้ว ไฟใช้งานได้ปกติ",
        "ปรับตั้งเสาไฟให้ตรงและยึดฐานใหม่แล้ว",
        "สำรวจแล้ว ติดตั้งโคมไฟเพิ่มตามที่ขอ",
    ],
    "road": [
        "ซ่อมผิวถนนด้วยยางมะตอยแล้ว",
        "ปูกระเบื้องทางเท้าใหม่แล้ว",
        "ปรับระดับฝาท่อให้เสมอผิวถนนแล้ว",
    ],
    "drain": [
        "ลอกท่อระบายน้ำแล้ว น้ำไหลได้ปกติ",
        "เปลี่ยนฝาท่อระบายน้ำใหม่แล้ว",
        "สำรวจและบรรจุในแผนวางท่อระบายน้ำปีงบประมาณหน้า",
        "ติดตั้งเครื่องสูบน้ำและขุดลอกลำเหมืองแล้ว",
    ],
    "waste": [
        "เก็บขนขยะเรียบร้อยแล้ว",
        "จัดรถเก็บขยะเพิ่มรอบในเส้นทางนี้แล้ว",
        "นำซากสัตว์ไปกำจัดแล้ว",
        "วางถังขยะเพิ่มให้แล้ว",
    ],
    "water": ["นำรถน้ำไปแจกจ่ายให้แล้ว", "เติมน้ำใส่ถังของชุมชนแล้ว"],
    "tree": ["ตัดแต่งกิ่งไม้แล้ว", "ตัดย้ายต้นไม้ที่ล้มออกจากถนนแล้ว"],
    "nuisance": [
        "ตรวจสอบและตักเตือนผู้ประกอบการแล้ว",
        "ออกคำแนะนำให้ปรับปรุงแล้ว เจ้าของรับว่าจะแก้ไข",
        "ตรวจวัดเสียงแล้ว ไม่เกินมาตรฐาน ได้แจ้งผู้ร้องแล้ว",
    ],
    "obstruction": [
        "ตักเตือนผู้ค้าและให้ย้ายออกจากทางเท้าแล้ว",
        "ตรวจสอบแล้ว มีใบอนุญาตถูกต้อง",
        "ออกคำสั่งให้ระงับการก่อสร้างแล้ว",
    ],
    "animal": [
        "ประสานจับสุนัขไปทำหมันและฉีดวัคซีนแล้ว",
        "พ่นหมอกควันกำจัดยุงในชุมชนแล้ว",
        "ทำลายแหล่งเพาะพันธุ์ยุงแล้ว",
    ],
    "general": ["ดำเนินการแก้ไขเรียบร้อยแล้ว"],
}

PROGRESS_NOTES = [
    "ออกสำรวจพื้นที่แล้ว",
    "สั่งซื้ออุปกรณ์แล้ว รอของ",
    "ประสานผู้รับจ้างแล้ว",
    "อยู่ระหว่างดำเนินการ",
    "ดำเนินการไปแล้วบางส่วน",
    "นัดหมายเข้าดำเนินการแล้ว",
    "รองบประมาณซ่อมแซม",
]
REJECT_REASONS = [
    "ไม่ใช่เรื่องร้องเรียน เป็นการสอบถามข้อมูล",
    "ข้อมูลไม่เพียงพอ ติดต่อผู้ร้องไม่ได้",
    "เป็นข้อพิพาทส่วนบุคคลระหว่างเพื่อนบ้าน",
    "ข้อความไม่เกี่ยวข้องกับการให้บริการ",
    "ผู้ร้องขอยกเลิกเรื่อง",
]
RETURN_REASONS = [
    "ไม่ใช่งานในความรับผิดชอบของหน่วยงานนี้",
    "เป็นงานของหน่วยงานอื่น โปรดคัดแยกใหม่",
    "สถานที่อยู่นอกพื้นที่รับผิดชอบของหน่วยงาน",
]
HOLD_REASONS = [
    "รอผู้ร้องส่งภาพถ่ายเพิ่มเติม",
    "ติดต่อผู้ร้องเพื่อสอบถามตำแหน่งที่แน่ชัด",
    "รอผู้ร้องยืนยันวันนัดเข้าตรวจสอบ",
    "รอผู้ร้องยินยอมให้เข้าพื้นที่",
]
DISPUTE_REASONS = [
    "ยังไม่ได้รับการแก้ไข",
    "ซ่อมแล้วแต่เสียอีก",
    "แก้ไขไม่ตรงจุดที่แจ้ง",
    "ยังไม่เรียบร้อย ปัญหายังอยู่",
]
SUPERVISOR_REOPEN_REASONS = [
    "ตรวจสอบแล้วพบว่างานยังไม่แล้วเสร็จ",
    "ผู้ร้องโทรแจ้งว่าปัญหากลับมาอีก",
    "สุ่มตรวจแล้วผลไม่ตรงกับรายงาน",
]
REFERRAL_CLOSE_REASONS = [
    "หน่วยงานภายนอกแจ้งผลการดำเนินการแล้ว",
    "หน่วยงานที่รับผิดชอบแก้ไขเรียบร้อยแล้ว",
    "ได้รับหนังสือตอบกลับจากหน่วยงานแล้ว",
]
CENTRE_CLOSE_NOTES = ["โทรยืนยันกับผู้ร้องแล้ว", "ผู้ร้องแจ้งทางโทรศัพท์ว่าเรียบร้อยแล้ว", ""]

FIRST_NAMES = [
    "สมชาย",
    "สมศรี",
    "วิชัย",
    "มาลี",
    "ประยุทธ",
    "สุดา",
    "อนันต์",
    "จันทร์เพ็ญ",
    "ธนากร",
    "พรทิพย์",
    "ณัฐพล",
    "กาญจนา",
    "สุรเชษฐ์",
    "อรุณี",
    "บุญมี",
    "ศิริพร",
    "ปิยะ",
    "วันเพ็ญ",
    "เกรียงไกร",
    "นงลักษณ์",
]
LAST_NAMES = [
    "ใจดี",
    "ศรีสุข",
    "แก้วมณี",
    "บุญมา",
    "ทองดี",
    "สายสุวรรณ",
    "คำแปง",
    "อินทร์แก้ว",
    "ปัญญาดี",
    "วงศ์ใหญ่",
    "มณีวรรณ",
    "ชัยมงคล",
    "สุขเกษม",
    "เรือนคำ",
    "ดวงแก้ว",
]
