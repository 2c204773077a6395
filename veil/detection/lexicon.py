"""Column-name hints per entity, in English, German, French, Spanish, Portuguese, Italian, Dutch, Polish,
Japanese and Chinese (data, read by veil.detection.names).

A Latin hint is a phrase of folded words (lower case, accents removed, ß → ss): it matches consecutive tokens
of the column name or the name written as one word ("date of birth" matches `dateOfBirth` and `dob` is its
own hint). A hint ending in `*` is a stem for compounding languages: it matches the start of a token
("geburts*" matches `Geburtsdatum`). A CJK hint matches anywhere in the name; a one-character CJK hint only
the whole name. The longest hint that matches decides which entity the name points at.
"""

from __future__ import annotations

HINTS: dict[str, tuple[str, ...]] = {
    "person_name": (
        "name", "first name", "given name", "forename", "last name", "surname", "family name", "full name", "fname",
        "lname", "maiden name", "middle name", "customer name", "contact name", "account holder", "cardholder",
        "holder name", "vorname", "nachname", "familienname", "zuname", "rufname", "geburtsname", "madchenname",
        "kundenname", "prenom", "nom", "nom de famille", "nom complet", "nom de jeune fille", "nombre", "apellido",
        "apellidos", "nombre completo", "apellido materno", "apellido paterno", "nome", "sobrenome", "apelido",
        "nome completo", "nome da mae", "cognome", "nominativo", "nome da nubile", "voornaam", "achternaam",
        "familienaam", "roepnaam", "meisjesnaam", "naam", "imie", "nazwisko", "nazwisko panienskie", "klient",
        "氏名", "名前", "姓名", "苗字", "顧客名", "会員名", "利用者名", "担当者名", "お客様名", "客户名", "联系人", "收件人", "姓氏", "名字", "旧姓", "婚前姓", "お名前", "フリガナ", "姓", "名",
    ),
    "username": (
        "username", "user name", "login", "login name", "screen name", "nickname", "handle", "benutzername",
        "anmeldename", "nom utilisateur", "nom d utilisateur", "identifiant", "pseudo", "usuario", "nombre de usuario",
        "usuario login", "nome de usuario", "nome utente", "utente", "gebruikersnaam", "nazwa uzytkownika",
        "ユーザー名", "ユーザ名", "ログインid", "ログイン名", "用户名", "登录名", "账号",
    ),
    "password": (
        "password", "passwd", "pwd", "pass", "passphrase", "pin", "passwort", "kennwort", "mot de passe", "mdp",
        "contrasena", "clave", "senha", "parola d ordine", "wachtwoord", "haslo", "パスワード", "暗証番号", "密码", "口令",
    ),
    "secret_token": (
        "api key", "apikey", "access token", "auth token", "token", "secret", "secret key", "client secret",
        "bearer", "api schlussel", "zugangstoken", "jeton", "cle api", "clave api", "token de acceso", "chave api",
        "token de acesso", "chiave api", "token di accesso", "api sleutel", "toegangstoken", "klucz api",
        "token dostepu", "apiキー", "アクセストークン", "トークン", "api密钥", "访问令牌", "密钥", "令牌",
    ),
    "email": (
        "email", "e mail", "mail", "email address", "mail address", "emailadresse", "mailadresse", "courriel",
        "adresse mail", "correo", "correo electronico", "correio eletronico", "posta elettronica", "emailadres",
        "adres email", "メール", "メールアドレス", "eメール", "电子邮箱", "邮箱", "电子邮件", "邮件地址",
    ),
    "phone": (
        "phone", "phone number", "telephone", "tel", "tel nr", "mobile", "mobile number", "cell", "cellphone",
        "msisdn", "fax", "telefon", "telefonnummer", "handy", "handynummer", "mobilnummer", "rufnummer", "telephone",
        "portable", "num tel", "numero de telephone", "telefono", "tlf", "movil", "celular", "telefone", "cellulare",
        "telefoonnummer", "telefoon", "mobiel", "numer telefonu", "komorka", "telefon komorkowy", "電話", "電話番号",
        "携帯", "携帯番号", "tel番号", "电话", "电话号码", "手机", "手机号", "联系电话", "telefon*", "telefoon*",
    ),
    "street_address": (
        "address", "street", "street address", "addr", "address line", "home address", "residence", "adresse",
        "anschrift", "strasse", "wohnanschrift", "hausnummer", "rue", "adresse postale", "direccion", "domicilio",
        "calle", "endereco", "logradouro", "rua", "indirizzo", "via", "residenza", "adres", "straat", "woonadres",
        "ulica", "adres zamieszkania", "住所", "番地", "所在地", "地址", "详细地址", "住址", "strasse*", "anschrift*",
    ),
    "postcode": (
        "zip", "zipcode", "zip code", "postcode", "post code", "postal code", "postal", "plz", "postleitzahl",
        "code postal", "cp", "codigo postal", "cep", "cap", "codice postale", "kod pocztowy", "郵便番号", "〒", "邮编",
        "邮政编码",
    ),
    "city": (
        "city", "town", "home city", "ort", "stadt", "wohnort", "ville", "commune", "ciudad", "localidad",
        "municipio", "cidade", "municipio", "citta", "comune", "woonplaats", "plaats", "stad", "miasto",
        "miejscowosc", "市区町村", "都市", "城市", "所在城市",
    ),
    "region": (
        "state", "province", "county", "region", "prefecture", "bundesland", "kanton", "departement", "provincia",
        "comunidad autonoma", "estado", "uf", "regione", "provincie", "wojewodztwo", "都道府県", "省份", "省", "地区",
    ),
    "country": ("country", "country code", "nationality", "land", "staatsangehorigkeit", "pays", "pais", "paese",
                "nazionalita", "kraj", "国籍", "国", "国家"),  # fmt: skip
    "geo_coordinates": (
        "lat", "lon", "lng", "latitude", "longitude", "coordinates", "geo", "latlng", "latlon", "gps", "location",
        "breitengrad", "langengrad", "koordinaten", "latitud", "longitud", "coordenadas", "latitudine", "longitudine",
        "breedtegraad", "lengtegraad", "szerokosc geograficzna", "dlugosc geograficzna", "緯度", "経度", "纬度", "经度",
        "坐标", "位置",
    ),
    "ip_address": ("ip", "ip address", "ipaddr", "remote addr", "client ip", "ip adresse", "adresse ip", "direccion ip",
                   "endereco ip", "indirizzo ip", "ip adres", "adres ip", "ipアドレス", "ip地址"),  # fmt: skip
    "mac_address": ("mac", "mac address", "hw addr", "hwaddr", "bssid", "mac adresse", "adresse mac", "direccion mac",
                    "endereco mac", "indirizzo mac", "mac adres", "adres mac", "macアドレス", "mac地址"),  # fmt: skip
    "device_id": (
        "imei", "device id", "advertising id", "ad id", "adid", "idfa", "idfv", "gaid", "aaid", "maid",
        "werbe id", "identifiant publicitaire", "id publicidad", "id de publicidade", "id pubblicitario",
        "advertentie id", "identyfikator reklamowy", "広告id", "广告标识符", "设备id", "端末id",
    ),
    "date_of_birth": (
        "dob", "birth", "birthday", "birthdate", "date of birth", "born", "geburtsdatum", "geb datum", "geburtstag",
        "date de naissance", "date naissance", "naissance", "anniversaire", "fecha de nacimiento", "fecha nac",
        "nacimiento", "cumpleanos", "data de nascimento", "data nasc", "nascimento", "aniversario", "data di nascita",
        "data nascita", "compleanno", "geboortedatum", "geboren", "verjaardag", "data urodzenia", "urodziny",
        "生年月日", "誕生日", "出生日期", "生日", "出生年月", "geburts*", "geboorte*",
    ),
    "age": ("age", "age years", "alter", "age ans", "edad", "idade", "eta", "leeftijd", "wiek", "年齢", "年龄", "岁数"),
    "gender": ("gender", "sex", "geschlecht", "sexe", "genre", "civilite", "sexo", "genero", "sesso", "genere",
               "geslacht", "plec", "性別", "性别"),  # fmt: skip
    "occupation": (
        "occupation", "job", "job title", "profession", "position", "beruf", "tatigkeit", "berufsbezeichnung",
        "metier", "profesion", "ocupacion", "puesto", "profissao", "ocupacao", "cargo", "professione", "occupazione",
        "mansione", "beroep", "functie", "zawod", "stanowisko", "職業", "役職", "职业", "职位",
    ),
    "employer": ("employer", "employer name", "works at", "workplace", "arbeitgeber", "employeur", "empleador",
                 "empresa donde trabaja", "empregador", "datore di lavoro", "werkgever", "pracodawca", "勤務先",
                 "会社名", "工作单位", "雇主"),  # fmt: skip
    "national_id": (
        "ssn", "social security", "social security number", "national id", "national insurance", "nin", "nino",
        "id number", "identity number", "personal number", "personalausweis", "ausweisnummer", "steuer id",
        "identifikationsnummer", "sozialversicherungsnummer", "nir", "securite sociale", "dni", "nie",
        "documento de identidad", "cpf", "rg", "cartao cidadao", "codice fiscale", "cf", "bsn", "burgerservicenummer",
        "pesel", "dowod osobisty", "マイナンバー", "個人番号", "身份证", "身份证号", "身份证号码", "居民身份证",
    ),
    "tax_id": ("tax id", "tin", "itin", "tax number", "steuernummer", "steuer nr", "numero fiscal", "spi", "nif",
               "numero de identificacion fiscal", "numero de contribuinte", "nip", "fiscaal nummer", "partita iva",
               "納税者番号", "纳税人识别号", "税号"),  # fmt: skip
    "passport_number": ("passport", "passport number", "passport no", "reisepass", "reisepassnummer", "pass nr",
                        "passeport", "pasaporte", "passaporte", "passaporto", "paspoort", "paszport", "paszportu", "旅券",
                        "パスポート", "护照"),  # fmt: skip
    "driving_licence": ("driver license", "drivers license", "driving licence", "dl number", "fuhrerschein",
                        "permis de conduire", "permiso de conducir", "carnet de conducir", "cnh",
                        "carteira de motorista", "patente", "rijbewijs", "prawo jazdy", "prawa jazdy", "運転免許", "免許証",
                        "驾驶证", "驾照", "fuhrerschein*", "rijbewijs*"),  # fmt: skip
    "credit_card": (
        "card", "credit card", "card number", "cc", "ccnum", "cc number", "pan", "card no", "kreditkarte",
        "kartennummer", "karten nr", "karte", "carte", "carte bancaire", "numero de carte", "num carte", "tarjeta",
        "numero de tarjeta", "num tarjeta", "cartao", "cartao de credito", "num cartao", "carta", "carta di credito",
        "numero carta", "creditcard", "kaartnummer", "kaart", "karta", "karta kredytowa", "numer karty", "nr karty",
        "カード", "カード番号", "クレジットカード", "信用卡", "银行卡", "卡号", "kreditkarten*", "karten*",
    ),
    "iban": ("iban", "bank account", "account number", "bankverbindung", "kontonummer", "rib", "cuenta bancaria",
             "conta bancaria", "conto corrente", "rekeningnummer", "numer konta", "口座番号", "银行账号"),  # fmt: skip
    "user_agent": ("user agent", "useragent", "ua"),
    "health": (
        "diagnosis", "diagnosis code", "medical condition", "condition", "disease", "illness", "medication",
        "allergy", "icd", "icd code", "blood type", "blood group", "health", "diagnose", "krankheit", "blutgruppe",
        "diagnostic", "pathologie", "maladie", "groupe sanguin", "diagnostico", "enfermedad", "grupo sanguineo",
        "doenca", "tipo sanguineo", "diagnosi", "patologia", "malattia", "gruppo sanguigno", "aandoening", "ziekte",
        "bloedgroep", "diagnoza", "choroba", "grupa krwi", "病名", "診断", "血液型", "病歴", "诊断", "疾病", "血型", "病史",
    ),
    "religion": ("religion", "faith", "religious", "konfession", "religionszugehorigkeit", "confession", "religion",
                 "religiao", "religione", "religie", "geloof", "wyznanie", "religia", "宗教", "宗教信仰"),  # fmt: skip
    "ethnicity": ("ethnicity", "race", "ethnic", "ethnic origin", "ethnische herkunft", "origine ethnique", "etnia",
                  "origen etnico", "raca", "raca cor", "origine etnica", "etniciteit", "afkomst",
                  "pochodzenie etniczne", "民族"),  # fmt: skip
    "sexual_orientation": ("sexual orientation", "orientation", "sexuelle orientierung", "orientation sexuelle",
                           "orientacion sexual", "orientacao sexual", "orientamento sessuale",
                           "seksuele geaardheid", "orientacja seksualna", "性的指向", "性取向"),  # fmt: skip
    "political_opinion": ("political party", "party affiliation", "political", "politics", "partei",
                          "parteizugehorigkeit", "parti politique", "opinion politique", "partido politico",
                          "afiliacion politica", "partito politico", "politieke partij", "partijvoorkeur",
                          "partia polityczna", "poglady polityczne", "支持政党", "政治面貌", "党派"),  # fmt: skip
    "trade_union": ("union member", "trade union", "union", "gewerkschaft", "syndicat", "adherent syndical",
                    "sindicato", "afiliacion sindical", "filiacao sindical", "sindacato", "vakbond",
                    "zwiazek zawodowy", "労働組合", "工会", "gewerkschafts*", "vakbond*"),  # fmt: skip
    "biometric": ("fingerprint", "fingerprint template", "face embedding", "face template", "iris", "biometric",
                  "fingerabdruck", "empreinte digitale", "huella dactilar", "impressao digital", "biometria",
                  "impronta digitale", "vingerafdruk", "odcisk palca", "指紋", "指纹", "人脸"),  # fmt: skip
}  # fmt: skip

# words that make a personal-data hint about something else: a store's coordinates, a product's name
BUSINESS_CONTEXT = frozenset(
    "store shop warehouse branch depot office venue outlet site plant product item sku article company supplier "
    "vendor merchant brand manufacturer file host server event page table column campaign app category domain "
    "filiale laden lager geschaft produkt produktname artikel lieferant hersteller firma marke magasin boutique "
    "entrepot produit article fournisseur marque tienda almacen sucursal producto articulo proveedor marca loja "
    "armazem produto artigo fornecedor negozio magazzino prodotto articolo fornitore winkel magazijn vestiging "
    "leverancier sklep magazyn produkt dostawca towar resource relation schema model dataset database metric "
    "field attribute source target job pipeline task step feature".split()
) | {"店舗", "店", "商品", "仕入先", "倉庫", "门店", "仓库", "供应商", "产品"}
