"""Free-text cases for the span detector, in ten languages: sentences a support ticket, a search box or a
comment field holds, with names, e-mails, phones, IPs, cards and IBANs from Mimesis / phonenumbers /
python-stdnum (not Faker, not the project's generator) and gold spans. Templates are split into the tuning
half and the held-out half by a hash, fixed before any tuning (see bench/pii_corpus.py)."""

from __future__ import annotations

import hashlib
import random

from mimesis import Internet, Person
from pii_corpus_values import LOCALE, card, iban, phone

# {} marks the one personal value of the sentence; its entity follows
TEMPLATES: dict[str, list[tuple[str, str | None]]] = {
    "en": [("please call {} after 5pm", "phone"), ("send the invoice to {} thanks", "email"),
           ("order placed by {} was never delivered", "person_name"), ("my card {} was charged twice", "credit_card"),
           ("login blocked from {} again", "ip_address"), ("Dear {}, your parcel is on its way", "person_name"),
           ("refund to IBAN {} please", "iban"), ("contact: {}", "email"), ("red running shoes size 42 under 50", None),
           ("order 88412093 arrived on 2026-03-04", None), ("version 3.2.1 crashes on start", None)],
    "de": [("bitte rufen Sie mich unter {} an", "phone"), ("Rechnung bitte an {} schicken", "email"),
           ("Bestellung von {} ist nicht angekommen", "person_name"), ("Karte {} wurde doppelt belastet", "credit_card"),
           ("Zugriff von {} gesperrt", "ip_address"), ("Sehr geehrte Frau {}, Ihr Paket ist unterwegs", "person_name"),
           ("Erstattung auf IBAN {}", "iban"), ("Winterjacke Größe L unter 80 Euro", None),
           ("Lieferung 4711 am 12.03.2026 erhalten", None)],
    "fr": [("merci de m'appeler au {}", "phone"), ("envoyez la facture à {} svp", "email"),
           ("la commande de {} n'est jamais arrivée", "person_name"), ("ma carte {} a été débitée deux fois", "credit_card"),
           ("connexion bloquée depuis {}", "ip_address"), ("Bonjour Madame {}, votre colis est en route", "person_name"),
           ("remboursement sur l'IBAN {}", "iban"), ("chaussures de course rouges taille 42", None),
           ("commande 55120 livrée le 04/03/2026", None)],
    "es": [("llámeme al {} por la tarde", "phone"), ("envíen la factura a {} gracias", "email"),
           ("el pedido de {} nunca llegó", "person_name"), ("mi tarjeta {} fue cobrada dos veces", "credit_card"),
           ("acceso bloqueado desde {}", "ip_address"), ("Estimada Sra. {}, su paquete está en camino", "person_name"),
           ("reembolso al IBAN {}", "iban"), ("zapatillas rojas talla 42 menos de 50", None),
           ("pedido 99301 entregado el 04/03/2026", None)],
    "pt": [("me ligue no {} depois das 17h", "phone"), ("enviar a nota fiscal para {} obrigado", "email"),
           ("o pedido de {} nunca chegou", "person_name"), ("meu cartão {} foi cobrado duas vezes", "credit_card"),
           ("acesso bloqueado a partir de {}", "ip_address"), ("Prezado Sr. {}, seu pacote está a caminho", "person_name"),
           ("reembolso para o IBAN {}", "iban"), ("tênis de corrida vermelho tamanho 42", None),
           ("pedido 77120 entregue em 04/03/2026", None)],
    "it": [("chiamatemi al {} dopo le 17", "phone"), ("inviate la fattura a {} grazie", "email"),
           ("l'ordine di {} non è mai arrivato", "person_name"), ("la mia carta {} è stata addebitata due volte", "credit_card"),
           ("accesso bloccato da {}", "ip_address"), ("Gentile Sig.ra {}, il suo pacco è in viaggio", "person_name"),
           ("rimborso sull'IBAN {}", "iban"), ("scarpe da corsa rosse taglia 42", None),
           ("ordine 66012 consegnato il 04/03/2026", None)],
    "nl": [("bel me op {} na vijf uur", "phone"), ("stuur de factuur naar {} bedankt", "email"),
           ("de bestelling van {} is nooit aangekomen", "person_name"), ("mijn kaart {} is twee keer belast", "credit_card"),
           ("toegang geblokkeerd vanaf {}", "ip_address"), ("Beste mevrouw {}, uw pakket is onderweg", "person_name"),
           ("terugbetaling op IBAN {}", "iban"), ("rode hardloopschoenen maat 42", None),
           ("bestelling 31200 geleverd op 04-03-2026", None)],
    "pl": [("proszę dzwonić pod numer {} po 17", "phone"), ("proszę wysłać fakturę na {} dziękuję", "email"),
           ("zamówienie od {} nigdy nie dotarło", "person_name"), ("moja karta {} została obciążona dwa razy", "credit_card"),
           ("dostęp zablokowany z adresu {}", "ip_address"), ("Szanowna Pani {}, paczka jest w drodze", "person_name"),
           ("zwrot na IBAN {}", "iban"), ("czerwone buty do biegania rozmiar 42", None),
           ("zamówienie 41230 dostarczone 04.03.2026", None)],
    "ja": [("{}までお電話ください", "phone"), ("請求書は{}に送ってください", "email"), ("{}様のご注文が届いていません", "person_name"),
           ("カード{}が二重に請求されました", "credit_card"), ("{}からのアクセスをブロックしました", "ip_address"),
           ("担当の{}さんに連絡してください", "person_name"), ("IBAN {}へ返金してください", "iban"),
           ("赤いランニングシューズ 27cm", None), ("注文番号 88412 は 2026年3月4日に届きました", None)],
    "zh": [("请拨打{}联系我", "phone"), ("请把发票发送到{}谢谢", "email"), ("{}先生的订单一直没有送到", "person_name"),
           ("我的卡{}被扣款两次", "credit_card"), ("来自{}的登录已被阻止", "ip_address"), ("请联系{}女士处理退款", "person_name"),
           ("请退款到IBAN {}", "iban"), ("红色跑鞋42码", None), ("订单 55120 于2026年3月4日送达", None)],
}  # fmt: skip
PER_TEMPLATE = 12


def _half(language: str, template: str) -> str:
    return "held_out" if hashlib.sha256(f"text/{language}/{template}".encode()).digest()[0] % 2 else "tune"


def _value(language: str, entity: str, rng: random.Random) -> str:
    person = Person(LOCALE[language], seed=rng.randint(0, 10**9))
    if entity == "person_name":
        if language in ("ja", "zh"):
            return person.last_name() + person.first_name()  # family name first, no space
        return person.full_name()
    if entity == "email":
        return person.email()
    if entity == "phone":
        return phone(language, rng)
    if entity == "ip_address":
        return Internet(seed=rng.randint(0, 10**9)).ip_v4()
    if entity == "credit_card":
        return card("plain", rng)
    return iban(language, rng)


def span_cases(half: str) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(start, end, entity)]) for the templates of this half."""
    cases = []
    for language, templates in TEMPLATES.items():
        for template, entity in templates:
            if _half(language, template) != half:
                continue
            rng = random.Random(f"text/{language}/{template}")
            for _ in range(PER_TEMPLATE if entity else 3):
                if entity is None:
                    cases.append((template, []))
                    continue
                value = _value(language, entity, rng)
                start = template.index("{}")
                cases.append((template.replace("{}", value, 1), [(start, start + len(value), entity)]))
    return cases
