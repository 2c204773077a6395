"""An independent labelled corpus for the PII scanner: columns in ten languages, values from sources other
than the project's generator, split once into a tuning half and a held-out half.

Independence:
- values come from Mimesis (its own locale data, not Faker's, which the project's generator and the scanner's
  name dictionary use), from python-stdnum check-digit rules (real national and tax id formats), from
  phonenumbers' per-region example numbers, and from each locale's public conventions written here (date
  formats, blood groups, religions, parties, ICD-10 codes);
- column names are written per language in the conventions tables use (snake, camel, Pascal, kebab, upper,
  abbreviations, CJK), independently of the scanner's hint lexicon (which lives in veil/detection and is not
  imported here);
- the split is a hash of (language, column key), fixed before any tuning: `half == "tune"` is what the
  detectors were adjusted on; `half == "held_out"` is scored once and reported.

    from pii_corpus import corpus
    columns = corpus()  # list[Column]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

ROWS = 150
TODAY = dt.date(2026, 12, 1)

# gold privacy class of each positive entity (as the scanner's classes name them)
DIRECT, QUASI, SENSITIVE = "direct_identifier", "quasi_identifier", "sensitive"
GOLD_CLASS = {
    "person_name": DIRECT, "email": DIRECT, "phone": DIRECT, "street_address": DIRECT, "national_id": DIRECT,
    "tax_id": DIRECT, "passport_number": DIRECT, "driving_licence": DIRECT, "credit_card": DIRECT, "iban": DIRECT,
    "username": DIRECT, "password": SENSITIVE, "secret_token": SENSITIVE, "postcode": QUASI, "city": QUASI,
    "region": QUASI, "geo_coordinates": QUASI, "ip_address": QUASI, "mac_address": QUASI, "device_id": QUASI,
    "date_of_birth": QUASI, "age": QUASI, "gender": SENSITIVE, "occupation": QUASI, "employer": QUASI,
    "health": SENSITIVE, "religion": SENSITIVE, "ethnicity": SENSITIVE, "sexual_orientation": SENSITIVE,
    "political_opinion": SENSITIVE, "trade_union": SENSITIVE, "biometric": SENSITIVE,
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    language: str
    key: str  # what the column is (e.g. "dob", "price"): the split and the report group by it
    name: str
    values: list[str]
    entity: str | None  # None: business data, not personal
    half: str  # "tune" or "held_out"

    @property
    def gold_class(self) -> str | None:
        return GOLD_CLASS[self.entity] if self.entity else None


def _half(language: str, key: str) -> str:
    return "held_out" if hashlib.sha256(f"{language}/{key}".encode()).digest()[0] % 2 else "tune"


# ------------------------------------------------------------------ column names per language
# key -> column names (a random one is taken, then written in a random convention)
NAMES: dict[str, dict[str, list[str]]] = {
    "en": {
        "given": ["first name", "given name", "fname", "forename"], "family": ["last name", "surname", "lname"],
        "full": ["full name", "customer name", "name", "account holder"], "maiden": ["mother maiden name", "mothers maiden name"],
        "user": ["username", "user name", "login", "screen name"], "pass": ["password", "pwd", "passwd"],
        "token": ["api key", "access token", "auth token"], "email": ["email", "e-mail address", "contact email"],
        "phone": ["phone", "tel", "phone number", "mobile"], "street": ["street address", "address line 1", "addr"],
        "post": ["zip", "zip code", "postal code"], "city": ["city", "town", "home city"], "region": ["state", "province", "county"],
        "lat": ["home latitude", "lat"], "lon": ["home longitude", "lng"], "ip": ["ip", "ip address", "last login ip"],
        "mac": ["mac address", "mac", "hw addr"], "imei": ["imei", "device imei"], "adid": ["advertising id", "idfa", "gaid"],
        "dob": ["birthday", "date of birth", "dob", "birth date"], "age": ["age", "age years"], "gender": ["gender", "sex"],
        "job": ["occupation", "job title", "profession"], "employer": ["employer", "employer name", "works at"],
        "nid": ["ssn", "social security number", "national id"], "tax": ["tax id", "itin", "tin"],
        "passport": ["passport number", "passport no"], "licence": ["driver license", "drivers license number", "dl number"],
        "card": ["credit card", "card number", "cc number", "pan"], "amex": ["amex card", "card no"], "card_sci": ["CCNumber", "credit card number"],
        "iban": ["iban", "bank account"], "blood": ["blood type", "blood group"], "diagnosis": ["diagnosis", "diagnosis code", "medical condition"],
        "religion": ["religion", "faith"], "ethnicity": ["ethnicity", "race"], "orientation": ["sexual orientation"],
        "politics": ["political party", "party affiliation"], "union": ["union member", "trade union"], "biometric": ["fingerprint template", "face embedding"],
        "price": ["price", "unit price", "amount"], "qty": ["quantity", "qty", "units"], "sku": ["sku", "product code"],
        "order": ["order id", "order number"], "status": ["status", "order status"], "epoch": ["created", "ts", "updated epoch"],
        "iso_ts": ["created at", "timestamp", "event time"], "hash": ["checksum", "sha256", "digest"], "uuid": ["request id", "uuid", "trace id"],
        "version": ["version", "app version"], "store_lat": ["store latitude", "warehouse lat"], "store_lon": ["store longitude", "warehouse lng"],
        "product": ["product name", "item"], "supplier": ["supplier", "vendor name"], "currency": ["currency"],
        "revenue_sci": ["revenue", "total sales"], "ean": ["ean", "barcode"], "order_date": ["order date", "ship date"],
        "rating": ["rating", "stars"], "color": ["color", "colour"], "flag": ["is active", "in stock"],
    },
    "de": {
        "given": ["vorname", "rufname"], "family": ["nachname", "familienname", "zuname"], "full": ["name", "kundenname", "vollständiger name"],
        "maiden": ["geburtsname mutter", "mädchenname der mutter"], "user": ["benutzername", "login name", "anmeldename"],
        "pass": ["passwort", "kennwort"], "token": ["api schlüssel", "zugangstoken"], "email": ["e-mail", "email adresse", "mailadresse"],
        "phone": ["telefon", "telefonnummer", "handy", "tel nr"], "street": ["straße", "strasse und hausnummer", "anschrift"],
        "post": ["plz", "postleitzahl"], "city": ["ort", "stadt", "wohnort"], "region": ["bundesland", "land region"],
        "lat": ["breitengrad wohnort"], "lon": ["längengrad wohnort"], "ip": ["ip adresse", "ip"], "mac": ["mac adresse"],
        "imei": ["imei nummer"], "adid": ["werbe id", "advertising id"], "dob": ["geburtsdatum", "geb datum", "geburtstag"],
        "age": ["alter"], "gender": ["geschlecht"], "job": ["beruf", "tätigkeit"], "employer": ["arbeitgeber"],
        "nid": ["steuer id", "steuerliche identifikationsnummer"], "tax": ["steuernummer", "steuer nr"],
        "passport": ["reisepassnummer", "pass nr"], "licence": ["führerscheinnummer"], "card": ["kreditkarte", "kartennummer"],
        "amex": ["kreditkartennummer"], "card_sci": ["KartenNr"], "iban": ["iban", "bankverbindung"], "blood": ["blutgruppe"],
        "diagnosis": ["diagnose", "icd code"], "religion": ["konfession", "religion"], "ethnicity": ["ethnische herkunft"],
        "orientation": ["sexuelle orientierung"], "politics": ["partei", "parteizugehörigkeit"], "union": ["gewerkschaft", "gewerkschaftsmitglied"],
        "biometric": ["fingerabdruck"], "price": ["preis", "betrag", "einzelpreis"], "qty": ["menge", "anzahl", "stückzahl"],
        "sku": ["artikelnummer", "art nr"], "order": ["bestellnummer", "auftragsnummer"], "status": ["status", "bestellstatus"],
        "epoch": ["zeitstempel", "erstellt"], "iso_ts": ["erstellt am", "zeitpunkt"], "hash": ["prüfsumme", "hashwert"],
        "uuid": ["vorgangs id", "uuid"], "version": ["version", "softwareversion"], "store_lat": ["filiale breitengrad"],
        "store_lon": ["filiale längengrad"], "product": ["produktname", "artikel"], "supplier": ["lieferant", "hersteller"],
        "currency": ["währung"], "revenue_sci": ["umsatz"], "ean": ["ean", "strichcode"], "order_date": ["bestelldatum", "lieferdatum"],
        "rating": ["bewertung"], "color": ["farbe"], "flag": ["aktiv", "auf lager"],
    },
    "fr": {
        "given": ["prénom", "prenom"], "family": ["nom de famille", "nom"], "full": ["nom complet", "nom client"],
        "maiden": ["nom de jeune fille de la mère"], "user": ["identifiant", "nom utilisateur", "pseudo"], "pass": ["mot de passe", "mdp"],
        "token": ["jeton api", "clé api"], "email": ["courriel", "adresse mail", "email"], "phone": ["téléphone", "tél", "portable", "num tel"],
        "street": ["adresse", "adresse postale", "rue"], "post": ["code postal", "cp"], "city": ["ville", "commune"],
        "region": ["région", "département"], "lat": ["latitude domicile"], "lon": ["longitude domicile"], "ip": ["adresse ip"],
        "mac": ["adresse mac"], "imei": ["imei"], "adid": ["identifiant publicitaire"], "dob": ["date de naissance", "date naissance", "anniversaire"],
        "age": ["âge"], "gender": ["sexe", "genre", "civilité"], "job": ["profession", "métier"], "employer": ["employeur"],
        "nid": ["numéro de sécurité sociale", "nir"], "tax": ["numéro fiscal", "spi"], "passport": ["numéro de passeport"],
        "licence": ["numéro de permis de conduire"], "card": ["carte bancaire", "numéro de carte"], "amex": ["num carte"],
        "card_sci": ["NumCarte"], "iban": ["iban", "rib"], "blood": ["groupe sanguin"], "diagnosis": ["diagnostic", "pathologie"],
        "religion": ["religion", "confession"], "ethnicity": ["origine ethnique"], "orientation": ["orientation sexuelle"],
        "politics": ["parti politique", "opinion politique"], "union": ["syndicat", "adhérent syndical"], "biometric": ["empreinte digitale"],
        "price": ["prix", "montant", "prix unitaire"], "qty": ["quantité", "qté"], "sku": ["référence", "ref produit"],
        "order": ["numéro de commande", "id commande"], "status": ["statut", "état commande"], "epoch": ["horodatage"],
        "iso_ts": ["date création", "créé le"], "hash": ["empreinte sha256", "somme de contrôle"], "uuid": ["identifiant requête", "uuid"],
        "version": ["version"], "store_lat": ["latitude magasin"], "store_lon": ["longitude magasin"], "product": ["nom produit", "article"],
        "supplier": ["fournisseur"], "currency": ["devise"], "revenue_sci": ["chiffre d affaires"], "ean": ["code barre", "ean"],
        "order_date": ["date de commande", "date livraison"], "rating": ["note", "évaluation"], "color": ["couleur"], "flag": ["actif", "en stock"],
    },
    "es": {
        "given": ["nombre", "nombre de pila"], "family": ["apellido", "apellidos", "primer apellido"], "full": ["nombre completo", "nombre cliente"],
        "maiden": ["apellido materno", "apellido de soltera de la madre"], "user": ["usuario", "nombre de usuario"], "pass": ["contraseña", "clave"],
        "token": ["token api", "clave api"], "email": ["correo", "correo electrónico", "email"], "phone": ["teléfono", "tlf", "móvil", "celular"],
        "street": ["dirección", "domicilio", "calle"], "post": ["código postal", "cp"], "city": ["ciudad", "localidad", "municipio"],
        "region": ["provincia", "comunidad autónoma"], "lat": ["latitud domicilio"], "lon": ["longitud domicilio"], "ip": ["dirección ip", "ip"],
        "mac": ["dirección mac"], "imei": ["imei"], "adid": ["id publicidad"], "dob": ["fecha de nacimiento", "fecha nac", "cumpleaños"],
        "age": ["edad"], "gender": ["sexo", "género"], "job": ["profesión", "ocupación", "puesto"], "employer": ["empleador", "empresa donde trabaja"],
        "nid": ["dni", "documento de identidad", "nie"], "tax": ["nif", "número de identificación fiscal"], "passport": ["número de pasaporte"],
        "licence": ["permiso de conducir"], "card": ["tarjeta de crédito", "número de tarjeta"], "amex": ["num tarjeta"], "card_sci": ["NumTarjeta"],
        "iban": ["iban", "cuenta bancaria"], "blood": ["grupo sanguíneo"], "diagnosis": ["diagnóstico", "enfermedad"], "religion": ["religión"],
        "ethnicity": ["etnia", "origen étnico"], "orientation": ["orientación sexual"], "politics": ["partido político", "afiliación política"],
        "union": ["sindicato", "afiliación sindical"], "biometric": ["huella dactilar"], "price": ["precio", "importe"], "qty": ["cantidad", "unidades"],
        "sku": ["código de producto", "sku"], "order": ["número de pedido", "id pedido"], "status": ["estado", "estado pedido"],
        "epoch": ["marca de tiempo"], "iso_ts": ["fecha creación", "creado en"], "hash": ["hash", "suma de verificación"], "uuid": ["id solicitud", "uuid"],
        "version": ["versión"], "store_lat": ["latitud tienda"], "store_lon": ["longitud tienda"], "product": ["nombre producto", "artículo"],
        "supplier": ["proveedor"], "currency": ["moneda"], "revenue_sci": ["facturación"], "ean": ["código de barras"],
        "order_date": ["fecha pedido", "fecha entrega"], "rating": ["valoración"], "color": ["color"], "flag": ["activo", "en stock"],
    },
    "pt": {
        "given": ["primeiro nome", "nome"], "family": ["sobrenome", "apelido"], "full": ["nome completo", "nome do cliente"],
        "maiden": ["nome de solteira da mãe", "nome da mãe"], "user": ["usuário", "nome de usuário", "login"], "pass": ["senha"],
        "token": ["token de acesso", "chave api"], "email": ["email", "e-mail", "correio eletrônico"], "phone": ["telefone", "celular", "tel"],
        "street": ["endereço", "logradouro", "rua"], "post": ["cep", "código postal"], "city": ["cidade", "município"], "region": ["estado", "uf"],
        "lat": ["latitude residência"], "lon": ["longitude residência"], "ip": ["endereço ip", "ip"], "mac": ["endereço mac"],
        "imei": ["imei"], "adid": ["id de publicidade"], "dob": ["data de nascimento", "data nasc", "aniversário"], "age": ["idade"],
        "gender": ["sexo", "gênero"], "job": ["profissão", "ocupação", "cargo"], "employer": ["empregador"], "nid": ["cpf"],
        "tax": ["nif", "número de contribuinte"], "passport": ["número do passaporte"], "licence": ["cnh", "carteira de motorista"],
        "card": ["cartão de crédito", "número do cartão"], "amex": ["num cartão"], "card_sci": ["NumCartao"], "iban": ["iban", "conta bancária"],
        "blood": ["tipo sanguíneo"], "diagnosis": ["diagnóstico", "doença"], "religion": ["religião"], "ethnicity": ["raça cor", "etnia"],
        "orientation": ["orientação sexual"], "politics": ["partido político"], "union": ["sindicato", "filiação sindical"],
        "biometric": ["impressão digital", "biometria"], "price": ["preço", "valor"], "qty": ["quantidade", "qtd"], "sku": ["código do produto"],
        "order": ["número do pedido"], "status": ["situação", "status"], "epoch": ["carimbo de tempo"], "iso_ts": ["criado em", "data criação"],
        "hash": ["hash", "soma de verificação"], "uuid": ["id da requisição", "uuid"], "version": ["versão"], "store_lat": ["latitude loja"],
        "store_lon": ["longitude loja"], "product": ["nome do produto", "produto"], "supplier": ["fornecedor"], "currency": ["moeda"],
        "revenue_sci": ["faturamento"], "ean": ["código de barras"], "order_date": ["data do pedido", "data de entrega"],
        "rating": ["avaliação", "nota"], "color": ["cor"], "flag": ["ativo", "em estoque"],
    },
    "it": {
        "given": ["nome"], "family": ["cognome"], "full": ["nome completo", "nominativo", "nome cliente"], "maiden": ["cognome da nubile della madre"],
        "user": ["nome utente", "utente"], "pass": ["password", "parola d ordine"], "token": ["chiave api", "token di accesso"],
        "email": ["email", "posta elettronica", "indirizzo email"], "phone": ["telefono", "cellulare", "tel"], "street": ["indirizzo", "via"],
        "post": ["cap", "codice postale"], "city": ["città", "comune"], "region": ["regione", "provincia"], "lat": ["latitudine residenza"],
        "lon": ["longitudine residenza"], "ip": ["indirizzo ip"], "mac": ["indirizzo mac"], "imei": ["imei"], "adid": ["id pubblicitario"],
        "dob": ["data di nascita", "data nascita", "compleanno"], "age": ["età"], "gender": ["sesso", "genere"], "job": ["professione", "occupazione"],
        "employer": ["datore di lavoro"], "nid": ["codice fiscale", "cf"], "tax": ["partita iva personale", "codice fiscale persona"],
        "passport": ["numero passaporto"], "licence": ["numero patente"], "card": ["carta di credito", "numero carta"], "amex": ["num carta"],
        "card_sci": ["NumeroCarta"], "iban": ["iban", "conto corrente"], "blood": ["gruppo sanguigno"], "diagnosis": ["diagnosi", "patologia"],
        "religion": ["religione"], "ethnicity": ["etnia", "origine etnica"], "orientation": ["orientamento sessuale"], "politics": ["partito politico"],
        "union": ["sindacato", "iscritto al sindacato"], "biometric": ["impronta digitale"], "price": ["prezzo", "importo"], "qty": ["quantità"],
        "sku": ["codice articolo"], "order": ["numero ordine"], "status": ["stato", "stato ordine"], "epoch": ["marca temporale"],
        "iso_ts": ["creato il", "data creazione"], "hash": ["hash", "impronta sha"], "uuid": ["id richiesta", "uuid"], "version": ["versione"],
        "store_lat": ["latitudine negozio"], "store_lon": ["longitudine negozio"], "product": ["nome prodotto", "articolo"], "supplier": ["fornitore"],
        "currency": ["valuta"], "revenue_sci": ["fatturato"], "ean": ["codice a barre"], "order_date": ["data ordine", "data consegna"],
        "rating": ["valutazione"], "color": ["colore"], "flag": ["attivo", "disponibile"],
    },
    "nl": {
        "given": ["voornaam", "roepnaam"], "family": ["achternaam", "familienaam"], "full": ["volledige naam", "naam klant", "naam"],
        "maiden": ["meisjesnaam moeder"], "user": ["gebruikersnaam"], "pass": ["wachtwoord"], "token": ["api sleutel", "toegangstoken"],
        "email": ["e-mail", "emailadres"], "phone": ["telefoonnummer", "telefoon", "mobiel"], "street": ["adres", "straat en huisnummer"],
        "post": ["postcode"], "city": ["woonplaats", "plaats", "stad"], "region": ["provincie"], "lat": ["breedtegraad woning"],
        "lon": ["lengtegraad woning"], "ip": ["ip adres"], "mac": ["mac adres"], "imei": ["imei"], "adid": ["advertentie id"],
        "dob": ["geboortedatum", "geb datum", "verjaardag"], "age": ["leeftijd"], "gender": ["geslacht"], "job": ["beroep", "functie"],
        "employer": ["werkgever"], "nid": ["bsn", "burgerservicenummer"], "tax": ["fiscaal nummer"], "passport": ["paspoortnummer"],
        "licence": ["rijbewijsnummer"], "card": ["creditcard", "kaartnummer"], "amex": ["creditcardnummer"], "card_sci": ["KaartNr"],
        "iban": ["iban", "rekeningnummer"], "blood": ["bloedgroep"], "diagnosis": ["diagnose", "aandoening"], "religion": ["religie", "geloof"],
        "ethnicity": ["etniciteit", "afkomst"], "orientation": ["seksuele geaardheid"], "politics": ["politieke partij", "partijvoorkeur"],
        "union": ["vakbond", "vakbondslid"], "biometric": ["vingerafdruk"], "price": ["prijs", "bedrag"], "qty": ["aantal", "hoeveelheid"],
        "sku": ["artikelnummer"], "order": ["bestelnummer", "ordernummer"], "status": ["status", "orderstatus"], "epoch": ["tijdstempel"],
        "iso_ts": ["aangemaakt op"], "hash": ["controlesom", "hash"], "uuid": ["verzoek id", "uuid"], "version": ["versie"],
        "store_lat": ["breedtegraad winkel"], "store_lon": ["lengtegraad winkel"], "product": ["productnaam"], "supplier": ["leverancier"],
        "currency": ["valuta"], "revenue_sci": ["omzet"], "ean": ["streepjescode", "ean"], "order_date": ["besteldatum", "leverdatum"],
        "rating": ["beoordeling"], "color": ["kleur"], "flag": ["actief", "op voorraad"],
    },
    "pl": {
        "given": ["imię"], "family": ["nazwisko"], "full": ["imię i nazwisko", "klient"], "maiden": ["nazwisko panieńskie matki"],
        "user": ["nazwa użytkownika", "login"], "pass": ["hasło"], "token": ["klucz api", "token dostępu"], "email": ["email", "adres email"],
        "phone": ["telefon", "numer telefonu", "komórka"], "street": ["adres", "ulica"], "post": ["kod pocztowy"], "city": ["miasto", "miejscowość"],
        "region": ["województwo"], "lat": ["szerokość geograficzna zamieszkania"], "lon": ["długość geograficzna zamieszkania"], "ip": ["adres ip"],
        "mac": ["adres mac"], "imei": ["imei"], "adid": ["identyfikator reklamowy"], "dob": ["data urodzenia", "urodziny"], "age": ["wiek"],
        "gender": ["płeć"], "job": ["zawód", "stanowisko"], "employer": ["pracodawca"], "nid": ["pesel", "numer pesel"], "tax": ["nip"],
        "passport": ["numer paszportu"], "licence": ["numer prawa jazdy"], "card": ["karta kredytowa", "numer karty"], "amex": ["nr karty"],
        "card_sci": ["NrKarty"], "iban": ["iban", "numer konta"], "blood": ["grupa krwi"], "diagnosis": ["diagnoza", "choroba"],
        "religion": ["wyznanie", "religia"], "ethnicity": ["pochodzenie etniczne"], "orientation": ["orientacja seksualna"],
        "politics": ["partia polityczna", "poglądy polityczne"], "union": ["związek zawodowy"], "biometric": ["odcisk palca"],
        "price": ["cena", "kwota"], "qty": ["ilość"], "sku": ["kod produktu"], "order": ["numer zamówienia"], "status": ["status zamówienia"],
        "epoch": ["znacznik czasu"], "iso_ts": ["utworzono"], "hash": ["suma kontrolna"], "uuid": ["id żądania", "uuid"], "version": ["wersja"],
        "store_lat": ["szerokość sklepu"], "store_lon": ["długość sklepu"], "product": ["nazwa produktu"], "supplier": ["dostawca"],
        "currency": ["waluta"], "revenue_sci": ["przychód"], "ean": ["kod kreskowy"], "order_date": ["data zamówienia"], "rating": ["ocena"],
        "color": ["kolor"], "flag": ["aktywny", "dostępny"],
    },
    "ja": {
        "given": ["名", "名前", "下の名前"], "family": ["姓", "苗字"], "full": ["氏名", "顧客名", "お名前"], "maiden": ["母親の旧姓"],
        "user": ["ユーザー名", "ログインID"], "pass": ["パスワード"], "token": ["APIキー", "アクセストークン"], "email": ["メールアドレス", "Eメール"],
        "phone": ["電話番号", "携帯番号", "TEL"], "street": ["住所", "番地"], "post": ["郵便番号", "〒"], "city": ["市区町村"], "region": ["都道府県"],
        "lat": ["自宅緯度"], "lon": ["自宅経度"], "ip": ["IPアドレス"], "mac": ["MACアドレス"], "imei": ["IMEI番号"], "adid": ["広告ID"],
        "dob": ["生年月日", "誕生日"], "age": ["年齢"], "gender": ["性別"], "job": ["職業", "役職"], "employer": ["勤務先"],
        "nid": ["マイナンバー", "個人番号"], "tax": ["納税者番号"], "passport": ["旅券番号", "パスポート番号"], "licence": ["運転免許証番号"],
        "card": ["クレジットカード番号", "カード番号"], "amex": ["カードNo"], "card_sci": ["カード番号"], "iban": ["IBAN", "口座番号"],
        "blood": ["血液型"], "diagnosis": ["病名", "診断名"], "religion": ["宗教"], "ethnicity": ["民族"], "orientation": ["性的指向"],
        "politics": ["支持政党"], "union": ["労働組合"], "biometric": ["指紋データ"], "price": ["価格", "単価", "金額"], "qty": ["数量"],
        "sku": ["商品コード", "品番"], "order": ["注文番号"], "status": ["ステータス", "注文状況"], "epoch": ["タイムスタンプ"], "iso_ts": ["作成日時"],
        "hash": ["ハッシュ値"], "uuid": ["リクエストID"], "version": ["バージョン"], "store_lat": ["店舗緯度"], "store_lon": ["店舗経度"],
        "product": ["商品名"], "supplier": ["仕入先"], "currency": ["通貨"], "revenue_sci": ["売上高"], "ean": ["JANコード"],
        "order_date": ["注文日", "出荷日"], "rating": ["評価"], "color": ["色"], "flag": ["有効", "在庫あり"],
    },
    "zh": {
        "given": ["名字"], "family": ["姓氏"], "full": ["姓名", "客户姓名"], "maiden": ["母亲婚前姓"], "user": ["用户名", "登录名"],
        "pass": ["密码"], "token": ["API密钥", "访问令牌"], "email": ["电子邮箱", "邮箱"], "phone": ["手机号", "电话号码", "联系电话"],
        "street": ["地址", "详细地址"], "post": ["邮编", "邮政编码"], "city": ["城市"], "region": ["省份"], "lat": ["住址纬度"],
        "lon": ["住址经度"], "ip": ["IP地址"], "mac": ["MAC地址"], "imei": ["IMEI号"], "adid": ["广告标识符"], "dob": ["出生日期", "生日"],
        "age": ["年龄"], "gender": ["性别"], "job": ["职业"], "employer": ["工作单位"], "nid": ["身份证号", "身份证号码"],
        "tax": ["纳税人识别号"], "passport": ["护照号码"], "licence": ["驾驶证号"], "card": ["信用卡号", "银行卡号"], "amex": ["卡号"],
        "card_sci": ["银行卡号"], "iban": ["IBAN", "银行账号"], "blood": ["血型"], "diagnosis": ["诊断", "疾病"], "religion": ["宗教信仰"],
        "ethnicity": ["民族"], "orientation": ["性取向"], "politics": ["政治面貌"], "union": ["工会会员"], "biometric": ["指纹"],
        "price": ["价格", "单价", "金额"], "qty": ["数量"], "sku": ["商品编码"], "order": ["订单号"], "status": ["状态", "订单状态"],
        "epoch": ["时间戳"], "iso_ts": ["创建时间"], "hash": ["哈希值"], "uuid": ["请求ID"], "version": ["版本号"], "store_lat": ["门店纬度"],
        "store_lon": ["门店经度"], "product": ["商品名称"], "supplier": ["供应商"], "currency": ["币种"], "revenue_sci": ["营业额"],
        "ean": ["条形码"], "order_date": ["下单日期", "发货日期"], "rating": ["评分"], "color": ["颜色"], "flag": ["是否有效"],
    },
}  # fmt: skip

ENTITY_OF = {
    "given": "person_name", "family": "person_name", "full": "person_name", "maiden": "person_name", "user": "username",
    "pass": "password", "token": "secret_token", "email": "email", "phone": "phone", "street": "street_address",
    "post": "postcode", "city": "city", "region": "region", "lat": "geo_coordinates", "lon": "geo_coordinates",
    "ip": "ip_address", "mac": "mac_address", "imei": "device_id", "adid": "device_id", "dob": "date_of_birth",
    "age": "age", "gender": "gender", "job": "occupation", "employer": "employer", "nid": "national_id", "tax": "tax_id",
    "passport": "passport_number", "licence": "driving_licence", "card": "credit_card", "amex": "credit_card",
    "card_sci": "credit_card", "iban": "iban", "blood": "health", "diagnosis": "health", "religion": "religion",
    "ethnicity": "ethnicity", "orientation": "sexual_orientation", "politics": "political_opinion", "union": "trade_union",
    "biometric": "biometric",
}  # fmt: skip
UNNAMED = ("email", "ip", "mac", "card", "iban", "phone")  # also as a column whose name says nothing


def _convention(phrase: str, rng: random.Random) -> str:
    if not phrase.isascii() and not any(c.isalpha() and c.isascii() for c in phrase):
        return phrase.replace(" ", "") if rng.random() < 0.5 else phrase  # CJK: names are written without spaces
    words = phrase.replace("-", " ").split()
    if len(words) == 1 or phrase[:1].isupper():
        return phrase.replace(" ", "_")
    style = rng.choice(("snake", "camel", "pascal", "kebab", "upper", "space"))
    if style == "camel":
        return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])
    if style == "pascal":
        return "".join(w[:1].upper() + w[1:] for w in words)
    return {"snake": "_".join(words), "kebab": "-".join(words), "upper": "_".join(words).upper(), "space": phrase}[
        style
    ]


def corpus(rows: int = ROWS) -> list[Column]:
    from pii_corpus_values import values_for  # the value side, one module per concern

    out: list[Column] = []
    for language, names in NAMES.items():
        rng = random.Random(f"names/{language}")
        for key, phrases in names.items():
            name = _convention(rng.choice(phrases), rng)
            values = values_for(language, key, random.Random(f"values/{language}/{key}"), rows)
            out.append(Column(language, key, name, values, ENTITY_OF.get(key), _half(language, key)))
        for i, key in enumerate(UNNAMED):
            values = values_for(language, key, random.Random(f"unnamed/{language}/{key}"), rows)
            out.append(
                Column(language, f"{key}_unnamed", f"col_{i + 3}", values, ENTITY_OF[key], _half(language, f"u{key}"))
            )
    return out
