"""The values of the independent PII corpus (bench/pii_corpus.py): Mimesis locale data, python-stdnum check
digits, phonenumbers' example numbers, and each locale's written conventions. Nothing here comes from Faker
or from the project's generator."""

from __future__ import annotations

import base64
import datetime as dt
import random
import string
from functools import cache

import phonenumbers
from mimesis import Address, Code, Cryptographic, Datetime, Finance, Internet, Locale, Payment, Person, Text
from stdnum import iban as std_iban
from stdnum import luhn

TODAY = dt.date(2026, 12, 1)

LOCALE = {"en": Locale.EN, "de": Locale.DE, "fr": Locale.FR, "es": Locale.ES, "pt": Locale.PT_BR, "it": Locale.IT,
          "nl": Locale.NL, "pl": Locale.PL, "ja": Locale.JA, "zh": Locale.ZH}  # fmt: skip
REGION = {"en": "US", "de": "DE", "fr": "FR", "es": "ES", "pt": "BR", "it": "IT", "nl": "NL", "pl": "PL", "ja": "JP",
          "zh": "CN"}  # fmt: skip
IBAN_COUNTRY = {"en": ("GB", 18), "de": ("DE", 18), "fr": ("FR", 23), "es": ("ES", 20), "pt": ("PT", 21),
                "it": ("IT", 23), "nl": ("NL", 14), "pl": ("PL", 24), "ja": ("GB", 18), "zh": ("DE", 18)}  # fmt: skip
