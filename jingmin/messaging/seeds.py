"""Default audience tags and the shared template library (seeded by migration 0002; editable data)."""

TAGS = [
    ("village-chiefs", "村里長", "Village and neighbourhood chiefs"),
    ("building-committee", "大樓管委會", "Building committees"),
    ("security-guards", "保全", "Security guards"),
    ("watch-team", "守望相助隊", "Neighbourhood watch team"),
    ("civil-defence", "民防", "Civil defence"),
    ("volunteer-police", "義警", "Volunteer police"),
    ("residents", "居民", "Residents"),
    ("shops-banks", "超商與金融機構", "Convenience stores and banks"),
]

# (code, category, scam type, title, body) — placeholders: {station} is filled in automatically
TEMPLATES = [
    (
        "fraud-investment",
        "fraud",
        "假投資",
        "識詐提醒：假投資",
        "【{station}識詐提醒】最近出現假投資詐騙：保證獲利、老師帶單、要求下載不明App或匯款到個人帳戶，都是詐騙！"
        "投資前請先查證，有疑問撥打165反詐騙專線或洽{station}。",
    ),
    (
        "fraud-installment",
        "fraud",
        "解除分期付款",
        "識詐提醒：解除分期付款",
        "【{station}識詐提醒】自稱電商客服說「訂單誤設分期」、再由假銀行人員要您操作ATM或網銀「解除設定」，都是詐騙！"
        "ATM沒有解除分期功能。請掛斷電話撥打165查證。",
    ),
    (
        "fraud-officials",
        "fraud",
        "假檢警",
        "識詐提醒：假冒檢警",
        "【{station}識詐提醒】檢警不會用電話辦案、不會要求監管帳戶或交付現金與提款卡。接到自稱檢察官、警察的來電，請撥165或110查證。",
    ),
    (
        "fraud-romance",
        "fraud",
        "假交友",
        "識詐提醒：假交友",
        "【{station}識詐提醒】網路上認識、沒見過面就談感情，接著要您投資、借錢或代收包裹，就是假交友詐騙。請撥165查證。",
    ),
    (
        "fraud-job",
        "fraud",
        "假求職",
        "識詐提醒：假求職",
        "【{station}識詐提醒】「高薪輕鬆、免經驗」要您交出存摺、提款卡或帳戶密碼，帳戶會被詐騙集團拿去用，您也會觸法。請撥165查證。",
    ),
    (
        "missing-person",
        "missing",
        "",
        "協尋失蹤人口",
        "【{station}協尋】{name}，{age}歲，{description}，最後出現於{last_seen}（{date}）。"
        "如有看到請撥110或洽{station}，謝謝您的協助！",
    ),
    (
        "meeting-notice",
        "meeting",
        "",
        "社區治安會議通知",
        "【{station}】敬邀參加社區治安會議：主題「{topic}」，時間{date} {time}，地點{place}。歡迎提出您對社區治安的建議。",
    ),
]


def ensure_seeds(tag_model=None, template_model=None):
    """Create the default tags and shared templates that are missing (never changes edited ones)."""
    if tag_model is None or template_model is None:
        from jingmin.messaging.models import MessageTemplate, Tag

        tag_model, template_model = Tag, MessageTemplate
    for code, name, name_en in TAGS:
        tag_model.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    for code, category, scam_type, title, body in TEMPLATES:
        template_model.objects.get_or_create(
            code=code,
            unit=None,
            defaults={"category": category, "scam_type": scam_type, "title": title, "body": body},
        )


def ensure():
    """The default tags and message templates (run by ``jingmin seed`` and the demo; idempotent)."""
    ensure_seeds()