# date-of-birth formats each locale writes (strftime; %-d / %-m unpadded)
DOB_FORMATS = {
    "en": ["%m/%d/%Y", "%-m/%-d/%Y", "%d/%m/%Y", "%Y-%m-%d", "%B %-d, %Y"], "de": ["%d.%m.%Y", "%-d.%-m.%Y"],
    "fr": ["%d/%m/%Y"], "es": ["%d/%m/%Y", "%d-%m-%Y"], "pt": ["%d/%m/%Y"], "it": ["%d/%m/%Y", "%d-%m-%Y"],
    "nl": ["%d-%m-%Y", "%d/%m/%Y"], "pl": ["%d.%m.%Y", "%Y-%m-%d"], "ja": ["%Y/%m/%d", "%Y年%-m月%-d日"],
    "zh": ["%Y-%m-%d", "%Y年%-m月%-d日", "%Y/%m/%d"],
}  # fmt: skip
RELIGION = {
    "en": ["Christian", "Catholic", "Muslim", "Jewish", "Hindu", "Buddhist", "None", "Atheist", "Protestant"],
    "de": ["evangelisch", "römisch-katholisch", "muslimisch", "jüdisch", "konfessionslos", "orthodox"],
    "fr": ["catholique", "protestant", "musulman", "juif", "sans religion", "bouddhiste"],
    "es": ["católica", "evangélica", "musulmana", "judía", "ninguna", "atea"],
    "pt": ["católica", "evangélica", "espírita", "sem religião", "umbanda", "candomblé"],
    "it": ["cattolica", "ortodossa", "musulmana", "ebraica", "nessuna", "protestante"],
    "nl": ["rooms-katholiek", "protestants", "islamitisch", "joods", "geen", "hindoeïstisch"],
    "pl": ["rzymskokatolickie", "prawosławne", "ewangelickie", "bezwyznaniowy", "świadkowie Jehowy"],
    "ja": ["仏教", "神道", "キリスト教", "無宗教", "創価学会"], "zh": ["佛教", "道教", "伊斯兰教", "基督教", "无"],
}  # fmt: skip
ETHNICITY = {
    "en": ["White", "Black or African American", "Asian", "Hispanic or Latino", "American Indian", "Two or more races"],
    "de": ["deutsch", "türkisch", "polnisch", "russlanddeutsch", "arabisch"], "fr": ["européenne", "maghrébine", "africaine", "asiatique"],
    "es": ["gitana", "latinoamericana", "magrebí", "europea"], "pt": ["branca", "preta", "parda", "amarela", "indígena"],
    "it": ["italiana", "rom", "nordafricana", "albanese"], "nl": ["Nederlands", "Marokkaans", "Turks", "Surinaams", "Antilliaans"],
    "pl": ["polskie", "śląskie", "kaszubskie", "ukraińskie", "romskie"], "ja": ["大和民族", "アイヌ", "琉球", "在日韓国人"],
    "zh": ["汉族", "回族", "藏族", "维吾尔族", "壮族", "满族"],
}  # fmt: skip
ORIENTATION = {
    "en": ["heterosexual", "gay", "lesbian", "bisexual", "asexual", "prefer not to say"], "de": ["heterosexuell", "homosexuell", "bisexuell", "keine Angabe"],
    "fr": ["hétérosexuel", "homosexuel", "bisexuel", "non précisé"], "es": ["heterosexual", "homosexual", "bisexual", "prefiere no decir"],
    "pt": ["heterossexual", "homossexual", "bissexual", "prefiro não dizer"], "it": ["eterosessuale", "omosessuale", "bisessuale"],
    "nl": ["heteroseksueel", "homoseksueel", "biseksueel"], "pl": ["heteroseksualna", "homoseksualna", "biseksualna"],
    "ja": ["異性愛", "同性愛", "両性愛", "無回答"], "zh": ["异性恋", "同性恋", "双性恋", "不愿透露"],
}  # fmt: skip
POLITICS = {
    "en": ["Democrat", "Republican", "Independent", "Libertarian", "Green"], "de": ["CDU", "SPD", "Grüne", "FDP", "AfD", "Die Linke", "CSU"],
    "fr": ["Renaissance", "LR", "PS", "RN", "LFI", "EELV"], "es": ["PP", "PSOE", "Vox", "Sumar", "ERC", "PNV"],
    "pt": ["PT", "PL", "MDB", "PSDB", "PSOL", "União Brasil"], "it": ["PD", "Fratelli d'Italia", "Lega", "M5S", "Forza Italia"],
    "nl": ["VVD", "PVV", "GL-PvdA", "NSC", "D66", "CDA", "SP"], "pl": ["PiS", "KO", "PSL", "Lewica", "Konfederacja"],
    "ja": ["自由民主党", "立憲民主党", "公明党", "日本維新の会", "共産党"], "zh": ["中共党员", "共青团员", "群众", "民主党派"],
}  # fmt: skip
UNION = {
    "en": ["yes", "no"], "de": ["ver.di", "IG Metall", "GEW", "keine", "IG BCE"], "fr": ["CGT", "CFDT", "FO", "aucun", "SUD"],
    "es": ["CCOO", "UGT", "CGT", "ninguno"], "pt": ["sim", "não"], "it": ["CGIL", "CISL", "UIL", "nessuno"],
    "nl": ["FNV", "CNV", "geen"], "pl": ["NSZZ Solidarność", "OPZZ", "brak"], "ja": ["連合", "全労連", "なし"], "zh": ["是", "否"],
}  # fmt: skip
DIAGNOSES = [
    "E11.9",
    "I10",
    "J45.909",
    "F32.1",
    "M54.5",
    "K21.9",
    "E66.9",
    "C50.911",
    "G43.909",
    "N39.0",
    "B20",
    "F41.1",
]
DIAGNOSIS_WORDS = {
    "en": ["type 2 diabetes", "hypertension", "asthma", "depression", "migraine", "breast cancer", "HIV"],
    "de": ["Diabetes mellitus Typ 2", "Bluthochdruck", "Asthma", "Depression", "Migräne", "Brustkrebs"],
    "fr": ["diabète de type 2", "hypertension", "asthme", "dépression", "migraine", "cancer du sein"],
    "es": ["diabetes tipo 2", "hipertensión", "asma", "depresión", "migraña", "cáncer de mama"],
    "pt": ["diabetes tipo 2", "hipertensão", "asma", "depressão", "enxaqueca", "câncer de mama"],
    "it": ["diabete di tipo 2", "ipertensione", "asma", "depressione", "emicrania", "tumore al seno"],
    "nl": ["diabetes type 2", "hoge bloeddruk", "astma", "depressie", "migraine", "borstkanker"],
    "pl": ["cukrzyca typu 2", "nadciśnienie", "astma", "depresja", "migrena", "rak piersi"],
    "ja": ["2型糖尿病", "高血圧", "喘息", "うつ病", "片頭痛"], "zh": ["2型糖尿病", "高血压", "哮喘", "抑郁症", "偏头痛"],
}  # fmt: skip
STATUS = {
    "en": ["shipped", "pending", "delivered", "cancelled", "returned"], "de": ["versendet", "offen", "zugestellt", "storniert"],
    "fr": ["expédiée", "en attente", "livrée", "annulée"], "es": ["enviado", "pendiente", "entregado", "cancelado"],
    "pt": ["enviado", "pendente", "entregue", "cancelado"], "it": ["spedito", "in attesa", "consegnato", "annullato"],
    "nl": ["verzonden", "in behandeling", "geleverd", "geannuleerd"], "pl": ["wysłane", "oczekujące", "dostarczone", "anulowane"],
    "ja": ["発送済み", "保留中", "配達済み", "キャンセル"], "zh": ["已发货", "待处理", "已送达", "已取消"],
}  # fmt: skip
FLAGS = {"en": ["true", "false"], "de": ["ja", "nein"], "fr": ["oui", "non"], "es": ["sí", "no"], "pt": ["sim", "não"],
         "it": ["sì", "no"], "nl": ["ja", "nee"], "pl": ["tak", "nie"], "ja": ["はい", "いいえ"], "zh": ["是", "否"]}  # fmt: skip


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _complete(body: str, is_valid, width: int = 1) -> str:
    """The body with the check digits (width of them) that the stdnum validator accepts, or '' if none."""
    for n in range(10**width):
        candidate = body + str(n).zfill(width)
        if is_valid(candidate):
            return candidate
    return ""


def _birth(rng: random.Random) -> dt.date:
    return TODAY - dt.timedelta(days=rng.randint(18 * 365, 90 * 365))


def national_id(language: str, rng: random.Random) -> str:
    from stdnum.br import cpf
    from stdnum.cn import ric
    from stdnum.de import idnr
    from stdnum.es import dni
    from stdnum.fr import nir
    from stdnum.it import codicefiscale
    from stdnum.jp import in_ as my_number
    from stdnum.nl import bsn
    from stdnum.pl import pesel

    b = _birth(rng)
    while True:
        if language == "en":
            v = f"{rng.randint(1, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
        elif language == "de":
            v = _complete(str(rng.randint(1, 9)) + _digits(rng, 9), idnr.is_valid)
        elif language == "fr":
            body = f"{rng.randint(1, 2)}{b:%y%m}{rng.randint(1, 95):02d}{_digits(rng, 6)}"
            v = body + nir.calc_check_digits(body)
            v = f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]} {v[13:]}" if rng.random() < 0.5 else v
        elif language == "es":
            body = _digits(rng, 8)
            v = body + dni.calc_check_digit(body)
        elif language == "pt":
            v = _complete(_digits(rng, 9), cpf.is_valid, 2)
            v = f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}" if rng.random() < 0.6 else v
        elif language == "it":
            body = "".join(rng.choice("BCDFGLMNPRSTVZ") for _ in range(6)) + f"{b:%y}" + rng.choice("ABCDEHLMPRST")
            body += f"{b.day + rng.choice((0, 40)):02d}" + rng.choice("ABCDEFGHILM") + _digits(rng, 3)
            v = body + codicefiscale.calc_check_digit(body)
        elif language == "nl":
            v = _complete(_digits(rng, 8), bsn.is_valid)
        elif language == "pl":
            month = b.month + (20 if b.year >= 2000 else 0)
            body = f"{b:%y}{month:02d}{b:%d}{_digits(rng, 4)}"
            v = body + pesel.calc_check_digit(body)
        elif language == "ja":
            body = _digits(rng, 11)
            v = body + my_number.calc_check_digit(body)
        else:
            body = f"{rng.choice(('110101', '310104', '440305', '510107'))}{b:%Y%m%d}{_digits(rng, 3)}"
            v = body + ric.calc_check_digit(body)
        if v:
            return v


def tax_id(language: str, rng: random.Random) -> str:
    from stdnum.de import stnr
    from stdnum.es import dni
    from stdnum.fr import nif as fr_nif
    from stdnum.pl import nip
    from stdnum.pt import nif as pt_nif

    while True:
        if language == "en":
            v = f"9{_digits(rng, 2)}-{rng.choice(('70', '78', '83', '90', '94'))}-{_digits(rng, 4)}"  # ITIN
        elif language == "de":
            v = f"{rng.randint(10, 99)}/{rng.randint(100, 999)}/{_digits(rng, 5)}"
            v = v if stnr.is_valid(v) else ""
        elif language == "fr":
            v = _complete(str(rng.randint(0, 3)) + _digits(rng, 10), fr_nif.is_valid, 2)
        elif language == "es":
            body = _digits(rng, 8)
            v = body + dni.calc_check_digit(body)
        elif language == "pt":
            body = str(rng.choice((1, 2, 3))) + _digits(rng, 7)
            v = body + pt_nif.calc_check_digit(body)
        elif language == "it":
            v = national_id("it", rng)
        elif language == "nl":
            v = national_id("nl", rng)
        elif language == "pl":
            v = _complete(_digits(rng, 9), nip.is_valid)
            v = f"{v[:3]}-{v[3:6]}-{v[6:8]}-{v[8:]}" if v and rng.random() < 0.5 else v
        elif language == "ja":
            v = national_id("ja", rng)
        else:
            v = f"91{_digits(rng, 4)}MA{_digits(rng, 9)}{rng.choice('ABCDEFGHJK')}"[:18]  # unified social credit code
        if v:
            return v


def card(kind: str, rng: random.Random) -> str:
    if kind == "amex":
        number = _complete(rng.choice(("34", "37")) + _digits(rng, 12), luhn.is_valid)
        return f"{number[:4]} {number[4:10]} {number[10:]}" if rng.random() < 0.7 else number
    number = _payment().credit_card_number()
    digits = number.replace(" ", "")
    if kind == "sci":  # a spreadsheet's export of the number as a float
        return f"{float(digits):.5E}".replace("E+", "E+")
    return rng.choice((number, digits, "-".join(digits[i : i + 4] for i in range(0, 16, 4))))


def phone(language: str, rng: random.Random) -> str:
    region = REGION[language]
    if rng.random() < 0.5:
        return _providers(language)[0].telephone()
    kind = rng.choice((phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE))
    example = phonenumbers.example_number_for_type(region, kind)
    national = str(example.national_number)
    keep = max(3, len(national) - 4)  # vary the subscriber digits, keep the region's prefix
    number = phonenumbers.parse(f"+{example.country_code}{national[:keep]}{_digits(rng, len(national) - keep)}")
    fmt = rng.choice((phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.NATIONAL,
                      phonenumbers.PhoneNumberFormat.E164))  # fmt: skip
    return phonenumbers.format_number(number, fmt)


@cache
def _payment() -> Payment:
    return Payment(seed=11)


@cache
def _providers(language: str):
    loc = LOCALE[language]
    return Person(loc, seed=7), Address(loc, seed=7), Finance(loc, seed=7), Datetime(loc, seed=7), Text(loc, seed=7)


def generators(language: str, rng: random.Random) -> dict:
    """key -> a function making one value; the Mimesis providers are made once and seeded from `rng`."""
    seed = rng.randint(0, 10**9)
    person, address, finance, datetime, text = _providers(language)
    net, crypto, code = Internet(seed=seed), Cryptographic(seed=seed), Code(seed=seed)
    for provider in (person, address, finance, datetime, text):
        provider.reseed(seed)
    return {
        "given": person.first_name, "family": person.last_name, "full": person.full_name, "maiden": person.last_name,
        "user": person.username, "pass": lambda: person.password(length=rng.randint(8, 16)),
        "token": lambda: rng.choice(("sk_live_", "ghp_", "AKIA", "xoxb-", "")) + crypto.token_urlsafe(24),
        "email": person.email, "phone": lambda: phone(language, rng), "street": address.address,
        "post": address.postal_code, "city": address.city, "region": address.region,
        "lat": lambda: f"{address.latitude():.6f}", "lon": lambda: f"{address.longitude():.6f}",
        "ip": lambda: net.ip_v4() if rng.random() < 0.8 else net.ip_v6(), "mac": net.mac_address,
        "imei": code.imei, "adid": lambda: crypto.uuid().upper() if rng.random() < 0.5 else crypto.uuid(),
        "dob": lambda: _birth(rng).strftime(rng.choice(DOB_FORMATS[language])), "age": lambda: str(rng.randint(18, 92)),
        "gender": person.gender, "job": person.occupation, "employer": finance.company,
        "nid": lambda: national_id(language, rng), "tax": lambda: tax_id(language, rng),
        "passport": lambda: rng.choice(string.ascii_uppercase) + rng.choice(("", rng.choice(string.ascii_uppercase))) + _digits(rng, 7),
        "licence": lambda: "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(rng.choice((8, 9, 11, 12)))),
        "card": lambda: card("plain", rng), "amex": lambda: card("amex", rng), "card_sci": lambda: card("sci", rng),
        "iban": lambda: iban(language, rng), "blood": person.blood_type,
        "diagnosis": lambda: rng.choice(DIAGNOSES) if rng.random() < 0.5 else rng.choice(DIAGNOSIS_WORDS[language]),
        "religion": lambda: rng.choice(RELIGION[language]), "ethnicity": lambda: rng.choice(ETHNICITY[language]),
        "orientation": lambda: rng.choice(ORIENTATION[language]), "politics": lambda: rng.choice(POLITICS[language]),
        "union": lambda: rng.choice(UNION[language]),
        "biometric": lambda: base64.b64encode(rng.randbytes(rng.choice((48, 64, 96)))).decode(),
        "price": lambda: f"{rng.uniform(0.5, 2000):.2f}", "qty": lambda: str(rng.randint(1, 500)),
        "sku": lambda: rng.choice(("SKU-", "ART", "P", "")) + _digits(rng, rng.choice((5, 6, 8))),
        "order": lambda: rng.choice(("", "ORD-", "#")) + _digits(rng, rng.choice((7, 9, 10))),
        "status": lambda: rng.choice(STATUS[language]), "epoch": lambda: str(rng.randint(1_500_000_000, 1_790_000_000)),
        "iso_ts": lambda: datetime.datetime(start=2019, end=2026).isoformat(timespec="seconds"),
        "hash": lambda: crypto.hash(), "uuid": crypto.uuid, "version": lambda: f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
        "store_lat": lambda: f"{address.latitude():.5f}", "store_lon": lambda: f"{address.longitude():.5f}",
        "product": lambda: text.word().capitalize() + " " + rng.choice(("Pro", "Max", "Mini", "Plus", "XL", "2")),
        "supplier": finance.company, "currency": lambda: finance.currency_iso_code(),
        "revenue_sci": lambda: f"{rng.uniform(1, 9.99):.5E}".replace("E+00", f"E+{rng.randint(4, 9):02d}"),
        "ean": code.ean, "rating": lambda: str(rng.randint(1, 5)),
        "order_date": lambda: (TODAY - dt.timedelta(days=rng.randint(0, 700))).strftime(rng.choice(DOB_FORMATS[language])),
        "color": text.color, "flag": lambda: rng.choice(FLAGS[language]),
    }  # fmt: skip


BBAN_SHAPE = {"GB": "LLLL" + "D" * 14, "NL": "LLLL" + "D" * 10, "IT": "L" + "D" * 22}  # letters where banks put them


def iban(language: str, rng: random.Random) -> str:
    """A valid IBAN of the locale's country: the BBAN in the country's shape, national check digits included
    (drawn until python-stdnum, which checks them for ES, FR, IT and others, accepts the number)."""
    country, length = IBAN_COUNTRY[language]
    shape = BBAN_SHAPE.get(country, "D" * length)
    while True:
        bban = "".join(rng.choice(string.ascii_uppercase) if c == "L" else rng.choice(string.digits) for c in shape)
        number = country + std_iban.calc_check_digits(country + "00" + bban) + bban
        if std_iban.is_valid(number):
            return std_iban.format(number) if rng.random() < 0.5 else number


def values_for(language: str, key: str, rng: random.Random, rows: int) -> list[str]:
    make = generators(language, rng)[key]
    return [str(make()) for _ in range(rows)]
